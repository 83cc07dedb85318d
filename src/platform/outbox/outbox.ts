import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database, Db } from '../db/database';
import { failpoint } from '../failpoints';
import type { IdGenerator } from '../ids';
import type { Logger } from '../logger';
import { subjectsOf, type DomainEvent, type EventDefinition, type SubjectsInput } from './events';
import { readEvents, readHeads, writeOutboxRows, type NewOutboxRow } from './outbox.repository';

/** NOTIFY channel that wakes other processes' dispatchers and live streams after a commit that wrote events. */
export const OUTBOX_CHANNEL = 'custos_outbox';

interface Pending {
  def: EventDefinition;
  payload: unknown;
  occurredAt: Date;
  subjects: SubjectsInput | undefined;
}

export interface EmitMeta {
  /** When the fact happened (default: now). */
  occurredAt?: Date;
  subjects?: SubjectsInput;
}

type LiveListener = (event: DomainEvent) => void;

/**
 * The transactional outbox. `transaction(work)` opens a database transaction in which `emit(tx, ...)` collects domain
 * events; they are written at the end of the transaction (numbered per site under the site's lock, taken last so
 * that it is held only until the commit), and after the commit the process's dispatcher and live streams are woken.
 * Other processes are woken by NOTIFY, which PostgreSQL delivers only on commit.
 */
export class Outbox {
  private readonly pending = new WeakMap<Db, Pending[]>();
  private readonly committed = new Set<(keys: ReadonlySet<string> | null) => void>();
  private readonly live = new Map<LiveListener, ReadonlySet<string>>();
  private livePositions: Promise<Map<string, number>> | null = null;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private unlisten: (() => Promise<void>) | null = null;
  /**
   * What this process writes in its NOTIFYs, so that it can tell its own commits (already delivered in-process, with
   * their kinds) from other processes'. Null on an embedded database: one process owns it, nobody else to wake.
   */
  private readonly notifyAs: string | null;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    readonly siteId: string,
    private readonly logger: Logger,
  ) {
    // a random tag, not from `ids`: a deterministic id source (the scenario's) must not depend on the database kind
    this.notifyAs = database.kind === 'pglite' ? null : `${siteId}/${randomUUID()}`;
  }

  /** Runs `work` in a transaction whose emitted events are committed with it, then wakes whoever reacts. */
  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    let written: string[] = [];
    const result = await this.database.db.transaction(async (tx) => {
      const buffer: Pending[] = [];
      this.pending.set(tx, buffer);
      try {
        const value = await work(tx);
        if (buffer.length > 0) written = await this.write(tx, buffer);
        return value;
      } finally {
        this.pending.delete(tx);
      }
    });
    if (written.length > 0) {
      const keys = new Set(written);
      for (const key of keys) failpoint(`outbox.after_commit:${key}`);
      this.afterCommit(keys);
    }
    return result;
  }

  /**
   * Adds an event to the transaction `tx` (opened by `transaction`); it is written only if the transaction commits.
   * The payload is checked against the event's schema now: a wrong payload is a programming error and rolls back.
   */
  emit<P>(tx: Db, def: EventDefinition<P>, payload: P, meta: EmitMeta = {}): void {
    const buffer = this.pending.get(tx);
    if (!buffer) throw new Error(`Event ${def.key} emitted outside an outbox transaction`);
    const checked = def.schema.safeParse(payload);
    if (!checked.success) throw new Error(`Event ${def.key} has a payload that does not match its schema: ${checked.error.message}`);
    buffer.push({ def: def as EventDefinition, payload: checked.data, occurredAt: meta.occurredAt ?? this.clock.now(), subjects: meta.subjects });
  }

  /** True when `tx` was opened by `transaction` (so `emit` can be used on it). */
  inTransaction(tx: Db): boolean {
    return this.pending.has(tx);
  }

  private async write(tx: Db, buffer: Pending[]): Promise<string[]> {
    const recordedAt = this.clock.now().toISOString();
    const rows: NewOutboxRow[] = buffer.map((p) => {
      const subjects = subjectsOf(p.subjects);
      return {
        id: this.ids.next(),
        type: p.def.type,
        version: p.def.version,
        occurred_at: p.occurredAt.toISOString(),
        recorded_at: recordedAt,
        person_ids: subjects.personIds,
        facility_ids: subjects.facilityIds,
        unit_ids: subjects.unitIds,
        payload: p.payload,
      };
    });
    await writeOutboxRows(tx, this.siteId, this.notifyAs === null ? null : { channel: OUTBOX_CHANNEL, payload: this.notifyAs }, rows);
    return buffer.map((p) => p.def.key);
  }

  /**
   * Platform: the dispatcher hears of every commit that wrote events: its own process's at once, with the kinds
   * written; other processes' (NOTIFY) with `null` (kinds unknown).
   */
  onCommitted(listener: (keys: ReadonlySet<string> | null) => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  private afterCommit(keys: ReadonlySet<string> | null): void {
    for (const l of this.committed) l(keys);
    if (this.live.size > 0 && (keys === null || this.liveWants(keys))) this.pumpLive();
  }

  private liveWants(keys: ReadonlySet<string>): boolean {
    for (const wanted of this.live.values()) for (const k of keys) if (wanted.has(k)) return true;
    return false;
  }

  /**
   * Live, in-process delivery of the events of the given kinds committed once the returned promise resolves, by this
   * process or (once `listen()` runs) by others: for streams to browsers. Not durable: a durable reaction is a
   * dispatcher consumer.
   */
  async subscribe(defs: readonly EventDefinition[], listener: LiveListener): Promise<() => void> {
    // where the streams start: the heads when the first subscriber came (resolved before anyone is told it listens)
    this.livePositions ??= readHeads(this.database.db);
    await this.livePositions;
    this.live.set(listener, new Set(defs.map((d) => d.key)));
    return () => this.live.delete(listener);
  }

  private pumpLive(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        try {
          await this.deliverLive();
        } catch (err) {
          this.logger.warn({ err }, 'live events could not be read');
        }
      } while (this.pumpAgain && this.live.size > 0);
    })().finally(() => {
      this.pumping = null;
    });
  }

  private async deliverLive(): Promise<void> {
    if (!this.livePositions) return;
    const positions = await this.livePositions;
    const keys = new Set<string>();
    for (const ks of this.live.values()) for (const k of ks) keys.add(k);
    if (keys.size === 0) return;
    const types = [...new Set([...keys].map((k) => k.slice(0, k.lastIndexOf('@'))))];
    for (const [siteId, head] of await readHeads(this.database.db)) {
      let after = positions.get(siteId) ?? 0;
      while (after < head) {
        const events = await readEvents(this.database.db, { siteId, afterSeq: after, uptoSeq: head, types, limit: 1000 });
        after = events.length === 1000 ? events[events.length - 1]!.seq : head;
        for (const e of events) {
          const key = `${e.type}@${e.version}`;
          for (const [listener, wanted] of this.live) {
            if (!wanted.has(key)) continue;
            try {
              listener(e);
            } catch (err) {
              this.logger.warn({ err, event: key }, 'a live listener failed');
            }
          }
        }
      }
      positions.set(siteId, head);
    }
  }

  /** Settles the live streams' pending delivery (tests). */
  async liveIdle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** LISTEN for other processes' commits (a serving process); `stop()` ends it. */
  async listen(): Promise<void> {
    if (this.unlisten || this.notifyAs === null) return;
    // our own commits were delivered at once with their kinds: only other processes' wake everything
    this.unlisten = await this.database.listen(OUTBOX_CHANNEL, (from) => {
      if (from !== this.notifyAs) this.afterCommit(null);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
    await this.liveIdle();
  }
}
