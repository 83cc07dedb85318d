import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import type {
  CreateRouteInput,
  PatrolStatusResponse,
  RoundResponse,
  RouteResponse,
  ScanInput,
  ScanResponse,
  StartRoundInput,
  UpdateRouteInput,
} from './guards.patrols.dto';
import { decideScan, nextRoundDue, normaliseTag, patrolGaps, roundDueAt, routeState, unscanned, type ScanMethod } from './guards.patrols.domain';
import { PatrolCheckpointsMissed, PatrolGapOpened } from './guards.patrols.events';
import {
  activeRoutes,
  checkpointByTag,
  checkpointsOf,
  dayFigures,
  endOpenGaps,
  findRoute,
  findRun,
  gapsAt,
  insertGaps,
  insertMisses,
  insertRoute,
  insertRuns,
  insertScans,
  lapsedRuns,
  lastStartAtOrBefore,
  lastStarts,
  latestRuns,
  openGapsOf,
  openRunOf,
  recentMisses,
  recentScans,
  routeCodeTaken,
  routesOf,
  scansOfRun,
  startsBetween,
  tagsTaken,
  updateRoute,
  updateRun,
  type CheckpointRow,
  type GapRow,
  type RouteRow,
  type RunRow,
  type ScanRow,
} from './guards.patrols.repository';
import { requireAttendance, requireGuardsManage, requireGuardsRead } from './guards.policy';
import { facilityCode, findPost, findStaff, openAttendance, unitOfFacility } from './guards.repository';

type Out<T extends z.ZodType> = z.output<T>;
export type RouteView = Out<typeof RouteResponse>;
export type RoundView = Out<typeof RoundResponse>;
export type ScanView = Out<typeof ScanResponse>;
export type PatrolStatusView = Out<typeof PatrolStatusResponse>;

export interface PatrolTickReport {
  /** Rounds that lapsed with checkpoints missed. */
  lapsed: number;
  /** Patrol gaps found. */
  gaps: number;
}

/** A round as recorded elsewhere (an offline device's log, the demo's replay): its guard, start and scans. */
export interface RecordedRound {
  staffId: string;
  startedAt: Date;
  scans: { tagId: string; at: Date; method?: ScanMethod }[];
}

const DAY = 24 * 3600_000;

const checkpointView = (c: CheckpointRow) => ({ id: c.id, position: c.position, tagId: c.tagId, name: c.name, unitId: c.unitId, lat: c.lat, lon: c.lon });

function routeView(r: RouteRow, checkpoints: CheckpointRow[]): RouteView {
  return {
    id: r.id,
    facilityId: r.facilityId,
    code: r.code,
    name: r.name,
    postId: r.postId,
    roundIntervalMinutes: r.roundIntervalMinutes,
    checkpointWindowMinutes: r.checkpointWindowMinutes,
    active: r.active,
    activeSince: r.activeSince,
    checkpoints: checkpoints.map(checkpointView),
  };
}

function roundView(run: RunRow, route: RouteRow, badge: string, checkpoints: CheckpointRow[], scanned: ReadonlySet<string> | null): RoundView {
  const next = run.status === 'open' && scanned ? checkpoints.find((c) => !scanned.has(c.id)) : undefined;
  return {
    id: run.id,
    routeId: run.routeId,
    routeCode: route.code,
    facilityId: run.facilityId,
    staffId: run.staffId,
    badge,
    startedAt: run.startedAt,
    dueAt: run.dueAt,
    endedAt: run.endedAt,
    status: run.status as RoundView['status'],
    scanned: run.scanned,
    missed: run.missed,
    total: checkpoints.length,
    next: next ? { id: next.id, tagId: next.tagId, name: next.name, position: next.position } : null,
  };
}

/**
 * Patrols of the guard force: routes of ordered checkpoints (QR or NFC tags), rounds walked by a guard on duty, their
 * scans, and the scheduler's two findings: a round that lapsed with checkpoints unscanned, and a route without a round
 * past its limit (a patrol gap). Both are recorded in the database and raised as events the alert rules turn into
 * warnings. A refused scan (unknown tag, another route's tag, a guard not on duty, a repeat) stores nothing.
 */
export class PatrolsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  /** An instant given by a client: never more than a minute ahead of the server's clock. */
  private instant(at: string | undefined, now: Date, what: string): Date {
    if (!at) return now;
    const d = new Date(at);
    if (d.getTime() > now.getTime() + 60_000) throw new ValidationError('guards.future_instant', `${what} ${at} is in the future`);
    return d;
  }

  private async facility(db: Db, facilityId: string): Promise<string> {
    const code = await facilityCode(db, facilityId);
    if (!code) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
    return code;
  }

  private async route(db: Db, id: string, lock = false): Promise<RouteRow> {
    const route = await findRoute(db, id, lock);
    if (!route) throw new NotFoundError('guards.patrol_route_not_found', `No patrol route ${id}`);
    return route;
  }

  // --- routes -----------------------------------------------------------------------------------------------------

  async createRoute(actor: Actor, input: CreateRouteInput): Promise<RouteView> {
    requireGuardsManage(actor, input.facilityId);
    const tags = input.checkpoints.map((c) => normaliseTag(c.tagId));
    const repeated = tags.find((t, i) => tags.indexOf(t) !== i);
    if (repeated) throw new ValidationError('guards.patrol_tag_repeated', `Tag ${repeated} is named twice on the route`, { tagId: repeated });
    const now = this.clock.now();
    const { row, checkpoints } = await this.outbox.transaction(async (tx) => {
      const code = await this.facility(tx, input.facilityId);
      if (input.postId) {
        const post = await findPost(tx, input.postId);
        if (!post || post.facilityId !== input.facilityId) {
          throw new ValidationError('guards.patrol_post_outside_facility', `Post ${input.postId} is not a post of facility ${code}`);
        }
      }
      for (const unitId of new Set(input.checkpoints.map((c) => c.unitId).filter((u): u is string => !!u))) {
        if (!(await unitOfFacility(tx, input.facilityId, unitId))) {
          throw new ValidationError('guards.unit_outside_facility', `Unit ${unitId} is not a unit of facility ${code}`);
        }
      }
      if (await routeCodeTaken(tx, input.facilityId, input.code)) {
        throw new ConflictError('guards.patrol_route_code_taken', `Facility ${code} already has a patrol route ${input.code}`, { code: input.code });
      }
      const taken = await tagsTaken(tx, input.facilityId, tags);
      if (taken.length) {
        throw new ConflictError('guards.patrol_tag_taken', `Tag ${taken[0]} is already a checkpoint at ${code} (a tag is unique per facility)`, {
          tagIds: taken,
        });
      }
      const row: RouteRow = {
        id: this.ids.next(),
        facilityId: input.facilityId,
        code: input.code,
        name: input.name,
        postId: input.postId ?? null,
        roundIntervalMinutes: input.roundIntervalMinutes,
        checkpointWindowMinutes: input.checkpointWindowMinutes,
        active: true,
        activeSince: now,
        gapsCheckedUntil: now,
        createdAt: now,
        createdBy: actor.userId,
      };
      const checkpoints: CheckpointRow[] = input.checkpoints.map((c, i) => ({
        id: this.ids.next(),
        routeId: row.id,
        facilityId: input.facilityId,
        position: i + 1,
        tagId: tags[i]!,
        name: c.name,
        unitId: c.unitId ?? null,
        lat: c.lat ?? null,
        lon: c.lon ?? null,
      }));
      await insertRoute(tx, row, checkpoints);
      await this.audit.record(tx, actor, {
        action: 'guards.patrol_route_create',
        subjectType: 'facility',
        subjectId: input.facilityId,
        details: { routeId: row.id, code: row.code, checkpoints: checkpoints.length, roundIntervalMinutes: row.roundIntervalMinutes },
      });
      return { row, checkpoints };
    });
    return routeView(row, checkpoints);
  }

  /** Its name, limits, or whether it is walked at all (a route switched on again is watched from then on). */
  async updateRoute(actor: Actor, id: string, input: UpdateRouteInput): Promise<RouteView> {
    requirePermission(actor, 'guards.manage');
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const current = await this.route(tx, id, true);
      requireGuardsManage(actor, current.facilityId);
      const patch: Partial<RouteRow> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.roundIntervalMinutes !== undefined) patch.roundIntervalMinutes = input.roundIntervalMinutes;
      if (input.checkpointWindowMinutes !== undefined) patch.checkpointWindowMinutes = input.checkpointWindowMinutes;
      if (input.active !== undefined && input.active !== current.active) {
        patch.active = input.active;
        if (input.active) Object.assign(patch, { activeSince: now, gapsCheckedUntil: now });
        else await endOpenGaps(tx, id, now);
      }
      const row = Object.keys(patch).length ? await updateRoute(tx, id, patch) : current;
      await this.audit.record(tx, actor, {
        action: 'guards.patrol_route_update',
        subjectType: 'facility',
        subjectId: current.facilityId,
        details: { routeId: id, ...input },
      });
      return row;
    });
    return routeView(row, await checkpointsOf(this.db, [row.id]));
  }

  async routes(actor: Actor, facilityId: string): Promise<RouteView[]> {
    requireGuardsRead(actor, facilityId);
    await this.facility(this.db, facilityId);
    const routes = await routesOf(this.db, facilityId);
    const checkpoints = await checkpointsOf(
      this.db,
      routes.map((r) => r.id),
    );
    return routes.map((r) =>
      routeView(
        r,
        checkpoints.filter((c) => c.routeId === r.id),
      ),
    );
  }

  // --- rounds -----------------------------------------------------------------------------------------------------

  /** A guard on duty at the route's facility (at its post, when it names one) starts a round. */
  async startRound(actor: Actor, input: StartRoundInput): Promise<RoundView> {
    requirePermission(actor, 'guards.attendance');
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The start of the round');
    return this.outbox.transaction(async (tx) => {
      const route = await this.route(tx, input.routeId, true);
      requireAttendance(actor, route.facilityId);
      const code = await this.facility(tx, route.facilityId);
      if (!route.active) throw new ConflictError('guards.patrol_route_inactive', `Patrol route ${route.code} is not in use`);
      const staff = await findStaff(tx, { id: input.staffId, badge: input.badge }, true);
      if (!staff) throw new NotFoundError('guards.staff_not_found', input.badge ? `No guard with badge ${input.badge}` : `No guard ${input.staffId}`);
      const duty = await openAttendance(tx, staff.id);
      if (!duty || duty.facilityId !== route.facilityId) {
        throw new ConflictError('guards.not_on_duty', `Guard ${staff.badge} is not on duty at ${code}: check in first`);
      }
      if (route.postId && duty.postId !== route.postId) {
        throw new ConflictError('guards.patrol_not_at_post', `Guard ${staff.badge} is on duty at another post than route ${route.code}'s`);
      }
      if (at < duty.checkedInAt)
        throw new ValidationError('guards.patrol_before_check_in', `The round cannot start before the guard checked in (${duty.checkedInAt.toISOString()})`);
      const last = (await lastStarts(tx, [route.id])).get(route.id);
      if (last && at < last) throw new ValidationError('guards.patrol_start_out_of_time', `A later round of ${route.code} started at ${last.toISOString()}`);
      const checkpoints = await checkpointsOf(tx, [route.id]);
      const open = await openRunOf(tx, { routeId: route.id });
      if (open) {
        if (open.dueAt < at) await this.lapse(tx, open, route, code, checkpoints);
        else
          throw new ConflictError('guards.patrol_round_open', `A round of ${route.code} is under way since ${open.startedAt.toISOString()}`, {
            runId: open.id,
          });
      }
      const mine = await openRunOf(tx, { staffId: staff.id });
      if (mine) {
        if (mine.dueAt < at) {
          const other = await this.route(tx, mine.routeId);
          await this.lapse(tx, mine, other, code, await checkpointsOf(tx, [other.id]));
        } else
          throw new ConflictError('guards.patrol_guard_busy', `Guard ${staff.badge} is walking another round since ${mine.startedAt.toISOString()}`, {
            runId: mine.id,
          });
      }
      const run: RunRow = {
        id: this.ids.next(),
        routeId: route.id,
        facilityId: route.facilityId,
        staffId: staff.id,
        startedAt: at,
        dueAt: roundDueAt(at, null, route.checkpointWindowMinutes),
        endedAt: null,
        status: 'open',
        scanned: 0,
        missed: 0,
        recordedBy: actor.userId,
      };
      await insertRuns(tx, [run]);
      await endOpenGaps(tx, route.id, at);
      await this.audit.record(tx, actor, {
        action: 'guards.patrol_start',
        subjectType: 'guard',
        subjectId: staff.id,
        details: { routeId: route.id, runId: run.id, at },
      });
      return roundView(run, route, staff.badge, checkpoints, new Set());
    });
  }

  /**
   * A scan of a checkpoint's tag in a round. Refused (and nothing stored): a tag that is no checkpoint of the
   * facility (404), another route's tag, a checkpoint already scanned, a guard no longer on duty, a closed or lapsed
   * round (409). A checkpoint other than the next one is recorded as out of order.
   */
  async scan(actor: Actor, runId: string, input: ScanInput): Promise<ScanView> {
    requirePermission(actor, 'guards.attendance');
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The scan time');
    return this.outbox.transaction(async (tx) => {
      const found = await findRun(tx, runId, true);
      if (!found) throw new NotFoundError('guards.patrol_round_not_found', `No patrol round ${runId}`);
      let run: RunRow = found;
      requireAttendance(actor, run.facilityId);
      const route = await this.route(tx, run.routeId);
      const code = await this.facility(tx, run.facilityId);
      if (run.status !== 'open') throw new ConflictError('guards.patrol_round_closed', `This round of ${route.code} is ${run.status}: start a new one`);
      const previous = await scansOfRun(tx, run.id);
      const lastAt = previous.at(-1)?.at ?? run.startedAt;
      if (at < lastAt)
        throw new ValidationError('guards.patrol_scan_out_of_time', `The scan time is before the round's last scan or start (${lastAt.toISOString()})`);
      if (at > run.dueAt) {
        throw new ConflictError(
          'guards.patrol_round_lapsed',
          `The round lapsed at ${run.dueAt.toISOString()} (no scan within ${route.checkpointWindowMinutes} min): start a new one`,
        );
      }
      const staff = (await findStaff(tx, { id: run.staffId }))!;
      const duty = await openAttendance(tx, staff.id);
      if (!duty || duty.facilityId !== run.facilityId) throw new ConflictError('guards.not_on_duty', `Guard ${staff.badge} is not on duty at ${code}`);
      const tag = normaliseTag(input.tagId);
      const checkpoint = await checkpointByTag(tx, run.facilityId, tag);
      if (!checkpoint) throw new NotFoundError('guards.patrol_unknown_tag', `Tag ${tag} is not a checkpoint of ${code}`, { tagId: tag });
      if (checkpoint.routeId !== run.routeId) {
        const other = await this.route(tx, checkpoint.routeId);
        throw new ConflictError(
          'guards.patrol_wrong_route',
          `Tag ${tag} (${checkpoint.name}) is on route ${other.code}, not on this round's route ${route.code}`,
          {
            tagId: tag,
          },
        );
      }
      const checkpoints = await checkpointsOf(tx, [route.id]);
      const scanned = new Set(previous.map((s) => s.checkpointId));
      const decision = decideScan(
        checkpoints.map((c) => c.id),
        scanned,
        checkpoint.id,
      );
      if (decision === 'repeated') throw new ConflictError('guards.patrol_checkpoint_repeated', `${checkpoint.name} (${tag}) is already scanned in this round`);
      if (decision === 'not_on_route') throw new ConflictError('guards.patrol_wrong_route', `Tag ${tag} is not on route ${route.code}`);
      const row: ScanRow = {
        id: this.ids.next(),
        runId: run.id,
        routeId: route.id,
        facilityId: run.facilityId,
        checkpointId: checkpoint.id,
        staffId: staff.id,
        at,
        method: input.method,
        inOrder: decision.inOrder,
        expectedCheckpointId: decision.inOrder ? null : decision.expectedId,
        recordedBy: actor.userId,
      };
      await insertScans(tx, [row]);
      scanned.add(checkpoint.id);
      run = await updateRun(tx, run.id, {
        scanned: run.scanned + 1,
        dueAt: roundDueAt(run.startedAt, at, route.checkpointWindowMinutes),
        ...(decision.complete ? { status: 'completed', endedAt: at } : {}),
      });
      await this.audit.record(tx, actor, {
        action: 'guards.patrol_scan',
        subjectType: 'guard',
        subjectId: staff.id,
        details: { runId: run.id, tagId: tag, inOrder: row.inOrder, method: row.method },
      });
      return {
        id: row.id,
        runId: run.id,
        checkpointId: checkpoint.id,
        checkpointName: checkpoint.name,
        position: checkpoint.position,
        at,
        method: row.method,
        inOrder: row.inOrder,
        expectedCheckpointId: row.expectedCheckpointId,
        round: roundView(run, route, staff.badge, checkpoints, scanned),
      };
    });
  }

  /**
   * Rounds recorded elsewhere, in one transaction (the demo's replay; an offline device's log): each round's scans are
   * judged as a live scan would be, a round with every checkpoint scanned is completed, the others stay open until the
   * scheduler finds them lapsed. Tags not on the route are refused, naming the round.
   */
  async recordRounds(actor: Actor, routeId: string, rounds: readonly RecordedRound[]): Promise<{ rounds: number; scans: number }> {
    requirePermission(actor, 'guards.manage');
    if (rounds.length === 0) return { rounds: 0, scans: 0 };
    return this.outbox.transaction(async (tx) => {
      const route = await this.route(tx, routeId, true);
      requireGuardsManage(actor, route.facilityId);
      const checkpoints = await checkpointsOf(tx, [route.id]);
      const byTag = new Map(checkpoints.map((c) => [c.tagId, c]));
      const order = checkpoints.map((c) => c.id);
      const runs: RunRow[] = [];
      const scans: ScanRow[] = [];
      for (const [i, round] of [...rounds].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).entries()) {
        const id = this.ids.next();
        const scanned = new Set<string>();
        let last: Date | null = null;
        for (const s of round.scans) {
          const c = byTag.get(normaliseTag(s.tagId));
          const d = c ? decideScan(order, scanned, c.id) : 'not_on_route';
          if (!c || typeof d === 'string')
            throw new ValidationError(
              'guards.patrol_round_line',
              `Round ${i + 1}: tag ${s.tagId} ${d === 'repeated' ? 'is scanned twice' : `is not on route ${route.code}`}`,
            );
          scans.push({
            id: this.ids.next(),
            runId: id,
            routeId: route.id,
            facilityId: route.facilityId,
            checkpointId: c.id,
            staffId: round.staffId,
            at: s.at,
            method: s.method ?? 'qr',
            inOrder: d.inOrder,
            expectedCheckpointId: d.inOrder ? null : d.expectedId,
            recordedBy: actor.userId,
          });
          scanned.add(c.id);
          last = s.at;
        }
        const complete = scanned.size === order.length;
        runs.push({
          id,
          routeId: route.id,
          facilityId: route.facilityId,
          staffId: round.staffId,
          startedAt: round.startedAt,
          dueAt: roundDueAt(round.startedAt, last, route.checkpointWindowMinutes),
          endedAt: complete ? last : null,
          status: complete ? 'completed' : 'open',
          scanned: scanned.size,
          missed: 0,
          recordedBy: actor.userId,
        });
      }
      await insertRuns(tx, runs);
      await insertScans(tx, scans);
      await endOpenGaps(tx, route.id, runs[0]!.startedAt);
      await this.audit.record(tx, actor, {
        action: 'guards.patrol_rounds_record',
        subjectType: 'facility',
        subjectId: route.facilityId,
        details: { routeId: route.id, rounds: runs.length, scans: scans.length },
      });
      return { rounds: runs.length, scans: scans.length };
    });
  }

  /** The round lapsed at its due time: the checkpoints not scanned are missed (recorded, and an event for the alerts). */
  private async lapse(tx: Db, run: RunRow, route: RouteRow, code: string, checkpoints: CheckpointRow[]): Promise<void> {
    const scanned = new Set((await scansOfRun(tx, run.id)).map((s) => s.checkpointId));
    const missing = unscanned(
      checkpoints.map((c) => c.id),
      scanned,
    );
    const byId = new Map(checkpoints.map((c) => [c.id, c]));
    await insertMisses(
      tx,
      missing.map((checkpointId) => ({ runId: run.id, checkpointId, routeId: route.id, facilityId: run.facilityId, dueAt: run.dueAt })),
    );
    await updateRun(tx, run.id, { status: 'incomplete', endedAt: run.dueAt, missed: missing.length });
    await this.audit.record(tx, systemActor('guards scheduler'), {
      action: 'guards.patrol_missed',
      subjectType: 'facility',
      subjectId: run.facilityId,
      details: { runId: run.id, routeId: route.id, missed: missing.length },
    });
    this.outbox.emit(
      tx,
      PatrolCheckpointsMissed,
      {
        facilityId: run.facilityId,
        facilityCode: code,
        routeId: route.id,
        routeCode: route.code,
        runId: run.id,
        staffId: run.staffId,
        startedAt: run.startedAt.toISOString(),
        at: run.dueAt.toISOString(),
        scanned: scanned.size,
        total: checkpoints.length,
        missed: missing.map((id) => ({ checkpointId: id, tagId: byId.get(id)!.tagId, name: byId.get(id)!.name })),
      },
      { occurredAt: run.dueAt, subjects: { facilityIds: [run.facilityId] } },
    );
  }

  // --- the scheduler ----------------------------------------------------------------------------------------------

  /** One pass at `now`: rounds past their due time lapse (checkpoints missed); routes without a round past their limit (gaps). */
  async tick(now: Date): Promise<PatrolTickReport> {
    let lapsed = 0;
    for (const candidate of await lapsedRuns(this.db, now)) {
      lapsed += await this.outbox.transaction(async (tx) => {
        const run = await findRun(tx, candidate.id, true);
        if (run?.status !== 'open' || run.dueAt >= now) return 0;
        const route = await this.route(tx, run.routeId);
        const code = (await facilityCode(tx, run.facilityId)) ?? run.facilityId;
        await this.lapse(tx, run, route, code, await checkpointsOf(tx, [route.id]));
        return 1;
      });
    }
    let gaps = 0;
    for (const candidate of await activeRoutes(this.db)) {
      if (candidate.gapsCheckedUntil >= now) continue;
      gaps += await this.outbox.transaction(async (tx) => {
        const route = await findRoute(tx, candidate.id, true);
        if (!route?.active || route.gapsCheckedUntil >= now) return 0;
        const prevStart = await lastStartAtOrBefore(tx, route.id, route.gapsCheckedUntil);
        const fromRound = prevStart !== null && prevStart >= route.activeSince;
        const previous = fromRound ? prevStart! : route.activeSince;
        const starts = await startsBetween(tx, route.id, route.gapsCheckedUntil, now);
        const found = patrolGaps(previous, fromRound, starts, now, route.roundIntervalMinutes);
        const known = new Map(
          (
            await gapsAt(
              tx,
              route.id,
              found.map((g) => g.dueAt),
            )
          ).map((g) => [g.dueAt.getTime(), g]),
        );
        const fresh: GapRow[] = [];
        for (const g of found) {
          const k = known.get(g.dueAt.getTime());
          if (!k)
            fresh.push({
              id: this.ids.next(),
              routeId: route.id,
              facilityId: route.facilityId,
              lastRoundAt: g.lastRoundAt,
              dueAt: g.dueAt,
              endedAt: g.endedAt,
            });
          else if (!k.endedAt && g.endedAt) await endOpenGaps(tx, route.id, g.endedAt);
        }
        await updateRoute(tx, route.id, { gapsCheckedUntil: now });
        if (fresh.length === 0) return 0;
        await insertGaps(tx, fresh);
        const code = (await facilityCode(tx, route.facilityId)) ?? route.facilityId;
        await this.audit.record(tx, systemActor('guards scheduler'), {
          action: 'guards.patrol_gap',
          subjectType: 'facility',
          subjectId: route.facilityId,
          details: { routeId: route.id, gaps: fresh.length },
        });
        for (const g of fresh) {
          this.outbox.emit(
            tx,
            PatrolGapOpened,
            {
              facilityId: route.facilityId,
              facilityCode: code,
              routeId: route.id,
              routeCode: route.code,
              gapId: g.id,
              lastRoundAt: g.lastRoundAt?.toISOString() ?? null,
              at: g.dueAt.toISOString(),
              limitMinutes: route.roundIntervalMinutes,
              endedAt: g.endedAt?.toISOString() ?? null,
            },
            { occurredAt: g.dueAt, subjects: { facilityIds: [route.facilityId] } },
          );
        }
        return fresh.length;
      });
    }
    if (lapsed || gaps) this.logger.info({ lapsed, gaps, at: now }, 'patrols: rounds lapsed and gaps found');
    return { lapsed, gaps };
  }

  // --- the status screen ------------------------------------------------------------------------------------------

  /** Per route: its state, last and open round, when the next is due, the last 24 hours; the recent scans and misses. */
  async status(actor: Actor, facilityId: string, page: { limit: number; offset: number }): Promise<PatrolStatusView> {
    requireGuardsRead(actor, facilityId);
    await this.facility(this.db, facilityId);
    const now = this.clock.now();
    const routes = await routesOf(this.db, facilityId);
    const ids = routes.map((r) => r.id);
    const [checkpoints, runs, starts, gaps, day, scans, misses] = await Promise.all([
      checkpointsOf(this.db, ids),
      latestRuns(this.db, ids),
      lastStarts(this.db, ids),
      openGapsOf(this.db, ids),
      dayFigures(this.db, facilityId, new Date(now.getTime() - DAY), now),
      recentScans(this.db, facilityId, { ...page, until: now }),
      recentMisses(this.db, facilityId, 20),
    ]);
    const openScans = new Map<string, Set<string>>();
    for (const run of runs.open.values()) openScans.set(run.id, new Set((await scansOfRun(this.db, run.id)).map((s) => s.checkpointId)));
    return {
      facilityId,
      at: now,
      routes: routes.map((r) => {
        const cps = checkpoints.filter((c) => c.routeId === r.id);
        const open = runs.open.get(r.id) ?? null;
        const finished = runs.finished.get(r.id) ?? null;
        const nextDueAt = nextRoundDue(starts.get(r.id) ?? null, r.activeSince, r.roundIntervalMinutes);
        return {
          ...routeView(r, cps),
          state: routeState({
            active: r.active,
            now,
            nextDueAt,
            openRound: open !== null,
            lastFinished: finished ? { status: finished.status as 'completed' | 'incomplete' } : null,
          }),
          lastRound: finished ? roundView(finished, r, finished.badge, cps, null) : null,
          openRound: open ? roundView(open, r, open.badge, cps, openScans.get(open.id) ?? new Set()) : null,
          nextDueAt,
          gapSince: r.active ? (gaps.get(r.id) ?? (now > nextDueAt ? nextDueAt : null)) : null,
          last24h: day.get(r.id) ?? { rounds: 0, completed: 0, missedCheckpoints: 0, gaps: 0 },
        };
      }),
      scans: { total: scans.total, items: scans.rows },
      misses: { total: misses.total, items: misses.rows },
    };
  }
}
