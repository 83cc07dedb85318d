/**
 * Watchlists and screening (the security side, behind 'screening.read' / 'screening.decide'): versioned imports of
 * the UN consolidated list and OFAC's SDN list, screening of registry persons against every active list (a list
 * update: against the entries it added or changed), and a review queue of candidate hits that an officer confirms or
 * dismisses with a reason; a pending hit whose entry a later release removes is withdrawn, with the reason.
 */
export {
  ScreeningService,
  type ImportInput,
  type ImportResult,
  type VersionView,
  type HitView,
  type NewHit,
  type ScreeningRunResult,
  type ListUpdateRunResult,
  type ScreenOptions,
  type ScreenPhases,
} from './screening.service';
export { ScreeningHitsRecorded, WatchlistVersionImported } from './screening.events';
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
