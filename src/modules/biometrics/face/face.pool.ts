/**
 * A small pool of worker threads, each running a face pipeline, so extraction uses every core. Requests queue in
 * arrival order and go to the first idle worker.
 */
import { Worker } from 'node:worker_threads';
import { DomainError, ValidationError, type ErrorKind } from '../../../platform/errors';
import type { CapturePurpose } from './face.domain';
import type { FaceCapture, PipelineOptions } from './face.pipeline';

export interface WorkerRequest {
  id: number;
  image: Uint8Array;
  purpose: CapturePurpose;
}

export type WorkerReply =
  | { id: number; ok: true; capture: FaceCapture }
  | { id: number; ok: false; error: { kind: ErrorKind | 'internal'; code: string; message: string; details?: unknown } };

type ReadyMessage = { ready: true } | { ready: false; error: string };

interface Job extends WorkerRequest {
  resolve(c: FaceCapture): void;
  reject(e: unknown): void;
}

// The worker body is TypeScript: load it as it is when the thread already understands .ts, else through tsx's loader.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  try {
    await import(workerData.entry);
  } catch (err) {
    if (err && (err.code === 'ERR_UNKNOWN_FILE_EXTENSION' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      const { register } = await import('tsx/esm/api');
      register();
      // A failed import stays cached under its URL: ask for it again under another one.
      await import(workerData.entry + '?via=tsx');
    } else {
      throw err;
    }
  }
})().catch((err) => {
  require('node:worker_threads').parentPort.postMessage({ ready: false, error: String(err && err.stack || err) });
});
`;

export class FaceWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private readonly started = new Set<Worker>();
  private readonly workers = new Set<Worker>();
  private readonly dead = new WeakSet<Worker>();
  private alive = 0;
  /** A worker that dies after it started is replaced, a bounded number of times (a crash loop should surface). */
  private respawnsLeft = 8;
  private nextId = 1;
  private closed = false;
  private readonly entry = new URL('./face.worker.ts', import.meta.url).href;
  readonly ready: Promise<void>;

  constructor(
    size: number,
    private readonly options: PipelineOptions,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a pool needs at least one worker');
    this.ready = Promise.all(Array.from({ length: size }, () => this.spawn())).then(() => undefined);
    // Callers see start-up failures through `ready` or their first job; never as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  private spawn(): Promise<void> {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: this.entry, options: this.options } });
    this.alive++;
    this.workers.add(worker);
    worker.on('error', (err) => this.onCrash(worker, err));
    worker.on('exit', (code) => this.onCrash(worker, new Error(`face worker exited with code ${code}`)));
    return new Promise<void>((resolve, reject) => {
      worker.once('message', (msg: ReadyMessage) => {
        if (msg.ready) {
          this.started.add(worker);
          worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
          this.idle.push(worker);
          this.pump();
          resolve();
        } else {
          reject(new Error(`face worker failed to start: ${msg.error}`));
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`face worker exited with code ${code} while starting`)));
    });
  }

  run(image: Uint8Array, purpose: CapturePurpose): Promise<FaceCapture> {
    if (this.closed) return Promise.reject(new Error('the face engine is closed'));
    return new Promise<FaceCapture>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, image, purpose, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the face engine is closed'));
    const all = [...this.workers];
    for (const job of this.busy.values()) job.reject(new Error('the face engine is closed'));
    this.busy.clear();
    this.idle.length = 0;
    this.workers.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      const req: WorkerRequest = { id: job.id, image: job.image, purpose: job.purpose };
      worker.postMessage(req);
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (!this.closed) this.idle.push(worker);
    if (job && job.id === reply.id) {
      if (reply.ok) job.resolve(reply.capture);
      else if (reply.error.kind === 'internal') job.reject(new Error(reply.error.message));
      else if (reply.error.kind === 'invalid') {
        job.reject(new ValidationError(reply.error.code, reply.error.message, reply.error.details));
      } else job.reject(new DomainError(reply.error.kind, reply.error.code, reply.error.message, reply.error.details));
    }
    this.pump();
  }

  private onCrash(worker: Worker, err: Error): void {
    if (this.closed || this.dead.has(worker)) return;
    this.dead.add(worker);
    this.workers.delete(worker);
    this.alive--;
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    job?.reject(err);
    void worker.terminate();
    if (this.started.has(worker) && this.respawnsLeft > 0) {
      this.respawnsLeft--;
      this.spawn().catch((e: unknown) => this.failQueueIfNoWorkers(e));
    } else {
      this.failQueueIfNoWorkers(err);
    }
  }

  private failQueueIfNoWorkers(err: unknown): void {
    if (this.alive > 0) return;
    for (const j of this.queue.splice(0)) j.reject(err);
  }
}
