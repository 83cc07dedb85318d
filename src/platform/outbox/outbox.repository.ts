import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database';
import type { DomainEvent } from './events';

export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  version: number;
  occurred_at: string;
  recorded_at: string;
  person_ids: string[];
  facility_ids: string[];
  unit_ids: string[];
  payload: unknown;
}

/**
 * Takes `count` numbers of the site's stream (creating its head on first use) and returns the last one. The row lock
 * this takes is held until the transaction ends, so sites' numbers are handed out in commit order, without gaps.
 */
export async function claimSeqs(tx: Db, siteId: string, count: number): Promise<number> {
  const [row] = await queryRows<{ seq: string | number }>(
    tx,
    sql`insert into outbox_heads (site_id, seq) values (${siteId}, ${count})
        on conflict (site_id) do update set seq = outbox_heads.seq + excluded.seq
        returning seq`,
  );
  return Number(row!.seq);
}

/** One insert for the whole batch: the rows travel as one JSON parameter (no limit on the number of parameters). */
export async function insertOutboxRows(tx: Db, siteId: string, rows: OutboxRow[]): Promise<void> {
  await tx.execute(sql`
    insert into outbox (site_id, seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload)
    select ${siteId}, x.seq, x.id, x.type, x.version, x.occurred_at, x.recorded_at, x.person_ids, x.facility_ids, x.unit_ids, x.payload
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      seq bigint, id uuid, type text, version integer, occurred_at timestamptz, recorded_at timestamptz,
      person_ids uuid[], facility_ids uuid[], unit_ids uuid[], payload jsonb)`);
}

export async function notifyOutbox(tx: Db, channel: string, siteId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${siteId})`);
}

export async function readHeads(db: Db): Promise<Map<string, number>> {
  const rows = await queryRows<{ site_id: string; seq: string | number }>(db, sql`select site_id, seq from outbox_heads order by site_id`);
  return new Map(rows.map((r) => [r.site_id, Number(r.seq)]));
}

export async function readHead(db: Db, siteId: string): Promise<number> {
  const [row] = await queryRows<{ seq: string | number }>(db, sql`select seq from outbox_heads where site_id = ${siteId}`);
  return row ? Number(row.seq) : 0;
}

/** Events of a site after `afterSeq` up to `uptoSeq`, in order; only the given types when `types` is set. */
export async function readEvents(
  db: Db,
  q: { siteId: string; afterSeq: number; uptoSeq: number; types: readonly string[] | null; limit: number },
): Promise<DomainEvent[]> {
  const typeFilter = q.types ? sql`and type = any(${`{${q.types.join(',')}}`}::text[])` : sql``;
  const rows = await queryRows<{
    seq: string | number;
    id: string;
    type: string;
    version: number;
    occurred_at: Date | string;
    recorded_at: Date | string;
    person_ids: string[];
    facility_ids: string[];
    unit_ids: string[];
    payload: unknown;
  }>(
    db,
    sql`select seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload
        from outbox
        where site_id = ${q.siteId} and seq > ${q.afterSeq} and seq <= ${q.uptoSeq} ${typeFilter}
        order by seq
        limit ${q.limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    siteId: q.siteId,
    seq: Number(r.seq),
    type: r.type,
    version: r.version,
    occurredAt: new Date(r.occurred_at),
    recordedAt: new Date(r.recorded_at),
    subjects: { personIds: r.person_ids, facilityIds: r.facility_ids, unitIds: r.unit_ids },
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  }));
}

export interface ConsumerRow {
  consumer: string;
  site_id: string;
  seq: number;
  updated_at: Date;
  failures: number;
  last_error: string | null;
  last_error_at: Date | null;
}

export async function ensureConsumer(db: Db, consumer: string, siteId: string, startSeq: number, at: Date): Promise<void> {
  await db.execute(sql`insert into outbox_consumers (consumer, site_id, seq, updated_at) values (${consumer}, ${siteId}, ${startSeq}, ${at})
                       on conflict (consumer, site_id) do nothing`);
}

/**
 * The consumer's checkpoint, locked until the transaction ends; null when another process holds it (it is delivering
 * this consumer's events now) or when it does not exist yet.
 */
export async function lockConsumer(tx: Db, consumer: string, siteId: string): Promise<number | null> {
  const [row] = await queryRows<{ seq: string | number }>(
    tx,
    sql`select seq from outbox_consumers where consumer = ${consumer} and site_id = ${siteId} for update skip locked`,
  );
  return row ? Number(row.seq) : null;
}

export async function readCheckpoint(db: Db, consumer: string, siteId: string): Promise<number | null> {
  const [row] = await queryRows<{ seq: string | number }>(db, sql`select seq from outbox_consumers where consumer = ${consumer} and site_id = ${siteId}`);
  return row ? Number(row.seq) : null;
}

export async function saveCheckpoint(db: Db, consumer: string, siteId: string, seq: number, at: Date): Promise<void> {
  await db.execute(sql`update outbox_consumers set seq = greatest(seq, ${seq}), updated_at = ${at}, failures = 0
                       where consumer = ${consumer} and site_id = ${siteId}`);
}

export async function recordFailure(db: Db, consumer: string, siteId: string, message: string, at: Date): Promise<void> {
  await db.execute(sql`update outbox_consumers set failures = failures + 1, last_error = ${message.slice(0, 2000)}, last_error_at = ${at}
                       where consumer = ${consumer} and site_id = ${siteId}`);
}

export async function consumerRows(db: Db): Promise<ConsumerRow[]> {
  const rows = await queryRows<ConsumerRow & { seq: string | number }>(db, sql`select * from outbox_consumers order by consumer, site_id`);
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}
