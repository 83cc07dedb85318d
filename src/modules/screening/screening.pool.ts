/**
 * Worker threads that screen persons against their own copy of the watchlist index, so that a re-screen of the whole
 * registry uses every core; the main thread matches beside them (it takes back queued chunks), and reads the next
 * page of persons and records hits in between. Started for one
 * run and closed after it: a worker costs about a second and a half to start (the names module's tables, the index),
 * nothing next to a run over tens of thousands of persons, and nothing is left running between runs.
 */
import { WorkerPool } from '../../platform/worker-pool';
import type { PairEvidence, ScreenPerson } from './screening.domain';
import type { IndexedEntry, MatchStats } from './screening.matcher';

/** What a worker returns for a chunk of persons: the candidates by person position, the time of each person. */
export interface ChunkResult {
  candidates: { person: number; entryId: string; evidence: PairEvidence }[];
  /** Per person, milliseconds of matching (preparation of its names included). */
  ms: number[];
  stats: MatchStats;
}

export interface WorkerData {
  entries: readonly IndexedEntry[];
}

export interface SearchRequest {
  persons: ScreenPerson[];
  threshold: number;
}

export class MatcherPool {
  private constructor(private readonly pool: WorkerPool<SearchRequest, ChunkResult, WorkerData>) {}

  /** Starts `size` workers, each building the index of `entries`; rejects (and stops them) when one fails to start. */
  static async start(size: number, entries: readonly IndexedEntry[]): Promise<MatcherPool> {
    const pool = new WorkerPool<SearchRequest, ChunkResult, WorkerData>({
      entry: new URL('./screening.worker.ts', import.meta.url),
      size,
      data: { entries },
      name: 'screening',
      closedMessage: 'the screening pool is closed',
      // A worker that dies takes the pool with it: every job waiting is rejected (the caller screens them itself).
      onDeath: 'fail',
    });
    try {
      await pool.ready;
    } catch (err) {
      await pool.close();
      throw err;
    }
    return new MatcherPool(pool);
  }

  get size(): number {
    return this.pool.size;
  }

  /** Screens a chunk of persons on the next idle worker. */
  search(persons: ScreenPerson[], threshold: number): Promise<ChunkResult> {
    return this.pool.run({ persons, threshold });
  }

  /**
   * Takes back the last job still queued (none sent to a worker yet): the caller matches it itself and settles it,
   * so the main thread works through a page beside the workers instead of waiting for them.
   */
  steal(): { persons: ScreenPerson[]; resolve(r: ChunkResult): void; reject(e: unknown): void } | null {
    const job = this.pool.takeBack();
    return job && { persons: job.request.persons, resolve: job.resolve, reject: job.reject };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
