import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities, units } from '../facilities';
import { personNames, personNationalities } from '../registry';
import { rollcallSchedules, rollcalls } from './rollcalls.schema';
import type { ClosedCount, MarkResult } from './rollcalls.domain';

export type RollcallRow = typeof rollcalls.$inferSelect;
export type ScheduleRow = typeof rollcallSchedules.$inferSelect;

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/** Serialises openings per facility so that two overlapping roll calls cannot both open. */
export async function lockFacility(tx: Db, facilityId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(tx, sql`select id from ${facilities} where id = ${facilityId} for update`);
  return rows.length > 0;
}

/** The given units and every unit below them, restricted to the facility. */
export async function unitTree(tx: Db, facilityId: string, unitIds: readonly string[]): Promise<{ id: string; requested: boolean }[]> {
  return queryRows(
    tx,
    sql`with recursive tree as (
          select id, true as requested from ${units} where facility_id = ${facilityId} and id = any(${uuids(unitIds)})
          union
          select u.id, false from ${units} u join tree t on u.parent_unit_id = t.id
        )
        select id, bool_or(requested) as requested from tree group by id`,
  );
}

export async function facilityUnitIds(db: Db, facilityId: string): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(db, sql`select id from ${units} where facility_id = ${facilityId}`);
  return new Set(rows.map((r) => r.id));
}

export async function overlappingOpen(tx: Db, facilityId: string, unitIds: readonly string[]): Promise<RollcallRow | undefined> {
  const overlap = unitIds.length === 0 ? sql`true` : sql`(cardinality(unit_ids) = 0 or unit_ids && ${uuids(unitIds)})`;
  const [row] = await tx
    .select()
    .from(rollcalls)
    .where(and(eq(rollcalls.facilityId, facilityId), sql`status in ('open', 'closing')`, overlap))
    .limit(1);
  return row;
}

export async function insertRollcall(tx: Db, row: RollcallRow): Promise<void> {
  await tx.insert(rollcalls).values(row);
}

/** Copies the manifest (placement projection) of the facility, or of the units, into the expected list. */
export async function snapshotExpected(tx: Db, rollcallId: string, facilityId: string, unitIds: readonly string[]): Promise<number> {
  const units = unitIds.length === 0 ? sql`true` : sql`unit_id = any(${uuids(unitIds)})`;
  await tx.execute(
    sql`insert into rollcall_expected (rollcall_id, person_id, unit_id, status, out_reason)
        select ${rollcallId}::uuid, person_id, unit_id, status, out_reason from ${placements}
        where facility_id = ${facilityId} and status in ('in_custody', 'temporarily_out', 'unaccounted') and ${units}`,
  );
  const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from rollcall_expected where rollcall_id = ${rollcallId}`);
  await tx.update(rollcalls).set({ expectedCount: row!.n }).where(eq(rollcalls.id, rollcallId));
  return row!.n;
}

export async function findRollcall(db: Db, id: string, lock?: 'share' | 'update'): Promise<RollcallRow | undefined> {
  const q = db.select().from(rollcalls).where(eq(rollcalls.id, id));
  const [row] = lock === 'share' ? await q.for('share') : lock === 'update' ? await q.for('update') : await q;
  return row;
}

export async function listRollcalls(
  db: Db,
  f: { facilityId?: string; facilityIds?: readonly string[]; status?: string; limit: number },
): Promise<RollcallRow[]> {
  const conditions: SQL[] = [];
  if (f.facilityId) conditions.push(eq(rollcalls.facilityId, f.facilityId));
  if (f.facilityIds) conditions.push(inArray(rollcalls.facilityId, [...f.facilityIds]));
  if (f.status) conditions.push(eq(rollcalls.status, f.status));
  return db
    .select()
    .from(rollcalls)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(rollcalls.openedAt), desc(rollcalls.id))
    .limit(f.limit);
}

export interface ExpectedRow {
  person_id: string;
  unit_id: string | null;
  status: string;
}

/**
 * The roll call with those of these persons on its expected list, in one read. The batch holds the roll call's advisory lock in shared mode until it commits, and a close takes it
 * exclusively (claimClose), so a close waits for the marks in flight. An advisory lock writes nothing, where a row
 * lock shared by concurrent batches would write a multixact on every batch.
 */
export async function lockWithExpected(
  tx: Db,
  rollcallId: string,
  personIds: readonly string[],
): Promise<{ rollcall: { status: string; facilityId: string } | undefined; expected: Map<string, ExpectedRow> }> {
  // Its own statement: the read below must take its snapshot after the lock is granted (READ COMMITTED).
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtextextended(${rollcallId}, 0))`);
  const rows = await queryRows<{ rc_status: string; facility_id: string; person_id: string | null; unit_id: string | null; status: string | null }>(
    tx,
    sql`select r.status as rc_status, r.facility_id, x.person_id, x.unit_id, x.status
        from rollcalls r
        left join lateral (
          select e.person_id, e.unit_id, e.status from rollcall_expected e
          where e.rollcall_id = r.id and e.person_id = any(${uuids(personIds)})
        ) x on true
        where r.id = ${rollcallId}`,
  );
  const expected = new Map<string, ExpectedRow>();
  for (const r of rows) if (r.person_id) expected.set(r.person_id, { person_id: r.person_id, unit_id: r.unit_id, status: r.status! });
  return { rollcall: rows[0] ? { status: rows[0].rc_status, facilityId: rows[0].facility_id } : undefined, expected };
}

export async function expectedAmong(tx: Db, rollcallId: string, personIds: readonly string[]): Promise<Map<string, ExpectedRow>> {
  const rows = await queryRows<ExpectedRow>(
    tx,
    sql`select person_id, unit_id, status from rollcall_expected where rollcall_id = ${rollcallId} and person_id = any(${uuids(personIds)})`,
  );
  return new Map(rows.map((r) => [r.person_id, r]));
}

/** Of these persons, those on the facility's manifest now (for marks of persons outside the roll call's units). */
export async function onManifestAmong(tx: Db, facilityId: string, personIds: readonly string[]): Promise<Map<string, ExpectedRow>> {
  const rows = await queryRows<ExpectedRow>(
    tx,
    sql`select person_id, unit_id, status from ${placements}
        where person_id = any(${uuids(personIds)}) and facility_id = ${facilityId}
          and status in ('in_custody', 'temporarily_out', 'unaccounted')`,
  );
  return new Map(rows.map((r) => [r.person_id, r]));
}

export interface MarkRow {
  id: string;
  rollcallId: string;
  personId: string;
  result: MarkResult;
  reason: string | null;
  note: string | null;
  method: string | null;
  verificationRef: string | null;
  unitId: string | null;
  expected: boolean;
  misplaced: boolean;
  markedAt: Date;
  markedBy: string | null;
  recordedAt: Date;
}

/**
 * One multi-row insert whatever the batch size (arrays unnested server-side; what every mark of a batch shares is
 * sent once); returns the ids actually inserted, so that a retried batch shows up as inserting nothing.
 */
export async function insertMarks(
  tx: Db,
  shared: { rollcallId: string; markedBy: string | null; recordedAt: Date },
  rows: readonly Omit<MarkRow, 'rollcallId' | 'markedBy' | 'recordedAt'>[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // In id order: concurrent batches that share marks (a resent batch, two tablets on one block) then take the unique
  // index's entries in one order and wait for each other instead of deadlocking.
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(sorted.map(f));
  const optional = <T>(f: (r: (typeof rows)[number]) => T | null, type: string) =>
    sorted.some((r) => f(r) !== null) ? sql`${col(f)}::${sql.raw(type)}[]` : sql`array_fill(null::${sql.raw(type)}, array[${sorted.length}::int])`;
  const inserted = await queryRows<{ id: string }>(
    tx,
    sql`insert into rollcall_marks (id, rollcall_id, person_id, result, reason, note, method, verification_ref, unit_id,
                                    expected, misplaced, marked_at, marked_by, recorded_at)
        select m.id, ${shared.rollcallId}::uuid, m.person_id, m.result, m.reason, m.note, m.method, m.verification_ref, m.unit_id,
               m.expected, m.misplaced, m.marked_at, ${shared.markedBy}::uuid, ${shared.recordedAt.toISOString()}::timestamptz
        from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.personId)}::uuid[], ${col((r) => r.result)}::text[],
                    ${optional((r) => r.reason, 'text')}, ${optional((r) => r.note, 'text')}, ${optional((r) => r.method, 'text')},
                    ${optional((r) => r.verificationRef, 'text')}, ${optional((r) => r.unitId, 'uuid')},
                    ${col((r) => r.expected)}::boolean[], ${col((r) => r.misplaced)}::boolean[],
                    ${col((r) => r.markedAt.toISOString())}::timestamptz[])
             as m(id, person_id, result, reason, note, method, verification_ref, unit_id, expected, misplaced, marked_at)
        order by m.id
        on conflict (rollcall_id, id) do nothing
        returning id`,
  );
  return new Set(inserted.map((r) => r.id));
}

export async function marksByIds(
  tx: Db,
  rollcallId: string,
  ids: readonly string[],
): Promise<{ id: string; rollcall_id: string; person_id: string; result: string }[]> {
  return queryRows(tx, sql`select id, rollcall_id, person_id, result from rollcall_marks where rollcall_id = ${rollcallId} and id = any(${uuids(ids)})`);
}

/** The decisive mark of each marked person: seen present anywhere beats everything, else the latest (domain rule). */
const decisive = (rollcallId: string) => sql`
  select distinct on (person_id) person_id, result, reason, unit_id, expected
  from rollcall_marks where rollcall_id = ${rollcallId}
  order by person_id, (result = 'present') desc, marked_at desc, seq desc`;

/**
 * Each person's latest present mark backed by a biometric verification (face or fingerprint with a verification id;
 * the id was checked when the mark was taken: a matching 1:1 verification of that person in that modality).
 */
const verifiedPresence = (rollcallId: string) => sql`
  select distinct on (person_id) person_id, method, verification_ref
  from rollcall_marks
  where rollcall_id = ${rollcallId} and result = 'present' and method in ('face', 'fingerprint') and verification_ref is not null
  order by person_id, marked_at desc, seq desc`;

/**
 * How many expected persons counted present were verified biometrically, by the method of their latest verified
 * mark (a person verified twice counts once). Persons seen only visually or by document are not in it.
 */
export async function biometricShare(db: Db, rollcallId: string): Promise<{ face: number; fingerprint: number; total: number }> {
  const rows = await queryRows<{ method: string; n: number }>(
    db,
    sql`select v.method, count(*)::int as n
        from (${verifiedPresence(rollcallId)}) v
        join rollcall_expected e on e.rollcall_id = ${rollcallId} and e.person_id = v.person_id
        group by v.method`,
  );
  const face = rows.find((r) => r.method === 'face')?.n ?? 0;
  const fingerprint = rows.find((r) => r.method === 'fingerprint')?.n ?? 0;
  return { face, fingerprint, total: face + fingerprint };
}

/** Outcome per expected person, mirroring outcomeOf() in the domain. */
const outcomes = (rollcallId: string) => sql`
  select e.person_id, e.unit_id, e.status, d.unit_id as seen_unit_id, d.reason as mark_reason, d.result as mark_result,
         case when d.result = 'present' then 'present'
              when d.result = 'excused' then 'excused'
              when d.result is null and e.status = 'temporarily_out' then 'excused'
              else 'unaccounted' end as outcome,
         coalesce(d.result = 'present' and d.unit_id is not null and d.unit_id is distinct from e.unit_id, false) as moved
  from rollcall_expected e left join (${decisive(rollcallId)}) d on d.person_id = e.person_id
  where e.rollcall_id = ${rollcallId}`;

export interface UnitFiguresRow {
  unit_id: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  misplaced_in: number;
  misplaced_out: number;
}

/** The whole close in one aggregate query: figures per unit, including persons seen in the wrong unit. */
export async function unitFigures(db: Db, rollcallId: string): Promise<UnitFiguresRow[]> {
  return queryRows(
    db,
    sql`with o as (${outcomes(rollcallId)}),
        a as (
          select unit_id, count(*)::int as expected,
                 count(*) filter (where outcome = 'present')::int as present,
                 count(*) filter (where outcome = 'excused')::int as excused,
                 count(*) filter (where outcome = 'unaccounted')::int as delta,
                 count(*) filter (where moved)::int as misplaced_out
          from o group by unit_id
        ),
        mi as (
          select d.unit_id, count(*)::int as n
          from (${decisive(rollcallId)}) d
          left join rollcall_expected e on e.rollcall_id = ${rollcallId} and e.person_id = d.person_id
          where d.result = 'present' and d.unit_id is not null and (e.person_id is null or e.unit_id is distinct from d.unit_id)
          group by d.unit_id
        )
        select coalesce(a.unit_id, mi.unit_id) as unit_id, coalesce(a.expected, 0) as expected, coalesce(a.present, 0) as present,
               coalesce(a.excused, 0) as excused, coalesce(a.delta, 0) as delta, coalesce(mi.n, 0) as misplaced_in,
               coalesce(a.misplaced_out, 0) as misplaced_out
        from a full join mi on a.unit_id = mi.unit_id`,
  );
}

export interface PersonOutcomeRow {
  person_id: string;
  unit_id: string | null;
  seen_unit_id: string | null;
  kind: 'unaccounted' | 'misplaced' | 'accounted';
  expected: boolean;
  current_status: string | null;
}

export interface CloseComputation {
  figures: UnitFiguresRow[];
  lists: PersonOutcomeRow[];
}

/**
 * The whole close in one statement: the decisive marks and outcomes are computed once, then aggregated per unit and
 * listed for the persons the close acts on (unaccounted, misplaced, found again). Returns both as tagged rows.
 */
export async function closeComputation(db: Db, rollcallId: string): Promise<CloseComputation> {
  const rows = await queryRows<{
    tag: 'figures' | PersonOutcomeRow['kind'];
    unit_id: string | null;
    person_id: string | null;
    seen_unit_id: string | null;
    on_list: boolean | null;
    current_status: string | null;
    expected: number;
    present: number;
    excused: number;
    delta: number;
    misplaced_in: number;
    misplaced_out: number;
  }>(
    db,
    sql`with d as materialized (${decisive(rollcallId)}),
        o as materialized (
          select e.person_id, e.unit_id, e.status, d.unit_id as seen_unit_id,
                 case when d.result = 'present' then 'present'
                      when d.result = 'excused' then 'excused'
                      when d.result is null and e.status = 'temporarily_out' then 'excused'
                      else 'unaccounted' end as outcome,
                 coalesce(d.result = 'present' and d.unit_id is not null and d.unit_id is distinct from e.unit_id, false) as moved
          from rollcall_expected e left join d on d.person_id = e.person_id
          where e.rollcall_id = ${rollcallId}
        ),
        a as (
          select unit_id, count(*)::int as expected,
                 count(*) filter (where outcome = 'present')::int as present,
                 count(*) filter (where outcome = 'excused')::int as excused,
                 count(*) filter (where outcome = 'unaccounted')::int as delta,
                 count(*) filter (where moved)::int as misplaced_out
          from o group by unit_id
        ),
        stray as (select d.person_id, d.unit_id from d where d.result = 'present' and not d.expected),
        mi as (
          select unit_id, count(*)::int as n from (
            select seen_unit_id as unit_id from o where moved
            union all
            select unit_id from stray where unit_id is not null
          ) x group by unit_id
        )
        select 'figures' as tag, coalesce(a.unit_id, mi.unit_id) as unit_id, null::uuid as person_id, null::uuid as seen_unit_id,
               null::boolean as on_list, null::text as current_status,
               coalesce(a.expected, 0) as expected, coalesce(a.present, 0) as present, coalesce(a.excused, 0) as excused,
               coalesce(a.delta, 0) as delta, coalesce(mi.n, 0) as misplaced_in, coalesce(a.misplaced_out, 0) as misplaced_out
        from a full join mi on a.unit_id = mi.unit_id
        union all
        select 'unaccounted', o.unit_id, o.person_id, o.seen_unit_id, true,
               case when p.facility_id is distinct from (select facility_id from rollcalls where id = ${rollcallId})
                         and p.status in ('in_custody', 'temporarily_out', 'unaccounted') then 'elsewhere' else p.status end,
               0, 0, 0, 0, 0, 0
        from o left join ${placements} p on p.person_id = o.person_id where o.outcome = 'unaccounted'
        union all
        select 'misplaced', o.unit_id, o.person_id, o.seen_unit_id, true, null, 0, 0, 0, 0, 0, 0 from o where o.moved
        union all
        select 'accounted', o.unit_id, o.person_id, o.seen_unit_id, true, p.status, 0, 0, 0, 0, 0, 0
        from o join ${placements} p on p.person_id = o.person_id
        where o.outcome = 'present' and o.status = 'unaccounted' and p.status = 'unaccounted'
        union all
        select 'misplaced', pl.unit_id, s.person_id, s.unit_id, false, pl.status, 0, 0, 0, 0, 0, 0
        from stray s left join ${placements} pl on pl.person_id = s.person_id`,
  );
  const figures: UnitFiguresRow[] = [];
  const lists: PersonOutcomeRow[] = [];
  for (const r of rows) {
    if (r.tag === 'figures') {
      figures.push({
        unit_id: r.unit_id,
        expected: r.expected,
        present: r.present,
        excused: r.excused,
        delta: r.delta,
        misplaced_in: r.misplaced_in,
        misplaced_out: r.misplaced_out,
      });
    } else {
      lists.push({
        person_id: r.person_id!,
        unit_id: r.unit_id,
        seen_unit_id: r.seen_unit_id,
        kind: r.tag,
        expected: !!r.on_list,
        current_status: r.current_status,
      });
    }
  }
  return { figures, lists };
}

export async function currentStatuses(db: Db, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; status: string }>(
    db,
    sql`select person_id, status from ${placements} where person_id = any(${uuids(personIds)})`,
  );
  return new Map(rows.map((r) => [r.person_id, r.status]));
}

/**
 * Takes the roll call for closing, inside the close's transaction: the advisory lock (released by the commit, the
 * rollback, or the death of the connection) makes other closes, cancels and mark batches wait. `closing` is therefore
 * never seen committed by this version; a row committed as `closing` is the leftover of an older version whose close
 * died half-way, and is taken at once rather than after a timeout (it used to block the roll call for two minutes).
 */
export async function claimClose(tx: Db, id: string, now: Date): Promise<RollcallRow | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`);
  const [row] = await tx
    .update(rollcalls)
    .set({ status: 'closing', closingAt: now })
    .where(and(eq(rollcalls.id, id), sql`status in ('open', 'closing')`))
    .returning();
  return row;
}

/**
 * Cancels an open roll call (only an open one: a close in progress, which holds the lock, or done wins; a `closing`
 * leftover of an older version counts as open). Returns the row, or undefined.
 */
export async function markCancelled(tx: Db, id: string, by: string | null, at: Date, reason: string): Promise<RollcallRow | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`);
  const [row] = await tx
    .update(rollcalls)
    .set({ status: 'cancelled', cancelledAt: at, cancelledBy: by, cancelReason: reason })
    .where(and(eq(rollcalls.id, id), sql`status in ('open', 'closing')`))
    .returning();
  return row;
}

export async function insertAbsences(tx: Db, rollcallId: string, rows: readonly { personId: string; unitId: string | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(
    sql`insert into rollcall_absences (rollcall_id, person_id, unit_id)
        select ${rollcallId}::uuid, p, u from unnest(${sql.param(rows.map((r) => r.personId))}::uuid[], ${sql.param(rows.map((r) => r.unitId))}::uuid[]) as t(p, u)
        on conflict do nothing`,
  );
}

export async function insertUnitResults(
  tx: Db,
  rows: readonly {
    id: string;
    rollcallId: string;
    facilityId: string;
    unitId: string | null;
    closedAt: Date;
    expected: number;
    present: number;
    excused: number;
    delta: number;
    misplacedIn: number;
    misplacedOut: number;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  await tx.execute(
    sql`insert into rollcall_unit_results (id, rollcall_id, facility_id, unit_id, closed_at, expected, present, excused, delta, misplaced_in, misplaced_out)
        select * from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.rollcallId)}::uuid[], ${col((r) => r.facilityId)}::uuid[],
                             ${col((r) => r.unitId)}::uuid[], ${col((r) => r.closedAt.toISOString())}::timestamptz[],
                             ${col((r) => r.expected)}::int[], ${col((r) => r.present)}::int[], ${col((r) => r.excused)}::int[],
                             ${col((r) => r.delta)}::int[], ${col((r) => r.misplacedIn)}::int[], ${col((r) => r.misplacedOut)}::int[])`,
  );
}

export async function markClosed(tx: Db, id: string, by: string | null, at: Date, result: unknown): Promise<void> {
  await tx.update(rollcalls).set({ status: 'closed', closedAt: at, closedBy: by, result }).where(eq(rollcalls.id, id));
}

/**
 * Persons unaccounted now who were also unaccounted at each of their previous `previous` closed roll calls in this
 * facility (the roll calls that expected them), i.e. absent at `previous + 1` consecutive roll calls.
 */
export async function repeatedlyAbsent(db: Db, rollcallId: string, facilityId: string, personIds: readonly string[], previous: number): Promise<string[]> {
  if (personIds.length === 0 || previous < 1) return [...personIds];
  const rows = await queryRows<{ person_id: string }>(
    db,
    sql`with prev as (
          select e.person_id, e.rollcall_id,
                 row_number() over (partition by e.person_id order by r.closed_at desc, r.id desc) as rn
          from rollcall_expected e join rollcalls r on r.id = e.rollcall_id
          where e.person_id = any(${uuids(personIds)}) and r.facility_id = ${facilityId} and r.status = 'closed' and r.id <> ${rollcallId}
        )
        select prev.person_id from prev
        left join rollcall_absences a on a.rollcall_id = prev.rollcall_id and a.person_id = prev.person_id
        where prev.rn <= ${previous}
        group by prev.person_id
        having count(*) = ${previous} and count(a.person_id) = ${previous}`,
  );
  return rows.map((r) => r.person_id);
}

export interface SheetRow {
  person_id: string;
  name: string | null;
  unit_id: string | null;
  status: string;
  out_reason: string | null;
  mark_result: MarkResult | null;
  mark_reason: string | null;
  seen_unit_id: string | null;
  outcome: string;
  moved: boolean;
  verified_method: 'face' | 'fingerprint' | null;
  verification_ref: string | null;
}

/** A page of the roll call's sheet: expected persons with their primary name and decisive mark. */
export async function sheetPage(
  db: Db,
  rollcallId: string,
  f: { unitId?: string; nationalities: readonly string[]; offset: number; limit: number },
): Promise<SheetRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (f.unitId) conditions.push(sql`o.unit_id = ${f.unitId}`);
  if (f.nationalities.length) {
    conditions.push(
      sql`exists (select 1 from ${personNationalities} pn where pn.person_id = o.person_id and pn.country in (${sql.join(
        f.nationalities.map((n) => sql`${n}`),
        sql`, `,
      )}))`,
    );
  }
  return queryRows(
    db,
    sql`with o as (${outcomes(rollcallId)}), v as (${verifiedPresence(rollcallId)})
        select o.person_id, (select n.full_name from ${personNames} n where n.person_id = o.person_id order by n.ordinal limit 1) as name,
               o.unit_id, o.status, e.out_reason, o.mark_result, o.mark_reason, o.seen_unit_id, o.outcome, o.moved,
               v.method as verified_method, v.verification_ref
        from o join rollcall_expected e on e.rollcall_id = ${rollcallId} and e.person_id = o.person_id
        left join v on v.person_id = o.person_id
        where ${sql.join(conditions, sql` and `)}
        order by o.unit_id nulls last, o.person_id
        offset ${f.offset} limit ${f.limit}`,
  );
}

export async function markCount(db: Db, rollcallId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from rollcall_marks where rollcall_id = ${rollcallId}`);
  return row?.n ?? 0;
}

export async function recentMarks(db: Db, rollcallId: string, limit: number): Promise<MarkRow[]> {
  // a raw query hands timestamps over as PostgreSQL prints them: made Dates here, so that they travel as ISO 8601
  const rows = await queryRows<Omit<MarkRow, 'markedAt' | 'recordedAt'> & { markedAt: string | Date; recordedAt: string | Date }>(
    db,
    sql`select id, rollcall_id as "rollcallId", person_id as "personId", result, reason, note, method, verification_ref as "verificationRef",
               unit_id as "unitId", expected, misplaced, marked_at as "markedAt", marked_by as "markedBy", recorded_at as "recordedAt"
        from rollcall_marks where rollcall_id = ${rollcallId} order by seq desc limit ${limit}`,
  );
  return rows.map((r) => ({ ...r, markedAt: new Date(r.markedAt), recordedAt: new Date(r.recordedAt) }));
}

export async function absencesOf(db: Db, rollcallId: string): Promise<{ person_id: string; unit_id: string | null }[]> {
  return queryRows(db, sql`select person_id, unit_id from rollcall_absences where rollcall_id = ${rollcallId} order by unit_id, person_id`);
}

// --- schedules ------------------------------------------------------------------------------------------------

export async function upsertSchedule(tx: Db, row: ScheduleRow): Promise<void> {
  await tx
    .insert(rollcallSchedules)
    .values(row)
    .onConflictDoUpdate({
      target: rollcallSchedules.facilityId,
      set: {
        times: row.times,
        utcOffsetMinutes: row.utcOffsetMinutes,
        graceMinutes: row.graceMinutes,
        durationMinutes: row.durationMinutes,
        active: row.active,
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      },
    });
}

export async function findSchedule(db: Db, facilityId: string): Promise<ScheduleRow | undefined> {
  const [row] = await db.select().from(rollcallSchedules).where(eq(rollcallSchedules.facilityId, facilityId));
  return row;
}

export async function activeSchedules(db: Db): Promise<ScheduleRow[]> {
  return db.select().from(rollcallSchedules).where(eq(rollcallSchedules.active, true));
}

export async function rollcallsOpenedBetween(
  db: Db,
  facilityId: string,
  from: Date,
  to: Date,
): Promise<{ id: string; openedAt: Date; closedAt: Date | null }[]> {
  return (
    db
      .select({ id: rollcalls.id, openedAt: rollcalls.openedAt, closedAt: rollcalls.closedAt })
      .from(rollcalls)
      // a cancelled roll call counted nobody: it does not hold its slot
      .where(
        and(
          eq(rollcalls.facilityId, facilityId),
          sql`status <> 'cancelled'`,
          sql`opened_at between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`,
        ),
      )
  );
}

/**
 * Every closed roll call (of these facilities) with the units it covered and its figures per unit, for the facility's
 * combined figures (rollcalls.domain#combinedFigures). One row per roll call; units as a JSON array.
 */
export async function closedCounts(db: Db, f: { facilityIds?: readonly string[]; facilityId?: string }): Promise<ClosedCount[]> {
  const conditions = [sql`rc.status = 'closed'`];
  if (f.facilityIds) conditions.push(sql`rc.facility_id = any(${sql.param([...f.facilityIds])}::uuid[])`);
  if (f.facilityId) conditions.push(sql`rc.facility_id = ${f.facilityId}`);
  const rows = await queryRows<{ id: string; facility_id: string; closed_at: Date | string; unit_ids: string; by_unit: string | null }>(
    db,
    sql`select rc.id, rc.facility_id, rc.closed_at, array_to_json(rc.unit_ids)::text as unit_ids,
               (json_agg(json_build_object('unitId', r.unit_id, 'expected', r.expected, 'present', r.present, 'excused', r.excused,
                                           'delta', r.delta)) filter (where r.id is not null))::text as by_unit
        from ${rollcalls} rc left join rollcall_unit_results r on r.rollcall_id = rc.id
        where ${sql.join(conditions, sql` and `)}
        group by rc.id, rc.facility_id, rc.closed_at, rc.unit_ids
        order by rc.closed_at, rc.id`,
  );
  return rows.map((r) => ({
    rollcallId: r.id,
    facilityId: r.facility_id,
    closedAt: new Date(r.closed_at),
    scopeUnitIds: JSON.parse(r.unit_ids) as string[],
    byUnit: r.by_unit ? (JSON.parse(r.by_unit) as ClosedCount['byUnit']) : [],
  }));
}
