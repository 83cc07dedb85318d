/** Waits after the `failures`-th failure in a row: 0.4 s doubling up to 10 s. */
export function backoffMs(failures: number): number {
  return Math.min(10_000, 200 * 2 ** Math.min(Math.max(failures, 1), 6));
}

export interface RunnerOptions {
  /** Called with each failure and how many came in a row (log it, count it). */
  onFailure(err: unknown, failuresInARow: number): void;
  /** After a failure: false ends the run instead of retrying (a one-shot push). Default: retry. */
  retry?: () => boolean;
  /** The wait before retrying (tests shorten it). */
  backoff?: (failuresInARow: number) => number;
}

/**
 * Runs `work` when woken, at most one run at a time: a wake during a run makes one more run after it (wakes coalesce),
 * never a second run beside it. A failure is reported, waited out (longer after each failure in a row) and retried.
 * `stop` ends the waiting at once and resolves when the run under way has ended.
 */
export class CoalescingRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private failures = 0;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly opts: RunnerOptions,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Failures in a row so far (0 after a run that succeeded). */
  get failuresInARow(): number {
    return this.failures;
  }

  start(): void {
    this.stopped = false;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.work();
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        this.opts.onFailure(err, this.failures);
        if (this.stopped || this.opts.retry?.() === false) return;
        await this.wait((this.opts.backoff ?? backoffMs)(this.failures));
        this.again = true;
      }
    } while (this.again && !this.stopped);
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((done) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        done();
      }
      this.cancelWait = finish;
    }).finally(() => {
      this.cancelWait = null;
    });
  }

  /** Resolves when no run is under way (the one under way, and any it chains, have ended). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWait?.();
    await this.idle();
  }
}
