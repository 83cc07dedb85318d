import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities } from '../facilities';
import { personNationalities, persons, scopeCondition } from '../registry';
import { overdueSql } from './cases.legal.repository';

type Scope = { facilityIds: readonly string[]; nationalities: readonly string[] };

/**
 * The stasis figures: open legal cases by current facility and nationality (a person of two nationalities counts under
 * each; the totals count persons once), overdue reviews, never reviewed, days in custody without a review.
 */
export async function stasisRows(db: Db, scope: Scope, now: Date) {
  const days = sql`floor(extract(epoch from (${now}::timestamptz - coalesce(c.last_review_at, c.opened_at))) / 86400)`;
  const from = sql`from legal_cases c join ${persons} p on p.id = c.person_id left join ${placements} pl on pl.person_id = c.person_id`;
  const where = sql`c.closed_at is null and ${scopeCondition(scope)}`;
  const rows = await queryRows<{
    facility_code: string | null;
    nationality: string | null;
    open_cases: number;
    overdue: number;
    never_reviewed: number;
    avg_days: number;
    max_days: number;
  }>(
    db,
    sql`select f.code as facility_code, pn.country as nationality, count(*)::int as open_cases,
               count(*) filter (where ${overdueSql(now)})::int as overdue,
               count(*) filter (where c.last_review_at is null)::int as never_reviewed,
               coalesce(round(avg(greatest(${days}, 0))), 0)::int as avg_days,
               coalesce(max(greatest(${days}, 0)), 0)::int as max_days
        ${from}
        left join ${facilities} f on f.id = coalesce(pl.facility_id, c.facility_id)
        left join ${personNationalities} pn on pn.person_id = c.person_id
        where ${where}
        group by f.code, pn.country
        order by f.code nulls last, pn.country nulls last`,
  );
  const [t] = await queryRows<{ open_cases: number; overdue: number; never_reviewed: number }>(
    db,
    sql`select count(*)::int as open_cases, count(*) filter (where ${overdueSql(now)})::int as overdue,
               count(*) filter (where c.last_review_at is null)::int as never_reviewed
        ${from} where ${where}`,
  );
  return {
    totals: { openCases: t?.open_cases ?? 0, overdue: t?.overdue ?? 0, neverReviewed: t?.never_reviewed ?? 0 },
    rows: rows.map((r) => ({
      facilityCode: r.facility_code,
      nationality: r.nationality,
      openCases: r.open_cases,
      overdue: r.overdue,
      neverReviewed: r.never_reviewed,
      avgDaysWithoutReview: r.avg_days,
      maxDaysWithoutReview: r.max_days,
    })),
  };
}

export async function reintegrationFigures(db: Db, scope: Scope, now: Date) {
  const from = sql`from reintegration_cases r join ${persons} p on p.id = r.person_id left join ${placements} pl on pl.person_id = r.person_id`;
  const where = scopeCondition(scope);
  const [t] = await queryRows<{ cases: number; with_plan: number; missed: number }>(
    db,
    sql`select count(*)::int as cases, count(*) filter (where r.programme is not null)::int as with_plan,
               count(*) filter (where r.next_checkin_at < ${now})::int as missed
        ${from} where ${where}`,
  );
  const outcomes = await queryRows<{ month: number; outcome: string; n: number }>(
    db,
    sql`select o.month, o.outcome, count(*)::int as n ${from} join reintegration_outcomes o on o.case_id = r.id
        where ${where} group by o.month, o.outcome order by o.month, o.outcome`,
  );
  return {
    cases: t?.cases ?? 0,
    withPlan: t?.with_plan ?? 0,
    checkinMissed: t?.missed ?? 0,
    outcomes: outcomes.map((o) => ({ month: o.month, outcome: o.outcome, count: o.n })),
  };
}
