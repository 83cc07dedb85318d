import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { personNames, personNationalities } from '../registry';
import { transferMovements, transferMoves, transferOperations, transferPlanUnplaced, transferSigningKeys } from './transfers.schema';
import { ACTIVE_MOVE_STATUSES, type MoveStatus } from './transfers.domain';

export type OperationRow = typeof transferOperations.$inferSelect;
export type MovementRow = typeof transferMovements.$inferSelect;
export type MoveRow = typeof transferMoves.$inferSelect;

export async function insertOperation(db: Db, row: OperationRow): Promise<void> {
  await db.insert(transferOperations).values(row);
}

export async function findOperation(db: Db, id: string): Promise<OperationRow | undefined> {
  return (await db.select().from(transferOperations).where(eq(transferOperations.id, id)))[0];
}

export async function listOperations(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; rows: OperationRow[] }> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${transferOperations}`);
  const rows = await db.select().from(transferOperations).orderBy(asc(transferOperations.createdAt)).limit(page.limit).offset(page.offset);
  return { total: Number(row?.n ?? 0), rows };
}

export async function insertMovement(db: Db, row: MovementRow): Promise<void> {
  await db.insert(transferMovements).values(row);
}

/** The movement, locked for the change that follows (one change of a movement at a time). */
export async function lockMovement(db: Db, id: string): Promise<MovementRow | undefined> {
  return (await db.select().from(transferMovements).where(eq(transferMovements.id, id)).for('update'))[0];
}

export async function findMovement(db: Db, id: string): Promise<MovementRow | undefined> {
  return (await db.select().from(transferMovements).where(eq(transferMovements.id, id)))[0];
}

export async function movementsOf(db: Db, operationId: string): Promise<MovementRow[]> {
  return db
    .select()
    .from(transferMovements)
    .where(eq(transferMovements.operationId, operationId))
    .orderBy(asc(transferMovements.createdAt), asc(transferMovements.code));
}

export async function updateMovement(db: Db, id: string, patch: Partial<MovementRow>): Promise<void> {
  await db.update(transferMovements).set(patch).where(eq(transferMovements.id, id));
}

export async function movesOf(db: Db, movementId: string): Promise<MoveRow[]> {
  return db.select().from(transferMoves).where(eq(transferMoves.movementId, movementId)).orderBy(asc(transferMoves.personId));
}

export async function findMove(db: Db, movementId: string, personId: string): Promise<MoveRow | undefined> {
  return (
    await db
      .select()
      .from(transferMoves)
      .where(and(eq(transferMoves.movementId, movementId), eq(transferMoves.personId, personId)))
  )[0];
}

export async function insertMoves(db: Db, rows: MoveRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(transferMoves).values(rows.slice(i, i + 1000));
}

export async function setMoves(db: Db, movementId: string, personIds: readonly string[], patch: Partial<MoveRow>): Promise<void> {
  if (personIds.length === 0) return;
  await db
    .update(transferMoves)
    .set(patch)
    .where(and(eq(transferMoves.movementId, movementId), inArray(transferMoves.personId, [...personIds])));
}

/** The live move (on any movement) of each of these persons. */
export async function liveMoves(db: Db, personIds: readonly string[]): Promise<Map<string, { movementId: string; status: MoveStatus }>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .select({ personId: transferMoves.personId, movementId: transferMoves.movementId, status: transferMoves.status })
    .from(transferMoves)
    .where(and(inArray(transferMoves.personId, [...personIds]), inArray(transferMoves.status, [...ACTIVE_MOVE_STATUSES])));
  return new Map(rows.map((r) => [r.personId, { movementId: r.movementId, status: r.status as MoveStatus }]));
}

/** Counts of moves by status per movement (the dashboard). */
export async function moveCounts(db: Db, movementIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(movementIds.map((id) => [id, {}]));
  if (movementIds.length === 0) return out;
  const rows = await db
    .select({ movementId: transferMoves.movementId, status: transferMoves.status, n: sql<number>`count(*)::int` })
    .from(transferMoves)
    .where(inArray(transferMoves.movementId, [...movementIds]))
    .groupBy(transferMoves.movementId, transferMoves.status);
  for (const r of rows) out.get(r.movementId)![r.status] = Number(r.n);
  return out;
}

/** Planning candidates: persons placed at the facility (any status, so the planner can say why one is not movable). */
export async function candidates(
  db: Db,
  f: { facilityId: string; nationality?: string; personIds?: readonly string[] },
): Promise<{ personId: string; status: string }[]> {
  const rows = await queryRows<{ person_id: string; status: string }>(
    db,
    sql`select p.person_id, p.status from ${placements} p
        where p.facility_id = ${f.facilityId}
          ${f.nationality ? sql`and exists (select 1 from ${personNationalities} n where n.person_id = p.person_id and n.country = ${f.nationality})` : sql``}
          ${
            f.personIds
              ? sql`and p.person_id in (${sql.join(
                  [...f.personIds, '00000000-0000-0000-0000-000000000000'].map((i) => sql`${i}`),
                  sql`, `,
                )})`
              : sql``
          }
        order by p.person_id`,
  );
  return rows.map((r) => ({ personId: r.person_id, status: r.status }));
}

export async function placementsOf(db: Db, personIds: readonly string[]): Promise<Map<string, { status: string; facilityId: string | null }>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .select({ personId: placements.personId, status: placements.status, facilityId: placements.facilityId })
    .from(placements)
    .where(inArray(placements.personId, [...personIds]));
  return new Map(rows.map((r) => [r.personId, { status: r.status, facilityId: r.facilityId }]));
}

export async function namesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; full_name: string }>(
    db,
    sql`select distinct on (person_id) person_id, full_name from ${personNames}
        where person_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) order by person_id, ordinal`,
  );
  return new Map(rows.map((r) => [r.person_id, r.full_name]));
}

export async function publicKeyOf(db: Db, signer: string): Promise<string | undefined> {
  return (await db.select().from(transferSigningKeys).where(eq(transferSigningKeys.signer, signer)))[0]?.publicKey;
}

export async function savePublicKey(db: Db, signer: string, publicKey: string, at: Date): Promise<void> {
  await db
    .insert(transferSigningKeys)
    .values({ signer, publicKey, createdAt: at })
    .onConflictDoUpdate({ target: transferSigningKeys.signer, set: { publicKey, createdAt: at } });
}

export type UnplacedRow = typeof transferPlanUnplaced.$inferSelect;

export async function insertUnplaced(db: Db, rows: UnplacedRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(transferPlanUnplaced).values(rows.slice(i, i + 1000));
}

/** A page of one plan's unplaced persons, in the planner's order, and how many there are. */
export async function unplacedPage(
  db: Db,
  operationId: string,
  planId: string,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: UnplacedRow[] }> {
  const where = and(eq(transferPlanUnplaced.operationId, operationId), eq(transferPlanUnplaced.planId, planId));
  const [n] = await db.select({ n: sql<number>`count(*)::int` }).from(transferPlanUnplaced).where(where);
  const rows = await db.select().from(transferPlanUnplaced).where(where).orderBy(asc(transferPlanUnplaced.ordinal)).limit(page.limit).offset(page.offset);
  return { total: Number(n?.n ?? 0), rows };
}
