/**
 * Worker threads that screen persons against their own copy of the watchlist index, so that a re-screen of the whole
 * registry uses every core; the main thread matches beside them (it takes back queued chunks), and reads the next
 * page of persons and records hits in between. Started for one
 * run and closed after it: a worker costs about a second and a half to start (the names module's tables, the index),
 * nothing next to a run over tens of thousands of persons, and nothing is left running between runs.
 */
import { Worker } from 'node:worker_threads';
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
  entry: string;
}

export interface SearchRequest {
  id: number;
  persons: ScreenPerson[];
  threshold: number;
}

export type WorkerMessage =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; ok: true; result: ChunkResult }
  | { id: number; ok: false; error: string };

interface Job extends SearchRequest {
  resolve(r: ChunkResult): void;
  reject(e: unknown): void;
}

// The worker body is TypeScript: loaded as it is when the thread understands .ts, else through tsx's loader.
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  try {
    await import(workerData.entry);
  } catch (err) {
    if (err && (err.code === 'ERR_UNKNOWN_FILE_EXTENSION' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      const { register } = await import('tsx/esm/api');
      register();
      await import(workerData.entry + '?via=tsx');
    } else {
      throw err;
    }
  }
})().catch((err) => parentPort.postMessage({ ready: false, error: String((err && err.stack) || err) }));
`;

export class MatcherPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private readonly workers: Worker[] = [];
  private nextId = 1;
  private failure: Error | null = null;

  private constructor() {}

  /** Starts `size` workers, each building the index of `entries`; rejects (and stops them) when one fails to start. */
  static async start(size: number, entries: readonly IndexedEntry[]): Promise<MatcherPool> {
    const pool = new MatcherPool();
    const entry = new URL('./screening.worker.ts', import.meta.url).href;
    const data: WorkerData = { entries, entry };
    try {
      await Promise.all(Array.from({ length: size }, () => pool.spawn(data)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private spawn(data: WorkerData): Promise<void> {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data });
    this.workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.once('message', (msg: WorkerMessage) => {
        if ('ready' in msg && msg.ready) {
          worker.on('message', (reply: WorkerMessage) => this.onReply(worker, reply));
          worker.on('error', (err) => this.fail(err));
          worker.on('exit', (code) => this.fail(new Error(`screening worker exited with code ${code}`)));
          this.idle.push(worker);
          this.pump();
          resolve();
        } else {
          reject(new Error(`screening worker failed to start: ${'error' in msg ? msg.error : 'unknown'}`));
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`screening worker exited with code ${code} while starting`)));
    });
  }

  /** Screens a chunk of persons on the next idle worker. */
  search(persons: ScreenPerson[], threshold: number): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<ChunkResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, persons, threshold, resolve, reject });
      this.pump();
    });
  }

  /**
   * Takes back the last job still queued (none sent to a worker yet): the caller matches it itself and settles it,
   * so the main thread works through a page beside the workers instead of waiting for them.
   */
  steal(): { persons: ScreenPerson[]; resolve(r: ChunkResult): void; reject(e: unknown): void } | null {
    return this.queue.pop() ?? null;
  }

  async close(): Promise<void> {
    this.fail(new Error('the screening pool is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      const req: SearchRequest = { id: job.id, persons: job.persons, threshold: job.threshold };
      worker.postMessage(req);
    }
  }

  private onReply(worker: Worker, reply: WorkerMessage): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (this.failure === null) this.idle.push(worker);
    if (job && 'id' in reply && job.id === reply.id) {
      if (reply.ok) job.resolve(reply.result);
      else job.reject(new Error(reply.error));
    }
    this.pump();
  }

  /** A worker that dies takes the pool with it: every job waiting is rejected (the caller screens them itself). */
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const job of this.busy.values()) job.reject(err);
    this.busy.clear();
    for (const job of this.queue.splice(0)) job.reject(err);
    this.idle.length = 0;
  }
}
