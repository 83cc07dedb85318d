import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { GENESIS_HASH } from '../../platform/canonical-json';
import { personNationalities } from '../registry';
import { custodyEvents, ledgerHeads, placements } from './custody.schema';
import type { ChainHead, EventType, LedgerEvent } from './custody.domain';

export type PlacementRow = typeof placements.$inferSelect;

/** Takes the lock on a site's head row: every append on that site serialises here, so the chain cannot fork. */
export async function lockHead(tx: Db, siteId: string): Promise<ChainHead> {
  await tx.insert(ledgerHeads).values({ siteId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const [row] = await tx.select().from(ledgerHeads).where(eq(ledgerHeads.siteId, siteId)).for('update');
  return { siteId, seq: row!.seq, hash: row!.hash };
}

export async function saveHead(tx: Db, head: ChainHead): Promise<void> {
  await tx.update(ledgerHeads).set({ seq: head.seq, hash: head.hash }).where(eq(ledgerHeads.siteId, head.siteId));
}

export async function readHeads(db: Db): Promise<ChainHead[]> {
  return db.select().from(ledgerHeads).orderBy(asc(ledgerHeads.siteId));
}

export async function insertEvents(tx: Db, events: LedgerEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) await tx.insert(custodyEvents).values(events.slice(i, i + 1000));
}

export async function upsertPlacements(tx: Db, rows: PlacementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insert(placements)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({
        target: placements.personId,
        set: {
          status: sql`excluded.status`,
          facilityId: sql`excluded.facility_id`,
          unitId: sql`excluded.unit_id`,
          destinationFacilityId: sql`excluded.destination_facility_id`,
          outReason: sql`excluded.out_reason`,
          since: sql`excluded.since`,
          lastEventId: sql`excluded.last_event_id`,
          eventCount: sql`excluded.event_count`,
        },
      });
  }
}

export async function findPlacements(db: Db, personIds: string[]): Promise<Map<string, PlacementRow>> {
  const out = new Map<string, PlacementRow>();
  for (let i = 0; i < personIds.length; i += 5000) {
    const chunk = personIds.slice(i, i + 5000);
    const rows = await db.select().from(placements).where(inArray(placements.personId, chunk));
    for (const r of rows) out.set(r.personId, r);
  }
  return out;
}

export async function eventsOfPerson(db: Db, personId: string): Promise<LedgerEvent[]> {
  const rows = await db
    .select()
    .from(custodyEvents)
    .where(eq(custodyEvents.personId, personId))
    .orderBy(asc(custodyEvents.occurredAt), asc(custodyEvents.siteId), asc(custodyEvents.seq));
  return rows as LedgerEvent[];
}

/**
 * One page of the ledger in chain order (site, then seq), after `after` (null: from the start), of that site only with
 * `onlySite`. Verification
 * reads every event, and row-by-row decoding dominated its cost on PGlite (about 15 µs an event), so the database
 * packs the page into one JSON text (`json_agg`), decoded by one `JSON.parse`: one round trip and one value per page.
 * Times travel as epoch milliseconds (the ledger stores what JavaScript Dates hold).
 */
export async function readChainPage(
  db: Db,
  from: { after: { siteId: string; seq: number } | null; onlySite?: boolean },
  limit: number,
): Promise<LedgerEvent[]> {
  const { after } = from;
  const where = !after
    ? sql``
    : from.onlySite
      ? sql`where site_id = ${after.siteId} and seq > ${after.seq}`
      : sql`where (site_id, seq) > (${after.siteId}, ${after.seq})`;
  const [row] = await queryRows<{ page: string | null }>(
    db,
    sql`select json_agg(json_build_array(id, site_id, seq, person_id, type,
          (extract(epoch from occurred_at) * 1000)::float8, (extract(epoch from recorded_at) * 1000)::float8, recorded_by,
          from_facility_id, from_unit_id, to_facility_id, to_unit_id, authority, reason, evidence, prev_hash, hash)
          order by site_id, seq)::text as page
        from (select * from custody_events ${where} order by site_id, seq limit ${limit}) e`,
  );
  if (!row?.page) return [];
  const tuples = JSON.parse(row.page) as ChainTuple[];
  const events = new Array<LedgerEvent>(tuples.length);
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples[i]!;
    events[i] = {
      id: t[0],
      siteId: t[1],
      seq: t[2],
      personId: t[3],
      type: t[4],
      occurredAt: new Date(t[5]),
      recordedAt: new Date(t[6]),
      recordedBy: t[7],
      fromFacilityId: t[8],
      fromUnitId: t[9],
      toFacilityId: t[10],
      toUnitId: t[11],
      authority: t[12],
      reason: t[13],
      evidence: t[14],
      prevHash: t[15],
      hash: t[16],
    };
  }
  return events;
}

type ChainTuple = [
  string,
  string,
  number,
  string,
  EventType,
  number,
  number,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  Record<string, unknown> | null,
  string,
  string,
];

function facilityEventsWhere(facilityId: string, nationalities: readonly string[]): SQL {
  const scoped =
    nationalities.length === 0
      ? sql`true`
      : sql`exists (select 1 from ${personNationalities} pn where pn.person_id = ${custodyEvents.personId}
              and pn.country in (${sql.join(
                nationalities.map((n) => sql`${n}`),
                sql`, `,
              )}))`;
  return sql`(${custodyEvents.toFacilityId} = ${facilityId} or ${custodyEvents.fromFacilityId} = ${facilityId}) and ${scoped}`;
}

export async function recentFacilityEvents(
  db: Db,
  facilityId: string,
  limit: number,
  nationalities: readonly string[] = [],
  offset = 0,
): Promise<LedgerEvent[]> {
  const rows = await db
    .select()
    .from(custodyEvents)
    .where(facilityEventsWhere(facilityId, nationalities))
    // the id last: a total order, so pages neither overlap nor skip (seq is per site)
    .orderBy(sql`${custodyEvents.recordedAt} desc, ${custodyEvents.seq} desc, ${custodyEvents.id}`)
    .limit(limit)
    .offset(offset);
  return rows as LedgerEvent[];
}

/** How many events the facility's feed holds for a reader of these nationalities: its total. */
export async function countFacilityEvents(db: Db, facilityId: string, nationalities: readonly string[] = []): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(custodyEvents).where(facilityEventsWhere(facilityId, nationalities));
  return Number(row?.n ?? 0);
}

export async function countEventsByType(db: Db): Promise<{ type: EventType; count: number }[]> {
  return queryRows(db, sql`select type, count(*)::int as count from custody_events group by type order by type`);
}

/**
 * The hashes of one site's events after `afterSeq` up to `upToSeq` in seq order, at most `limit`: one text of 64-hex
 * hashes run together (one value per page; a statement's Merkle root reads every hash of the chain).
 */
export async function readChainHashes(
  db: Db,
  siteId: string,
  afterSeq: number,
  upToSeq: number,
  limit: number,
): Promise<{ lastSeq: number; hashes: string[] }> {
  const [row] = await queryRows<{ hashes: string | null; last_seq: number | null }>(
    db,
    sql`select string_agg(hash, '' order by seq) as hashes, max(seq) as last_seq
          from (select seq, hash from custody_events where site_id = ${siteId} and seq > ${afterSeq} and seq <= ${upToSeq}
                order by seq limit ${limit}) e`,
  );
  if (!row?.hashes) return { lastSeq: afterSeq, hashes: [] };
  const hashes = new Array<string>(row.hashes.length / 64);
  for (let i = 0; i < hashes.length; i++) hashes[i] = row.hashes.slice(i * 64, i * 64 + 64);
  return { lastSeq: Number(row.last_seq), hashes };
}

/** Every escape (ESCAPED) from a facility, newest first: the events a review of an escape may be about. */
export async function escapesFrom(db: Db, facilityId: string): Promise<{ id: string; personId: string; occurredAt: Date; fromUnitId: string | null }[]> {
  return db
    .select({ id: custodyEvents.id, personId: custodyEvents.personId, occurredAt: custodyEvents.occurredAt, fromUnitId: custodyEvents.fromUnitId })
    .from(custodyEvents)
    .where(sql`${custodyEvents.fromFacilityId} = ${facilityId} and ${custodyEvents.type} = 'ESCAPED'`)
    .orderBy(sql`${custodyEvents.occurredAt} desc, ${custodyEvents.id}`);
}

export async function findEventById(db: Db, id: string): Promise<LedgerEvent | null> {
  const [row] = await db.select().from(custodyEvents).where(eq(custodyEvents.id, id));
  return (row as LedgerEvent | undefined) ?? null;
}

export async function findEventByHash(db: Db, siteId: string, hash: string): Promise<{ id: string; seq: number } | undefined> {
  const [row] = await db
    .select({ id: custodyEvents.id, seq: custodyEvents.seq })
    .from(custodyEvents)
    .where(and(eq(custodyEvents.siteId, siteId), eq(custodyEvents.hash, hash)));
  return row;
}
