import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { scopeCondition } from '../registry';

export interface StatusRow {
  facility_id: string | null;
  status: string;
  count: number;
  minors: number;
}

export interface NationalityRow {
  country: string;
  status: string;
  count: number;
}

/** Placement counts by facility and status, with how many could be minors; scoped in SQL. */
export async function statusCounts(
  db: Db,
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] },
  adultCutoff: string,
): Promise<StatusRow[]> {
  return queryRows(
    db,
    sql`select pl.facility_id, pl.status, count(*)::int as count,
               count(*) filter (where p.birth_to is null or p.birth_to > ${adultCutoff}::date)::int as minors
        from placements pl join persons p on p.id = pl.person_id
        where ${scopeCondition(scope)}
        group by pl.facility_id, pl.status`,
  );
}

export async function nationalityCounts(
  db: Db,
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] },
): Promise<(NationalityRow & { facility_id: string | null })[]> {
  return queryRows(
    db,
    sql`select pl.facility_id, coalesce(n.country, 'UNK') as country, pl.status, count(*)::int as count
        from placements pl join persons p on p.id = pl.person_id
        left join lateral (select country from person_nationalities x where x.person_id = p.id order by x.status desc, x.country limit 1) n on true
        where ${scopeCondition(scope)}
        group by pl.facility_id, n.country, pl.status`,
  );
}

export async function registeredNotAdmitted(db: Db, scope: { facilityIds: readonly string[]; nationalities: readonly string[] }): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from persons p left join placements pl on pl.person_id = p.id
        where pl.person_id is null and ${scopeCondition(scope)}`,
  );
  return row?.n ?? 0;
}
