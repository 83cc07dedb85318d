import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities } from '../facilities';
import { personNames, personNationalities, persons } from '../registry';
import { ACCEPTED_STAGES, CLOSED_STAGES, type NationalityStatus, type RepatriationStage } from './cases.repatriation.domain';

// Tables of this part of the module (cases.repatriation.schema.ts), named in the SQL below: repatriation_requests,
// repatriation_steps, repatriation_evidence.

/** Statuses of a person still held (on the roll or on the way between facilities). */
export const HELD_STATUSES = ['in_custody', 'temporarily_out', 'in_transit', 'unaccounted'] as const;

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
const uuidList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}::uuid`),
    sql`, `,
  );
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** What narrows a reader: the states (a liaison's nationalities) and the facilities; null means not narrowed. */
export interface RequestScope {
  states: readonly string[] | null;
  facilityIds: readonly string[] | null;
}

export interface RequestRow {
  id: string;
  person_id: string;
  state: string;
  stage: RepatriationStage;
  nationality_status: NationalityStatus;
  nationality_decided_at: Date | null;
  minor: boolean;
  facility_id: string | null;
  facility: string | null;
  due_at: Date | null;
  opened_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  representative: string | null;
  handover_event_id: string | null;
  reason: string | null;
  reminded_at: Date | null;
  alerted_at: Date | null;
  name: string | null;
  custody_status: string | null;
  /** Where the person is held now (the placement), beside where they were when the request was opened. */
  current_facility_id: string | null;
}

const primaryName = sql`(select n.full_name from ${personNames} n where n.person_id = r.person_id order by (n.kind = 'primary') desc, n.ordinal limit 1)`;

const SELECT_REQUEST = sql`select r.id, r.person_id, r.state, r.stage, r.nationality_status, r.nationality_decided_at, r.minor, r.facility_id,
       f.name as facility, r.due_at, r.opened_at, r.updated_at, r.closed_at, r.representative, r.handover_event_id, r.reason,
       r.reminded_at, r.alerted_at, ${primaryName} as name, pl.status as custody_status, pl.facility_id as current_facility_id
  from repatriation_requests r
  left join ${facilities} f on f.id = r.facility_id
  left join ${placements} pl on pl.person_id = r.person_id`;

function dates(r: RequestRow): RequestRow {
  const d = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    ...r,
    nationality_decided_at: d(r.nationality_decided_at),
    due_at: d(r.due_at),
    opened_at: new Date(r.opened_at),
    updated_at: new Date(r.updated_at),
    closed_at: d(r.closed_at),
    reminded_at: d(r.reminded_at),
    alerted_at: d(r.alerted_at),
  };
}

/** The scope of a reader as SQL over `r` (a request) and `pl` (the person's placement). */
function scopeSql(scope: RequestScope): SQL {
  const parts: SQL[] = [sql`true`];
  if (scope.states) parts.push(scope.states.length ? sql`r.state in (${list(scope.states)})` : sql`false`);
  if (scope.facilityIds) {
    parts.push(
      scope.facilityIds.length ? sql`(r.facility_id in (${uuidList(scope.facilityIds)}) or pl.facility_id in (${uuidList(scope.facilityIds)}))` : sql`false`,
    );
  }
  return sql.join(parts, sql` and `);
}

export async function insertRequest(
  tx: Db,
  r: {
    id: string;
    personId: string;
    state: string;
    stage: RepatriationStage;
    nationalityStatus: NationalityStatus;
    minor: boolean;
    facilityId: string | null;
    dueAt: Date | null;
    at: Date;
    by: string | null;
  },
): Promise<void> {
  await tx.execute(sql`insert into repatriation_requests
      (id, person_id, state, stage, nationality_status, minor, facility_id, due_at, opened_at, opened_by, updated_at)
    values (${r.id}, ${r.personId}, ${r.state}, ${r.stage}, ${r.nationalityStatus}, ${r.minor}, ${r.facilityId}, ${iso(r.dueAt)},
            ${iso(r.at)}, ${r.by}, ${iso(r.at)})`);
}

export async function findRequest(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<RequestRow | null> {
  const [row] = await queryRows<RequestRow>(db, sql`${SELECT_REQUEST} where r.id = ${id}${opts.lock ? sql` for update of r` : sql``}`);
  return row ? dates(row) : null;
}

export async function openRequestOf(db: Db, personId: string): Promise<{ id: string; state: string; stage: RepatriationStage } | null> {
  const [row] = await queryRows<{ id: string; state: string; stage: RepatriationStage }>(
    db,
    sql`select id, state, stage from repatriation_requests where person_id = ${personId} and stage not in (${list(CLOSED_STAGES)}) limit 1`,
  );
  return row ?? null;
}

export async function updateStage(
  tx: Db,
  id: string,
  u: {
    stage: RepatriationStage;
    dueAt: Date | null;
    at: Date;
    closed: boolean;
    reason?: string | null;
    representative?: string | null;
    handoverEventId?: string | null;
  },
): Promise<void> {
  await tx.execute(sql`update repatriation_requests set stage = ${u.stage}, due_at = ${iso(u.dueAt)}, updated_at = ${iso(u.at)},
      closed_at = ${u.closed ? iso(u.at) : null}, reason = coalesce(${u.reason ?? null}, reason),
      representative = coalesce(${u.representative ?? null}, representative),
      handover_event_id = coalesce(${u.handoverEventId ?? null}::uuid, handover_event_id),
      reminded_at = null, alerted_at = null
    where id = ${id}`);
}

export async function updateNationality(tx: Db, id: string, u: { status: NationalityStatus; at: Date; by: string | null }): Promise<void> {
  await tx.execute(sql`update repatriation_requests set nationality_status = ${u.status}, nationality_decided_at = ${iso(u.at)},
      nationality_decided_by = ${u.by}, updated_at = ${iso(u.at)} where id = ${id}`);
}

export async function markDeadline(tx: Db, id: string, what: 'reminded' | 'alerted', at: Date, dueAt: Date): Promise<boolean> {
  // Only when the deadline is still the one of the current stage (a step since moved the request on).
  const column = what === 'reminded' ? sql`reminded_at` : sql`alerted_at`;
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update repatriation_requests set ${column} = ${iso(at)} where id = ${id} and due_at = ${iso(dueAt)} and closed_at is null returning id`,
  );
  return rows.length > 0;
}

export interface StepRow {
  id: string;
  at: Date;
  recorded_by_name: string;
  kind: string;
  from_stage: string | null;
  to_stage: string | null;
  due_at: Date | null;
  note: string | null;
}

export async function insertStep(
  tx: Db,
  s: {
    id: string;
    requestId: string;
    at: Date;
    by: string | null;
    byName: string;
    kind: string;
    from: string | null;
    to: string | null;
    dueAt: Date | null;
    note: string | null;
  },
): Promise<void> {
  await tx.execute(sql`insert into repatriation_steps (id, request_id, at, recorded_by, recorded_by_name, kind, from_stage, to_stage, due_at, note)
    values (${s.id}, ${s.requestId}, ${iso(s.at)}, ${s.by}, ${s.byName}, ${s.kind}, ${s.from}, ${s.to}, ${iso(s.dueAt)}, ${s.note})`);
}

export async function stepsOf(db: Db, requestId: string): Promise<StepRow[]> {
  const rows = await queryRows<StepRow>(
    db,
    sql`select id, at, recorded_by_name, kind, from_stage, to_stage, due_at, note from repatriation_steps where request_id = ${requestId} order by at, id`,
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at), due_at: r.due_at ? new Date(r.due_at) : null }));
}

export interface EvidenceRow {
  id: string;
  kind: string;
  reference: string;
  note: string | null;
  recorded_at: Date;
  recorded_by_name: string;
}

export async function insertEvidence(
  tx: Db,
  e: { id: string; requestId: string; kind: string; reference: string; note: string | null; at: Date; by: string | null; byName: string },
): Promise<void> {
  await tx.execute(sql`insert into repatriation_evidence (id, request_id, kind, reference, note, recorded_at, recorded_by, recorded_by_name)
    values (${e.id}, ${e.requestId}, ${e.kind}, ${e.reference}, ${e.note}, ${iso(e.at)}, ${e.by}, ${e.byName})`);
}

export async function evidenceOf(db: Db, requestId: string): Promise<EvidenceRow[]> {
  const rows = await queryRows<EvidenceRow>(
    db,
    sql`select id, kind, reference, note, recorded_at, recorded_by_name from repatriation_evidence where request_id = ${requestId} order by recorded_at, id`,
  );
  return rows.map((r) => ({ ...r, recorded_at: new Date(r.recorded_at) }));
}

/** What a request needs to know of the person: name, birth, nationalities, where held now. */
export interface PersonFacts {
  id: string;
  birth_to: string | null;
  nationalities: { country: string; status: string }[];
  status: string | null;
  facility_id: string | null;
}

export async function personFacts(db: Db, personId: string): Promise<PersonFacts | null> {
  const [row] = await queryRows<{ id: string; birth_to: string | null; status: string | null; facility_id: string | null }>(
    db,
    sql`select p.id, p.birth_to::text as birth_to, pl.status, pl.facility_id from ${persons} p
          left join ${placements} pl on pl.person_id = p.id where p.id = ${personId}`,
  );
  if (!row) return null;
  const nationalities = await queryRows<{ country: string; status: string }>(
    db,
    sql`select country, status from ${personNationalities} where person_id = ${personId} order by country`,
  );
  return { ...row, nationalities };
}

export interface ListFilter {
  state?: string;
  stage?: RepatriationStage;
  overdue?: boolean;
  personId?: string;
  limit: number;
  offset: number;
}

export async function listRequests(db: Db, scope: RequestScope, f: ListFilter, now: Date): Promise<{ total: number; rows: RequestRow[] }> {
  const parts: SQL[] = [scopeSql(scope)];
  if (f.state) parts.push(sql`r.state = ${f.state}`);
  if (f.stage) parts.push(sql`r.stage = ${f.stage}`);
  if (f.personId) parts.push(sql`r.person_id = ${f.personId}`);
  if (f.overdue) parts.push(sql`r.closed_at is null and r.due_at < ${iso(now)}`);
  const where = sql.join(parts, sql` and `);
  const [count] = await queryRows<{ n: string | number }>(
    db,
    sql`select count(*) as n from repatriation_requests r left join ${placements} pl on pl.person_id = r.person_id where ${where}`,
  );
  const rows = await queryRows<RequestRow>(
    db,
    sql`${SELECT_REQUEST} where ${where}
        order by (r.closed_at is null and r.due_at < ${iso(now)}) desc, r.due_at nulls last, r.opened_at desc, r.id
        limit ${f.limit} offset ${f.offset}`,
  );
  return { total: Number(count?.n ?? 0), rows: rows.map(dates) };
}

/** Of these persons, those with a request the state has accepted (accepted, travel documents): ready to hand over. */
export async function acceptedAmong(db: Db, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; id: string }>(
    db,
    sql`select person_id, id from repatriation_requests where person_id in (${uuidList(personIds)}) and stage in (${list(ACCEPTED_STAGES)})`,
  );
  return new Map(rows.map((r) => [r.person_id, r.id]));
}

export interface StateFigureRow {
  state: string;
  held: number;
  requested: number;
  consular_interview: number;
  accepted: number;
  travel_documents: number;
  handed_over: number;
  refused: number;
  withdrawn: number;
  overdue: number;
}

/**
 * Per state: its nationals held now, and its requests by stage with the overdue ones. A person of two nationalities
 * counts for both states (each state holds a claim on them); the reader's scope narrows both halves.
 */
export async function figuresByState(db: Db, scope: RequestScope, now: Date): Promise<StateFigureRow[]> {
  const heldParts: SQL[] = [sql`pl.status in (${list(HELD_STATUSES)})`];
  if (scope.states) heldParts.push(scope.states.length ? sql`n.country in (${list(scope.states)})` : sql`false`);
  if (scope.facilityIds) heldParts.push(scope.facilityIds.length ? sql`pl.facility_id in (${uuidList(scope.facilityIds)})` : sql`false`);
  const rows = await queryRows<Record<string, string | number>>(
    db,
    sql`with held as (
          select n.country as state, count(distinct n.person_id) as held
            from ${personNationalities} n join ${placements} pl on pl.person_id = n.person_id
           where ${sql.join(heldParts, sql` and `)}
           group by n.country),
        asked as (
          select r.state,
                 count(*) filter (where r.stage = 'requested') as requested,
                 count(*) filter (where r.stage = 'consular_interview') as consular_interview,
                 count(*) filter (where r.stage = 'accepted') as accepted,
                 count(*) filter (where r.stage = 'travel_documents') as travel_documents,
                 count(*) filter (where r.stage = 'handed_over') as handed_over,
                 count(*) filter (where r.stage = 'refused') as refused,
                 count(*) filter (where r.stage = 'withdrawn') as withdrawn,
                 count(*) filter (where r.closed_at is null and r.due_at < ${iso(now)}) as overdue
            from repatriation_requests r left join ${placements} pl on pl.person_id = r.person_id
           where ${scopeSql(scope)}
           group by r.state)
        select coalesce(h.state, a.state) as state, coalesce(h.held, 0) as held,
               coalesce(a.requested, 0) as requested, coalesce(a.consular_interview, 0) as consular_interview,
               coalesce(a.accepted, 0) as accepted, coalesce(a.travel_documents, 0) as travel_documents,
               coalesce(a.handed_over, 0) as handed_over, coalesce(a.refused, 0) as refused, coalesce(a.withdrawn, 0) as withdrawn,
               coalesce(a.overdue, 0) as overdue
          from held h full outer join asked a on a.state = h.state
         order by coalesce(h.held, 0) desc, 1`,
  );
  return rows.map((r) => ({
    state: String(r.state),
    held: Number(r.held),
    requested: Number(r.requested),
    consular_interview: Number(r.consular_interview),
    accepted: Number(r.accepted),
    travel_documents: Number(r.travel_documents),
    handed_over: Number(r.handed_over),
    refused: Number(r.refused),
    withdrawn: Number(r.withdrawn),
    overdue: Number(r.overdue),
  }));
}
