import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities, units, ON_ROLL_STATUSES } from '../facilities';
import { rollcallUnitResults } from '../rollcalls';
import {
  guardAttendance,
  guardCustodians,
  guardHandoverSignatures,
  guardHandovers,
  guardPosts,
  guardRatioHistory,
  guardRatioState,
  guardShifts,
  guardSigningKeys,
  guardStaff,
  guardThresholds,
} from './guards.schema';

export type StaffRow = typeof guardStaff.$inferSelect;
export type PostRow = typeof guardPosts.$inferSelect;
export type ShiftRow = typeof guardShifts.$inferSelect;
export type AttendanceRow = typeof guardAttendance.$inferSelect;
export type CustodianRow = typeof guardCustodians.$inferSelect;
export type RatioStateRow = typeof guardRatioState.$inferSelect;
export type HistoryRow = typeof guardRatioHistory.$inferSelect;

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;
const onRoll = sql.raw(`(${ON_ROLL_STATUSES.map((s) => `'${s}'`).join(', ')})`);

export async function facilityCode(db: Db, facilityId: string): Promise<string | undefined> {
  const [row] = await db.select({ code: facilities.code }).from(facilities).where(eq(facilities.id, facilityId));
  return row?.code;
}

export async function facilitiesByIds(db: Db, ids: readonly string[] | undefined): Promise<{ id: string; code: string; name: string }[]> {
  const q = db.select({ id: facilities.id, code: facilities.code, name: facilities.name }).from(facilities);
  return ids ? q.where(inArray(facilities.id, [...ids])).orderBy(asc(facilities.code)) : q.orderBy(asc(facilities.code));
}

export async function unitOfFacility(db: Db, facilityId: string, unitId: string): Promise<boolean> {
  const rows = await db
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.id, unitId), eq(units.facilityId, facilityId)));
  return rows.length > 0;
}

/** Serialises the changes that move one facility's governance figures (check-ins, check-outs, withdrawals). */
export async function lockFacilityGuards(tx: Db, facilityId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`guards:${facilityId}`}))`);
}

// --- staff --------------------------------------------------------------------------------------------------------

export async function insertStaff(tx: Db, row: StaffRow): Promise<void> {
  await tx.insert(guardStaff).values(row);
}

export async function findStaff(db: Db, by: { id?: string; badge?: string }, lock = false): Promise<StaffRow | undefined> {
  const where = by.id ? eq(guardStaff.id, by.id) : eq(guardStaff.badge, by.badge ?? '');
  const q = db.select().from(guardStaff).where(where);
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function badgeTaken(db: Db, badge: string): Promise<boolean> {
  return (await db.select({ id: guardStaff.id }).from(guardStaff).where(eq(guardStaff.badge, badge))).length > 0;
}

export async function updateStaff(tx: Db, id: string, patch: Partial<StaffRow>): Promise<StaffRow> {
  const [row] = await tx.update(guardStaff).set(patch).where(eq(guardStaff.id, id)).returning();
  return row!;
}

function staffFilter(f: { facilityId?: string; facilityIds?: readonly string[]; status?: string; q?: string }): SQL | undefined {
  const c: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    c.push(or(ilike(guardStaff.badge, like), ilike(guardStaff.fullName, like))!);
  }
  if (f.facilityId) c.push(eq(guardStaff.facilityId, f.facilityId));
  if (f.facilityIds) c.push(inArray(guardStaff.facilityId, [...f.facilityIds]));
  if (f.status) c.push(eq(guardStaff.status, f.status));
  return c.length ? and(...c) : undefined;
}

export async function listStaff(
  db: Db,
  f: { facilityId?: string; facilityIds?: readonly string[]; status?: string; q?: string; limit: number; offset: number },
): Promise<{ total: number; rows: (StaffRow & { onDutyPostId: string | null; onDutySince: Date | null; faceEnrolled: boolean })[] }> {
  const where = staffFilter(f);
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(guardStaff).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      staff: guardStaff,
      postId: guardAttendance.postId,
      since: guardAttendance.checkedInAt,
      face: sql<boolean>`exists (select 1 from guard_staff_templates t where t.staff_id = ${guardStaff.id} and t.erased_at is null)`,
    })
    .from(guardStaff)
    .leftJoin(guardAttendance, and(eq(guardAttendance.staffId, guardStaff.id), sql`${guardAttendance.checkedOutAt} is null`))
    .where(where)
    .orderBy(asc(guardStaff.badge), asc(guardStaff.id))
    .limit(f.limit)
    .offset(f.offset);
  return { total: n, rows: rows.map((r) => ({ ...r.staff, onDutyPostId: r.postId, onDutySince: r.since, faceEnrolled: r.face === true })) };
}

export async function staffByBadges(db: Db, facilityId: string, badges: readonly string[]): Promise<StaffRow[]> {
  if (badges.length === 0) return [];
  return db
    .select()
    .from(guardStaff)
    .where(and(eq(guardStaff.facilityId, facilityId), inArray(guardStaff.badge, [...badges])))
    .orderBy(asc(guardStaff.id))
    .for('update');
}

// --- posts --------------------------------------------------------------------------------------------------------

export async function insertPost(tx: Db, row: PostRow): Promise<void> {
  await tx.insert(guardPosts).values(row);
}

export async function findPost(db: Db, id: string): Promise<PostRow | undefined> {
  const [row] = await db.select().from(guardPosts).where(eq(guardPosts.id, id));
  return row;
}

export async function postCodeTaken(db: Db, facilityId: string, code: string): Promise<boolean> {
  return (
    (
      await db
        .select({ id: guardPosts.id })
        .from(guardPosts)
        .where(and(eq(guardPosts.facilityId, facilityId), eq(guardPosts.code, code)))
    ).length > 0
  );
}

export async function postsOf(db: Db, facilityId: string): Promise<PostRow[]> {
  return db.select().from(guardPosts).where(eq(guardPosts.facilityId, facilityId)).orderBy(asc(guardPosts.code));
}

// --- shifts -------------------------------------------------------------------------------------------------------

export async function insertShifts(tx: Db, rows: ShiftRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(guardShifts).values(rows.slice(i, i + 1000));
}

/** Planned shifts of these guards that overlap [from, to). */
export async function overlappingShifts(db: Db, staffIds: readonly string[], from: Date, to: Date): Promise<ShiftRow[]> {
  if (staffIds.length === 0) return [];
  return db
    .select()
    .from(guardShifts)
    .where(and(sql`${guardShifts.staffId} = any(${uuids(staffIds)})`, sql`${guardShifts.startsAt} < ${to}`, sql`${guardShifts.endsAt} > ${from}`));
}

/** The shift of this guard at this post that a check-in at `at` belongs to (starting up to 2 hours later). */
export async function shiftFor(db: Db, staffId: string, postId: string, at: Date): Promise<ShiftRow | undefined> {
  const [row] = await db
    .select()
    .from(guardShifts)
    .where(
      and(
        eq(guardShifts.staffId, staffId),
        eq(guardShifts.postId, postId),
        sql`${guardShifts.startsAt} <= ${new Date(at.getTime() + 2 * 3600_000)}`,
        sql`${guardShifts.endsAt} > ${at}`,
      ),
    )
    .orderBy(asc(guardShifts.startsAt))
    .limit(1);
  return row;
}

export async function rosterPage(
  db: Db,
  facilityId: string,
  f: { from?: Date; to?: Date; limit: number; offset: number },
): Promise<{ total: number; rows: ShiftRow[] }> {
  const c: SQL[] = [eq(guardShifts.facilityId, facilityId)];
  if (f.from) c.push(sql`${guardShifts.endsAt} > ${f.from}`);
  if (f.to) c.push(sql`${guardShifts.startsAt} < ${f.to}`);
  const [{ n }] = (await db
    .select({ n: sql<number>`count(*)::int` })
    .from(guardShifts)
    .where(and(...c))) as [{ n: number }];
  const rows = await db
    .select()
    .from(guardShifts)
    .where(and(...c))
    .orderBy(asc(guardShifts.startsAt), asc(guardShifts.id))
    .limit(f.limit)
    .offset(f.offset);
  return { total: n, rows };
}

/** Planned shifts past their start (plus grace, filtered by the caller) with no check-in of the guard at that post. */
export async function shiftsWithoutCheckIn(db: Db, now: Date): Promise<(ShiftRow & { postCode: string })[]> {
  const rows = await queryRows<ShiftRow & { postCode: string }>(
    db,
    sql`select s.id, s.facility_id as "facilityId", s.post_id as "postId", s.staff_id as "staffId", s.starts_at as "startsAt",
               s.ends_at as "endsAt", s.no_show_at as "noShowAt", s.created_at as "createdAt", s.created_by as "createdBy",
               p.code as "postCode"
        from guard_shifts s join guard_posts p on p.id = s.post_id
        where s.no_show_at is null and s.starts_at <= ${now} and s.ends_at > ${now}
          and not exists (select 1 from guard_attendance a where a.staff_id = s.staff_id and a.post_id = s.post_id
                            and a.checked_in_at >= s.starts_at - interval '2 hours' and a.checked_in_at < s.ends_at)
        order by s.starts_at`,
  );
  return rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
}

export async function markNoShows(tx: Db, ids: readonly string[], at: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .update(guardShifts)
    .set({ noShowAt: at })
    .where(and(sql`${guardShifts.id} = any(${uuids(ids)})`, sql`${guardShifts.noShowAt} is null`))
    .returning({ id: guardShifts.id });
  return rows.map((r) => r.id);
}

// --- attendance ---------------------------------------------------------------------------------------------------

export async function openAttendance(db: Db, staffId: string): Promise<AttendanceRow | undefined> {
  const [row] = await db
    .select()
    .from(guardAttendance)
    .where(and(eq(guardAttendance.staffId, staffId), sql`${guardAttendance.checkedOutAt} is null`));
  return row;
}

export async function insertAttendance(tx: Db, row: AttendanceRow): Promise<void> {
  await tx.insert(guardAttendance).values(row);
}

export async function closeAttendance(tx: Db, id: string, at: Date, method: string): Promise<AttendanceRow> {
  const [row] = await tx.update(guardAttendance).set({ checkedOutAt: at, checkOutMethod: method }).where(eq(guardAttendance.id, id)).returning();
  return row!;
}

/** Checks out every guard of this organisation on duty at the facility (a withdrawal); returns how many. */
export async function closeAttendanceOfOrganisation(tx: Db, facilityId: string, organisation: string, at: Date): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update guard_attendance a set checked_out_at = greatest(${at}::timestamptz, a.checked_in_at), check_out_method = 'withdrawal'
        from guard_staff s
        where s.id = a.staff_id and a.facility_id = ${facilityId} and a.checked_out_at is null and s.organisation = ${organisation}
        returning a.id`,
  );
  return rows.length;
}

export interface PostPresence {
  postId: string;
  unitId: string | null;
  minStaff: number;
  present: number;
}

/** Every active post of the facility with the guards on duty there now. */
export async function postPresence(db: Db, facilityId: string): Promise<PostPresence[]> {
  return queryRows<PostPresence>(
    db,
    sql`select p.id as "postId", p.unit_id as "unitId", p.min_staff as "minStaff", count(a.id)::int as present
        from guard_posts p left join guard_attendance a on a.post_id = p.id and a.checked_out_at is null
        where p.facility_id = ${facilityId} and p.active
        group by p.id, p.unit_id, p.min_staff`,
  );
}

/**
 * In one statement, what a recomputation reads of a facility: persons on the roll, guards on duty, and every active
 * post with the guards on duty there (the open attendances only, through their partial indexes).
 */
export async function facilityFigures(db: Db, facilityId: string): Promise<{ onRoll: number; present: number; posts: PostPresence[] }> {
  const [row] = await queryRows<{ onRoll: number; present: number; posts: PostPresence[] | string | null }>(
    db,
    sql`select (select count(*)::int from ${placements} where facility_id = ${facilityId} and status in ${onRoll}) as "onRoll",
               (select count(*)::int from guard_attendance where facility_id = ${facilityId} and checked_out_at is null) as present,
               (select json_agg(json_build_object('postId', p.id, 'unitId', p.unit_id, 'minStaff', p.min_staff,
                         'present', (select count(*) from guard_attendance a where a.post_id = p.id and a.checked_out_at is null)))
                from guard_posts p where p.facility_id = ${facilityId} and p.active) as posts`,
  );
  const posts = typeof row!.posts === 'string' ? (JSON.parse(row!.posts) as PostPresence[]) : (row!.posts ?? []);
  return { onRoll: row!.onRoll, present: row!.present, posts: posts.map((p) => ({ ...p, present: Number(p.present) })) };
}

export async function presentCount(db: Db, facilityId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from guard_attendance where facility_id = ${facilityId} and checked_out_at is null`,
  );
  return row!.n;
}

export async function onRollCount(db: Db, facilityId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${placements} where facility_id = ${facilityId} and status in ${onRoll}`);
  return row!.n;
}

/** Persons on the roll in each of these units and the units below them. */
export async function onRollBySector(db: Db, unitIds: readonly string[]): Promise<Map<string, number>> {
  if (unitIds.length === 0) return new Map();
  const rows = await queryRows<{ sector: string; n: number }>(
    db,
    sql`with recursive tree as (
          select id as sector, id from ${units} where id = any(${uuids(unitIds)})
          union all
          select t.sector, u.id from ${units} u join tree t on u.parent_unit_id = t.id
        )
        select t.sector, count(p.person_id)::int as n
        from tree t left join ${placements} p on p.unit_id = t.id and p.status in ${onRoll}
        group by t.sector`,
  );
  return new Map(rows.map((r) => [r.sector, r.n]));
}

export async function unitCodes(db: Db, unitIds: readonly string[]): Promise<Map<string, string>> {
  if (unitIds.length === 0) return new Map();
  const rows = await db
    .select({ id: units.id, code: units.code })
    .from(units)
    .where(inArray(units.id, [...unitIds]));
  return new Map(rows.map((r) => [r.id, r.code]));
}

export async function onDutyAt(
  db: Db,
  facilityId: string,
): Promise<{ postId: string; staffId: string; fullName: string; rank: string | null; since: Date; lateMinutes: number }[]> {
  return db
    .select({
      postId: guardAttendance.postId,
      staffId: guardAttendance.staffId,
      fullName: guardStaff.fullName,
      rank: guardStaff.rank,
      since: guardAttendance.checkedInAt,
      lateMinutes: guardAttendance.lateMinutes,
    })
    .from(guardAttendance)
    .innerJoin(guardStaff, eq(guardStaff.id, guardAttendance.staffId))
    .where(and(eq(guardAttendance.facilityId, facilityId), sql`${guardAttendance.checkedOutAt} is null`))
    .orderBy(asc(guardAttendance.checkedInAt));
}

export async function plannedNow(db: Db, facilityId: string, at: Date): Promise<Map<string, number>> {
  const rows = await queryRows<{ post_id: string; n: number }>(
    db,
    sql`select post_id, count(*)::int as n from guard_shifts where facility_id = ${facilityId} and starts_at <= ${at} and ends_at > ${at} group by post_id`,
  );
  return new Map(rows.map((r) => [r.post_id, r.n]));
}

// --- thresholds, state, history -----------------------------------------------------------------------------------

export async function findThreshold(db: Db, facilityId: string): Promise<unknown | undefined> {
  const [row] = await db.select().from(guardThresholds).where(eq(guardThresholds.facilityId, facilityId));
  return row?.settings;
}

export async function upsertThreshold(tx: Db, row: typeof guardThresholds.$inferInsert): Promise<void> {
  await tx
    .insert(guardThresholds)
    .values(row)
    .onConflictDoUpdate({ target: guardThresholds.facilityId, set: { settings: row.settings, updatedAt: row.updatedAt, updatedBy: row.updatedBy } });
}

export async function ratioStates(db: Db, facilityId: string): Promise<Map<string, RatioStateRow>> {
  const rows = await db.select().from(guardRatioState).where(eq(guardRatioState.facilityId, facilityId));
  return new Map(rows.map((r) => [r.sector, r]));
}

/** The states of one recomputation (every sector of a facility) in one statement. */
export async function upsertRatioStates(tx: Db, rows: RatioStateRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(guardRatioState)
    .values(rows)
    .onConflictDoUpdate({
      target: [guardRatioState.facilityId, guardRatioState.sector],
      set: { state: sql`excluded.state`, since: sql`excluded.since`, figures: sql`excluded.figures` },
    });
}

export async function insertHistory(tx: Db, rows: HistoryRow[]): Promise<void> {
  if (rows.length) await tx.insert(guardRatioHistory).values(rows);
}

export async function historyPage(
  db: Db,
  facilityId: string,
  f: { from?: Date; to?: Date; facilityOnly: boolean; limit: number },
): Promise<{ total: number; rows: HistoryRow[] }> {
  const c: SQL[] = [eq(guardRatioHistory.facilityId, facilityId)];
  if (f.from) c.push(gte(guardRatioHistory.at, f.from));
  if (f.to) c.push(lte(guardRatioHistory.at, f.to));
  if (f.facilityOnly) c.push(eq(guardRatioHistory.sector, ''));
  const [{ n }] = (await db
    .select({ n: sql<number>`count(*)::int` })
    .from(guardRatioHistory)
    .where(and(...c))) as [{ n: number }];
  const rows = await db
    .select()
    .from(guardRatioHistory)
    .where(and(...c))
    .orderBy(desc(guardRatioHistory.at), desc(guardRatioHistory.id))
    .limit(f.limit);
  return { total: n, rows: rows.reverse() };
}

// --- custodians ---------------------------------------------------------------------------------------------------

export async function currentCustodian(db: Db, facilityId: string, lock = false): Promise<CustodianRow | undefined> {
  const q = db
    .select()
    .from(guardCustodians)
    .where(and(eq(guardCustodians.facilityId, facilityId), sql`${guardCustodians.toAt} is null`));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function lastCustodian(db: Db, facilityId: string): Promise<CustodianRow | undefined> {
  const [row] = await db.select().from(guardCustodians).where(eq(guardCustodians.facilityId, facilityId)).orderBy(desc(guardCustodians.fromAt)).limit(1);
  return row;
}

export async function custodianHistory(db: Db, facilityId: string): Promise<CustodianRow[]> {
  return db.select().from(guardCustodians).where(eq(guardCustodians.facilityId, facilityId)).orderBy(desc(guardCustodians.fromAt)).limit(200);
}

export async function insertCustodian(tx: Db, row: CustodianRow): Promise<void> {
  await tx.insert(guardCustodians).values(row);
}

export async function endCustodian(tx: Db, id: string, at: Date, reason: string): Promise<void> {
  await tx.update(guardCustodians).set({ toAt: at, endReason: reason }).where(eq(guardCustodians.id, id));
}

// --- handovers ----------------------------------------------------------------------------------------------------

export type HandoverRow = typeof guardHandovers.$inferSelect;
export type SignatureRow = typeof guardHandoverSignatures.$inferSelect;

export async function insertHandover(tx: Db, row: HandoverRow): Promise<void> {
  await tx.insert(guardHandovers).values(row);
}

export async function findHandover(db: Db, id: string, lock = false): Promise<HandoverRow | undefined> {
  const q = db.select().from(guardHandovers).where(eq(guardHandovers.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function openHandoverOf(db: Db, facilityId: string): Promise<HandoverRow | undefined> {
  const [row] = await db
    .select()
    .from(guardHandovers)
    .where(and(eq(guardHandovers.facilityId, facilityId), eq(guardHandovers.status, 'open')));
  return row;
}

export async function completeHandover(tx: Db, id: string, at: Date): Promise<void> {
  await tx.update(guardHandovers).set({ status: 'completed', completedAt: at }).where(eq(guardHandovers.id, id));
}

export async function signaturesOf(db: Db, handoverId: string): Promise<SignatureRow[]> {
  return db.select().from(guardHandoverSignatures).where(eq(guardHandoverSignatures.handoverId, handoverId)).orderBy(asc(guardHandoverSignatures.signedAt));
}

export async function insertSignature(tx: Db, row: SignatureRow): Promise<void> {
  await tx.insert(guardHandoverSignatures).values(row);
}

export async function signingKeyOf(db: Db, userId: string): Promise<string | undefined> {
  const [row] = await db.select().from(guardSigningKeys).where(eq(guardSigningKeys.userId, userId));
  return row?.publicKey;
}

export async function registerSigningKey(tx: Db, userId: string, publicKey: string, at: Date): Promise<void> {
  await tx.insert(guardSigningKeys).values({ userId, publicKey, createdAt: at }).onConflictDoNothing();
}

/** The ledger's figures of a facility by status (from the placements) and its last closed roll call. */
export async function jointCount(
  db: Db,
  facilityId: string,
): Promise<{ byStatus: Record<string, number>; lastRollcall: { id: string; closedAt: string } | null }> {
  const rows = await queryRows<{ status: string; n: number }>(
    db,
    sql`select status, count(*)::int as n from ${placements} where facility_id = ${facilityId} group by status order by status`,
  );
  const [last] = await queryRows<{ rollcall_id: string; closed_at: Date | string }>(
    db,
    sql`select rollcall_id, closed_at from ${rollcallUnitResults} where facility_id = ${facilityId} order by closed_at desc, rollcall_id limit 1`,
  );
  return {
    byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
    lastRollcall: last ? { id: last.rollcall_id, closedAt: new Date(last.closed_at).toISOString() } : null,
  };
}
