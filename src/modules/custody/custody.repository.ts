import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { GENESIS_HASH } from '../../platform/canonical-json';
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

export async function readEventPage(db: Db, siteId: string, afterSeq: number, limit: number): Promise<LedgerEvent[]> {
  const rows = await db
    .select()
    .from(custodyEvents)
    .where(and(eq(custodyEvents.siteId, siteId), gt(custodyEvents.seq, afterSeq)))
    .orderBy(asc(custodyEvents.seq))
    .limit(limit);
  return rows as LedgerEvent[];
}

export async function siteIdsWithEvents(db: Db): Promise<string[]> {
  const rows = await queryRows<{ site_id: string }>(db, sql`select distinct site_id from custody_events`);
  return rows.map((r) => r.site_id);
}

export async function recentFacilityEvents(
  db: Db,
  facilityId: string,
  limit: number,
  nationalities: readonly string[] = [],
): Promise<LedgerEvent[]> {
  const scoped =
    nationalities.length === 0
      ? sql`true`
      : sql`exists (select 1 from person_nationalities pn where pn.person_id = ${custodyEvents.personId}
              and pn.country in (${sql.join(nationalities.map((n) => sql`${n}`), sql`, `)}))`;
  const rows = await db
    .select()
    .from(custodyEvents)
    .where(sql`(${custodyEvents.toFacilityId} = ${facilityId} or ${custodyEvents.fromFacilityId} = ${facilityId}) and ${scoped}`)
    .orderBy(sql`${custodyEvents.recordedAt} desc, ${custodyEvents.seq} desc`)
    .limit(limit);
  return rows as LedgerEvent[];
}

export async function countEventsByType(db: Db): Promise<{ type: EventType; count: number }[]> {
  return queryRows(db, sql`select type, count(*)::int as count from custody_events group by type order by type`);
}

export async function findEventByHash(db: Db, siteId: string, hash: string): Promise<{ id: string; seq: number } | undefined> {
  const [row] = await db
    .select({ id: custodyEvents.id, seq: custodyEvents.seq })
    .from(custodyEvents)
    .where(and(eq(custodyEvents.siteId, siteId), eq(custodyEvents.hash, hash)));
  return row;
}
