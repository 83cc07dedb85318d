import type { Clock } from '../../platform/clock';
import { UUID_PATTERN } from '../../platform/ids';
import type { Db } from '../../platform/db/database';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import type { Actor } from '../access';
import type { AuditService } from '../audit';
import type { FaceQualityView, SealedFaces } from '../biometrics';
import { verificationProblem, VERIFICATION_MAX_AGE_MS } from './guards.biometrics.domain';
import {
  eraseTemplate,
  findVerification,
  insertTemplate,
  insertVerification,
  liveTemplateOf,
  useVerification,
  type StaffTemplateRow,
  type StaffVerificationRow,
} from './guards.biometrics.repository';
import { requireAttendance, requireGuardsManage, requireGuardsRead } from './guards.policy';
import { findStaff, type StaffRow } from './guards.repository';

/** What the guard force needs of the biometrics module's face engine (wired in services.ts). */
export type StaffFaceEngine = Pick<SealedFaces, 'seal' | 'verify' | 'quality'>;

export interface StaffFaceView {
  staffId: string;
  enrolled: boolean;
  templateId: string | null;
  model: string | null;
  quality: number | null;
  enrolledAt: Date | null;
}

export interface StaffVerificationView {
  id: string;
  staffId: string;
  badge: string;
  result: 'match' | 'no_match';
  score: number;
  threshold: number;
  targetFmr: number;
  model: string;
  at: Date;
  /** A biometric check-in must cite it before this instant. */
  validUntil: Date;
}

/** The envelope's binding: a template cannot be moved to another guard (or row) unnoticed. */
const binding = (staffId: string, templateId: string) => `guard_staff:${staffId}:${templateId}`;

const faceView = (staffId: string, t: StaffTemplateRow | undefined): StaffFaceView => ({
  staffId,
  enrolled: !!t,
  templateId: t?.id ?? null,
  model: t?.model ?? null,
  quality: t?.quality ?? null,
  enrolledAt: t?.enrolledAt ?? null,
});

/**
 * The guards' faces: an enrolment through the biometrics module's face engine, sealed with the template key in the
 * guards' own table (never in the persons' galleries, so no 1:N search of persons can return a guard), a 1:1
 * verification at the gate recorded apart from the persons' verifications, and the check a biometric check-in makes
 * of the verification it cites (that guard, a match, within two minutes, used once).
 */
export class GuardFaces {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly engine: StaffFaceEngine | undefined,
  ) {}

  private requireEngine(): StaffFaceEngine {
    if (!this.engine) throw new DomainError('unavailable', 'guards.face_engine_unavailable', 'No face engine in this process');
    return this.engine;
  }

  private async staff(db: Db, staffId: string, lock = false): Promise<StaffRow> {
    const s = await findStaff(db, { id: staffId }, lock);
    if (!s) throw new NotFoundError('guards.staff_not_found', `No guard ${staffId}`);
    return s;
  }

  async face(actor: Actor, staffId: string): Promise<StaffFaceView> {
    requireGuardsRead(actor);
    const s = await this.staff(this.db, staffId);
    requireGuardsRead(actor, s.facilityId);
    return faceView(staffId, await liveTemplateOf(this.db, staffId));
  }

  /** Enrols (or replaces) a guard's face: the engine's strict enrolment rules, sealed, audited. */
  async enrol(actor: Actor, staffId: string, image: Uint8Array): Promise<StaffFaceView> {
    const s = await this.staff(this.db, staffId);
    requireGuardsManage(actor, s.facilityId);
    const engine = this.requireEngine();
    const id = this.ids.next();
    const sealed = await engine.seal(image, binding(staffId, id));
    const now = this.clock.now();
    const row: StaffTemplateRow = {
      id,
      staffId,
      model: sealed.model,
      keyId: sealed.keyId,
      envelope: sealed.envelope,
      quality: sealed.quality,
      enrolledAt: now,
      enrolledBy: actor.userId,
      erasedAt: null,
      erasedBy: null,
      eraseReason: null,
    };
    await this.outbox.transaction(async (tx) => {
      const current = await this.staff(tx, staffId, true);
      requireGuardsManage(actor, current.facilityId);
      const previous = await liveTemplateOf(tx, staffId, true);
      if (previous) await eraseTemplate(tx, previous.id, now, actor.userId, 'replaced by a new enrolment');
      await insertTemplate(tx, row);
      await this.audit.record(tx, actor, {
        action: 'guards.face_enrol',
        subjectType: 'guard',
        subjectId: staffId,
        details: { templateId: id, model: row.model, quality: row.quality, replaced: previous?.id ?? null },
      });
    });
    return faceView(staffId, row);
  }

  /** Erases the guard's face template with a reason (the envelope goes; the record of it stays). */
  async erase(actor: Actor, staffId: string, reason: string): Promise<StaffFaceView> {
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const s = await this.staff(tx, staffId, true);
      requireGuardsManage(actor, s.facilityId);
      const t = await liveTemplateOf(tx, staffId, true);
      if (!t) throw new NotFoundError('guards.face_not_enrolled', `Guard ${s.badge} has no enrolled face`);
      await eraseTemplate(tx, t.id, now, actor.userId, reason);
      await this.audit.record(tx, actor, { action: 'guards.face_erase', subjectType: 'guard', subjectId: staffId, details: { templateId: t.id, reason } });
      return faceView(staffId, undefined);
    });
  }

  /** 1:1 at the gate: is this the guard of that badge? Recorded (a match or not); a biometric check-in cites its id. */
  async verify(actor: Actor, by: { staffId?: string; badge?: string }, image: Uint8Array): Promise<StaffVerificationView> {
    const s = await findStaff(this.db, { id: by.staffId, badge: by.badge });
    if (!s) throw new NotFoundError('guards.staff_not_found', by.badge ? `No guard with badge ${by.badge}` : `No guard ${by.staffId}`);
    requireAttendance(actor, s.facilityId);
    const t = await liveTemplateOf(this.db, s.id);
    if (!t?.envelope) throw new NotFoundError('guards.face_not_enrolled', `Guard ${s.badge} has no enrolled face: enrol it first, or check in by badge`);
    const d = await this.requireEngine().verify(t.envelope, binding(s.id, t.id), image);
    const row: StaffVerificationRow = {
      id: this.ids.next(),
      staffId: s.id,
      facilityId: s.facilityId,
      templateId: t.id,
      result: d.match ? 'match' : 'no_match',
      score: d.score,
      threshold: d.threshold,
      targetFmr: d.targetFmr,
      model: d.model,
      at: this.clock.now(),
      byUser: actor.userId,
      usedByAttendanceId: null,
      usedAt: null,
    };
    await this.outbox.transaction(async (tx) => {
      // erased or replaced while the probe was processed: the decision was against a template no longer live
      const still = await liveTemplateOf(tx, s.id);
      if (still?.id !== t.id) throw new ConflictError('guards.face_changed', `Guard ${s.badge}'s enrolled face changed meanwhile: verify again`);
      await insertVerification(tx, row);
      await this.audit.record(tx, actor, {
        action: 'guards.face_verified',
        subjectType: 'guard',
        subjectId: s.id,
        details: { verificationId: row.id, result: row.result, score: row.score, threshold: row.threshold },
      });
    });
    return {
      id: row.id,
      staffId: s.id,
      badge: s.badge,
      result: row.result as 'match' | 'no_match',
      score: row.score,
      threshold: row.threshold,
      targetFmr: row.targetFmr,
      model: row.model,
      at: row.at,
      validUntil: new Date(row.at.getTime() + VERIFICATION_MAX_AGE_MS),
    };
  }

  /** The engine's verdict on a frame, for the gate and enrolment screens (nothing stored). */
  async quality(actor: Actor, image: Uint8Array, purpose: 'enrol' | 'probe'): Promise<FaceQualityView> {
    requireGuardsRead(actor);
    return this.requireEngine().quality(image, purpose);
  }

  /**
   * In a biometric check-in's transaction, before its attendance is written: the cited verification, locked, must be
   * of this guard, a match, unused and within two minutes of the check-in; refused with a stable code otherwise.
   */
  async requireCited(tx: Db, evidence: string, staff: StaffRow, at: Date): Promise<StaffVerificationRow> {
    if (!UUID_PATTERN.test(evidence)) {
      throw new ValidationError('guards.verification_invalid', 'A biometric check-in cites the id of a 1:1 verification of the guard (evidence)');
    }
    const v = await findVerification(tx, evidence, true);
    if (!v) throw new NotFoundError('guards.verification_not_found', `No verification ${evidence} of a guard`);
    const problem = verificationProblem(v, { staffId: staff.id, badge: staff.badge, at });
    if (problem) throw new ConflictError(problem.code, problem.message, { verificationId: v.id });
    return v;
  }

  /** After the attendance is written: the verification is spent. */
  async markUsed(tx: Db, verificationId: string, attendanceId: string, at: Date): Promise<void> {
    if (!(await useVerification(tx, verificationId, attendanceId, at))) {
      throw new ConflictError('guards.verification_used', 'The verification has already been used for a check-in: verify again');
    }
  }
}
