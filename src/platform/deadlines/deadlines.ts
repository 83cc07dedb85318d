import { sql } from 'drizzle-orm';
import type { Clock } from '../clock';
import { queryRows, type Database, type Db } from '../db/database';
import type { IdGenerator } from '../ids';
import type { Logger } from '../logger';

/** A deadline as its handler sees it. */
export interface Deadline {
  id: string;
  kind: string;
  subjectId: string;
  dueAt: Date;
  remindAt: Date | null;
  payload: Record<string, unknown>;
}

/**
 * What a kind of deadline does: `due` once the time has passed, `remind` once before it (when a reminder time was
 * set). Both run in the transaction that marks the row, so what they write (an outbox event, an alert) and the mark
 * commit together: exactly once in effect, across restarts and processes.
 */
export interface DeadlineHandler {
  due(tx: Db, deadline: Deadline, now: Date): Promise<void>;
  remind?(tx: Db, deadline: Deadline, now: Date): Promise<void>;
}

export interface ScheduleInput {
  kind: string;
  subjectId: string;
  dueAt: Date;
  remindAt?: Date | null;
  payload?: Record<string, unknown>;
}

export interface DeadlinesTickReport {
  reminded: number;
  fired: number;
  failed: number;
}

/** Opens a transaction in which handlers may emit outbox events (the outbox's own `transaction`). */
export type TransactionRunner = <T>(work: (tx: Db) => Promise<T>) => Promise<T>;

interface DeadlineRow {
  id: string;
  kind: string;
  subject_id: string;
  due_at: string | Date;
  remind_at: string | Date | null;
  payload: Record<string, unknown> | string;
  step: 'due' | 'remind';
}

const MAX_BACKOFF_MS = 3_600_000;
/** Rows handled per tick at most, so that one tick over a large backlog stays short; the next tick goes on. */
const TICK_LIMIT = 2_000;

/**
 * Deadlines kept as rows of the `deadlines` table and fired by a scheduler that ticks on the injected clock. Nothing
 * lives in memory but the registered handlers: a new process on the same database fires what came due meanwhile.
 */
export class Deadlines {
  private readonly handlers = new Map<string, DeadlineHandler>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<DeadlinesTickReport> | undefined;

  constructor(
    private readonly database: Database,
    private readonly transaction: TransactionRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
  ) {}

  /** One handler per kind (`<module>.<what>`); a second registration of a kind is a wiring mistake. */
  register(kind: string, handler: DeadlineHandler): void {
    if (this.handlers.has(kind)) throw new Error(`Two deadline handlers for ${kind}`);
    this.handlers.set(kind, handler);
  }

  /** Adds a deadline in the caller's transaction (so it exists exactly when the change that needs it commits). */
  async schedule(tx: Db, input: ScheduleInput): Promise<string> {
    const id = this.ids.next();
    const remindAt = input.remindAt && input.remindAt < input.dueAt ? input.remindAt : null;
    await tx.execute(sql`insert into deadlines (id, kind, subject_id, due_at, remind_at, payload, created_at)
      values (${id}, ${input.kind}, ${input.subjectId}, ${input.dueAt}, ${remindAt}, ${JSON.stringify(input.payload ?? {})}::jsonb, ${this.clock.now()})`);
    return id;
  }

  /** Adds many deadlines in the caller's transaction, a thousand rows a statement (a bulk intake of cases). */
  async scheduleMany(tx: Db, inputs: readonly ScheduleInput[]): Promise<number> {
    const now = this.clock.now();
    for (let i = 0; i < inputs.length; i += 1000) {
      const rows = inputs.slice(i, i + 1000).map((input) => {
        const remindAt = input.remindAt && input.remindAt < input.dueAt ? input.remindAt : null;
        return sql`(${this.ids.next()}, ${input.kind}, ${input.subjectId}, ${input.dueAt}, ${remindAt}, ${JSON.stringify(input.payload ?? {})}::jsonb, ${now})`;
      });
      await tx.execute(sql`insert into deadlines (id, kind, subject_id, due_at, remind_at, payload, created_at) values ${sql.join(rows, sql`, `)}`);
    }
    return inputs.length;
  }

  /** Cancels the open deadlines of a kind for a subject (a review held, a case closed); returns how many. */
  async cancel(tx: Db, kind: string, subjectId: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`update deadlines set cancelled_at = ${this.clock.now()}
          where kind = ${kind} and subject_id = ${subjectId} and fired_at is null and cancelled_at is null returning id`,
    );
    return rows.length;
  }

  /** The open deadlines of a kind for some subjects (a case page shows its next review). */
  async openFor(db: Db, kind: string, subjectIds: readonly string[]): Promise<Deadline[]> {
    if (subjectIds.length === 0) return [];
    const rows = await queryRows<Omit<DeadlineRow, 'step'>>(
      db,
      sql`select id, kind, subject_id, due_at, remind_at, payload from deadlines
          where kind = ${kind} and subject_id in (${sql.join(
            subjectIds.map((s) => sql`${s}`),
            sql`, `,
          )}) and fired_at is null and cancelled_at is null order by due_at`,
    );
    return rows.map((r) => toDeadline({ ...r, step: 'due' }));
  }

  /**
   * Fires what is due at `now`: reminders first, then the due deadlines, oldest first, one transaction each. A row is
   * claimed with `for update skip locked`, so two processes on one server never fire the same deadline, and marked in
   * the transaction that runs its handler. A handler that throws leaves its row open (tried again later, with a
   * growing delay) and does not stop the others.
   */
  async tick(now: Date = this.clock.now()): Promise<DeadlinesTickReport> {
    while (this.ticking) await this.ticking.catch(() => undefined);
    this.ticking = this.runTick(now);
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async runTick(now: Date): Promise<DeadlinesTickReport> {
    const report: DeadlinesTickReport = { reminded: 0, fired: 0, failed: 0 };
    const skipped: string[] = [];
    while (report.reminded + report.fired + report.failed < TICK_LIMIT) {
      let claimed: DeadlineRow | undefined;
      try {
        const outcome = await this.transaction(async (tx) => {
          claimed = (await this.claimOne(tx, now, skipped))[0];
          if (!claimed) return 'none' as const;
          const handler = this.handlers.get(claimed.kind);
          if (!handler) return 'unhandled' as const;
          const deadline = toDeadline(claimed);
          if (claimed.step === 'remind') {
            await handler.remind?.(tx, deadline, now);
            await tx.execute(sql`update deadlines set reminded_at = ${now}, last_error = null where id = ${claimed.id}`);
            return 'reminded' as const;
          }
          await handler.due(tx, deadline, now);
          await tx.execute(sql`update deadlines set fired_at = ${now}, last_error = null where id = ${claimed.id}`);
          return 'fired' as const;
        });
        if (outcome === 'none') break;
        if (outcome === 'unhandled') {
          // another process (or a later version) may know the kind: leave the row alone, look past it
          skipped.push(claimed!.id);
          continue;
        }
        report[outcome] += 1;
      } catch (err) {
        if (!claimed) throw err;
        report.failed += 1;
        skipped.push(claimed.id);
        await this.recordFailure(claimed.id, err, now);
      }
    }
    return report;
  }

  private claimOne(tx: Db, now: Date, skipped: readonly string[]): Promise<DeadlineRow[]> {
    const notSkipped = skipped.length
      ? sql`and id not in (${sql.join(
          skipped.map((s) => sql`${s}`),
          sql`, `,
        )})`
      : sql``;
    const ready = sql`cancelled_at is null and fired_at is null and (next_attempt_at is null or next_attempt_at <= ${now}) ${notSkipped}`;
    // A reminder whose deadline is already due is not sent: the due handler says more.
    return queryRows<DeadlineRow>(
      tx,
      sql`select id, kind, subject_id, due_at, remind_at, payload,
                 case when due_at <= ${now} then 'due' else 'remind' end as step
          from deadlines
          where ${ready} and (due_at <= ${now} or (reminded_at is null and remind_at <= ${now}))
          order by least(due_at, coalesce(remind_at, due_at)), id
          limit 1
          for update skip locked`,
    );
  }

  private async recordFailure(id: string, err: unknown, now: Date): Promise<void> {
    this.logger.error({ err, deadlineId: id }, 'deadline handler failed; will retry');
    try {
      await this.database.db.execute(sql`update deadlines set attempts = attempts + 1, last_error = ${String((err as Error)?.message ?? err).slice(0, 500)},
        next_attempt_at = ${now}::timestamptz + make_interval(secs => least(${MAX_BACKOFF_MS / 1000}, 30 * power(2, least(attempts, 10)))::int)
        where id = ${id}`);
    } catch {
      // the database itself may be what failed; the row stays open and is tried at the next tick
    }
  }

  /** A serving process: tick every `intervalMs` on the clock (and once now, for what came due while nobody ran). */
  start(opts: { intervalMs?: number } = {}): void {
    if (this.timer) return;
    const run = () => {
      this.tick().catch((err) => this.logger.error({ err }, 'deadline scheduler tick failed'));
    };
    this.timer = setInterval(run, opts.intervalMs ?? 30_000);
    this.timer.unref();
    run();
  }

  /** Stops the timer and waits for a tick under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }
}

function toDeadline(r: DeadlineRow): Deadline {
  return {
    id: r.id,
    kind: r.kind,
    subjectId: r.subject_id,
    dueAt: new Date(r.due_at),
    remindAt: r.remind_at ? new Date(r.remind_at) : null,
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
  };
}
