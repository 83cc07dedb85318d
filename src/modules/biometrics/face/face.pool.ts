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
  private nextId = 1;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(size: number, options: PipelineOptions) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a pool needs at least one worker');
    const entry = new URL('./face.worker.ts', import.meta.url).href;
    const starting: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, options } });
      starting.push(
        new Promise<void>((resolve, reject) => {
          const onFirst = (msg: ReadyMessage) => {
            if (msg.ready) {
              worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
              this.idle.push(worker);
              this.pump();
              resolve();
            } else {
              reject(new Error(`face worker failed to start: ${msg.error}`));
            }
          };
          worker.once('message', onFirst);
          worker.once('error', reject);
        }),
      );
      worker.on('error', (err) => this.onCrash(worker, err));
      worker.on('exit', (code) => {
        if (!this.closed) this.onCrash(worker, new Error(`face worker exited with code ${code}`));
      });
    }
    this.ready = Promise.all(starting).then(() => undefined);
    // Callers see start-up failures through `ready` or their first job; never as an unhandled rejection.
    this.ready.catch(() => undefined);
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
    const all = [...this.idle, ...this.busy.keys()];
    for (const job of this.busy.values()) job.reject(new Error('the face engine is closed'));
    this.busy.clear();
    this.idle.length = 0;
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
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    job?.reject(err);
    if (this.idle.length === 0 && this.busy.size === 0) {
      for (const j of this.queue.splice(0)) j.reject(err);
    }
  }
}
