import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities } from '../facilities';
import { personNames, persons, scopeCondition } from '../registry';
import { addMonths, UNDER_REVIEW, type LegalStatus } from './cases.legal.domain';

/** Queries of the legal cases (cases.legal.service.ts). */

export interface LegalCaseRow {
  id: string;
  personId: string;
  facilityId: string | null;
  openedAt: Date;
  grounds: string;
  authority: string;
  status: LegalStatus;
  reviewIntervalMonths: number;
  lastReviewAt: Date | null;
  nextReviewAt: Date | null;
  closedAt: Date | null;
  closedReason: string | null;
}

export interface CaseListRow extends LegalCaseRow {
  personName: string | null;
  currentFacilityId: string | null;
  facilityCode: string | null;
}

export interface EntryRow {
  id: string;
  kind: string;
  at: Date;
  recordedAt: Date;
  recordedBy: string;
  details: Record<string, unknown>;
}

const d = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

type Raw = Record<string, unknown>;
function toCase(r: Raw): LegalCaseRow {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    facilityId: (r.facility_id as string | null) ?? null,
    openedAt: new Date(r.opened_at as string),
    grounds: r.grounds as string,
    authority: r.authority as string,
    status: r.status as LegalStatus,
    reviewIntervalMonths: Number(r.review_interval_months),
    lastReviewAt: d(r.last_review_at),
    nextReviewAt: d(r.next_review_at),
    closedAt: d(r.closed_at),
    closedReason: (r.closed_reason as string | null) ?? null,
  };
}

const underReview = sql.join(
  UNDER_REVIEW.map((s) => sql`${s}`),
  sql`, `,
);

/** The overdue condition in SQL (alias c): the same rule as the domain's `isOverdue`. */
export function overdueSql(now: Date): SQL {
  return sql`(c.closed_at is null and c.status in (${underReview}) and c.next_review_at < ${now})`;
}

export async function insertCase(tx: Db, row: LegalCaseRow & { createdBy: string; updatedAt: Date }): Promise<void> {
  await tx.execute(sql`insert into legal_cases (id, person_id, facility_id, opened_at, grounds, authority, status, review_interval_months,
      last_review_at, next_review_at, created_by, updated_at)
    values (${row.id}, ${row.personId}, ${row.facilityId}, ${row.openedAt}, ${row.grounds}, ${row.authority}, ${row.status},
      ${row.reviewIntervalMonths}, ${row.lastReviewAt}, ${row.nextReviewAt}, ${row.createdBy}, ${row.updatedAt})`);
}

export async function findCase(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<LegalCaseRow | null> {
  const rows = await queryRows<Raw>(db, sql`select * from legal_cases where id = ${id} ${opts.lock ? sql`for update` : sql``}`);
  return rows[0] ? toCase(rows[0]) : null;
}

export async function findCaseOfPerson(db: Db, personId: string): Promise<LegalCaseRow | null> {
  const rows = await queryRows<Raw>(db, sql`select * from legal_cases where person_id = ${personId}`);
  return rows[0] ? toCase(rows[0]) : null;
}

export async function updateCase(
  tx: Db,
  id: string,
  patch: Partial<Pick<LegalCaseRow, 'status' | 'lastReviewAt' | 'nextReviewAt' | 'closedAt' | 'closedReason'>>,
  now: Date,
): Promise<void> {
  const sets: SQL[] = [sql`updated_at = ${now}`];
  if (patch.status !== undefined) sets.push(sql`status = ${patch.status}`);
  if (patch.lastReviewAt !== undefined) sets.push(sql`last_review_at = ${patch.lastReviewAt}`);
  if (patch.nextReviewAt !== undefined) sets.push(sql`next_review_at = ${patch.nextReviewAt}`);
  if (patch.closedAt !== undefined) sets.push(sql`closed_at = ${patch.closedAt}`);
  if (patch.closedReason !== undefined) sets.push(sql`closed_reason = ${patch.closedReason}`);
  await tx.execute(sql`update legal_cases set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

export async function insertEntry(
  tx: Db,
  e: { id: string; caseId: string; kind: string; at: Date; recordedAt: Date; recordedBy: string; details: Record<string, unknown> },
): Promise<void> {
  await tx.execute(sql`insert into legal_case_entries (id, case_id, kind, at, recorded_at, recorded_by, details)
    values (${e.id}, ${e.caseId}, ${e.kind}, ${e.at}, ${e.recordedAt}, ${e.recordedBy}, ${JSON.stringify(e.details)}::jsonb)`);
}

export async function entriesOf(db: Db, caseId: string): Promise<EntryRow[]> {
  const rows = await queryRows<Raw>(
    db,
    sql`select id, kind, at, recorded_at, recorded_by, details from legal_case_entries where case_id = ${caseId} order by at, recorded_at, id`,
  );
  return rows.map((r) => ({
    id: r.id as string,
    kind: r.kind as string,
    at: new Date(r.at as string),
    recordedAt: new Date(r.recorded_at as string),
    recordedBy: r.recorded_by as string,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
  }));
}

export async function countEntries(db: Db, caseId: string, kind: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from legal_case_entries where case_id = ${caseId} and kind = ${kind}`);
  return r?.n ?? 0;
}

export interface CaseFilter {
  facilityIds: readonly string[];
  nationalities: readonly string[];
  facilityId?: string;
  status?: LegalStatus;
  overdue?: boolean;
  personId?: string;
  now: Date;
}

function where(f: CaseFilter): SQL {
  const parts: SQL[] = [scopeCondition({ facilityIds: f.facilityIds, nationalities: f.nationalities })];
  if (f.facilityId) parts.push(sql`coalesce(pl.facility_id, c.facility_id) = ${f.facilityId}`);
  if (f.status) parts.push(sql`c.status = ${f.status}`);
  if (f.personId) parts.push(sql`c.person_id = ${f.personId}`);
  if (f.overdue === true) parts.push(overdueSql(f.now));
  if (f.overdue === false) parts.push(sql`not ${overdueSql(f.now)}`);
  return sql.join(parts, sql` and `);
}

const from = sql`from legal_cases c join ${persons} p on p.id = c.person_id left join ${placements} pl on pl.person_id = c.person_id`;

/** A page of the cases in scope (overdue first, then the soonest review), with how many match in all. */
export async function listCases(db: Db, f: CaseFilter, page: { limit: number; offset: number }): Promise<{ total: number; rows: CaseListRow[] }> {
  const w = where(f);
  const [t] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from} where ${w}`);
  const rows = await queryRows<Raw>(
    db,
    sql`select c.*, coalesce(pl.facility_id, c.facility_id) as current_facility_id, f.code as facility_code,
               (select n.full_name from ${personNames} n where n.person_id = c.person_id order by n.ordinal limit 1) as person_name
        ${from}
        left join ${facilities} f on f.id = coalesce(pl.facility_id, c.facility_id)
        where ${w}
        order by ${overdueSql(f.now)} desc, c.closed_at nulls first, c.next_review_at nulls last, c.id
        limit ${page.limit} offset ${page.offset}`,
  );
  return {
    total: t?.n ?? 0,
    rows: rows.map((r) => ({
      ...toCase(r),
      personName: (r.person_name as string | null) ?? null,
      currentFacilityId: (r.current_facility_id as string | null) ?? null,
      facilityCode: (r.facility_code as string | null) ?? null,
    })),
  };
}

/** Open, overdue and soon-due cases in scope (the dashboard's figure). */
export async function caseCounts(db: Db, f: CaseFilter): Promise<{ open: number; overdue: number; dueWithin30Days: number }> {
  const soon = new Date(f.now.getTime() + 30 * 86_400_000);
  const [r] = await queryRows<{ open: number; overdue: number; soon: number }>(
    db,
    sql`select count(*) filter (where c.closed_at is null)::int as open,
               count(*) filter (where ${overdueSql(f.now)})::int as overdue,
               count(*) filter (where c.closed_at is null and c.status in (${underReview}) and c.next_review_at >= ${f.now} and c.next_review_at < ${soon})::int as soon
        ${from} where ${where(f)}`,
  );
  return { open: r?.open ?? 0, overdue: r?.overdue ?? 0, dueWithin30Days: r?.soon ?? 0 };
}

/** Where the person is held now, and whether they are in custody at all. */
export async function placementOf(db: Db, personId: string): Promise<{ status: string; facilityId: string | null } | null> {
  const rows = await queryRows<{ status: string; facility_id: string | null }>(
    db,
    sql`select status, facility_id from ${placements} where person_id = ${personId}`,
  );
  return rows[0] ? { status: rows[0].status, facilityId: rows[0].facility_id } : null;
}

/**
 * Opens a case for every person on the roll of a facility who has none (a bulk intake: the demo world, the bench, a
 * population taken over at once). The time held before this intake and the last review are spread deterministically by
 * the person's id, so that the figures show the stasis a real intake finds: long detentions, some never reviewed.
 */
export async function insertCasesForFacility(
  tx: Db,
  f: { facilityId: string; grounds: string; authority: string; intervalMonths: number; now: Date; createdBy: string; newId: () => string },
): Promise<{ id: string; nextReviewAt: Date }[]> {
  const people = await queryRows<{ person_id: string; since: string | Date; h: number }>(
    tx,
    sql`select pl.person_id, least(pl.since, ${f.now}::timestamptz) as since, abs(hashtext(pl.person_id::text)) as h
        from ${placements} pl
        where pl.facility_id = ${f.facilityId} and pl.status in ('in_custody', 'temporarily_out', 'unaccounted')
          and not exists (select 1 from legal_cases c where c.person_id = pl.person_id)`,
  );
  if (people.length === 0) return [];
  const out: { id: string; nextReviewAt: Date }[] = [];
  // each case's timeline starts with its opening, as a case opened one at a time does
  const openedEntry = JSON.stringify({ status: 'held_without_charge', grounds: f.grounds, authority: f.authority, intake: true });
  const entries: SQL[] = [];
  const rows = people.map((p) => {
    const monthsHeld = p.h % 36;
    const openedAt = addMonths(new Date(p.since), -monthsHeld);
    // four in five of those held six months or more had a review, 0 to 6 months ago; the others never had one
    const reviewed = monthsHeld >= 6 && p.h % 10 < 8;
    const lastReviewAt = reviewed ? addMonths(f.now, -(Math.floor(p.h / 7) % 7)) : null;
    const nextReviewAt = addMonths(lastReviewAt ?? openedAt, f.intervalMonths);
    const id = f.newId();
    out.push({ id, nextReviewAt });
    entries.push(sql`(${f.newId()}, ${id}, 'opened', ${openedAt}, ${f.now}, ${f.createdBy}, ${openedEntry}::jsonb)`);
    return sql`(${id}, ${p.person_id}, ${f.facilityId}, ${openedAt}, ${f.grounds}, ${f.authority}, 'held_without_charge', ${f.intervalMonths},
      ${lastReviewAt}, ${nextReviewAt}, ${f.createdBy}, ${f.now})`;
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.execute(sql`insert into legal_cases (id, person_id, facility_id, opened_at, grounds, authority, status, review_interval_months,
        last_review_at, next_review_at, created_by, updated_at) values ${sql.join(rows.slice(i, i + 1000), sql`, `)}`);
    await tx.execute(sql`insert into legal_case_entries (id, case_id, kind, at, recorded_at, recorded_by, details)
        values ${sql.join(entries.slice(i, i + 1000), sql`, `)}`);
  }
  return out;
}
