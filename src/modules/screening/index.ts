/**
 * Watchlists and screening (the security side, behind 'screening.read' / 'screening.decide'): versioned imports of
 * the UN consolidated list and OFAC's SDN list, screening of registry persons against every active list (a list
 * update: against the entries it added or changed), and a review queue of candidate hits that an officer confirms or
 * dismisses with a reason; a pending hit whose entry a later release removes is withdrawn, with the reason.
 */
export { ScreeningService } from './screening.service';
export type { ImportInput, ImportResult, VersionView } from './screening.import';
export type {
  NewHit,
  ScreeningRunResult,
  ListUpdateRunResult,
  ScreenOptions,
  ScreenPhases,
} from './screening.runs';
export type { HitView } from './screening.review';
export { ScreeningHitsRecorded, WatchlistVersionImported, ScreeningHitDecided } from './screening.events';
export { screeningConsumers } from './screening.consumers';
export {
  parseList,
  parseUnConsolidated,
  parseOfacSdn,
  diffList,
  LIST_FORMATS,
  type ListFormat,
  type ParsedList,
  type WatchEntry,
  type ListStats,
} from './screening.lists';
export { SCREENING_RULES, HIT_STATUSES, type HitStatus, type PairEvidence, type ScreenPerson } from './screening.domain';
export { WatchlistIndex, PartSimilarities, preparePerson, type MatchStats } from './screening.matcher';
export type { ScreeningPersons } from './screening.ports';
