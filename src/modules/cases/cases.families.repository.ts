import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities } from '../facilities';
import { personNames, personNationalities, personRelations, persons } from '../registry';
import { CARER_KINDS, type Determination, type DeterminationMove, type PlaceOf } from './cases.families.domain';

// Tables of this module (cases.families.schema.ts): family_best_interests, tracing_requests, tracing_matches.
const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;
const carerKinds = sql`${sql.param([...CARER_KINDS])}::text[]`;

export interface CarerLink {
  carer_id: string;
  child_id: string;
}

/** Active carer links touching these persons, as carer or as child. */
export async function carerLinksTouching(db: Db, personIds: readonly string[]): Promise<CarerLink[]> {
  if (personIds.length === 0) return [];
  return queryRows<CarerLink>(
    db,
    sql`select r.person_id as carer_id, r.related_person_id as child_id from ${personRelations} r
         where r.ended_at is null and r.kind = any(${carerKinds})
           and (r.person_id = any(${uuids(personIds)}) or r.related_person_id = any(${uuids(personIds)}))`,
  );
}

/** Every active carer of these children. */
export async function carersOfChildren(db: Db, childIds: readonly string[]): Promise<CarerLink[]> {
  if (childIds.length === 0) return [];
  return queryRows<CarerLink>(
    db,
    sql`select r.person_id as carer_id, r.related_person_id as child_id from ${personRelations} r
         where r.ended_at is null and r.kind = any(${carerKinds}) and r.related_person_id = any(${uuids(childIds)})`,
  );
}

export async function birthsOf(db: Db, ids: readonly string[]): Promise<Map<string, { birthTo: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; birth_to: string | null }>(
    db,
    sql`select p.id, p.birth_to::text as birth_to from ${persons} p where p.id = any(${uuids(ids)})`,
  );
  return new Map(rows.map((r) => [r.id, { birthTo: r.birth_to }]));
}

export async function placesOf(db: Db, ids: readonly string[]): Promise<Map<string, PlaceOf>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; status: string; facility_id: string | null; destination_facility_id: string | null }>(
    db,
    sql`select pl.person_id, pl.status, pl.facility_id, pl.destination_facility_id from ${placements} pl where pl.person_id = any(${uuids(ids)})`,
  );
  return new Map(rows.map((r) => [r.person_id, { status: r.status, facilityId: r.facility_id, destinationFacilityId: r.destination_facility_id }]));
}

export async function facilityLabels(db: Db, ids: readonly string[]): Promise<Map<string, { code: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; code: string; name: string }>(
    db,
    sql`select f.id, f.code, f.name from ${facilities} f where f.id = any(${uuids(ids)})`,
  );
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}

export async function primaryNamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; full_name: string }>(
    db,
    sql`select distinct on (n.person_id) n.person_id, n.full_name from ${personNames} n
         where n.person_id = any(${uuids(ids)}) order by n.person_id, (n.kind = 'primary') desc, n.ordinal`,
  );
  return new Map(rows.map((r) => [r.person_id, r.full_name]));
}

/** The members of a household (ids only; the caller narrows them to the reader's scope). */
export async function householdMemberIds(db: Db, householdId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`select p.id from ${persons} p where p.household_id = ${householdId} order by p.created_at, p.id`);
  return rows.map((r) => r.id);
}

// ---- best-interests determinations -----------------------------------------------------------------------------

export async function determinationsFor(db: Db, childIds: readonly string[]): Promise<Determination[]> {
  if (childIds.length === 0) return [];
  const rows = await queryRows<{
    child_person_id: string;
    mover_person_id: string;
    move: string;
    to_facility_id: string | null;
    decision: string;
    decided_at: Date | string;
    valid_until: Date | string;
  }>(
    db,
    sql`select child_person_id, mover_person_id, move, to_facility_id, decision, decided_at, valid_until
          from family_best_interests where child_person_id = any(${uuids(childIds)})`,
  );
  return rows.map((r) => ({
    childPersonId: r.child_person_id,
    moverPersonId: r.mover_person_id,
    move: r.move as DeterminationMove,
    toFacilityId: r.to_facility_id,
    decision: r.decision,
    decidedAt: new Date(r.decided_at),
    validUntil: new Date(r.valid_until),
  }));
}

export interface DeterminationRow {
  id: string;
  child_person_id: string;
  mover_person_id: string;
  move: string;
  /** null: a release or a repatriation (the move leaves custody) */
  to_facility_id: string | null;
  decision: string;
  reason: string;
  decided_by: string;
  decided_at: Date | string;
  valid_until: Date | string;
}

export async function insertDetermination(
  tx: Db,
  d: {
    id: string;
    childId: string;
    moverId: string;
    move: string;
    toFacilityId: string | null;
    decision: string;
    reason: string;
    decidedBy: string;
    decidedAt: Date;
    validUntil: Date;
  },
): Promise<void> {
  await tx.execute(sql`
    insert into family_best_interests (id, child_person_id, mover_person_id, move, to_facility_id, decision, reason, decided_by, decided_at, valid_until)
    values (${d.id}, ${d.childId}, ${d.moverId}, ${d.move}, ${d.toFacilityId}, ${d.decision}, ${d.reason}, ${d.decidedBy}, ${d.decidedAt.toISOString()}, ${d.validUntil.toISOString()})`);
}

export async function determinationRowsOf(db: Db, childId: string): Promise<DeterminationRow[]> {
  return queryRows<DeterminationRow>(db, sql`select * from family_best_interests where child_person_id = ${childId} order by decided_at desc, id desc`);
}

// ---- separated children (the figure) ---------------------------------------------------------------------------

/**
 * Children (under 18 by `cutoff`, the day 18 years before now) held or in transit, with at least one active carer,
 * none of whom shares their place: by facility (the child's, or their destination in transit). Narrowed to facilities
 * and nationalities when given.
 */
export async function separatedChildrenByFacility(
  db: Db,
  cutoff: string,
  scope: { facilityIds: readonly string[] | null; nationalities: readonly string[] | null },
): Promise<{ facility_id: string | null; children: number }[]> {
  const facilityFilter: SQL = scope.facilityIds ? sql`and coalesce(pl.facility_id, pl.destination_facility_id) = any(${uuids(scope.facilityIds)})` : sql``;
  const nationalityFilter: SQL = scope.nationalities
    ? sql`and exists (select 1 from ${personNationalities} pn where pn.person_id = p.id and pn.country = any(${sql.param([...scope.nationalities])}::text[]))`
    : sql``;
  return queryRows<{ facility_id: string | null; children: number }>(
    db,
    // Each child is tested through the indexes (relations by child, placements by person): linear in the children.
    // A version over CTEs (materialised, without indexes) was quadratic: minutes at al-Hol's 28,000 children.
    sql`select case when pl.status = 'in_transit' then pl.destination_facility_id else pl.facility_id end as facility_id, count(*)::int as children
          from ${persons} p join ${placements} pl on pl.person_id = p.id
         where p.birth_to > ${cutoff}::date and pl.status in ('in_custody', 'temporarily_out', 'in_transit')
           ${facilityFilter} ${nationalityFilter}
           and p.id in (select r.related_person_id from ${personRelations} r where r.ended_at is null and r.kind = any(${carerKinds}))
           -- children with a carer where they are, found once for all (a hashed set): a test per child went through
           -- whichever index the planner guessed, without statistics the wrong one (15 s at 27,950 children)
           and p.id not in (
             select r.related_person_id from ${personRelations} r
               join ${placements} c on c.person_id = r.person_id
               join ${placements} k on k.person_id = r.related_person_id
              where r.ended_at is null and r.kind = any(${carerKinds})
                and ((k.status in ('in_custody', 'temporarily_out') and c.status in ('in_custody', 'temporarily_out') and c.facility_id = k.facility_id)
                  or (k.status = 'in_transit' and c.status = 'in_transit' and c.destination_facility_id = k.destination_facility_id)))
         group by 1 order by 2 desc`,
  );
}

// ---- tracing requests ------------------------------------------------------------------------------------------

export interface TracingRow {
  id: string;
  requester_kind: string;
  requester_person_id: string | null;
  requester_name: string | null;
  requester_contact: string | null;
  sought_name: string;
  relationship: string;
  details: string | null;
  facility_id: string | null;
  status: string;
  located_person_id: string | null;
  closed_reason: string | null;
  consent_given_by: string;
  consent_given_at: Date | string;
  consent_withdrawn_at: Date | string | null;
  consent_withdrawn_reason: string | null;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
}

export async function insertTracing(
  tx: Db,
  r: {
    id: string;
    requesterKind: string;
    requesterPersonId: string | null;
    requesterName: string | null;
    requesterContact: string | null;
    soughtName: string;
    relationship: string;
    details: string | null;
    facilityId: string | null;
    consentGivenBy: string;
    consentGivenAt: Date;
    createdBy: string;
    now: Date;
  },
): Promise<void> {
  await tx.execute(sql`
    insert into tracing_requests (id, requester_kind, requester_person_id, requester_name, requester_contact, sought_name, relationship, details,
      facility_id, status, consent_given_by, consent_given_at, created_by, created_at, updated_at)
    values (${r.id}, ${r.requesterKind}, ${r.requesterPersonId}, ${r.requesterName}, ${r.requesterContact}, ${r.soughtName}, ${r.relationship},
      ${r.details}, ${r.facilityId}, 'open', ${r.consentGivenBy}, ${r.consentGivenAt.toISOString()}, ${r.createdBy}, ${r.now.toISOString()},
      ${r.now.toISOString()})`);
}

export async function findTracing(db: Db, id: string, forUpdate = false): Promise<TracingRow | null> {
  const rows = await queryRows<TracingRow>(db, sql`select * from tracing_requests where id = ${id} ${forUpdate ? sql`for update` : sql``}`);
  return rows[0] ?? null;
}

export async function updateTracing(
  tx: Db,
  id: string,
  set: {
    status?: string;
    locatedPersonId?: string | null;
    closedReason?: string | null;
    consentWithdrawnAt?: Date;
    consentWithdrawnReason?: string;
    now: Date;
  },
): Promise<void> {
  const parts: SQL[] = [sql`updated_at = ${set.now.toISOString()}`];
  if (set.status !== undefined) parts.push(sql`status = ${set.status}`);
  if (set.locatedPersonId !== undefined) parts.push(sql`located_person_id = ${set.locatedPersonId}`);
  if (set.closedReason !== undefined) parts.push(sql`closed_reason = ${set.closedReason}`);
  if (set.consentWithdrawnAt !== undefined) parts.push(sql`consent_withdrawn_at = ${set.consentWithdrawnAt.toISOString()}`);
  if (set.consentWithdrawnReason !== undefined) parts.push(sql`consent_withdrawn_reason = ${set.consentWithdrawnReason}`);
  await tx.execute(sql`update tracing_requests set ${sql.join(parts, sql`, `)} where id = ${id}`);
}

export interface TracingFilter {
  status?: string;
  facilityIds: readonly string[] | null;
  limit: number;
  offset: number;
}

function tracingWhere(f: TracingFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.status) parts.push(sql`status = ${f.status}`);
  if (f.facilityIds) parts.push(sql`facility_id = any(${uuids(f.facilityIds)})`);
  return sql.join(parts, sql` and `);
}

export async function listTracing(db: Db, f: TracingFilter): Promise<{ total: number; rows: TracingRow[] }> {
  const where = tracingWhere(f);
  // one after the other: the caller may hold a transaction (one connection)
  const count = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from tracing_requests where ${where}`);
  const rows = await queryRows<TracingRow>(
    db,
    sql`select * from tracing_requests where ${where} order by created_at desc, id desc limit ${f.limit} offset ${f.offset}`,
  );
  return { total: count[0]?.n ?? 0, rows };
}

export interface MatchRow {
  id: string;
  request_id: string;
  person_id: string;
  score: number;
  status: string;
  proposed_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_reason: string | null;
}

export async function matchesOf(db: Db, requestId: string): Promise<MatchRow[]> {
  return queryRows<MatchRow>(db, sql`select * from tracing_matches where request_id = ${requestId} order by score desc, id`);
}

export async function findMatch(db: Db, requestId: string, matchId: string): Promise<MatchRow | null> {
  const rows = await queryRows<MatchRow>(db, sql`select * from tracing_matches where id = ${matchId} and request_id = ${requestId} for update`);
  return rows[0] ?? null;
}

/** Inserts proposals; a person already proposed for the request is kept as it was. Returns how many are new. */
export async function insertMatches(tx: Db, rows: { id: string; requestId: string; personId: string; score: number; now: Date }[]): Promise<number> {
  let added = 0;
  for (const r of rows) {
    const res = await queryRows<{ id: string }>(
      tx,
      sql`insert into tracing_matches (id, request_id, person_id, score, status, proposed_at)
          values (${r.id}, ${r.requestId}, ${r.personId}, ${r.score}, 'proposed', ${r.now.toISOString()})
          on conflict (request_id, person_id) do nothing returning id`,
    );
    added += res.length;
  }
  return added;
}

export async function decideMatch(tx: Db, id: string, d: { status: string; by: string; at: Date; reason: string }): Promise<void> {
  await tx.execute(sql`update tracing_matches set status = ${d.status}, decided_by = ${d.by}, decided_at = ${d.at.toISOString()}, decision_reason = ${d.reason}
                        where id = ${id}`);
}

export interface RelationRow {
  id: string;
  person_id: string;
  related_person_id: string;
  kind: string;
  ended_at: Date | string | null;
  end_reason: string | null;
}

/** Every relation of a person, ended ones too, oldest first. */
export async function relationsOf(db: Db, personId: string): Promise<RelationRow[]> {
  return queryRows<RelationRow>(
    db,
    sql`select r.id, r.person_id, r.related_person_id, r.kind, r.ended_at, r.end_reason from ${personRelations} r
         where r.person_id = ${personId} or r.related_person_id = ${personId} order by r.ended_at nulls first, r.created_at, r.id`,
  );
}
