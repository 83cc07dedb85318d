import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { personNationalities } from '../registry';
import { facilities, units } from './facilities.schema';

export type FacilityRow = typeof facilities.$inferSelect;
export type UnitRow = typeof units.$inferSelect;

export async function insertFacility(db: Db, row: FacilityRow): Promise<void> {
  await db.insert(facilities).values(row);
}

export async function insertUnit(db: Db, row: UnitRow): Promise<void> {
  await db.insert(units).values(row);
}

export async function insertUnits(db: Db, rows: UnitRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(units).values(rows.slice(i, i + 500));
}

export async function findFacility(db: Db, id: string): Promise<FacilityRow | undefined> {
  const [row] = await db.select().from(facilities).where(eq(facilities.id, id));
  return row;
}

export async function findFacilityByCode(db: Db, code: string): Promise<FacilityRow | undefined> {
  const [row] = await db.select().from(facilities).where(eq(facilities.code, code));
  return row;
}

export async function listFacilities(db: Db, ids?: readonly string[]): Promise<FacilityRow[]> {
  const q = db.select().from(facilities);
  return (ids ? q.where(inArray(facilities.id, [...ids])) : q).orderBy(facilities.code);
}

export async function listUnits(db: Db, facilityId: string): Promise<UnitRow[]> {
  return db.select().from(units).where(eq(units.facilityId, facilityId)).orderBy(units.code);
}

export async function findUnit(db: Db, id: string): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(units).where(eq(units.id, id));
  return row;
}

export async function findUnitByCode(db: Db, facilityId: string, code: string): Promise<UnitRow | undefined> {
  const [row] = await db
    .select()
    .from(units)
    .where(and(eq(units.facilityId, facilityId), eq(units.code, code)));
  return row;
}

/** Keeps only persons of these nationalities (a liaison's scope); no condition when the list is empty. */
function nationalityFilter(nationalities: readonly string[]) {
  if (nationalities.length === 0) return sql``;
  const list = sql.join(
    nationalities.map((n) => sql`${n}`),
    sql`, `,
  );
  return sql` and exists (select 1 from ${personNationalities} pn where pn.person_id = ${placements}.person_id and pn.country in (${list}))`;
}

/** Placements at a facility by status, narrowed to the actor's nationalities when it has a nationality scope. */
export async function manifestCounts(db: Db, facilityId: string, nationalities: readonly string[] = []): Promise<{ status: string; count: number }[]> {
  return queryRows(
    db,
    sql`select status, count(*)::int as count from ${placements} where facility_id = ${facilityId}${nationalityFilter(nationalities)} group by status`,
  );
}

export async function unitCounts(
  db: Db,
  facilityId: string,
  nationalities: readonly string[] = [],
): Promise<{ unitId: string | null; status: string; count: number }[]> {
  return queryRows(
    db,
    sql`select unit_id as "unitId", status, count(*)::int as count from ${placements}
        where facility_id = ${facilityId}${nationalityFilter(nationalities)} group by unit_id, status`,
  );
}
