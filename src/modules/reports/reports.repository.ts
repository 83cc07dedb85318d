import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities, units } from '../facilities';
import { personNationalities, persons, scopeCondition } from '../registry';
import { rollcallUnitResults } from '../rollcalls';

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
        from ${placements} pl join ${persons} p on p.id = pl.person_id
        where ${scopeCondition(scope)}
        group by pl.facility_id, pl.status`,
  );
}

/** Placement counts by facility, unit and status (the unit level of the status table); scoped in SQL. */
export async function unitStatusCounts(
  db: Db,
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] },
): Promise<{ facility_id: string; unit_id: string | null; unit_code: string | null; status: string; count: number }[]> {
  return queryRows(
    db,
    sql`select pl.facility_id, pl.unit_id, u.code as unit_code, pl.status, count(*)::int as count
        from ${placements} pl join ${persons} p on p.id = pl.person_id left join ${units} u on u.id = pl.unit_id
        where pl.facility_id is not null and ${scopeCondition(scope)}
        group by pl.facility_id, pl.unit_id, u.code, pl.status`,
  );
}

/**
 * Placement counts by facility, (first) nationality and status. Each person counts once, under the nationality a
 * `distinct on` picks (verified before claimed, then alphabetical): one sort of the nationality table, where a
 * lateral lookup per person took about 0.5 s on PGlite with the full scenario.
 */
export async function nationalityCounts(
  db: Db,
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] },
): Promise<(NationalityRow & { facility_id: string | null })[]> {
  return queryRows(
    db,
    sql`select pl.facility_id, coalesce(n.country, 'UNK') as country, pl.status, count(*)::int as count
        from ${placements} pl join ${persons} p on p.id = pl.person_id
        left join (select distinct on (person_id) person_id, country from ${personNationalities}
                   order by person_id, status desc, country) n on n.person_id = p.id
        where ${scopeCondition(scope)}
        group by pl.facility_id, n.country, pl.status`,
  );
}

export async function registeredNotAdmitted(db: Db, scope: { facilityIds: readonly string[]; nationalities: readonly string[] }): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${persons} p left join ${placements} pl on pl.person_id = p.id
        where pl.person_id is null and ${scopeCondition(scope)}`,
  );
  return row?.n ?? 0;
}

export interface DeltaHistoryRow {
  rollcall_id: string;
  closed_at: Date;
  facility_id: string;
  facility_code: string;
  unit_id: string | null;
  unit_code: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  misplaced_in: number;
  misplaced_out: number;
}

/** The Delta of each unit at each closed roll call (rows written at close by the roll-call module), oldest first. */
export async function deltaHistory(
  db: Db,
  f: { facilityIds?: readonly string[]; facilityId?: string; unitId?: string; from?: Date; to?: Date; limit: number },
): Promise<DeltaHistoryRow[]> {
  const conditions = [sql`true`];
  if (f.facilityIds) conditions.push(sql`r.facility_id = any(${sql.param([...f.facilityIds])}::uuid[])`);
  if (f.facilityId) conditions.push(sql`r.facility_id = ${f.facilityId}`);
  if (f.unitId) conditions.push(sql`r.unit_id = ${f.unitId}`);
  if (f.from) conditions.push(sql`r.closed_at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) conditions.push(sql`r.closed_at <= ${f.to.toISOString()}::timestamptz`);
  return queryRows(
    db,
    sql`select * from (
          select r.rollcall_id, r.closed_at, r.facility_id, f.code as facility_code, r.unit_id, u.code as unit_code,
                 r.expected, r.present, r.excused, r.delta, r.misplaced_in, r.misplaced_out
          from ${rollcallUnitResults} r join ${facilities} f on f.id = r.facility_id left join ${units} u on u.id = r.unit_id
          where ${sql.join(conditions, sql` and `)}
          order by r.closed_at desc, u.code nulls first
          limit ${f.limit}
        ) h order by closed_at, unit_code nulls first`,
  );
}
