import type { Clock } from '../clock';
import type { Database, Db } from '../db/database';
import type { Logger } from '../logger';
import type { DomainEvent, EventDefinition } from './events';
import type { Outbox } from './outbox';
import { consumerRows, ensureConsumer, lockConsumer, readBatch, readHeads, recordFailure, saveCheckpoint } from './outbox.repository';

interface ConsumerBase {
  /** Stable name (`<module>.<reaction>`): the checkpoint is stored under it; renaming it replays the stream. */
  name: string;
  /** The kinds of events it handles; the others pass it by. */
  events: readonly EventDefinition[];
  /** Events per delivery (default 500). */
  batchSize?: number;
}

/**
 * A named, durable reaction to domain events. Delivery is at least once, in each site's order.
 * - `transactional`: `handle(tx, events)` runs in the transaction that moves the consumer's checkpoint, so what it
 *   writes and the checkpoint commit together (exactly once in effect). It must use `tx` only, and may emit events.
 * - otherwise `handle(events)` runs on its own (long work: screening) and the checkpoint moves after it returns; a
 *   crash in between delivers the events again, so the handler must be idempotent.
 */
export type Consumer =
  | (ConsumerBase & { transactional: true; handle(tx: Db, events: DomainEvent[]): Promise<void> })
  | (ConsumerBase & { transactional: false; handle(events: DomainEvent[]): Promise<void> });

export interface ConsumerStatus {
  consumer: string;
  siteId: string;
  /** Last seq handled. */
  seq: number;
  /** Events of the site after it (of every kind: the ones it ignores too). */
  behind: number;
  updatedAt: Date;
  failures: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Delivers the outbox to its consumers: at once after a commit in this process, on NOTIFY from other processes and
 * on a periodic poll once `start()`ed (a serving process), and from the checkpoints on, so that what a crashed process
 * committed but never delivered is delivered by the next one. Each consumer has its own loop, so a slow one (a
 * screening) never holds up another (an alert). Between processes, the lock on a consumer's checkpoint row decides who
 * delivers (the other skips it).
 */
export class Dispatcher {
  private readonly loops: ConsumerLoop[];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly database: Database,
    clock: Clock,
    consumers: readonly Consumer[],
    logger: Logger,
  ) {
    const names = new Set<string>();
    for (const c of consumers) {
      if (names.has(c.name)) throw new Error(`Two outbox consumers are named ${c.name}`);
      names.add(c.name);
    }
    this.loops = consumers.map((c) => new ConsumerLoop(c, outbox, database, clock, logger, () => this.stopped));
    outbox.onCommitted((keys) => this.wake(keys));
  }

  /**
   * Looks for new events now: after a commit of this process, the consumers of the kinds it wrote, in this site's
   * stream; else (`null`: another process's commit, the poll, a start) every consumer in every site's stream.
   */
  wake(keys: ReadonlySet<string> | null = null): void {
    if (this.stopped) return;
    for (const loop of this.loops) if (keys === null || loop.handlesAny(keys)) loop.wake(keys === null);
  }

  /** A serving process: LISTEN for other processes' commits, poll every `pollMs` as a safety net, deliver the backlog. */
  async start(opts: { pollMs?: number } = {}): Promise<void> {
    if (this.timer || this.stopped) return;
    await this.outbox.listen();
    this.timer = setInterval(() => this.wake(), opts.pollMs ?? 5_000);
    this.timer.unref();
    this.wake();
  }

  /** Resolves when every consumer (or the named ones) has delivered what it could see (tests, CLI, close). */
  async idle(names?: readonly string[]): Promise<void> {
    const loops = names ? this.loops.filter((l) => names.includes(l.consumer.name)) : this.loops;
    for (;;) {
      const running = loops.map((l) => l.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) break;
      await Promise.all(running);
    }
    await this.outbox.liveIdle();
  }

  /** Delivers what is pending, then stops: no more wakes, polls or live streams. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle();
    this.stopped = true;
    for (const l of this.loops) l.cancelRetry();
    await this.outbox.stop();
  }

  /** Where each consumer stands (operations: `custos outbox status`). */
  async status(): Promise<ConsumerStatus[]> {
    const db = this.database.db;
    const [rows, heads] = await Promise.all([consumerRows(db), readHeads(db)]);
    const known = new Set(this.loops.map((l) => l.consumer.name));
    return rows
      .filter((r) => known.has(r.consumer))
      .map((r) => ({
        consumer: r.consumer,
        siteId: r.site_id,
        seq: r.seq,
        behind: Math.max(0, (heads.get(r.site_id) ?? 0) - r.seq),
        updatedAt: new Date(r.updated_at),
        failures: r.failures,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at ? new Date(r.last_error_at) : null,
      }));
  }
}

class ConsumerLoop {
  running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** A wake asked for every site's stream (not only this site's). */
  private allSites = true;
  /** Checkpoints read or written by this process, per site (authoritative only where one process owns the database). */
  private readonly checkpoints = new Map<string, number>();
  private readonly types: string[];
  private readonly wanted: Set<string>;

  constructor(
    readonly consumer: Consumer,
    private readonly outbox: Outbox,
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly stopped: () => boolean,
  ) {
    this.types = [...new Set(consumer.events.map((d) => d.type))];
    this.wanted = new Set(consumer.events.map((d) => d.key));
  }

  handlesAny(keys: ReadonlySet<string>): boolean {
    for (const k of keys) if (this.wanted.has(k)) return true;
    return false;
  }

  wake(allSites = true): void {
    if (allSites) this.allSites = true;
    if (this.stopped() || this.retryTimer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        const sites = this.allSites ? [...(await readHeads(this.database.db)).keys()] : [this.outbox.siteId];
        this.allSites = false;
        for (const siteId of sites) {
          while ((await this.pass(siteId)) === 'more') {
            if (this.stopped()) return;
          }
        }
        this.failures = 0;
      } catch (err) {
        await this.failed(err);
        return;
      }
    } while (this.again && !this.stopped());
  }

  private async failed(err: unknown): Promise<void> {
    this.failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 10));
    this.logger.error({ err, consumer: this.consumer.name, failures: this.failures, retryInMs: delay }, 'outbox consumer failed; will retry');
    try {
      for (const siteId of this.checkpoints.keys())
        await recordFailure(this.database.db, this.consumer.name, siteId, String((err as Error)?.message ?? err), this.clock.now());
    } catch {
      // the database itself may be what failed
    }
    if (this.stopped()) return;
    this.allSites = true;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, delay);
    this.retryTimer.unref();
  }

  /** The checkpoint row exists (created at the stream's beginning); returns the checkpoint this process knows. */
  private async ensure(siteId: string): Promise<number> {
    const known = this.checkpoints.get(siteId);
    if (known !== undefined) return known;
    const seq = await ensureConsumer(this.database.db, this.consumer.name, siteId, 0, this.clock.now());
    this.checkpoints.set(siteId, seq);
    return seq;
  }

  /** One delivery for one site: 'more' when a full batch went (there may be more), 'done' when caught up or busy. */
  private async pass(siteId: string): Promise<'more' | 'done'> {
    const known = await this.ensure(siteId);
    const limit = this.consumer.batchSize ?? 500;
    const c = this.consumer;
    const deliver = async (db: Db, checkpoint: number, handle: (events: DomainEvent[]) => Promise<void>): Promise<'more' | 'done'> => {
      const { head, events } = await readBatch(db, { siteId, afterSeq: checkpoint, types: this.types, limit });
      if (head <= checkpoint) return 'done';
      const upto = events.length === limit ? events[events.length - 1]!.seq : head;
      const wanted = events.filter((e) => this.wanted.has(`${e.type}@${e.version}`));
      if (wanted.length > 0) await handle(wanted);
      await saveCheckpoint(db, c.name, siteId, upto, this.clock.now());
      this.checkpoints.set(siteId, upto);
      return upto < head ? 'more' : 'done';
    };
    if (c.transactional) {
      return this.outbox.transaction(async (tx) => {
        const checkpoint = await lockConsumer(tx, c.name, siteId);
        if (checkpoint === null) return 'done'; // another process is delivering it
        return deliver(tx, checkpoint, (events) => c.handle(tx, events));
      });
    }
    if (this.database.kind === 'pglite') {
      // One process owns an embedded database: this loop is the only deliverer and its checkpoint the truth, no lock
      // needed (and a transaction held open here would block the handler's own queries on PGlite's one connection).
      return deliver(this.database.db, known, (events) => c.handle(events));
    }
    // A server: hold the checkpoint's row lock in a transaction of its own while the handler works on other
    // connections, so that no other process delivers the same events meanwhile; a crash releases it.
    return this.database.db.transaction(async (claim) => {
      const checkpoint = await lockConsumer(claim, c.name, siteId);
      if (checkpoint === null) return 'done';
      return deliver(claim, checkpoint, (events) => c.handle(events));
    });
  }
}
