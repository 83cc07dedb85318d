import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import type { Actor } from '../access';
import type { AuditService } from '../audit';
import type { ScreeningPersons } from './screening.ports';
import { SCREENING_RULES, type HitStatus } from './screening.domain';
import { ScreeningImport, type ImportInput, type ImportResult, type VersionDetail, type VersionView } from './screening.import';
import type { WatchEntry } from './screening.lists';
import type { WatchlistIndex } from './screening.matcher';
import { releaseEntries } from './screening.repository';
import { ScreeningReview, type HitView } from './screening.review';
import { ScreeningRuns, type ComingOfAgeResult, type ListUpdateRunResult, type ScreenOptions, type ScreeningRunResult } from './screening.runs';

/**
 * Watchlists and screening: versioned imports of lists, the screening of registry persons against every active list
 * (on enrolment, on a change of the person, on every list update), and the review queue of hits that only a human
 * decides. Possible minors are screened only on an explicit request with a reason.
 *
 * The module's one entry point: each use case lives in its own file (`screening.import.ts`, `screening.runs.ts`,
 * `screening.review.ts`, where their rules are explained) and this class hands every call to it.
 */
export class ScreeningService {
  private readonly importer: ScreeningImport;
  private readonly runs: ScreeningRuns;
  private readonly review: ScreeningReview;

  constructor(
    db: Db,
    clock: Clock,
    ids: IdGenerator,
    audit: AuditService,
    outbox: Outbox,
    registry: ScreeningPersons,
    logger: Logger,
    threshold: number = SCREENING_RULES.threshold,
  ) {
    this.review = new ScreeningReview(db, clock, audit, outbox, registry);
    this.runs = new ScreeningRuns(db, clock, ids, audit, outbox, registry, logger, threshold, this.review);
    this.importer = new ScreeningImport(db, clock, ids, audit, outbox, this.runs);
  }

  /** Runs screening work after the current work, in the background; errors are logged, never thrown at the caller. */
  enqueue(label: string, work: () => Promise<unknown>): void {
    this.runs.enqueue(label, work);
  }

  /** Runs screening work one run at a time, after what is queued, returning its result (an outbox consumer). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.runs.exclusive(work);
  }

  /** Resolves when the background screening queued so far has finished (tests, CLI). */
  idle(): Promise<void> {
    return this.runs.idle();
  }

  // --- lists (screening.import.ts) -----------------------------------------------------------------------------------

  /** Imports a release of a list, all or nothing; screening against what it added or changed follows from its event. */
  importList(actor: Actor, input: ImportInput): Promise<ImportResult> {
    return this.importer.importList(actor, input);
  }

  /** A release headquarters imported, come down to this site: imported in the caller's transaction (sync). */
  importReleaseIn(tx: Db, actor: Actor, release: { source: string; generatedAt: string | null; entries: unknown[] }, label: string): Promise<string> {
    return this.importer.importReleaseIn(tx, actor, release, label);
  }

  /** What a version leaves on its list, as the sites are to receive it (headquarters, sync). */
  releaseForSites(tx: Db, versionId: string): Promise<{ source: string; generatedAt: string | null; entries: WatchEntry[] } | null> {
    return releaseEntries(tx, versionId);
  }

  versions(actor: Actor, source?: string): Promise<VersionView[]> {
    return this.importer.versions(actor, source);
  }

  /** One version with what it changed and how many pending hits its removals withdrew. */
  version(actor: Actor, id: string): Promise<VersionDetail> {
    return this.importer.version(actor, id);
  }

  // --- screening (screening.runs.ts) ---------------------------------------------------------------------------------

  /** The in-memory index of the active lists, rebuilt when a list changed. */
  currentIndex(): Promise<WatchlistIndex> {
    return this.runs.currentIndex();
  }

  /** Screens every registry person (possible minors skipped) against every entry of every active list. */
  screenAll(trigger: string, opts: ScreenOptions = {}): Promise<ScreeningRunResult> {
    return this.runs.screenAll(trigger, opts);
  }

  /** A list update's screening: the registry's adults against the entries of the versions not screened yet. */
  screenListUpdates(trigger: string, opts: ScreenOptions = {}): Promise<ListUpdateRunResult> {
    return this.runs.screenListUpdates(trigger, opts);
  }

  /** Screens the persons who have come of age since the registry was last screened against every entry. */
  screenComingOfAge(trigger = 'came_of_age'): Promise<ComingOfAgeResult> {
    return this.runs.screenComingOfAge(trigger);
  }

  /** Every `intervalMs`, screens who came of age (`screenComingOfAge`), queued behind other screening work. */
  startComingOfAgeScreening(intervalMs: number): void {
    this.runs.startComingOfAgeScreening(intervalMs);
  }

  stopComingOfAgeScreening(): void {
    this.runs.stopComingOfAgeScreening();
  }

  /** Screens these persons now; possible minors only with `includeMinors` (an explicit request). */
  screenPersons(personIds: string[], trigger: string, opts: ScreenOptions = {}, index?: WatchlistIndex): Promise<ScreeningRunResult> {
    return this.runs.screenPersons(personIds, trigger, opts, index);
  }

  /** An officer's explicit request to screen one person now, with a reason (audited); possible minors included. */
  requestScreening(actor: Actor, personId: string, reason: string): Promise<{ personId: string; minor: boolean; result: ScreeningRunResult; hits: HitView[] }> {
    return this.runs.requestScreening(actor, personId, reason);
  }

  // --- review queue (screening.review.ts) ----------------------------------------------------------------------------

  hits(actor: Actor, filter: { status?: HitStatus | readonly HitStatus[]; personId?: string; limit: number; offset: number }): Promise<HitView[]> {
    return this.review.hits(actor, filter);
  }

  hitsPage(
    actor: Actor,
    filter: { status?: HitStatus | readonly HitStatus[]; personId?: string; limit: number; offset: number },
  ): Promise<{ total: number; rows: HitView[] }> {
    return this.review.hitsPage(actor, filter);
  }

  hit(actor: Actor, id: string): Promise<HitView & { entryData: WatchEntry | null }> {
    return this.review.hit(actor, id);
  }

  /** An officer's decision on a pending hit, with a reason; audited in the same transaction. */
  decide(actor: Actor, id: string, decision: 'confirmed' | 'dismissed', reason: string): Promise<HitView> {
    return this.review.decide(actor, id, decision, reason);
  }
}
