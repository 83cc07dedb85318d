import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { facilities } from '../facilities';
import { transferArrivalChecks, transferMovementStops } from './transfers.arrival.schema';
import { transferMovements } from './transfers.schema';

export type ArrivalCheckRow = typeof transferArrivalChecks.$inferSelect;
export type StopRow = typeof transferMovementStops.$inferSelect;

/** The persons confirmed off a movement by an officer, in the order confirmed. */
export async function confirmedOff(db: Db, movementId: string): Promise<string[]> {
  const rows = await db
    .select({ personId: transferArrivalChecks.personId })
    .from(transferArrivalChecks)
    .where(and(eq(transferArrivalChecks.movementId, movementId), eq(transferArrivalChecks.decision, 'confirmed')))
    .orderBy(asc(transferArrivalChecks.decidedAt));
  return rows.map((r) => r.personId!).filter(Boolean);
}

export async function insertCheck(db: Db, row: ArrivalCheckRow): Promise<void> {
  await db.insert(transferArrivalChecks).values(row);
}

export async function findCheck(db: Db, id: string): Promise<ArrivalCheckRow | undefined> {
  return (await db.select().from(transferArrivalChecks).where(eq(transferArrivalChecks.id, id)))[0];
}

export async function updateCheck(db: Db, id: string, patch: Partial<ArrivalCheckRow>): Promise<void> {
  await db.update(transferArrivalChecks).set(patch).where(eq(transferArrivalChecks.id, id));
}

export async function checksOf(db: Db, movementId: string): Promise<ArrivalCheckRow[]> {
  return db.select().from(transferArrivalChecks).where(eq(transferArrivalChecks.movementId, movementId)).orderBy(asc(transferArrivalChecks.createdAt));
}

export async function insertStop(db: Db, row: StopRow): Promise<void> {
  await db.insert(transferMovementStops).values(row);
}

export async function stopsOf(db: Db, movementId: string): Promise<StopRow[]> {
  return db.select().from(transferMovementStops).where(eq(transferMovementStops.movementId, movementId)).orderBy(asc(transferMovementStops.startedAt));
}

export async function openLodging(db: Db, movementId: string): Promise<StopRow | undefined> {
  return (
    await db
      .select()
      .from(transferMovementStops)
      .where(and(eq(transferMovementStops.movementId, movementId), eq(transferMovementStops.kind, 'lodging'), isNull(transferMovementStops.endedAt)))
      .orderBy(desc(transferMovementStops.startedAt))
      .limit(1)
  )[0];
}

export async function endStop(db: Db, id: string, patch: { endedAt: Date; endedBy: string | null }): Promise<void> {
  await db.update(transferMovementStops).set(patch).where(eq(transferMovementStops.id, id));
}

/** Movements in transit past their limit whose alert has not fired: the timer, read from the database. */
export async function overdueMovements(db: Db, now: Date): Promise<{ id: string }[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from ${transferMovements}
        where status in ('departed', 'lodged') and transit_alerted_at is null and departed_at is not null
          and departed_at + make_interval(mins => transit_limit_minutes) < ${now.toISOString()}::timestamptz
        order by departed_at limit 500`,
  );
  return rows.map((r) => ({ id: r.id }));
}

export async function facilityLabels(db: Db, ids: readonly string[]): Promise<Map<string, { code: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: facilities.id, code: facilities.code, name: facilities.name })
    .from(facilities)
    .where(inArray(facilities.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}

export async function movementCodes(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: transferMovements.id, code: transferMovements.code })
    .from(transferMovements)
    .where(inArray(transferMovements.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.code]));
}
