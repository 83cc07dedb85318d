import { availableParallelism } from 'node:os';
import { UUID_PATTERN } from '../../platform/ids';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import { possiblyMinor } from '../registry';
import type { ScreeningPersons } from './screening.ports';
import { ScreeningHitsRecorded } from './screening.events';
import { adultCutoff, candidateAction, personScreenHash, type HitStatus, type ScreenPerson } from './screening.domain';
import { preparePerson, WatchlistIndex, type Candidate, type MatchStats } from './screening.matcher';
import { MatcherPool, type ChunkResult } from './screening.pool';
import {
  activeEntries,
  insertHits,
  insertRequest,
  latestHits,
  listsStamp,
  loadScreenPersons,
  markVersionsScreened,
  personsBornBetween,
  screenPersonsPage,
  shareSourceLocks,
  stillActiveEntryIds,
  unscreenedVersions,
  updateHit,
} from './screening.repository';
import type { HitView, ScreeningReview } from './screening.review';
import type { ScreeningRunResponse } from './screening.dto';

export type ScreeningRunResult = z.output<typeof ScreeningRunResponse>;

/**
 * A list update's screening: the registry's adults against the entries added or changed by the versions not screened
 * yet (`versions`; `entries` of them still on a list), and the persons who came of age since the last screening
 * against every entry, against all of them (`cameOfAge`).
 */
export interface ListUpdateRunResult extends ScreeningRunResult {
  versions: string[];
  entries: number;
  cameOfAge: { screened: number; candidates: number; newHits: number };
}

/** What a coming-of-age run did: the persons born in (bornAfter, bornUpTo] screened, or a pending list update run. */
export interface ComingOfAgeResult {
  screened: number;
  candidates: number;
  newHits: number;
  bornAfter: string | null;
  bornUpTo: string | null;
  /** true when a list update was waiting to be screened and was run instead (it screens them too) */
  listUpdate: boolean;
}

export interface NewHit {
  hitId: string;
  personId: string;
  entryId: string;
  source: string;
  ref: string;
  trigger: string;
}

export interface ScreenOptions {
  /** Screen possible minors too: only for an explicit, reasoned request. */
  includeMinors?: boolean;
  /** Per person matching time in milliseconds (benchmarks). */
  onPerson?: (ms: number) => void;
  stats?: MatchStats;
  /**
   * Seconds the main thread spent reading persons, matching (preparing their names included; with workers, waiting
   * for them) and recording hits (benchmarks). With workers these overlap: the next page is read and the previous
   * one recorded while the workers match.
   */
  phases?: ScreenPhases;
  pageSize?: number;
  /**
   * Worker threads for a re-screen of the whole registry, beside the main thread. Default: `CUSTOS_SCREENING_WORKERS`,
   * else none below 4 cores and one per core but one (up to 3) from 4, and only when the registry has at least a page
   * of persons; 0 matches on the main thread alone. Given explicitly, workers are used whatever the registry's size
   * (tests, benchmarks).
   */
  workers?: number;
  /** Persons per chunk handed to a worker (default 250; tests make it small to exercise the sharing). */
  chunkSize?: number;
}

/**
 * Worker threads by default: none below 4 cores, else one per core but one (the main thread matches too), up to 3.
 * On the 2-core machine of docs/benchmarks.md, shared with other work, a worker beside the main thread made a
 * re-screen slower (about 21 s against 18 s, 3.5 s more CPU: its own index, its own JIT warm-up), so small machines
 * match on the main thread. `CUSTOS_SCREENING_WORKERS` decides when set.
 */
function defaultWorkers(): number {
  const env = process.env.CUSTOS_SCREENING_WORKERS;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n > 0 ? Math.min(n, 16) : 0;
  }
  const cores = availableParallelism();
  return cores >= 4 ? Math.min(cores - 1, 3) : 0;
}

/** A run over fewer persons matches on the main thread: starting workers would cost more than they save. */
const MIN_PERSONS_FOR_WORKERS = 2000;
/** Persons per message to a worker: small enough to share a page evenly, large enough to keep messages few. */
const CHUNK = 250;

interface Matched {
  screened: number;
  found: { person: ScreenPerson; personHash: string; candidates: Candidate[] }[];
}

export interface ScreenPhases {
  load: number;
  match: number;
  record: number;
  /** Worker threads that matched (0: all on the main thread). */
  workers?: number;
}

const SCREENER = systemActor('watchlist screening');

/**
 * Screening runs: the registry's persons against the active lists (all of them, a list update's entries, who came of
 * age, chosen persons), on the main thread or worker threads, and the recording of the hits they find. Runs in the
 * background are queued one after the other; new hits are told as `screening.hits_recorded@1` in their transaction.
 */
export class ScreeningRuns {
  private index: { stamp: string; index: WatchlistIndex } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private comingOfAgeTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: ScreeningPersons,
    private readonly logger: Logger,
    private readonly threshold: number,
    private readonly review: ScreeningReview,
  ) {}

  /** Runs screening work after the current work, in the background; errors are logged, never thrown at the caller. */
  enqueue(label: string, work: () => Promise<unknown>): void {
    this.exclusive(work).catch((err) => this.logger.error({ err, work: label }, 'screening work failed'));
  }

  /**
   * Runs screening work after the work queued before it, one run at a time (two runs recording hits for the same pair
   * at once could both record it), and returns its result or error to the caller (an outbox consumer).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the background screening queued so far has finished (tests, CLI). */
  async idle(): Promise<void> {
    let last: Promise<unknown>;
    do {
      last = this.queue;
      await last;
    } while (last !== this.queue);
  }
  /** Forgets the index of the active lists: the next run rebuilds it (a list was imported). */
  dropIndex(): void {
    this.index = null;
  }

  /** The in-memory index of the active lists, rebuilt when a list changed. */
  async currentIndex(): Promise<WatchlistIndex> {
    return (await this.loadIndex()).index;
  }

  /** The index with its stamp: the ids of the versions it was built after (comma-separated). */
  private async loadIndex(): Promise<{ stamp: string; index: WatchlistIndex }> {
    const stamp = await listsStamp(this.db);
    if (this.index?.stamp === stamp) return this.index;
    const entries = await activeEntries(this.db);
    this.index = { stamp, index: new WatchlistIndex(entries.map((e) => ({ id: e.id, source: e.source, screenHash: e.screenHash, entry: e.data }))) };
    return this.index;
  }

  /**
   * Screens every registry person (possible minors skipped) against every entry of every active list: the full
   * re-screen (`custos screen`), for when the rules or the matcher changed. Records that every version's entries were
   * screened as of its start.
   */
  async screenAll(trigger: string, opts: ScreenOptions = {}): Promise<ScreeningRunResult> {
    const { stamp, index } = await this.loadIndex();
    const asOf = this.clock.now();
    const total = await this.screenRegistry(index, trigger, asOf, opts);
    await this.db.transaction(async (tx) => {
      await markVersionsScreened(tx, stamp === '' ? [] : stamp.split(','), asOf);
      if (index.entries.length > 0) {
        await this.audit.record(tx, SCREENER, {
          action: 'screening.run',
          subjectType: 'screening',
          details: { ...total, scope: 'all entries', entries: index.entries.length },
        });
      }
    });
    return total;
  }

  /**
   * A list update's screening: the registry's adults against only the entries added or changed by the versions not
   * screened yet (the pairs with unchanged entries were screened before and have not changed: a person who changes is
   * screened again against everything, on its own). The matcher's result for an entry does not depend on the other
   * entries of its index (blocking and bounds work name by name), so a run against these entries finds exactly the
   * pairs a full re-screen would find with them (`screening.matcher.test.ts` checks it). Persons who came of age since
   * the last screening against every entry were skipped then as possible minors: they are screened against all
   * entries. A version whose run never finished (the process stopped) stays unscreened and is taken by the next run.
   */
  async screenListUpdates(trigger: string, opts: ScreenOptions = {}): Promise<ListUpdateRunResult> {
    const pending = await unscreenedVersions(this.db);
    const result: ListUpdateRunResult = {
      trigger,
      screened: 0,
      skippedMinors: 0,
      candidates: 0,
      newHits: 0,
      refreshedHits: 0,
      versions: pending.versionIds,
      entries: 0,
      cameOfAge: { screened: 0, candidates: 0, newHits: 0 },
    };
    if (pending.versionIds.length === 0) return result;
    const asOf = this.clock.now();
    const entries = await activeEntries(this.db, pending.entryIds);
    // the process's memory of part similarities is shared with the full index: a re-screen reuses what this compared
    const index = new WatchlistIndex(entries.map((e) => ({ id: e.id, source: e.source, screenHash: e.screenHash, entry: e.data })));
    result.entries = index.entries.length;
    Object.assign(result, await this.screenRegistry(index, trigger, asOf, opts));
    if (pending.lastScreenedAsOf !== null) {
      const cameOfAge = await personsBornBetween(this.db, adultCutoff(pending.lastScreenedAsOf), adultCutoff(asOf));
      if (cameOfAge.length > 0) {
        const r = await this.screenPersons(cameOfAge, 'came_of_age', {}, await this.currentIndex());
        result.cameOfAge = { screened: r.screened, candidates: r.candidates, newHits: r.newHits };
      }
    }
    await this.db.transaction(async (tx) => {
      await markVersionsScreened(tx, pending.versionIds, asOf);
      await this.audit.record(tx, SCREENER, {
        action: 'screening.run',
        subjectType: 'screening',
        details: { ...result, scope: 'entries added or changed' },
      });
    });
    return result;
  }

  /**
   * Screens the persons who have come of age since the registry was last screened against every entry, against every
   * active entry. Every automatic run skips possible minors, so without this a person turning 18 would wait for the
   * next list update to be screened at all. A list update not screened yet is screened instead (its run covers them).
   * `serve` schedules it (`startComingOfAgeScreening`); `custos screen --came-of-age` runs it once.
   */
  async screenComingOfAge(trigger = 'came_of_age'): Promise<ComingOfAgeResult> {
    const pending = await unscreenedVersions(this.db);
    if (pending.versionIds.length > 0) {
      const r = await this.screenListUpdates(trigger);
      return { ...r.cameOfAge, bornAfter: null, bornUpTo: null, listUpdate: true };
    }
    const nothing: ComingOfAgeResult = { screened: 0, candidates: 0, newHits: 0, bornAfter: null, bornUpTo: null, listUpdate: false };
    // no list screened yet: the first import screens every adult
    if (pending.lastScreenedAsOf === null) return nothing;
    const asOf = this.clock.now();
    const bornAfter = adultCutoff(pending.lastScreenedAsOf);
    const bornUpTo = adultCutoff(asOf);
    if (bornAfter >= bornUpTo) return { ...nothing, bornAfter, bornUpTo };
    const { stamp, index } = await this.loadIndex();
    const ids = await personsBornBetween(this.db, bornAfter, bornUpTo);
    const r = ids.length > 0 ? await this.screenPersons(ids, trigger, {}, index) : { screened: 0, candidates: 0, newHits: 0 };
    const result: ComingOfAgeResult = { screened: r.screened, candidates: r.candidates, newHits: r.newHits, bornAfter, bornUpTo, listUpdate: false };
    await this.db.transaction(async (tx) => {
      // every adult as of `asOf` has now been screened against every version's entries
      await markVersionsScreened(tx, stamp === '' ? [] : stamp.split(','), asOf);
      await this.audit.record(tx, SCREENER, { action: 'screening.run', subjectType: 'screening', details: { trigger, scope: 'came of age', ...result } });
    });
    return result;
  }

  /** Every `intervalMs`, screens who came of age (`screenComingOfAge`), queued behind other screening work. */
  startComingOfAgeScreening(intervalMs: number): void {
    this.stopComingOfAgeScreening();
    const run = () => this.enqueue('came of age', () => this.screenComingOfAge());
    run();
    this.comingOfAgeTimer = setInterval(run, intervalMs);
    this.comingOfAgeTimer.unref();
  }

  stopComingOfAgeScreening(): void {
    if (this.comingOfAgeTimer !== null) clearInterval(this.comingOfAgeTimer);
    this.comingOfAgeTimer = null;
  }

  /**
   * Screens every registry person (possible minors at `asOf` skipped) against this index, page by page. On a large
   * registry, worker threads match while the main thread reads the next page and records the hits of the previous
   * one (the first page is matched here while the workers start); a pool that fails leaves its work to this thread.
   */
  private async screenRegistry(index: WatchlistIndex, trigger: string, asOf: Date, opts: ScreenOptions): Promise<ScreeningRunResult> {
    const total: ScreeningRunResult = { trigger, screened: 0, skippedMinors: 0, candidates: 0, newHits: 0, refreshedHits: 0 };
    if (index.entries.length === 0) return total;
    const pageSize = opts.pageSize ?? 2000;
    const wanted = opts.workers ?? defaultWorkers();
    const forced = opts.workers !== undefined && opts.workers > 0;
    let pool: Promise<MatcherPool | null> | null = null;
    const now = asOf;
    try {
      let after: string | null = null;
      let previous: Promise<Matched> | null = null;
      for (;;) {
        let t0 = performance.now();
        const page = await screenPersonsPage(this.db, after, pageSize);
        if (opts.phases) opts.phases.load += (performance.now() - t0) / 1000;
        let current: Promise<Matched> | null = null;
        if (page.last !== null) {
          after = page.last;
          const adults = page.persons.filter((p) => !possiblyMinor({ birthTo: p.birthTo }, now));
          total.skippedMinors += page.persons.length - adults.length;
          if (pool === null && wanted > 0 && (forced || page.persons.length >= MIN_PERSONS_FOR_WORKERS)) {
            pool = MatcherPool.start(wanted, index.entries).catch((err: unknown) => {
              this.logger.warn({ err }, 'screening workers did not start: matching on the main thread');
              return null;
            });
          }
          const starting = pool;
          current =
            starting !== null && (previous !== null || forced)
              ? starting.then((p) => (p ? this.matchOnPool(p, adults, index, opts) : this.matchHere(adults, index, opts)))
              : Promise.resolve(this.timed(opts, () => this.matchHere(adults, index, opts)));
          // a failed promise is awaited below; never reported as unhandled meanwhile
          current.catch(() => undefined);
        }
        if (previous !== null) {
          t0 = performance.now();
          const matched = await previous;
          if (opts.phases) opts.phases.match += (performance.now() - t0) / 1000;
          t0 = performance.now();
          const r = await this.recordMatched(matched, trigger);
          if (opts.phases) opts.phases.record += (performance.now() - t0) / 1000;
          total.screened += r.screened;
          total.candidates += r.candidates;
          total.newHits += r.newHits;
          total.refreshedHits += r.refreshedHits;
        }
        if (current === null) break;
        previous = current;
      }
    } finally {
      if (pool !== null) await (await pool)?.close();
    }
    return total;
  }

  /** Screens these persons now; possible minors only with `includeMinors` (an explicit request). */
  async screenPersons(personIds: string[], trigger: string, opts: ScreenOptions = {}, index?: WatchlistIndex): Promise<ScreeningRunResult> {
    const idx = index ?? (await this.currentIndex());
    const result: ScreeningRunResult = { trigger, screened: 0, skippedMinors: 0, candidates: 0, newHits: 0, refreshedHits: 0 };
    if (idx.entries.length === 0 || personIds.length === 0) return result;
    let t0 = performance.now();
    const persons = await loadScreenPersons(this.db, personIds);
    if (opts.phases) opts.phases.load += (performance.now() - t0) / 1000;
    const now = this.clock.now();
    const chosen = opts.includeMinors ? persons : persons.filter((p) => !possiblyMinor({ birthTo: p.birthTo }, now));
    result.skippedMinors = persons.length - chosen.length;
    const matched = this.timed(opts, () => this.matchHere(chosen, idx, opts));
    t0 = performance.now();
    const r = await this.recordMatched(matched, trigger);
    if (opts.phases) opts.phases.record += (performance.now() - t0) / 1000;
    return { ...r, skippedMinors: result.skippedMinors };
  }

  /** Runs matching on this thread, its time counted as the match phase. */
  private timed(opts: ScreenOptions, work: () => Matched): Matched {
    const t0 = performance.now();
    const m = work();
    if (opts.phases) opts.phases.match += (performance.now() - t0) / 1000;
    return m;
  }

  /** Matches persons on this thread. */
  private matchHere(persons: ScreenPerson[], idx: WatchlistIndex, opts: ScreenOptions): Matched {
    const found: Matched['found'] = [];
    for (const person of persons) {
      const t = performance.now();
      const candidates = idx.search(preparePerson(person), { threshold: this.threshold }, opts.stats);
      opts.onPerson?.(performance.now() - t);
      if (candidates.length) found.push({ person, personHash: personScreenHash(person), candidates });
    }
    return { screened: persons.length, found };
  }

  /** Matches persons on the workers, a chunk each; a chunk a failed worker leaves is matched on this thread. */
  private async matchOnPool(pool: MatcherPool, persons: ScreenPerson[], idx: WatchlistIndex, opts: ScreenOptions): Promise<Matched> {
    if (opts.phases) opts.phases.workers = pool.size;
    const chunks: ScreenPerson[][] = [];
    const size = opts.chunkSize ?? CHUNK;
    for (let i = 0; i < persons.length; i += size) chunks.push(persons.slice(i, i + size));
    const pending = Promise.all(
      chunks.map((chunk) =>
        pool.search(chunk, this.threshold).then(
          (r) => ({ chunk, r, here: null }),
          (err: unknown) => {
            this.logger.warn({ err }, 'a screening worker failed: matching its persons on the main thread');
            return { chunk, r: null, here: this.matchHere(chunk, idx, opts) };
          },
        ),
      ),
    );
    // this thread takes queued chunks back and matches them too, yielding between them so that the workers' replies
    // are read (and they are sent the next chunk) and the next page is read meanwhile
    for (let job = pool.steal(); job !== null; job = pool.steal()) {
      const result: ChunkResult = { candidates: [], ms: [], stats: { blocked: 0, compared: 0 } };
      job.persons.forEach((person, i) => {
        const t = performance.now();
        const found = idx.search(preparePerson(person), { threshold: this.threshold }, result.stats);
        result.ms.push(performance.now() - t);
        for (const c of found) result.candidates.push({ person: i, entryId: c.entry.id, evidence: c.evidence });
      });
      job.resolve(result);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const results = await pending;
    const found: Matched['found'] = [];
    for (const { chunk, r, here } of results) {
      if (here) {
        found.push(...here.found);
        continue;
      }
      for (const ms of r!.ms) opts.onPerson?.(ms);
      if (opts.stats) {
        opts.stats.blocked += r!.stats.blocked;
        opts.stats.compared += r!.stats.compared;
      }
      const byPerson = new Map<number, Candidate[]>();
      for (const c of r!.candidates) {
        const entry = idx.entryById(c.entryId);
        if (!entry) continue;
        let list = byPerson.get(c.person);
        if (!list) byPerson.set(c.person, (list = []));
        list.push({ entry, evidence: c.evidence });
      }
      for (const [i, candidates] of byPerson) found.push({ person: chunk[i]!, personHash: personScreenHash(chunk[i]!), candidates });
    }
    return { screened: persons.length, found };
  }

  private async recordMatched(matched: Matched, trigger: string): Promise<ScreeningRunResult> {
    const result: ScreeningRunResult = { trigger, screened: matched.screened, skippedMinors: 0, candidates: 0, newHits: 0, refreshedHits: 0 };
    await this.recordCandidates(matched.found, trigger, result);
    return result;
  }

  private async recordCandidates(
    found: { person: ScreenPerson; personHash: string; candidates: Candidate[] }[],
    trigger: string,
    result: ScreeningRunResult,
    tx0?: Db,
  ): Promise<NewHit[]> {
    if (found.length === 0) return [];
    const created: NewHit[] = [];
    const work = async (tx: Db) => {
      // an import that removes one of these entries meanwhile either waits for this to commit (and withdraws what it
      // records) or has committed: its entries are then left out, so no pending hit is left against an unlisted entry
      await shareSourceLocks(
        tx,
        found.flatMap((f) => f.candidates.map((c) => c.entry.source)),
      );
      const listed = await stillActiveEntryIds(tx, [...new Set(found.flatMap((f) => f.candidates.map((c) => c.entry.id)))]);
      const pairs = found.flatMap((f) => f.candidates.filter((c) => listed.has(c.entry.id)).map((c) => ({ personId: f.person.id, entryId: c.entry.id })));
      const previous = await latestHits(tx, pairs);
      const now = this.clock.now();
      const inserts: Parameters<typeof insertHits>[1] = [];
      for (const f of found) {
        for (const c of f.candidates) {
          if (!listed.has(c.entry.id)) continue;
          result.candidates++;
          const prev = previous.get(`${f.person.id}|${c.entry.id}`) ?? null;
          const action = candidateAction(
            prev ? { status: prev.status as HitStatus, personHash: prev.personHash, entryHash: prev.entryHash } : null,
            f.personHash,
            c.entry.screenHash,
          );
          if (action === 'keep') continue;
          if (action === 'refresh') {
            result.refreshedHits++;
            await updateHit(tx, prev!.id, {
              evidence: c.evidence,
              strength: c.evidence.strength,
              personHash: f.personHash,
              entryHash: c.entry.screenHash,
              updatedAt: now,
            });
            continue;
          }
          const id = this.ids.next();
          inserts.push({
            id,
            personId: f.person.id,
            entryId: c.entry.id,
            source: c.entry.source,
            ref: c.entry.entry.ref,
            status: 'pending',
            strength: c.evidence.strength,
            evidence: c.evidence,
            personHash: f.personHash,
            entryHash: c.entry.screenHash,
            trigger,
            createdAt: now,
            updatedAt: now,
          });
          created.push({ hitId: id, personId: f.person.id, entryId: c.entry.id, source: c.entry.source, ref: c.entry.entry.ref, trigger });
        }
      }
      await insertHits(tx, inserts);
      await this.audit.record(
        tx,
        SCREENER,
        created.map((h) => ({
          action: 'screening.hit_raised',
          subjectType: 'person',
          subjectId: h.personId,
          details: { hitId: h.hitId, source: h.source, ref: h.ref, trigger },
        })),
      );
      if (created.length > 0) {
        this.outbox.emit(tx, ScreeningHitsRecorded, { hits: created }, { subjects: { personIds: created.map((h) => h.personId) } });
      }
    };
    if (tx0) await work(tx0);
    else await this.outbox.transaction(work);
    result.newHits += created.length;
    return created;
  }

  /**
   * An officer's explicit request to screen one person now, with a reason (audited). The only way a possible minor is
   * screened. Returns the person's hits after screening.
   */
  async requestScreening(
    actor: Actor,
    personId: string,
    reason: string,
  ): Promise<{ personId: string; minor: boolean; result: ScreeningRunResult; hits: HitView[] }> {
    requirePermission(actor, 'screening.decide');
    const why = reason?.trim();
    if (!why || why.length < 3) throw new ValidationError('screening.reason_required', 'Say why this person is screened (a reason of at least 3 characters)');
    if (!UUID_PATTERN.test(personId)) throw new ValidationError('screening.bad_person_id', `${JSON.stringify(personId)} is not a person id`);
    const index = await this.currentIndex();
    const result: ScreeningRunResult = { trigger: 'request', screened: 0, skippedMinors: 0, candidates: 0, newHits: 0, refreshedHits: 0 };
    let minor = false;
    await this.outbox.transaction(async (tx) => {
      const view = await this.registry.loadInScope(tx, actor, personId);
      minor = view.possiblyMinor;
      const [person] = await loadScreenPersons(tx, [personId]);
      const found: { person: ScreenPerson; personHash: string; candidates: Candidate[] }[] = [];
      if (person && index.entries.length > 0) {
        const candidates = index.search(preparePerson(person), { threshold: this.threshold });
        result.screened = 1;
        if (candidates.length) found.push({ person, personHash: personScreenHash(person), candidates });
      }
      await this.recordCandidates(found, `request:${actor.username}`, result, tx);
      await insertRequest(tx, {
        id: this.ids.next(),
        personId,
        requestedAt: this.clock.now(),
        requestedBy: actor.userId,
        requestedByUsername: actor.username,
        reason: why,
        minor,
        hits: result.candidates,
      });
      await this.audit.record(tx, actor, {
        action: 'screening.request',
        subjectType: 'person',
        subjectId: personId,
        details: { reason: why, possiblyMinor: minor, candidates: result.candidates, newHits: result.newHits },
      });
    });
    return { personId, minor, result, hits: await this.review.hits(actor, { personId, limit: 200, offset: 0 }) };
  }
}
