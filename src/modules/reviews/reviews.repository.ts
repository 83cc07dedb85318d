import { desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities } from '../facilities';
import type { StatedCount } from './reviews.domain';
import { custodyStatements } from './reviews.schema';

export type StatementRow = typeof custodyStatements.$inferSelect;

/** Persons by facility and custody status, from custody's placements (registered-only persons hold no facility). */
export async function countsByFacilityAndStatus(db: Db): Promise<StatedCount[]> {
  const rows = await queryRows<{ facility_id: string; code: string; status: string; n: number }>(
    db,
    sql`select p.facility_id, f.code, p.status, count(*)::int as n
          from ${placements} p join ${facilities} f on f.id = p.facility_id
         where p.status <> 'registered' and p.facility_id is not null
         group by p.facility_id, f.code, p.status
         order by f.code, p.status`,
  );
  return rows.map((r) => ({ facilityId: r.facility_id, facilityCode: r.code, status: r.status as StatedCount['status'], count: Number(r.n) }));
}

export async function insertStatement(db: Db, row: StatementRow): Promise<void> {
  await db.insert(custodyStatements).values(row);
}

export async function listStatements(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; rows: StatementRow[] }> {
  const rows = await db.select().from(custodyStatements).orderBy(desc(custodyStatements.issuedAt), desc(custodyStatements.id)).limit(page.limit).offset(page.offset);
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${custodyStatements}`);
  return { total: Number(count?.n ?? 0), rows };
}

export async function findStatement(db: Db, id: string): Promise<StatementRow | null> {
  const [row] = await db.select().from(custodyStatements).where(eq(custodyStatements.id, id));
  return row ?? null;
}

export async function latestStatement(db: Db): Promise<StatementRow | null> {
  const [row] = await db.select().from(custodyStatements).orderBy(desc(custodyStatements.issuedAt), desc(custodyStatements.id)).limit(1);
  return row ?? null;
}
