/**
 * A pool of worker threads running one TypeScript module each: the bootstrap that loads the module (through tsx's
 * loader when the thread does not understand .ts), a ready handshake, a queue of requests served by the first idle
 * worker in arrival order, what happens when a worker dies, and close. It knows nothing of what the workers compute:
 * the module that owns a worker gives the request and result types and how its errors travel as data.
 *
 * The worker side is `serveWorker` (below): the worker module calls it once with a setup function that receives the
 * pool's `data` and returns the handler of one request.
 */
import { parentPort, Worker, workerData, type Transferable } from 'node:worker_threads';

/** What the pool sends: one request, with the id its reply carries. */
export interface PoolRequest<Req> {
  id: number;
  request: Req;
}

/** What a worker sends: first whether it started, then one reply per request. */
export type PoolMessage<Res> =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; ok: true; result: Res }
  | { id: number; ok: false; error: unknown };

/** A queued request the caller took back (`takeBack`): it computes the result itself and settles it. */
export interface TakenJob<Req, Res> {
  request: Req;
  resolve(result: Res): void;
  reject(err: unknown): void;
}

export interface WorkerPoolOptions<Data> {
  /** The worker module (a file URL), which calls `serveWorker`. */
  entry: URL | string;
  /** Workers to start (at least one). */
  size: number;
  /** Given to the worker's setup function (structured-cloned into each thread). */
  data: Data;
  /** Names the workers in errors: "<name> worker exited with code 1". */
  name: string;
  /** The error of a request made after close, and of the requests close leaves unanswered. */
  closedMessage: string;
  /**
   * When a started worker dies: `{ respawn: n }` fails the request it was serving and replaces it, at most n times over
   * the pool's life (a crash loop should surface); `'fail'` fails every request waiting and every later one, so the
   * caller falls back on its own.
   */
  onDeath: { respawn: number } | 'fail';
  /** Rebuilds the error a worker sent as data (default: an Error with its text). */
  decodeError?: (error: unknown) => Error;
}

interface Job<Req, Res> extends TakenJob<Req, Res> {
  id: number;
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
      // A failed import stays cached under its URL: ask for it again under another one.
      await import(workerData.entry + '?via=tsx');
    } else {
      throw err;
    }
  }
})().catch((err) => parentPort.postMessage({ ready: false, error: String((err && err.stack) || err) }));
`;

export class WorkerPool<Req, Res, Data = unknown> {
  /** Resolves when every first worker has started; rejects with the first that did not. */
  readonly ready: Promise<void>;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job<Req, Res>>();
  private readonly queue: Job<Req, Res>[] = [];
  private readonly started = new Set<Worker>();
  private readonly workers = new Set<Worker>();
  private readonly dead = new WeakSet<Worker>();
  private alive = 0;
  private respawnsLeft: number;
  private nextId = 1;
  /** Set by close, or by a worker's death under `onDeath: 'fail'`: every request from then on fails with it. */
  private stopped: Error | null = null;
  private closed = false;

  constructor(private readonly opts: WorkerPoolOptions<Data>) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new RangeError('a pool needs at least one worker');
    this.respawnsLeft = opts.onDeath === 'fail' ? 0 : opts.onDeath.respawn;
    this.ready = Promise.all(Array.from({ length: opts.size }, () => this.spawn())).then(() => undefined);
    // Callers see start-up failures through `ready` or their first request; never as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The workers the pool was started with. */
  get size(): number {
    return this.opts.size;
  }

  /** Runs a request on the next idle worker (queued until one is). */
  run(request: Req): Promise<Res> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, resolve, reject });
      this.pump();
    });
  }

  /** Takes back the request queued last that no worker has yet, or null when none waits. */
  takeBack(): TakenJob<Req, Res> | null {
    return this.queue.pop() ?? null;
  }

  /** Fails what is queued or running with `closedMessage` and stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    this.stop(new Error(this.opts.closedMessage));
    const all = [...this.workers];
    this.workers.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private spawn(): Promise<void> {
    const { name } = this.opts;
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: String(this.opts.entry), data: this.opts.data } });
    this.alive++;
    this.workers.add(worker);
    worker.on('error', (err) => this.onDeath(worker, err));
    worker.on('exit', (code) => this.onDeath(worker, new Error(`${name} worker exited with code ${code}`)));
    return new Promise<void>((resolve, reject) => {
      worker.once('message', (msg: PoolMessage<Res>) => {
        if ('ready' in msg && msg.ready) {
          this.started.add(worker);
          worker.on('message', (reply: PoolMessage<Res>) => this.onReply(worker, reply));
          if (this.stopped === null) this.idle.push(worker);
          this.pump();
          resolve();
        } else {
          reject(new Error(`${name} worker failed to start: ${'error' in msg ? String(msg.error) : 'unknown'}`));
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${name} worker exited with code ${code} while starting`)));
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      const message: PoolRequest<Req> = { id: job.id, request: job.request };
      worker.postMessage(message);
    }
  }

  private onReply(worker: Worker, reply: PoolMessage<Res>): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (this.stopped === null) this.idle.push(worker);
    if (job && 'id' in reply && job.id === reply.id) {
      if (reply.ok) job.resolve(reply.result);
      else job.reject(this.opts.decodeError ? this.opts.decodeError(reply.error) : new Error(String(reply.error)));
    }
    this.pump();
  }

  private onDeath(worker: Worker, err: Error): void {
    if (this.closed || this.dead.has(worker)) return;
    this.dead.add(worker);
    this.workers.delete(worker);
    this.alive--;
    if (this.opts.onDeath === 'fail' && this.started.has(worker)) {
      this.stop(err);
      return;
    }
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

  /** Fails every request running or waiting, and every later one, with `err`. */
  private stop(err: Error): void {
    if (this.stopped) return;
    this.stopped = err;
    for (const job of this.busy.values()) job.reject(err);
    this.busy.clear();
    for (const job of this.queue.splice(0)) job.reject(err);
    this.idle.length = 0;
  }

  private failQueueIfNoWorkers(err: unknown): void {
    if (this.alive > 0) return;
    for (const job of this.queue.splice(0)) job.reject(err);
  }
}

export interface ServeOptions<Res> {
  /** Objects to move rather than copy to the main thread with a result (e.g. its typed arrays' buffers). */
  transfer?: (result: Res) => Transferable[];
  /** Turns an error of the handler into data the pool's `decodeError` rebuilds (default: its stack as text). */
  encodeError?: (err: unknown) => unknown;
}

/**
 * The body of a pool's worker module: runs `setup` with the pool's data, reports whether it started, then answers
 * each request with the handler `setup` returned (one at a time: the pool sends a worker one request at a time).
 */
export async function serveWorker<Data, Req, Res>(
  setup: (data: Data) => ((request: Req) => Res | Promise<Res>) | Promise<(request: Req) => Res | Promise<Res>>,
  opts: ServeOptions<Res> = {},
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('a pool worker must run in a worker thread');
  const encodeError = opts.encodeError ?? ((err: unknown) => String((err as Error)?.stack ?? err));
  try {
    const handle = await setup((workerData as { data: Data }).data);
    port.on('message', ({ id, request }: PoolRequest<Req>) => {
      void (async () => handle(request))().then(
        (result) => {
          const reply: PoolMessage<Res> = { id, ok: true, result };
          port.postMessage(reply, opts.transfer?.(result));
        },
        (err: unknown) => {
          const reply: PoolMessage<Res> = { id, ok: false, error: encodeError(err) };
          port.postMessage(reply);
        },
      );
    });
    port.postMessage({ ready: true } satisfies PoolMessage<Res>);
  } catch (err) {
    port.postMessage({ ready: false, error: String((err as Error)?.stack ?? err) } satisfies PoolMessage<Res>);
  }
}
