import type { Clock } from './clock';

/** Where the last intact walk of a hash chain ended, and when the full walk it rests on ran. */
export interface ChainCheckpoint {
  at: Date;
}

export type CheckScope = 'full' | 'tail';

/**
 * The scheduling shared by the custody ledger's and the audit log's verification (the walks themselves differ):
 * which walk a request gets (a tail walk from the checkpoint, or a full one), one full walk at a time answering every
 * request that arrives meanwhile, every broken result reported (the service records it as a domain event, from which
 * the alert rules raise an alert), and a periodic full walk in a serving process.
 */
export class ChainChecks<C extends ChainCheckpoint, R extends { ok: boolean }> {
  private fullRun: Promise<R> | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly clock: Clock,
    /** One walk: the whole chain (`from` null) or from a checkpoint; it keeps the checkpoint up to date itself. */
    private readonly walk: (from: C | null, pageSize: number) => Promise<R>,
    private readonly checkpoint: () => C | null,
    private readonly defaultMaxCheckpointAgeMs: number,
    /**
     * Told of every verification that finds the chain broken (a full walk, a tail check, the monitor's request); it
     * must not throw: the verdict stands whether or not it could be recorded.
     */
    private readonly reportBroken: (result: R & { ok: false }) => Promise<void>,
  ) {}

  /**
   * `tail` walks from the checkpoint when there is one no older than `maxCheckpointAgeMs`, else everything; `full`
   * walks everything, joining a full walk already under way (unless a page size is asked for, as tests do).
   */
  verify(opts: { scope?: CheckScope; pageSize?: number; maxCheckpointAgeMs?: number } = {}): Promise<R> {
    const pageSize = opts.pageSize ?? 20_000;
    const checkpoint = this.checkpoint();
    const maxAge = opts.maxCheckpointAgeMs ?? this.defaultMaxCheckpointAgeMs;
    if (opts.scope === 'tail' && checkpoint && this.clock.now().getTime() - checkpoint.at.getTime() <= maxAge) {
      return this.reported(this.walk(checkpoint, pageSize));
    }
    if (this.fullRun && opts.pageSize === undefined) return this.reported(this.fullRun);
    const run = this.walk(null, pageSize).finally(() => {
      if (this.fullRun === run) this.fullRun = null;
    });
    if (opts.pageSize === undefined) this.fullRun = run;
    return this.reported(run);
  }

  /** A full walk now and every `intervalMs` (a serving process), under the tail checks of the monitor view. */
  startFullChecks(opts: { intervalMs: number; onResult?: (result: R) => void; onError?: (err: unknown) => void }): void {
    if (this.timer) return;
    const run = () => {
      this.verify({ scope: 'full' }).then(opts.onResult, opts.onError);
    };
    this.timer = setInterval(run, opts.intervalMs);
    this.timer.unref();
    setImmediate(run);
  }

  async stopFullChecks(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.fullRun?.catch(() => undefined);
  }

  private reported(run: Promise<R>): Promise<R> {
    return run.then(async (result) => {
      if (!result.ok) await this.reportBroken(result as R & { ok: false });
      return result;
    });
  }
}
