import { and, asc, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { guardStaff } from './guards.schema';
import { guardPatrolCheckpoints, guardPatrolGaps, guardPatrolMisses, guardPatrolRoutes, guardPatrolRuns, guardPatrolScans } from './guards.patrols.schema';

export type RouteRow = typeof guardPatrolRoutes.$inferSelect;
export type CheckpointRow = typeof guardPatrolCheckpoints.$inferSelect;
export type RunRow = typeof guardPatrolRuns.$inferSelect;
export type ScanRow = typeof guardPatrolScans.$inferSelect;
export type MissRow = typeof guardPatrolMisses.$inferSelect;
export type GapRow = typeof guardPatrolGaps.$inferSelect;

const CHUNK = 1000;
async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

// --- routes -------------------------------------------------------------------------------------------------------

export async function insertRoute(tx: Db, row: RouteRow, checkpoints: CheckpointRow[]): Promise<void> {
  await tx.insert(guardPatrolRoutes).values(row);
  await tx.insert(guardPatrolCheckpoints).values(checkpoints);
}

export async function findRoute(db: Db, id: string, lock = false): Promise<RouteRow | undefined> {
  const q = db.select().from(guardPatrolRoutes).where(eq(guardPatrolRoutes.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function routeCodeTaken(db: Db, facilityId: string, code: string): Promise<boolean> {
  const rows = await db
    .select({ id: guardPatrolRoutes.id })
    .from(guardPatrolRoutes)
    .where(and(eq(guardPatrolRoutes.facilityId, facilityId), eq(guardPatrolRoutes.code, code)));
  return rows.length > 0;
}

/** Which of these tag ids are already a checkpoint of the facility. */
export async function tagsTaken(db: Db, facilityId: string, tags: readonly string[]): Promise<string[]> {
  if (tags.length === 0) return [];
  const rows = await db
    .select({ tag: guardPatrolCheckpoints.tagId })
    .from(guardPatrolCheckpoints)
    .where(and(eq(guardPatrolCheckpoints.facilityId, facilityId), inArray(guardPatrolCheckpoints.tagId, [...tags])));
  return rows.map((r) => r.tag);
}

export async function routesOf(db: Db, facilityId: string): Promise<RouteRow[]> {
  return db.select().from(guardPatrolRoutes).where(eq(guardPatrolRoutes.facilityId, facilityId)).orderBy(asc(guardPatrolRoutes.code));
}

export async function checkpointsOf(db: Db, routeIds: readonly string[]): Promise<CheckpointRow[]> {
  if (routeIds.length === 0) return [];
  return db
    .select()
    .from(guardPatrolCheckpoints)
    .where(inArray(guardPatrolCheckpoints.routeId, [...routeIds]))
    .orderBy(asc(guardPatrolCheckpoints.routeId), asc(guardPatrolCheckpoints.position));
}

export async function checkpointByTag(db: Db, facilityId: string, tagId: string): Promise<CheckpointRow | undefined> {
  const [row] = await db
    .select()
    .from(guardPatrolCheckpoints)
    .where(and(eq(guardPatrolCheckpoints.facilityId, facilityId), eq(guardPatrolCheckpoints.tagId, tagId)));
  return row;
}

export async function updateRoute(tx: Db, id: string, patch: Partial<RouteRow>): Promise<RouteRow> {
  const [row] = await tx.update(guardPatrolRoutes).set(patch).where(eq(guardPatrolRoutes.id, id)).returning();
  return row!;
}

export async function activeRoutes(db: Db): Promise<RouteRow[]> {
  return db.select().from(guardPatrolRoutes).where(eq(guardPatrolRoutes.active, true)).orderBy(asc(guardPatrolRoutes.id));
}

// --- rounds and scans ---------------------------------------------------------------------------------------------

export async function insertRuns(tx: Db, rows: RunRow[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(guardPatrolRuns).values(c));
}

export async function findRun(db: Db, id: string, lock = false): Promise<RunRow | undefined> {
  const q = db.select().from(guardPatrolRuns).where(eq(guardPatrolRuns.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function openRunOf(db: Db, by: { routeId?: string; staffId?: string }): Promise<RunRow | undefined> {
  const where = by.routeId ? eq(guardPatrolRuns.routeId, by.routeId) : eq(guardPatrolRuns.staffId, by.staffId ?? '');
  const [row] = await db
    .select()
    .from(guardPatrolRuns)
    .where(and(where, eq(guardPatrolRuns.status, 'open')));
  return row;
}

export async function updateRun(tx: Db, id: string, patch: Partial<RunRow>): Promise<RunRow> {
  const [row] = await tx.update(guardPatrolRuns).set(patch).where(eq(guardPatrolRuns.id, id)).returning();
  return row!;
}

export async function scansOfRun(db: Db, runId: string): Promise<ScanRow[]> {
  return db.select().from(guardPatrolScans).where(eq(guardPatrolScans.runId, runId)).orderBy(asc(guardPatrolScans.at), asc(guardPatrolScans.id));
}

export async function insertScans(tx: Db, rows: ScanRow[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(guardPatrolScans).values(c));
}

/** Open rounds past their due time (they lapse), oldest first. */
export async function lapsedRuns(db: Db, now: Date): Promise<RunRow[]> {
  return db
    .select()
    .from(guardPatrolRuns)
    .where(and(eq(guardPatrolRuns.status, 'open'), sql`${guardPatrolRuns.dueAt} < ${now}`))
    .orderBy(asc(guardPatrolRuns.dueAt), asc(guardPatrolRuns.id));
}

export async function insertMisses(tx: Db, rows: MissRow[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(guardPatrolMisses).values(c).onConflictDoNothing());
}

/** The start of the route's last round at or before `at`. */
export async function lastStartAtOrBefore(db: Db, routeId: string, at: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: guardPatrolRuns.startedAt })
    .from(guardPatrolRuns)
    .where(and(eq(guardPatrolRuns.routeId, routeId), lte(guardPatrolRuns.startedAt, at)))
    .orderBy(desc(guardPatrolRuns.startedAt))
    .limit(1);
  return row?.at ?? null;
}

export async function startsBetween(db: Db, routeId: string, after: Date, until: Date): Promise<Date[]> {
  const rows = await db
    .select({ at: guardPatrolRuns.startedAt })
    .from(guardPatrolRuns)
    .where(and(eq(guardPatrolRuns.routeId, routeId), gt(guardPatrolRuns.startedAt, after), lte(guardPatrolRuns.startedAt, until)))
    .orderBy(asc(guardPatrolRuns.startedAt));
  return rows.map((r) => r.at);
}

// --- gaps ---------------------------------------------------------------------------------------------------------

export async function gapsAt(db: Db, routeId: string, dueAts: readonly Date[]): Promise<GapRow[]> {
  if (dueAts.length === 0) return [];
  return db
    .select()
    .from(guardPatrolGaps)
    .where(and(eq(guardPatrolGaps.routeId, routeId), inArray(guardPatrolGaps.dueAt, [...dueAts])));
}

export async function insertGaps(tx: Db, rows: GapRow[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(guardPatrolGaps).values(c));
}

/** A round started: the route's open gaps due before it end there. */
export async function endOpenGaps(tx: Db, routeId: string, at: Date): Promise<void> {
  await tx
    .update(guardPatrolGaps)
    .set({ endedAt: at })
    .where(and(eq(guardPatrolGaps.routeId, routeId), isNull(guardPatrolGaps.endedAt), lte(guardPatrolGaps.dueAt, at)));
}

export async function openGapsOf(db: Db, routeIds: readonly string[]): Promise<Map<string, Date>> {
  if (routeIds.length === 0) return new Map();
  const rows = await db
    .select({ routeId: guardPatrolGaps.routeId, dueAt: guardPatrolGaps.dueAt })
    .from(guardPatrolGaps)
    .where(and(inArray(guardPatrolGaps.routeId, [...routeIds]), isNull(guardPatrolGaps.endedAt)))
    .orderBy(asc(guardPatrolGaps.dueAt));
  const out = new Map<string, Date>();
  for (const r of rows) if (!out.has(r.routeId)) out.set(r.routeId, r.dueAt);
  return out;
}

// --- the status screen --------------------------------------------------------------------------------------------

export type RunWithBadge = RunRow & { badge: string };

/** Per route: its open round and its last finished round, with the guard's badge. */
export async function latestRuns(db: Db, routeIds: readonly string[]): Promise<{ open: Map<string, RunWithBadge>; finished: Map<string, RunWithBadge> }> {
  const open = new Map<string, RunWithBadge>();
  const finished = new Map<string, RunWithBadge>();
  if (routeIds.length === 0) return { open, finished };
  const rows = await queryRows<RunWithBadge & { kind: string }>(
    db,
    sql`select distinct on (r.route_id, r.status = 'open') r.id, r.route_id as "routeId", r.facility_id as "facilityId",
               r.staff_id as "staffId", r.started_at as "startedAt", r.due_at as "dueAt", r.ended_at as "endedAt", r.status,
               r.scanned, r.missed, r.recorded_by as "recordedBy", s.badge,
               case when r.status = 'open' then 'open' else 'finished' end as kind
          from guard_patrol_runs r join guard_staff s on s.id = r.staff_id
         where r.route_id = any(${sql.param([...routeIds])}::uuid[])
         order by r.route_id, r.status = 'open', r.started_at desc`,
  );
  for (const r of rows) {
    const row = { ...r, startedAt: new Date(r.startedAt), dueAt: new Date(r.dueAt), endedAt: r.endedAt ? new Date(r.endedAt) : null };
    (r.kind === 'open' ? open : finished).set(r.routeId, row);
  }
  return { open, finished };
}

export async function lastStarts(db: Db, routeIds: readonly string[]): Promise<Map<string, Date>> {
  if (routeIds.length === 0) return new Map();
  const rows = await db
    .select({ routeId: guardPatrolRuns.routeId, at: sql<Date>`max(${guardPatrolRuns.startedAt})`.mapWith(guardPatrolRuns.startedAt) })
    .from(guardPatrolRuns)
    .where(inArray(guardPatrolRuns.routeId, [...routeIds]))
    .groupBy(guardPatrolRuns.routeId);
  return new Map(rows.map((r) => [r.routeId, r.at]));
}

export interface DayFigures {
  rounds: number;
  completed: number;
  missedCheckpoints: number;
  gaps: number;
}

export async function dayFigures(db: Db, facilityId: string, from: Date, to: Date): Promise<Map<string, DayFigures>> {
  const rows = await queryRows<{ routeId: string } & DayFigures>(
    db,
    sql`select r.id as "routeId",
               (select count(*)::int from guard_patrol_runs x where x.route_id = r.id and x.started_at > ${from} and x.started_at <= ${to}) as rounds,
               (select count(*)::int from guard_patrol_runs x where x.route_id = r.id and x.started_at > ${from} and x.started_at <= ${to}
                  and x.status = 'completed') as completed,
               (select count(*)::int from guard_patrol_misses m where m.route_id = r.id and m.due_at > ${from} and m.due_at <= ${to}) as "missedCheckpoints",
               (select count(*)::int from guard_patrol_gaps g where g.route_id = r.id and g.due_at > ${from} and g.due_at <= ${to}) as gaps
          from guard_patrol_routes r where r.facility_id = ${facilityId}`,
  );
  return new Map(rows.map(({ routeId, ...f }) => [routeId, f]));
}

export async function recentScans(
  db: Db,
  facilityId: string,
  page: { limit: number; offset: number; until: Date },
): Promise<{
  total: number;
  rows: { id: string; at: Date; routeCode: string; checkpointName: string; tagId: string; position: number; badge: string; inOrder: boolean; method: string }[];
}> {
  const where = and(eq(guardPatrolScans.facilityId, facilityId), lte(guardPatrolScans.at, page.until));
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(guardPatrolScans).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      id: guardPatrolScans.id,
      at: guardPatrolScans.at,
      routeCode: guardPatrolRoutes.code,
      checkpointName: guardPatrolCheckpoints.name,
      tagId: guardPatrolCheckpoints.tagId,
      position: guardPatrolCheckpoints.position,
      badge: guardStaff.badge,
      inOrder: guardPatrolScans.inOrder,
      method: guardPatrolScans.method,
    })
    .from(guardPatrolScans)
    .innerJoin(guardPatrolRoutes, eq(guardPatrolRoutes.id, guardPatrolScans.routeId))
    .innerJoin(guardPatrolCheckpoints, eq(guardPatrolCheckpoints.id, guardPatrolScans.checkpointId))
    .innerJoin(guardStaff, eq(guardStaff.id, guardPatrolScans.staffId))
    .where(where)
    .orderBy(desc(guardPatrolScans.at), desc(guardPatrolScans.id))
    .limit(page.limit)
    .offset(page.offset);
  return { total: n, rows };
}

export async function recentMisses(
  db: Db,
  facilityId: string,
  limit: number,
): Promise<{ total: number; rows: { runId: string; routeCode: string; checkpointName: string; tagId: string; dueAt: Date }[] }> {
  const where = eq(guardPatrolMisses.facilityId, facilityId);
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(guardPatrolMisses).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      runId: guardPatrolMisses.runId,
      routeCode: guardPatrolRoutes.code,
      checkpointName: guardPatrolCheckpoints.name,
      tagId: guardPatrolCheckpoints.tagId,
      dueAt: guardPatrolMisses.dueAt,
    })
    .from(guardPatrolMisses)
    .innerJoin(guardPatrolRoutes, eq(guardPatrolRoutes.id, guardPatrolMisses.routeId))
    .innerJoin(guardPatrolCheckpoints, eq(guardPatrolCheckpoints.id, guardPatrolMisses.checkpointId))
    .where(where)
    .orderBy(desc(guardPatrolMisses.dueAt), asc(guardPatrolCheckpoints.position))
    .limit(limit);
  return { total: n, rows };
}
