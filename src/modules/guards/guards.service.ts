import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { uuidV7Ids, type IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { eventsOf, type DomainEvent, type Outbox } from '../../platform/outbox';
import { isFacilityScoped, requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import { CustodyEventAppended } from '../custody';
import { canonicalJson } from '../../platform/canonical-json';
import { verifyStatementSignature } from './guards.signatures';
import { GuardsWatch, type WatchReport } from './guards.watch';
import { ratioHeatmap } from './guards.heatmap';
import type { HeatmapQueryInput, HeatmapView } from './guards.heatmap.dto';
import { rotationNeighbourhood, rotationRows } from './guards.integrity.repository';
import { rotationBreach, type RotationShift } from './guards.rotation';
import {
  DEFAULT_THRESHOLD,
  HANDOVER_SIDES,
  type HandoverSide,
  governance,
  lateMinutes,
  overlaps,
  parseRosterCsv,
  shiftProblem,
  ThresholdSettings,
  type RatioFigures,
} from './guards.domain';
import type {
  AssumeCustodyInput,
  AttendanceResponse,
  BoardResponse,
  CheckInInput,
  CheckOutInput,
  CreatePostInput,
  CreateShiftInput,
  CreateStaffInput,
  CustodianResponse,
  CustodiansResponse,
  HandoverResponse,
  HistoryResponse,
  SignHandoverInput,
  StartHandoverInput,
  OverviewResponse,
  PostResponse,
  ShiftPageResponse,
  ShiftResponse,
  StaffPageResponse,
  StaffResponse,
  UpdateStaffInput,
  WithdrawInput,
} from './guards.dto';
import { CustodianChanged, GovernanceStateChanged, GuardAttendanceRecorded, GuardsNoShow } from './guards.events';
import { requireAttendance, requireGuardsManage, requireGuardsRead } from './guards.policy';
import { PatrolsService } from './guards.patrols.service';
import { GuardFaces, type StaffFaceEngine } from './guards.biometrics.service';
import {
  badgeTaken,
  closeAttendance,
  closeAttendanceOfOrganisation,
  completeHandover,
  findHandover,
  insertHandover,
  insertSignature,
  jointCount,
  openHandoverOf,
  registerSigningKey,
  signaturesOf,
  signingKeyOf,
  type HandoverRow,
  currentCustodian,
  custodianHistory,
  endCustodian,
  facilitiesByIds,
  facilityCode,
  facilityFigures,
  findPost,
  findStaff,
  findThreshold,
  historyPage,
  insertAttendance,
  insertCustodian,
  insertHistory,
  insertPost,
  insertShifts,
  insertStaff,
  lastCustodian,
  listStaff,
  lockFacilityGuards,
  markNoShows,
  onDutyAt,
  onRollBySector,
  onRollCount,
  openAttendance,
  overlappingShifts,
  plannedNow,
  postCodeTaken,
  postPresence,
  postsOf,
  ratioStates,
  rosterPage,
  shiftFor,
  shiftsWithoutCheckIn,
  staffByBadges,
  unitCodes,
  unitOfFacility,
  updateStaff,
  upsertRatioStates,
  upsertThreshold,
  type AttendanceRow,
  type CustodianRow,
  type PostRow,
  type ShiftRow,
  type StaffRow,
} from './guards.repository';

type Out<T extends z.ZodType> = z.output<T>;
export type StaffView = Out<typeof StaffResponse>;
export type PostView = Out<typeof PostResponse>;
export type ShiftView = Out<typeof ShiftResponse>;
export type AttendanceView = Out<typeof AttendanceResponse>;
export type BoardView = Out<typeof BoardResponse>;
export type CustodianView = Out<typeof CustodianResponse>;
export type HandoverView = Out<typeof HandoverResponse>;

/** The figures of a facility ('' sector) or a sector, with their governance. */
export interface SectorGovernance extends RatioFigures {
  sector: string;
  state: 'ok' | 'degraded' | 'critical';
  guardsPer100: number | null;
  mannedPercent: number | null;
  reasons: string[];
}

const staffView = (r: StaffRow, onDuty: { postId: string; since: Date } | null = null): StaffView => ({
  id: r.id,
  badge: r.badge,
  fullName: r.fullName,
  organisation: r.organisation,
  rank: r.rank,
  facilityId: r.facilityId,
  status: r.status,
  statusSince: r.statusSince,
  onDuty,
});
const postView = (r: PostRow): PostView => ({
  id: r.id,
  facilityId: r.facilityId,
  unitId: r.unitId,
  code: r.code,
  name: r.name,
  kind: r.kind,
  minStaff: r.minStaff,
  active: r.active,
});
const shiftView = (r: ShiftRow): ShiftView => ({
  id: r.id,
  facilityId: r.facilityId,
  postId: r.postId,
  staffId: r.staffId,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  noShowAt: r.noShowAt,
});
const attendanceView = (r: AttendanceRow): AttendanceView => ({
  id: r.id,
  facilityId: r.facilityId,
  postId: r.postId,
  staffId: r.staffId,
  shiftId: r.shiftId,
  checkedInAt: r.checkedInAt,
  method: r.method,
  lateMinutes: r.lateMinutes,
  checkedOutAt: r.checkedOutAt,
  checkOutMethod: r.checkOutMethod,
});
const custodianView = (r: CustodianRow): CustodianView => ({
  id: r.id,
  facilityId: r.facilityId,
  organisation: r.organisation,
  commander: r.commander,
  fromAt: r.fromAt,
  toAt: r.toAt,
  endReason: r.endReason,
});

export interface GuardsTickReport extends WatchReport {
  at: Date;
  noShows: number;
  /** Patrol rounds that lapsed with checkpoints missed, and patrol gaps found. */
  patrolRoundsLapsed: number;
  patrolGaps: number;
}

export class GuardsService {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<GuardsTickReport> | undefined;
  /** Patrol routes, rounds and scans (guards.patrols.service.ts); its timers run in this scheduler's tick. */
  readonly patrols: PatrolsService;
  /** The time-driven rules beyond no-shows: coming shifts short, uncovered posts, thinning (guards.watch.ts). */
  private readonly watch: GuardsWatch;
  /** Guards' faces: enrolment, 1:1 at the gate, the check of a biometric check-in (guards.biometrics.service.ts). */
  readonly faces: GuardFaces;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    deps: { faceEngine?: StaffFaceEngine } = {},
  ) {
    this.faces = new GuardFaces(db, clock, ids, audit, outbox, deps.faceEngine);
    this.patrols = new PatrolsService(db, clock, ids, audit, outbox, logger);
    this.watch = new GuardsWatch(db, outbox, (d, id) => this.thresholdFor(d, id), onRollCount);
  }

  private async requireFacility(db: Db, facilityId: string): Promise<string> {
    const code = await facilityCode(db, facilityId);
    if (!code) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
    return code;
  }

  /** An instant given by a client: never more than a minute ahead of the server's clock. */
  private instant(at: string | undefined, now: Date, what: string): Date {
    if (!at) return now;
    const d = new Date(at);
    if (d.getTime() > now.getTime() + 60_000) throw new ValidationError('guards.future_instant', `${what} ${at} is in the future`);
    return d;
  }

  // --- staff ------------------------------------------------------------------------------------------------------

  async createStaff(actor: Actor, input: CreateStaffInput): Promise<StaffView> {
    requireGuardsManage(actor, input.facilityId);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      await this.requireFacility(tx, input.facilityId);
      if (await badgeTaken(tx, input.badge)) throw new ConflictError('guards.badge_taken', `Badge ${input.badge} is already issued`, { badge: input.badge });
      const row: StaffRow = {
        id: this.ids.next(),
        badge: input.badge,
        fullName: input.fullName,
        organisation: input.organisation,
        rank: input.rank ?? null,
        facilityId: input.facilityId,
        status: input.status,
        statusSince: now,
        createdAt: now,
        updatedAt: now,
      };
      await insertStaff(tx, row);
      await this.audit.record(tx, actor, {
        action: 'guards.staff_create',
        subjectType: 'guard',
        subjectId: row.id,
        details: { badge: row.badge, organisation: row.organisation, facilityId: row.facilityId, status: row.status },
      });
      return row;
    });
    return staffView(row);
  }

  /** A change of status (a desertion, a suspension), rank or assignment. A guard on duty is not reassigned. */
  async updateStaff(actor: Actor, id: string, input: UpdateStaffInput): Promise<StaffView> {
    requireGuardsRead(actor);
    const now = this.clock.now();
    const { row, duty } = await this.outbox.transaction(async (tx) => {
      const current = await findStaff(tx, { id }, true);
      if (!current) throw new NotFoundError('guards.staff_not_found', `No guard ${id}`);
      requireGuardsManage(actor, current.facilityId);
      if (input.facilityId) {
        requireGuardsManage(actor, input.facilityId);
        await this.requireFacility(tx, input.facilityId);
      }
      const duty = await openAttendance(tx, id);
      if (duty && ((input.status && input.status !== 'active') || (input.facilityId && input.facilityId !== current.facilityId))) {
        throw new ConflictError('guards.on_duty', `Guard ${current.badge} is on duty: check out first`, { postId: duty.postId });
      }
      const patch: Partial<StaffRow> = { updatedAt: now };
      if (input.rank) patch.rank = input.rank;
      if (input.facilityId) patch.facilityId = input.facilityId;
      if (input.status && input.status !== current.status) Object.assign(patch, { status: input.status, statusSince: now });
      const row = await updateStaff(tx, id, patch);
      await this.audit.record(tx, actor, { action: 'guards.staff_update', subjectType: 'guard', subjectId: id, details: { ...input, from: current.status } });
      return { row, duty };
    });
    return staffView(row, duty ? { postId: duty.postId, since: duty.checkedInAt } : null);
  }

  async listStaff(
    actor: Actor,
    f: { facilityId?: string; status?: string; q?: string; limit: number; offset: number },
  ): Promise<Out<typeof StaffPageResponse>> {
    requireGuardsRead(actor, f.facilityId);
    const page = await listStaff(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    return {
      total: page.total,
      items: page.rows.map((r) => ({
        ...staffView(r, r.onDutyPostId && r.onDutySince ? { postId: r.onDutyPostId, since: r.onDutySince } : null),
        faceEnrolled: r.faceEnrolled,
      })),
    };
  }

  // --- posts ------------------------------------------------------------------------------------------------------

  async createPost(actor: Actor, input: CreatePostInput): Promise<PostView> {
    requireGuardsManage(actor, input.facilityId);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      await this.requireFacility(tx, input.facilityId);
      if (input.unitId && !(await unitOfFacility(tx, input.facilityId, input.unitId))) {
        throw new ValidationError('guards.unit_outside_facility', `Unit ${input.unitId} is not a unit of facility ${input.facilityId}`);
      }
      if (await postCodeTaken(tx, input.facilityId, input.code)) {
        throw new ConflictError('guards.post_code_taken', `The facility already has a post ${input.code}`, { code: input.code });
      }
      const row: PostRow = {
        id: this.ids.next(),
        facilityId: input.facilityId,
        unitId: input.unitId ?? null,
        code: input.code,
        name: input.name,
        kind: input.kind,
        minStaff: input.minStaff,
        active: true,
        createdAt: now,
      };
      await insertPost(tx, row);
      await this.audit.record(tx, actor, { action: 'guards.post_create', subjectType: 'guard_post', subjectId: row.id, details: { ...input } });
      await this.recompute(tx, input.facilityId, 'post_created');
      return row;
    });
    return postView(row);
  }

  async posts(actor: Actor, facilityId: string): Promise<PostView[]> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    return (await postsOf(this.db, facilityId)).map(postView);
  }

  // --- roster -----------------------------------------------------------------------------------------------------

  private async requirePost(db: Db, postId: string): Promise<PostRow> {
    const post = await findPost(db, postId);
    if (!post) throw new NotFoundError('guards.post_not_found', `No post ${postId}`);
    return post;
  }

  async planShift(actor: Actor, input: CreateShiftInput): Promise<ShiftView> {
    requirePermission(actor, 'guards.manage');
    const shift = { startsAt: new Date(input.startsAt), endsAt: new Date(input.endsAt) };
    const problem = shiftProblem(shift);
    if (problem) throw new ValidationError('guards.invalid_shift', `The shift is not valid: ${problem}`);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const post = await this.requirePost(tx, input.postId);
      requireGuardsManage(actor, post.facilityId);
      const staff = await findStaff(tx, { id: input.staffId }, true);
      if (!staff) throw new NotFoundError('guards.staff_not_found', `No guard ${input.staffId}`);
      this.checkPlannable(staff, post);
      const clash = (await overlappingShifts(tx, [staff.id], shift.startsAt, shift.endsAt))[0];
      if (clash) {
        throw new ConflictError(
          'guards.overlapping_shift',
          `Guard ${staff.badge} is already planned from ${clash.startsAt.toISOString()} to ${clash.endsAt.toISOString()}`,
          {
            shiftId: clash.id,
          },
        );
      }
      const row: ShiftRow = {
        id: this.ids.next(),
        facilityId: post.facilityId,
        postId: post.id,
        staffId: staff.id,
        ...shift,
        noShowAt: null,
        createdAt: now,
        createdBy: actor.userId,
      };
      await this.checkRotation(tx, post.facilityId, [{ staffId: staff.id, postId: post.id, startsAt: row.startsAt, line: 0 }], row.startsAt, row.startsAt, {
        badges: new Map([[staff.id, staff.badge]]),
        posts: new Map([[post.id, post.code]]),
      });
      await insertShifts(tx, [row]);
      await this.audit.record(tx, actor, { action: 'guards.shift_plan', subjectType: 'guard_shift', subjectId: row.id, details: { ...input } });
      return row;
    });
    return shiftView(row);
  }

  /**
   * The rotation rule (`maxShiftsInRow` of the facility's settings): planned shifts that would keep a guard at one
   * post more than N shifts in a row are refused, naming the guard, the post and the rule (a CSV line also its number).
   */
  private async checkRotation(
    tx: Db,
    facilityId: string,
    planned: RotationShift[],
    from: Date,
    to: Date,
    names: { badges: Map<string, string>; posts: Map<string, string> },
  ): Promise<void> {
    const max = (await this.thresholdFor(tx, facilityId)).maxShiftsInRow;
    if (max <= 0 || planned.length === 0) return;
    const around = await rotationNeighbourhood(tx, [...new Set(planned.map((p) => p.staffId))], from, to, max);
    const breach = rotationBreach([...around, ...planned], max);
    if (!breach) return;
    const line = breach.shift.line ? breach.shift.line : undefined;
    const badge = names.badges.get(breach.staffId) ?? breach.staffId;
    const post = names.posts.get(breach.postId) ?? breach.postId;
    const message =
      `${line ? `Line ${line}: ` : ''}guard ${badge} would stand at post ${post} ${breach.run} shifts in a row; ` +
      `the rotation rule of this facility allows at most ${max}`;
    const details = { rule: 'rotation', maxShiftsInRow: max, run: breach.run, staffId: breach.staffId, badge, postId: breach.postId, post, line };
    if (line) throw new ValidationError('guards.roster_rotation', message, details);
    throw new ConflictError('guards.rotation_rule', message, details);
  }

  private checkPlannable(staff: StaffRow, post: PostRow, line?: number): void {
    const at = line ? `Line ${line}: ` : '';
    if (staff.facilityId !== post.facilityId) {
      throw new ConflictError('guards.wrong_facility', `${at}guard ${staff.badge} is assigned to another facility than post ${post.code}`, { line });
    }
    if (staff.status !== 'active') throw new ConflictError('guards.staff_not_active', `${at}guard ${staff.badge} is ${staff.status}`, { line });
    if (!post.active) throw new ConflictError('guards.post_inactive', `${at}post ${post.code} is not in use`, { line });
  }

  /** A roster CSV for one facility: every shift or none (the first bad line named). */
  async importRoster(actor: Actor, facilityId: string, csv: string): Promise<{ imported: number }> {
    requireGuardsManage(actor, facilityId);
    const lines = parseRosterCsv(csv);
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      await this.requireFacility(tx, facilityId);
      const staff = new Map((await staffByBadges(tx, facilityId, [...new Set(lines.map((l) => l.badge))])).map((s) => [s.badge, s]));
      const posts = new Map((await postsOf(tx, facilityId)).map((p) => [p.code, p]));
      const rows: ShiftRow[] = [];
      for (const l of lines) {
        const s = staff.get(l.badge);
        if (!s) throw new ValidationError('guards.roster_unknown_badge', `Line ${l.line}: no guard with badge ${l.badge} at this facility`, { line: l.line });
        const p = posts.get(l.post);
        if (!p) throw new ValidationError('guards.roster_unknown_post', `Line ${l.line}: no post ${l.post} at this facility`, { line: l.line });
        this.checkPlannable(s, p, l.line);
        rows.push({
          id: this.ids.next(),
          facilityId,
          postId: p.id,
          staffId: s.id,
          startsAt: l.startsAt,
          endsAt: l.endsAt,
          noShowAt: null,
          createdAt: now,
          createdBy: actor.userId,
        });
      }
      const from = new Date(Math.min(...lines.map((l) => l.startsAt.getTime())));
      const to = new Date(Math.max(...lines.map((l) => l.endsAt.getTime())));
      const existing = await overlappingShifts(tx, [...new Set(rows.map((r) => r.staffId))], from, to);
      for (const [i, r] of rows.entries()) {
        const clash = existing.find((e) => e.staffId === r.staffId && overlaps(e, r));
        if (clash) {
          throw new ConflictError(
            'guards.overlapping_shift',
            `Line ${lines[i]!.line}: guard ${lines[i]!.badge} is already planned from ${clash.startsAt.toISOString()} to ${clash.endsAt.toISOString()}`,
            {
              line: lines[i]!.line,
              shiftId: clash.id,
            },
          );
        }
      }
      await this.checkRotation(
        tx,
        facilityId,
        rows.map((r, i) => ({ staffId: r.staffId, postId: r.postId, startsAt: r.startsAt, line: lines[i]!.line })),
        from,
        to,
        { badges: new Map([...staff.values()].map((s) => [s.id, s.badge])), posts: new Map([...posts.values()].map((p) => [p.id, p.code])) },
      );
      await insertShifts(tx, rows);
      await this.audit.record(tx, actor, { action: 'guards.roster_import', subjectType: 'facility', subjectId: facilityId, details: { shifts: rows.length } });
      return { imported: rows.length };
    });
  }

  async roster(actor: Actor, facilityId: string, f: { from?: string; to?: string; limit: number; offset: number }): Promise<Out<typeof ShiftPageResponse>> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    const page = await rosterPage(this.db, facilityId, { ...f, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined });
    return { total: page.total, items: page.rows.map(shiftView) };
  }

  // --- attendance -------------------------------------------------------------------------------------------------

  private async staffOf(tx: Db, by: { staffId?: string; badge?: string }): Promise<StaffRow> {
    const staff = await findStaff(tx, { id: by.staffId, badge: by.badge }, true);
    if (!staff) throw new NotFoundError('guards.staff_not_found', by.badge ? `No guard with badge ${by.badge}` : `No guard ${by.staffId}`);
    return staff;
  }

  /** A guard takes a post: refused when on duty elsewhere (a guard is never at two posts at once). */
  async checkIn(actor: Actor, input: CheckInInput): Promise<AttendanceView> {
    requirePermission(actor, 'guards.attendance');
    if (input.method === 'biometric' && !input.evidence) {
      throw new ValidationError('guards.evidence_required', 'A biometric check-in names its 1:1 verification (evidence)');
    }
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The check-in time');
    const row = await this.outbox.transaction(async (tx) => {
      const post = await this.requirePost(tx, input.postId);
      requireAttendance(actor, post.facilityId);
      await lockFacilityGuards(tx, post.facilityId);
      const staff = await this.staffOf(tx, input);
      this.checkPlannable(staff, post);
      const duty = await openAttendance(tx, staff.id);
      if (duty) {
        throw new ConflictError(
          'guards.already_on_duty',
          duty.postId === post.id
            ? `Guard ${staff.badge} is already checked in at this post`
            : `Guard ${staff.badge} is on duty at another post since ${duty.checkedInAt.toISOString()}: check out there first`,
          { postId: duty.postId, since: duty.checkedInAt },
        );
      }
      const cited = input.method === 'biometric' ? await this.faces.requireCited(tx, input.evidence!, staff, at) : null;
      const shift = await shiftFor(tx, staff.id, post.id, at);
      const threshold = await this.thresholdFor(tx, post.facilityId);
      const row: AttendanceRow = {
        id: this.ids.next(),
        facilityId: post.facilityId,
        postId: post.id,
        staffId: staff.id,
        shiftId: shift?.id ?? null,
        checkedInAt: at,
        method: input.method,
        confirmedBy: input.method === 'supervisor' ? actor.userId : null,
        lateMinutes: lateMinutes(shift?.startsAt ?? null, at, threshold.lateGraceMinutes),
        checkedOutAt: null,
        checkOutMethod: null,
        recordedBy: actor.userId,
      };
      await insertAttendance(tx, row);
      if (cited) await this.faces.markUsed(tx, cited.id, row.id, now);
      await this.audit.record(tx, actor, {
        action: 'guards.check_in',
        subjectType: 'guard',
        subjectId: staff.id,
        details: { postId: post.id, method: input.method, evidence: input.evidence ?? null, lateMinutes: row.lateMinutes },
      });
      this.outbox.emit(
        tx,
        GuardAttendanceRecorded,
        {
          attendanceId: row.id,
          facilityId: row.facilityId,
          postId: row.postId,
          staffId: row.staffId,
          change: 'check_in',
          at: at.toISOString(),
          method: row.method,
          lateMinutes: row.lateMinutes,
        },
        { occurredAt: at, subjects: { facilityIds: [row.facilityId], unitIds: [post.unitId] } },
      );
      // Only the facility and the post's sector move: the other sectors keep their state (and their last history row).
      await this.recompute(tx, post.facilityId, 'check_in', at, { sectors: [post.unitId], threshold, locked: true });
      return row;
    });
    return attendanceView(row);
  }

  async checkOut(actor: Actor, input: CheckOutInput): Promise<AttendanceView> {
    requirePermission(actor, 'guards.attendance');
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The check-out time');
    const row = await this.outbox.transaction(async (tx) => {
      const staff = await this.staffOf(tx, input);
      requireAttendance(actor, staff.facilityId);
      await lockFacilityGuards(tx, staff.facilityId);
      const duty = await openAttendance(tx, staff.id);
      if (!duty) throw new ConflictError('guards.not_on_duty', `Guard ${staff.badge} is not on duty`);
      requireAttendance(actor, duty.facilityId);
      if (at < duty.checkedInAt) {
        throw new ValidationError('guards.checkout_before_checkin', `The check-out time is before the check-in at ${duty.checkedInAt.toISOString()}`);
      }
      const row = await closeAttendance(tx, duty.id, at, 'check_out');
      await this.audit.record(tx, actor, { action: 'guards.check_out', subjectType: 'guard', subjectId: staff.id, details: { postId: duty.postId } });
      this.outbox.emit(
        tx,
        GuardAttendanceRecorded,
        {
          attendanceId: row.id,
          facilityId: row.facilityId,
          postId: row.postId,
          staffId: row.staffId,
          change: 'check_out',
          at: at.toISOString(),
          method: 'check_out',
          lateMinutes: 0,
        },
        { occurredAt: at, subjects: { facilityIds: [row.facilityId] } },
      );
      // locked above when the guard's facility is the duty's (a guard is never reassigned while on duty)
      await this.recompute(tx, duty.facilityId, 'check_out', at, {
        sectors: [(await findPost(tx, duty.postId))?.unitId ?? null],
        locked: duty.facilityId === staff.facilityId,
      });
      return row;
    });
    return attendanceView(row);
  }

  // --- the governance ratio ---------------------------------------------------------------------------------------

  async thresholdFor(db: Db, facilityId: string): Promise<ThresholdSettings> {
    const saved = await findThreshold(db, facilityId);
    return saved ? ThresholdSettings.parse({ ...DEFAULT_THRESHOLD, ...(saved as object) }) : DEFAULT_THRESHOLD;
  }

  async getThreshold(actor: Actor, facilityId: string): Promise<ThresholdSettings> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    return this.thresholdFor(this.db, facilityId);
  }

  async setThreshold(actor: Actor, facilityId: string, patch: Partial<ThresholdSettings>): Promise<ThresholdSettings> {
    requireGuardsManage(actor, facilityId);
    return this.outbox.transaction(async (tx) => {
      await this.requireFacility(tx, facilityId);
      const settings = ThresholdSettings.parse({ ...(await this.thresholdFor(tx, facilityId)), ...patch });
      await upsertThreshold(tx, { facilityId, settings, updatedAt: this.clock.now(), updatedBy: actor.userId });
      await this.audit.record(tx, actor, { action: 'guards.threshold', subjectType: 'facility', subjectId: facilityId, details: settings });
      await this.recompute(tx, facilityId, 'threshold_changed');
      return settings;
    });
  }

  /**
   * The facility's figures and those of each sector (a unit with posts), live; with `onlySectors`, the facility's and
   * those sectors' only (a check-in or check-out moves no other sector's figures).
   */
  async figures(db: Db, facilityId: string, threshold?: ThresholdSettings, onlySectors?: readonly (string | null)[]): Promise<SectorGovernance[]> {
    const t = threshold ?? (await this.thresholdFor(db, facilityId));
    const { posts, onRoll: roll, present } = await facilityFigures(db, facilityId);
    const required = (ps: typeof posts) => ps.filter((p) => p.minStaff > 0);
    const facility: RatioFigures = {
      onRoll: roll,
      present,
      postsRequired: required(posts).length,
      postsManned: required(posts).filter((p) => p.present >= p.minStaff).length,
    };
    const out: SectorGovernance[] = [{ sector: '', ...facility, ...governance(facility, t) }];
    const wanted = onlySectors ? new Set(onlySectors) : null;
    const sectors = [...new Set(posts.map((p) => p.unitId).filter((u): u is string => !!u && (!wanted || wanted.has(u))))].sort();
    const rolls = await onRollBySector(db, sectors);
    for (const s of sectors) {
      const ps = posts.filter((p) => p.unitId === s);
      const f: RatioFigures = {
        onRoll: rolls.get(s) ?? 0,
        present: ps.reduce((n, p) => n + p.present, 0),
        postsRequired: required(ps).length,
        postsManned: required(ps).filter((p) => p.present >= p.minStaff).length,
      };
      out.push({ sector: s, ...f, ...governance(f, t) });
    }
    return out;
  }

  /**
   * Recomputes the facility's governance (and its sectors') in the caller's transaction: the history keeps every
   * recomputation; a change of state (or nobody on duty starting or ending) is an event the alert rules react to.
   */
  async recompute(
    tx: Db,
    facilityId: string,
    cause: string,
    at: Date = this.clock.now(),
    scope: { sectors?: readonly (string | null)[]; threshold?: ThresholdSettings; locked?: boolean } = {},
  ): Promise<SectorGovernance[]> {
    if (!scope.locked) await lockFacilityGuards(tx, facilityId);
    let code: string | undefined;
    const figures = await this.figures(tx, facilityId, scope.threshold, scope.sectors);
    const previous = await ratioStates(tx, facilityId);
    const history = [];
    const states: Parameters<typeof upsertRatioStates>[1] = [];
    for (const g of figures) {
      const before = previous.get(g.sector);
      const noGuard = g.reasons.includes('no_guard_on_duty');
      const noGuardBefore = ((before?.figures as { reasons?: string[] } | undefined)?.reasons ?? []).includes('no_guard_on_duty');
      const changed = !before || before.state !== g.state || noGuard !== noGuardBefore;
      states.push({ facilityId, sector: g.sector, state: g.state, since: changed ? at : before.since, figures: g });
      history.push({
        // not from the injected ids: the reaction to placements runs whenever the outbox delivers, and must not shift a
        // deterministic id source (the scenario's) between the ledger's appends
        id: uuidV7Ids.next(),
        facilityId,
        sector: g.sector,
        at,
        onRoll: g.onRoll,
        present: g.present,
        postsRequired: g.postsRequired,
        postsManned: g.postsManned,
        state: g.state,
        cause,
      });
      // A facility's first figures (its first post) are where it starts, not a change: alerts follow changes.
      if (changed && before) {
        code ??= (await facilityCode(tx, facilityId)) ?? facilityId;
        this.outbox.emit(
          tx,
          GovernanceStateChanged,
          {
            facilityId,
            facilityCode: code,
            unitId: g.sector || null,
            from: (before?.state as 'ok' | 'degraded' | 'critical' | undefined) ?? null,
            to: g.state,
            at: at.toISOString(),
            onRoll: g.onRoll,
            present: g.present,
            postsRequired: g.postsRequired,
            postsManned: g.postsManned,
            guardsPer100: g.guardsPer100,
            mannedPercent: g.mannedPercent,
            reasons: g.reasons,
            cause,
          },
          { occurredAt: at, subjects: { facilityIds: [facilityId], unitIds: [g.sector || null] } },
        );
      }
    }
    await upsertRatioStates(tx, states);
    await insertHistory(tx, history);
    return figures;
  }

  /** Persons came or left (custody's placements changed): the ratio of the facilities concerned, recomputed. */
  async onPlacementsChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const ids = new Set<string>();
    for (const e of eventsOf(CustodyEventAppended, events)) {
      if (e.payload.fromFacilityId) ids.add(e.payload.fromFacilityId);
      if (e.payload.toFacilityId) ids.add(e.payload.toFacilityId);
    }
    for (const facilityId of ids) {
      // Facilities without posts are not guarded by this module yet: nothing to recompute.
      if ((await postPresence(tx, facilityId)).length === 0) continue;
      await this.recompute(tx, facilityId, 'placements_changed');
    }
  }

  async board(actor: Actor, facilityId: string): Promise<BoardView> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    const now = this.clock.now();
    const threshold = await this.thresholdFor(this.db, facilityId);
    const [figures, posts, duty, planned, custodian, states] = await Promise.all([
      this.figures(this.db, facilityId, threshold),
      postsOf(this.db, facilityId),
      onDutyAt(this.db, facilityId),
      plannedNow(this.db, facilityId, now),
      currentCustodian(this.db, facilityId),
      ratioStates(this.db, facilityId),
    ]);
    const codes = await unitCodes(this.db, figures.map((f) => f.sector).filter(Boolean));
    const rotation = await rotationRows(this.db, facilityId, new Date(now.getTime() + 7 * 24 * 3600_000), threshold.maxShiftsInRow);
    const strip = ({ sector: _s, ...g }: SectorGovernance) => g;
    return {
      facilityId,
      at: now,
      custodian: custodian ? custodianView(custodian) : null,
      threshold,
      figures: strip(figures[0]!),
      since: states.get('')?.since ?? null,
      sectors: figures.slice(1).map((g) => ({ ...strip(g), unitId: g.sector, unitCode: codes.get(g.sector) ?? g.sector })),
      posts: posts.map((p) => ({
        ...postView(p),
        planned: planned.get(p.id) ?? 0,
        present: duty.filter((d) => d.postId === p.id).map(({ postId: _p, ...d }) => d),
      })),
      rotation: rotation.map((r) => ({ ...r, overLimit: r.run > threshold.maxShiftsInRow })),
    };
  }

  /** Every facility in scope: its governance now and its custodian (the overview and the heatmap's current column). */
  async overview(actor: Actor): Promise<Out<typeof OverviewResponse>> {
    requireGuardsRead(actor);
    const list = await facilitiesByIds(this.db, isFacilityScoped(actor) ? actor.facilityIds : undefined);
    const out: Out<typeof OverviewResponse> = [];
    for (const f of list) {
      const [g] = await this.figures(this.db, f.id);
      const custodian = await currentCustodian(this.db, f.id);
      const states = await ratioStates(this.db, f.id);
      const { sector: _s, ...figures } = g!;
      out.push({ facilityId: f.id, code: f.code, name: f.name, ...figures, since: states.get('')?.since ?? null, custodian: custodian?.organisation ?? null });
    }
    return out;
  }

  /** The governance state by facility and sector over a day or a week (guards.heatmap.ts). */
  async heatmap(actor: Actor, q: HeatmapQueryInput): Promise<HeatmapView> {
    return ratioHeatmap(this.db, actor, q, this.clock.now());
  }

  async history(
    actor: Actor,
    facilityId: string,
    f: { from?: string; to?: string; sectors: 'facility' | 'all'; limit: number },
  ): Promise<Out<typeof HistoryResponse>> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    const page = await historyPage(this.db, facilityId, {
      from: f.from ? new Date(f.from) : undefined,
      to: f.to ? new Date(f.to) : undefined,
      facilityOnly: f.sectors === 'facility',
      limit: f.limit,
    });
    return { total: page.total, items: page.rows.map(({ id: _i, facilityId: _f, ...r }) => r) };
  }

  // --- the custodian of record ------------------------------------------------------------------------------------

  async custodians(actor: Actor, facilityId: string): Promise<Out<typeof CustodiansResponse>> {
    requireGuardsRead(actor, facilityId);
    await this.requireFacility(this.db, facilityId);
    const history = await custodianHistory(this.db, facilityId);
    const current = history.find((c) => c.toAt === null);
    return { current: current ? custodianView(current) : null, history: history.map(custodianView) };
  }

  /**
   * An authority takes over the facility (the outgoing custodian, if any, ends now). The time since the last custodian
   * left, if nobody held the facility, is the custody gap that ends here.
   */
  async assumeCustody(actor: Actor, facilityId: string, input: AssumeCustodyInput): Promise<CustodianView> {
    requireGuardsManage(actor, facilityId);
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The handover time');
    const row = await this.outbox.transaction(async (tx) => {
      const code = await this.requireFacility(tx, facilityId);
      await lockFacilityGuards(tx, facilityId);
      const current = await currentCustodian(tx, facilityId, true);
      let gapSince: Date | null = null;
      if (current) {
        if (at < current.fromAt) throw new ValidationError('guards.handover_before_custody', `The handover time is before ${current.organisation} took over`);
        await endCustodian(tx, current.id, at, `handed over to ${input.organisation}`);
      } else {
        const last = await lastCustodian(tx, facilityId);
        if (last?.toAt && at < last.toAt) throw new ValidationError('guards.handover_before_withdrawal', `The time is before ${last.organisation} left`);
        gapSince = last?.toAt ?? null;
      }
      const row: CustodianRow = {
        id: this.ids.next(),
        facilityId,
        organisation: input.organisation,
        commander: input.commander,
        fromAt: at,
        toAt: null,
        endReason: null,
        recordedBy: actor.userId,
      };
      await insertCustodian(tx, row);
      await this.audit.record(tx, actor, {
        action: 'guards.custody_assume',
        subjectType: 'facility',
        subjectId: facilityId,
        details: { organisation: input.organisation, commander: input.commander, at },
      });
      this.outbox.emit(
        tx,
        CustodianChanged,
        {
          facilityId,
          facilityCode: code,
          change: 'assumed',
          at: at.toISOString(),
          organisation: input.organisation,
          commander: input.commander,
          reason: null,
          gapSince: gapSince?.toISOString() ?? null,
          checkedOut: 0,
        },
        { occurredAt: at, subjects: { facilityIds: [facilityId] } },
      );
      return row;
    });
    return custodianView(row);
  }

  /**
   * The custodian withdraws with nobody taking over: its guards on duty at the facility are checked out at that time,
   * the ratio is recomputed (nobody on duty: critical), and the custody gap begins (critical while it lasts).
   */
  async withdraw(actor: Actor, facilityId: string, input: WithdrawInput): Promise<CustodianView> {
    requireGuardsManage(actor, facilityId);
    const now = this.clock.now();
    const at = this.instant(input.at, now, 'The withdrawal time');
    const row = await this.outbox.transaction(async (tx) => {
      const code = await this.requireFacility(tx, facilityId);
      await lockFacilityGuards(tx, facilityId);
      const current = await currentCustodian(tx, facilityId, true);
      if (!current) throw new ConflictError('guards.no_custodian', `Facility ${code} has no custodian of record to withdraw`);
      if (at < current.fromAt) throw new ValidationError('guards.withdrawal_before_custody', `The withdrawal time is before ${current.organisation} took over`);
      await endCustodian(tx, current.id, at, input.reason);
      const checkedOut = await closeAttendanceOfOrganisation(tx, facilityId, current.organisation, at);
      await this.audit.record(tx, actor, {
        action: 'guards.custody_withdraw',
        subjectType: 'facility',
        subjectId: facilityId,
        details: { organisation: current.organisation, reason: input.reason, at, checkedOut },
      });
      this.outbox.emit(
        tx,
        CustodianChanged,
        {
          facilityId,
          facilityCode: code,
          change: 'withdrawn',
          at: at.toISOString(),
          organisation: current.organisation,
          commander: current.commander,
          reason: input.reason,
          gapSince: null,
          checkedOut,
        },
        { occurredAt: at, subjects: { facilityIds: [facilityId] } },
      );
      await this.recompute(tx, facilityId, 'custodian_withdrawn', at);
      return { ...current, toAt: at, endReason: input.reason };
    });
    return custodianView(row);
  }

  // --- the handover of control -----------------------------------------------------------------------------------

  private async handoverView(db: Db, row: HandoverRow): Promise<HandoverView> {
    const signatures = await signaturesOf(db, row.id);
    return {
      id: row.id,
      facilityId: row.facilityId,
      status: row.status as 'open' | 'completed',
      statement: row.statement as Record<string, unknown>,
      statementText: row.statementText,
      signatures: signatures.map((x) => ({
        side: x.side as HandoverSide,
        signerId: x.signerId,
        publicKey: x.publicKey,
        signature: x.signature,
        signedAt: x.signedAt,
      })),
      createdAt: row.createdAt,
      completedAt: row.completedAt,
    };
  }

  /**
   * Opens a handover of control: the joint count (the ledger's figures by status and the last roll call) as a statement
   * both commanders sign. Until both have signed, custody stays with the outgoing custodian.
   */
  async startHandover(actor: Actor, facilityId: string, input: StartHandoverInput): Promise<HandoverView> {
    requireGuardsManage(actor, facilityId);
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const code = await this.requireFacility(tx, facilityId);
      await lockFacilityGuards(tx, facilityId);
      const current = await currentCustodian(tx, facilityId, true);
      if (!current) {
        throw new ConflictError(
          'guards.no_custodian',
          `Facility ${code} has no custodian of record to hand over: record the incoming authority's takeover instead`,
        );
      }
      const open = await openHandoverOf(tx, facilityId);
      if (open) throw new ConflictError('guards.handover_open', `A handover of ${code} is already waiting for signatures`, { handoverId: open.id });
      const id = this.ids.next();
      const count = await jointCount(tx, facilityId);
      const statement = {
        kind: 'custos.handover',
        version: 1,
        handoverId: id,
        facilityId,
        facilityCode: code,
        at: now.toISOString(),
        outgoing: { custodianId: current.id, organisation: current.organisation, commander: current.commander },
        incoming: { organisation: input.incomingOrganisation, commander: input.incomingCommander },
        count,
      };
      const row: HandoverRow = {
        id,
        facilityId,
        statement,
        statementText: canonicalJson(statement),
        outgoingCustodianId: current.id,
        status: 'open',
        createdAt: now,
        createdBy: actor.userId,
        completedAt: null,
      };
      await insertHandover(tx, row);
      await this.audit.record(tx, actor, {
        action: 'guards.handover_start',
        subjectType: 'facility',
        subjectId: facilityId,
        details: { handoverId: id, incoming: input },
      });
      return this.handoverView(tx, row);
    });
  }

  async handover(actor: Actor, id: string): Promise<HandoverView> {
    requireGuardsRead(actor);
    const row = await findHandover(this.db, id);
    if (!row) throw new NotFoundError('guards.handover_not_found', `No handover ${id}`);
    requireGuardsRead(actor, row.facilityId);
    return this.handoverView(this.db, row);
  }

  /**
   * One side signs the statement (Ed25519 over its canonical JSON). A bad signature, a key other than the signer's
   * registered one, a side signed twice or one person signing both sides is refused and changes nothing. The second
   * signature completes the handover: the outgoing custodian ends and the incoming one takes over, now.
   */
  async signHandover(actor: Actor, id: string, input: SignHandoverInput): Promise<HandoverView> {
    requirePermission(actor, 'guards.manage');
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const row = await findHandover(tx, id, true);
      if (!row) throw new NotFoundError('guards.handover_not_found', `No handover ${id}`);
      requireGuardsManage(actor, row.facilityId);
      if (row.status !== 'open') throw new ConflictError('guards.handover_closed', `Handover ${id} is ${row.status}`);
      const signatures = await signaturesOf(tx, id);
      if (signatures.some((x) => x.side === input.side)) throw new ConflictError('guards.already_signed', `The ${input.side} side has already signed`);
      if (actor.userId && signatures.some((x) => x.signerId === actor.userId)) {
        throw new ConflictError('guards.same_signer', 'The outgoing and the incoming commander must be two people: you signed the other side');
      }
      const registered = actor.userId ? await signingKeyOf(tx, actor.userId) : undefined;
      if (registered && registered !== input.publicKey) {
        throw new ConflictError('guards.key_mismatch', 'This is not the signing key registered for you');
      }
      if (!verifyStatementSignature(row.statementText, input.publicKey, input.signature)) {
        throw new ValidationError('guards.bad_signature', 'The signature does not verify against the statement with this Ed25519 key');
      }
      if (actor.userId && !registered) await registerSigningKey(tx, actor.userId, input.publicKey, now);
      await insertSignature(tx, {
        handoverId: id,
        side: input.side,
        signerId: actor.userId,
        publicKey: input.publicKey,
        signature: input.signature,
        signedAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'guards.handover_sign',
        subjectType: 'facility',
        subjectId: row.facilityId,
        details: { handoverId: id, side: input.side },
      });
      if (signatures.length + 1 === HANDOVER_SIDES.length) {
        const statement = row.statement as { facilityCode: string; incoming: { organisation: string; commander: string } };
        await lockFacilityGuards(tx, row.facilityId);
        const current = await currentCustodian(tx, row.facilityId, true);
        if (!current || current.id !== row.outgoingCustodianId) {
          throw new ConflictError('guards.handover_stale', 'The custodian of record changed since this handover was drawn up: start a new one');
        }
        await endCustodian(tx, current.id, now, `handed over to ${statement.incoming.organisation} (signed handover ${id})`);
        await insertCustodian(tx, {
          id: this.ids.next(),
          facilityId: row.facilityId,
          organisation: statement.incoming.organisation,
          commander: statement.incoming.commander,
          fromAt: now,
          toAt: null,
          endReason: null,
          recordedBy: actor.userId,
        });
        await completeHandover(tx, id, now);
        this.outbox.emit(
          tx,
          CustodianChanged,
          {
            facilityId: row.facilityId,
            facilityCode: statement.facilityCode,
            change: 'assumed',
            at: now.toISOString(),
            organisation: statement.incoming.organisation,
            commander: statement.incoming.commander,
            reason: `signed handover ${id}`,
            gapSince: null,
            checkedOut: 0,
          },
          { occurredAt: now, subjects: { facilityIds: [row.facilityId] } },
        );
      }
      return this.handoverView(tx, (await findHandover(tx, id))!);
    });
  }

  /** Checks a handover as a monitor would offline: the stored statement still gives the signed text, and each signature verifies. */
  async verifyHandover(actor: Actor, id: string): Promise<{ ok: boolean; statementIntact: boolean; sides: { side: HandoverSide; valid: boolean }[] }> {
    const view = await this.handover(actor, id);
    const statementIntact = canonicalJson(view.statement) === view.statementText;
    const sides = view.signatures.map((x) => ({
      side: x.side,
      valid: statementIntact && verifyStatementSignature(view.statementText, x.publicKey, x.signature),
    }));
    return { ok: statementIntact && sides.every((x) => x.valid), statementIntact, sides };
  }

  // --- the scheduler ----------------------------------------------------------------------------------------------

  /** One pass of the time-driven rules at `now`: planned shifts without a check-in past the grace period; patrols late. */
  async tick(now: Date = this.clock.now()): Promise<GuardsTickReport> {
    while (this.ticking) await this.ticking.catch(() => undefined);
    this.ticking = this.runTick(now);
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async runTick(now: Date): Promise<GuardsTickReport> {
    const candidates = await shiftsWithoutCheckIn(this.db, now);
    const byFacility = new Map<string, typeof candidates>();
    for (const s of candidates) byFacility.set(s.facilityId, [...(byFacility.get(s.facilityId) ?? []), s]);
    let noShows = 0;
    for (const [facilityId, shifts] of byFacility) {
      const grace = (await this.thresholdFor(this.db, facilityId)).lateGraceMinutes;
      const due = shifts.filter((s) => now.getTime() - s.startsAt.getTime() > grace * 60_000);
      if (due.length === 0) continue;
      noShows += await this.outbox.transaction(async (tx) => {
        const marked = await markNoShows(
          tx,
          due.map((s) => s.id),
          now,
        );
        if (marked.length === 0) return 0;
        const code = (await facilityCode(tx, facilityId)) ?? facilityId;
        const set = new Set(marked);
        const postCodes = [...new Set(due.filter((s) => set.has(s.id)).map((s) => s.postCode))].sort();
        await this.audit.record(tx, systemActor('guards scheduler'), {
          action: 'guards.no_show',
          subjectType: 'facility',
          subjectId: facilityId,
          details: { shifts: marked.length },
        });
        this.outbox.emit(
          tx,
          GuardsNoShow,
          { facilityId, facilityCode: code, at: now.toISOString(), shiftIds: marked, postCodes },
          { occurredAt: now, subjects: { facilityIds: [facilityId] } },
        );
        return marked.length;
      });
    }
    const patrols = await this.patrols.tick(now);
    return { at: now, noShows, patrolRoundsLapsed: patrols.lapsed, patrolGaps: patrols.gaps, ...(await this.watch.run(now)) };
  }

  start(opts: { intervalMs?: number } = {}): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.logger.error({ err }, 'guards scheduler tick failed'));
    }, opts.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }
}
