import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { personNames, persons, scopeCondition } from '../registry';
import type { ReintegrationOutcome } from './cases.reintegration.domain';

export interface ReintegrationRow {
  id: string;
  personId: string;
  reason: string;
  releasedAt: Date;
  facilityId: string | null;
  programme: string | null;
  casePlan: string | null;
  checkinEveryDays: number | null;
  nextCheckinAt: Date | null;
  lastCheckinAt: Date | null;
  personName: string | null;
}

type Raw = Record<string, unknown>;
const d = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function toRow(r: Raw): ReintegrationRow {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    reason: r.reason as string,
    releasedAt: new Date(r.released_at as string),
    facilityId: (r.facility_id as string | null) ?? null,
    programme: (r.programme as string | null) ?? null,
    casePlan: (r.case_plan as string | null) ?? null,
    checkinEveryDays: r.checkin_every_days === null || r.checkin_every_days === undefined ? null : Number(r.checkin_every_days),
    nextCheckinAt: d(r.next_checkin_at),
    lastCheckinAt: d(r.last_checkin_at),
    personName: (r.person_name as string | null) ?? null,
  };
}

/** Opens the case of one exit from custody; a second delivery of the same ledger event adds nothing. */
export async function insertReintegration(
  tx: Db,
  r: { id: string; personId: string; ledgerEventId: string; reason: string; releasedAt: Date; facilityId: string | null; now: Date },
): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into reintegration_cases (id, person_id, ledger_event_id, reason, released_at, facility_id, opened_at, updated_at)
        values (${r.id}, ${r.personId}, ${r.ledgerEventId}, ${r.reason}, ${r.releasedAt}, ${r.facilityId}, ${r.now}, ${r.now})
        on conflict (ledger_event_id) do nothing returning id`,
  );
  return rows.length > 0;
}

const nameSql = sql`(select n.full_name from ${personNames} n where n.person_id = r.person_id order by n.ordinal limit 1) as person_name`;

export async function findReintegration(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<ReintegrationRow | null> {
  const rows = await queryRows<Raw>(db, sql`select r.*, ${nameSql} from reintegration_cases r where r.id = ${id} ${opts.lock ? sql`for update of r` : sql``}`);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function updateReintegration(
  tx: Db,
  id: string,
  patch: Partial<Pick<ReintegrationRow, 'programme' | 'casePlan' | 'checkinEveryDays' | 'nextCheckinAt' | 'lastCheckinAt'>>,
  now: Date,
): Promise<void> {
  const sets: SQL[] = [sql`updated_at = ${now}`];
  if (patch.programme !== undefined) sets.push(sql`programme = ${patch.programme}`);
  if (patch.casePlan !== undefined) sets.push(sql`case_plan = ${patch.casePlan}`);
  if (patch.checkinEveryDays !== undefined) sets.push(sql`checkin_every_days = ${patch.checkinEveryDays}`);
  if (patch.nextCheckinAt !== undefined) sets.push(sql`next_checkin_at = ${patch.nextCheckinAt}`);
  if (patch.lastCheckinAt !== undefined) sets.push(sql`last_checkin_at = ${patch.lastCheckinAt}`);
  await tx.execute(sql`update reintegration_cases set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

export async function listReintegration(
  db: Db,
  f: { facilityIds: readonly string[]; nationalities: readonly string[]; personId?: string; facilityId?: string; missed?: boolean; now: Date },
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: ReintegrationRow[] }> {
  const parts: SQL[] = [scopeCondition(f)];
  if (f.personId) parts.push(sql`r.person_id = ${f.personId}`);
  if (f.facilityId) parts.push(sql`r.facility_id = ${f.facilityId}`);
  const missed = sql`(r.next_checkin_at is not null and r.next_checkin_at < ${f.now})`;
  if (f.missed === true) parts.push(missed);
  if (f.missed === false) parts.push(sql`not ${missed}`);
  const w = sql.join(parts, sql` and `);
  const from = sql`from reintegration_cases r join ${persons} p on p.id = r.person_id left join ${placements} pl on pl.person_id = r.person_id`;
  const [t] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from} where ${w}`);
  const rows = await queryRows<Raw>(
    db,
    sql`select r.*, ${nameSql} ${from} where ${w} order by ${missed} desc, r.released_at desc, r.id limit ${page.limit} offset ${page.offset}`,
  );
  return { total: t?.n ?? 0, rows: rows.map(toRow) };
}

export async function insertCheckin(tx: Db, c: { id: string; caseId: string; heldAt: Date; note: string; now: Date; by: string }): Promise<void> {
  await tx.execute(sql`insert into reintegration_checkins (id, case_id, held_at, note, recorded_at, recorded_by)
    values (${c.id}, ${c.caseId}, ${c.heldAt}, ${c.note}, ${c.now}, ${c.by})`);
}

export async function checkinsOf(db: Db, caseId: string): Promise<{ id: string; heldAt: Date; note: string; recordedBy: string }[]> {
  const rows = await queryRows<Raw>(db, sql`select id, held_at, note, recorded_by from reintegration_checkins where case_id = ${caseId} order by held_at, id`);
  return rows.map((r) => ({ id: r.id as string, heldAt: new Date(r.held_at as string), note: r.note as string, recordedBy: r.recorded_by as string }));
}

export async function insertOutcome(tx: Db, o: { caseId: string; month: number; outcome: string; note: string; now: Date; by: string }): Promise<boolean> {
  const rows = await queryRows<{ month: number }>(
    tx,
    sql`insert into reintegration_outcomes (case_id, month, outcome, note, recorded_at, recorded_by)
        values (${o.caseId}, ${o.month}, ${o.outcome}, ${o.note}, ${o.now}, ${o.by}) on conflict do nothing returning month`,
  );
  return rows.length > 0;
}

export async function outcomesOf(db: Db, caseId: string) {
  const rows = await queryRows<Raw>(
    db,
    sql`select month, outcome, note, recorded_at, recorded_by from reintegration_outcomes where case_id = ${caseId} order by month`,
  );
  return rows.map((r) => ({
    month: Number(r.month),
    outcome: r.outcome as ReintegrationOutcome,
    note: r.note as string,
    recordedAt: new Date(r.recorded_at as string),
    recordedBy: r.recorded_by as string,
  }));
}
