import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database';
import type { DomainEvent } from './events';

/** An event as the writer sends it to the database (its seq is assigned there). */
export interface NewOutboxRow {
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
 * Writes a transaction's events in one statement: takes `rows.length` numbers of the site's stream (creating its head
 * on first use), inserts the events under them in order, and queues a NOTIFY (delivered on commit). The head's row
 * lock is held until the transaction ends, so a site's numbers are handed out in commit order, without gaps. The rows
 * travel as one JSON parameter (no limit on the number of parameters). `notify` null: no NOTIFY (an embedded database
 * has no other process to wake). Returns the last seq taken.
 */
export async function writeOutboxRows(tx: Db, siteId: string, notify: { channel: string; payload: string } | null, rows: NewOutboxRow[]): Promise<number> {
  const [row] = await queryRows<{ last: string | number; written: string | number }>(
    tx,
    sql`with head as (
          insert into outbox_heads (site_id, seq) values (${siteId}, ${rows.length})
          on conflict (site_id) do update set seq = outbox_heads.seq + excluded.seq
          returning seq
        ),
        written as (
          insert into outbox (site_id, seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload)
          select ${siteId}, head.seq - ${rows.length} + x.ord, x.id, x.type, x.version, x.occurred_at, x.recorded_at,
                 x.person_ids, x.facility_ids, x.unit_ids, x.payload
          from head, jsonb_to_recordset(${JSON.stringify(rows.map((r, i) => ({ ...r, ord: i + 1 })))}::jsonb) as x(
            id uuid, type text, version integer, occurred_at timestamptz, recorded_at timestamptz,
            person_ids uuid[], facility_ids uuid[], unit_ids uuid[], payload jsonb, ord bigint)
          returning seq
        )
        select (select seq from head) as last, (select count(*) from written) as written${notify ? sql`, pg_notify(${notify.channel}, ${notify.payload})` : sql``}`,
  );
  if (Number(row!.written) !== rows.length) throw new Error(`The outbox took ${row!.written} of ${rows.length} events`);
  return Number(row!.last);
}

export async function readHeads(db: Db): Promise<Map<string, number>> {
  const rows = await queryRows<{ site_id: string; seq: string | number }>(db, sql`select site_id, seq from outbox_heads order by site_id`);
  return new Map(rows.map((r) => [r.site_id, Number(r.seq)]));
}

interface EventRow {
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
}

function toEvent(siteId: string, r: EventRow): DomainEvent {
  return {
    id: r.id,
    siteId,
    seq: Number(r.seq),
    type: r.type,
    version: r.version,
    occurredAt: new Date(r.occurred_at),
    recordedAt: new Date(r.recorded_at),
    subjects: { personIds: r.person_ids, facilityIds: r.facility_ids, unitIds: r.unit_ids },
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  };
}

const typeList = (types: readonly string[]) => `{${types.join(',')}}`;

/**
 * The site's head and its events after `afterSeq` (of the given types, at most `limit`), in order, in one query: what
 * one delivery to a consumer reads. `head` 0 when the site has no events yet.
 */
export async function readBatch(
  db: Db,
  q: { siteId: string; afterSeq: number; types: readonly string[]; limit: number },
): Promise<{ head: number; events: DomainEvent[] }> {
  const rows = await queryRows<EventRow & { head: string | number }>(
    db,
    sql`select h.seq as head, e.seq, e.id, e.type, e.version, e.occurred_at, e.recorded_at, e.person_ids, e.facility_ids, e.unit_ids, e.payload
        from outbox_heads h
        left join lateral (
          select * from outbox o
          where o.site_id = h.site_id and o.seq > ${q.afterSeq} and o.seq <= h.seq and o.type = any(${typeList(q.types)}::text[])
          order by o.seq
          limit ${q.limit}
        ) e on true
        where h.site_id = ${q.siteId}`,
  );
  if (rows.length === 0) return { head: 0, events: [] };
  return { head: Number(rows[0]!.head), events: rows.filter((r) => r.id !== null).map((r) => toEvent(q.siteId, r)) };
}

/** Events of a site after `afterSeq` up to `uptoSeq`, in order; only the given types when `types` is set. */
export async function readEvents(
  db: Db,
  q: { siteId: string; afterSeq: number; uptoSeq: number; types: readonly string[] | null; limit: number },
): Promise<DomainEvent[]> {
  const typeFilter = q.types ? sql`and type = any(${typeList(q.types)}::text[])` : sql``;
  const rows = await queryRows<EventRow>(
    db,
    sql`select seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload
        from outbox
        where site_id = ${q.siteId} and seq > ${q.afterSeq} and seq <= ${q.uptoSeq} ${typeFilter}
        order by seq
        limit ${q.limit}`,
  );
  return rows.map((r) => toEvent(q.siteId, r));
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

/** The consumer's checkpoint for a site, created at `startSeq` on first use. */
export async function ensureConsumer(db: Db, consumer: string, siteId: string, startSeq: number, at: Date): Promise<number> {
  await db.execute(sql`insert into outbox_consumers (consumer, site_id, seq, updated_at) values (${consumer}, ${siteId}, ${startSeq}, ${at})
                       on conflict (consumer, site_id) do nothing`);
  return (await readCheckpoint(db, consumer, siteId)) ?? startSeq;
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

/**
 * Events of every site about a facility or persons, whose `occurred_at` falls in [from, to), in time order: what the
 * after-action timeline reads (migration 0023 indexes occurred_at and the person ids). `facilityId` and `personIds`
 * select by the events' subjects (either matches); `types` narrows when set. At most `limit` rows.
 */
export async function readEventsAbout(
  db: Db,
  q: {
    facilityId: string | null;
    personIds: readonly string[];
    from: Date;
    to: Date;
    types: readonly string[] | null;
    limit: number;
    /** Leave out the events of this facility (a caller that has read them already). */
    exceptFacilityId?: string | null;
  },
): Promise<DomainEvent[]> {
  const who: SQL[] = [];
  if (q.facilityId) who.push(sql`facility_ids @> array[${q.facilityId}]::uuid[]`);
  if (q.personIds.length > 0) who.push(sql`person_ids && ${`{${q.personIds.join(',')}}`}::uuid[]`);
  if (who.length === 0) return [];
  const typeFilter = q.types ? sql`and type = any(${typeList(q.types)}::text[])` : sql``;
  // written before the person test, which costs persons x ids per row: most rows of a facility's window fail it cheaply
  const except = q.exceptFacilityId ? sql`and not (facility_ids @> array[${q.exceptFacilityId}]::uuid[])` : sql``;
  const rows = await queryRows<EventRow & { site_id: string }>(
    db,
    sql`select site_id, seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload
        from outbox
        where occurred_at >= ${q.from.toISOString()}::timestamptz and occurred_at < ${q.to.toISOString()}::timestamptz
          ${typeFilter} ${except} and (${sql.join(who, sql` or `)})
        order by occurred_at, site_id, seq
        limit ${q.limit}`,
  );
  return rows.map((r) => toEvent(r.site_id, r));
}
