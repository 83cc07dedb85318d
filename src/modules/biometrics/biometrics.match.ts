import type { z } from 'zod';
import { UUID_PATTERN } from '../../platform/ids';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { DomainError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { hasPermission, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { PersonView } from '../registry';
import type { BiometricPersons } from './biometrics.ports';
import { PersonsIdentified, PersonVerified, VerificationDecided } from './biometrics.events';
import {
  candidatesByPerson,
  checkImage,
  checkVerificationDecision,
  FINGERPRINT_DECISIONS,
  FINGERPRINT_MODEL,
  type FingerPosition,
  type Modality,
  type PersonCandidate,
  type Threshold,
  type VerificationDecision,
} from './biometrics.domain';
import type { CandidateResponse, IdentificationResponse, VerificationDecisionResponse, VerificationResponse } from './biometrics.dto';
import type { BiometricGalleries, FingerEntry } from './biometrics.galleries';
import { findVerification, insertDecision, insertVerification, type VerificationRow } from './biometrics.repository';
import { compareFingerprints, extractFingerprint, identifyYielding as identifyFingerprint, prepareTemplate } from './fingerprint';

/** Candidates an identification returns at most. */
export const MAX_CANDIDATES = 20;

export type VerificationView = z.output<typeof VerificationResponse>;
export type CandidateView = z.output<typeof CandidateResponse>;
export type IdentificationView = z.output<typeof IdentificationResponse>;
export type VerificationDecisionView = z.output<typeof VerificationDecisionResponse>;

export interface Probe {
  modality: Modality;
  image: Uint8Array;
  dpi?: number;
}

/** How long a 1:1 verification can back a roll-call mark or a record of presence. */
const VERIFICATION_VALID_MS = 12 * 3_600_000;
/** Tablets' clocks drift: a verification a few minutes "after" the mark it backs is still the same encounter. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Verification (1:1 against the claimed person's templates) and identification (1:N over the galleries, in the
 * caller's scope), each recorded as the reference other records cite, and the check of such a citation.
 */
export class BiometricMatching {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: BiometricPersons,
    private readonly galleries: BiometricGalleries,
  ) {}

  /** 1:1: is this the claimed person? Recorded; the record's id is the reference a roll-call mark or event carries. */
  async verify(actor: Actor, input: Probe & { personId: string; fingerPosition?: FingerPosition }): Promise<VerificationView> {
    requirePermission(actor, 'biometrics.read');
    checkImage(input.image);
    await this.registry.loadInScope(this.db, actor, input.personId);
    let score: number;
    let threshold: Threshold;
    let model: string;
    let templateId: string;
    let position: number | null = null;
    if (input.modality === 'face') {
      if (input.fingerPosition !== undefined) throw new ValidationError('biometrics.bad_request', 'A finger position applies to fingerprints only');
      const face = await this.galleries.face();
      model = face.FACE_MODEL.tag;
      await this.galleries.sync('face');
      const enrolled = this.galleries.templatesOf(input.personId).find((id) => this.galleries.faceOwner.get(id)?.model === model);
      if (!enrolled) {
        if (this.galleries.templatesOf(input.personId).some((id) => this.galleries.faceOwner.has(id))) {
          throw new NotFoundError('biometrics.not_enrolled', `The face of person ${input.personId} was enrolled with another model; enrol it again`);
        }
        throw this.notEnrolled(input.personId, 'face');
      }
      const t = await (await this.galleries.faceEngine()).extract(input.image, { purpose: 'probe' });
      templateId = enrolled;
      const s = this.galleries.faceGalleries.get(model)?.verify(templateId, t.descriptor);
      if (s === undefined) throw this.notEnrolled(input.personId, 'face'); // erased while the probe was processed
      score = s;
      threshold = face.FACE_THRESHOLDS.verify;
    } else {
      await this.galleries.sync('fingerprint');
      const entries = this.galleries
        .templatesOf(input.personId)
        .map((id) => [id, this.galleries.fingers.get(id)] as const)
        .filter(
          (x): x is readonly [string, FingerEntry] => x[1] !== undefined && (input.fingerPosition === undefined || x[1].position === input.fingerPosition),
        );
      if (entries.length === 0) throw this.notEnrolled(input.personId, 'fingerprint', input.fingerPosition);
      const probe = prepareTemplate((await extractFingerprint(input.image, { dpi: input.dpi })).template);
      let best = { id: entries[0]![0], score: -Infinity, position: entries[0]![1].position };
      for (const [id, e] of entries) {
        const s = compareFingerprints(probe, e.template);
        if (s > best.score) best = { id, score: s, position: e.position };
      }
      ({ id: templateId, score, position } = best);
      model = FINGERPRINT_MODEL.tag;
      threshold = FINGERPRINT_DECISIONS.verify;
    }
    const match = score >= threshold.threshold;
    const row: VerificationRow = {
      id: this.ids.next(),
      kind: 'verify',
      personId: input.personId,
      modality: input.modality,
      fingerPosition: position,
      templateId,
      result: match ? 'match' : 'no_match',
      score,
      threshold: threshold.threshold,
      targetFmr: threshold.targetFmr,
      model,
      candidates: null,
      purpose: actor.purpose,
      at: this.clock.now(),
      byUser: actor.userId,
      byUsername: actor.username,
    };
    await this.outbox.transaction(async (tx) => {
      const held = (await this.registry.loadInScope(tx, actor, input.personId)).placement;
      await insertVerification(tx, row);
      await this.audit.record(tx, actor, {
        action: 'biometrics.verified',
        subjectType: 'person',
        subjectId: input.personId,
        details: { verificationId: row.id, modality: row.modality, fingerPosition: position, result: row.result, score, threshold: threshold.threshold },
      });
      this.outbox.emit(
        tx,
        PersonVerified,
        { verificationId: row.id, personId: input.personId, modality: input.modality, result: row.result, score, threshold: threshold.threshold },
        // where the person is held: the facility's after-action timeline shows the verification
        {
          occurredAt: row.at,
          subjects: { personIds: [input.personId], facilityIds: held?.facilityId ? [held.facilityId] : [], unitIds: held?.unitId ? [held.unitId] : [] },
        },
      );
    });
    return verificationView(row);
  }

  /** 1:N: the enrolled persons most like the probe, above the identification threshold, among those the caller may see. */
  async identify(actor: Actor, input: Probe & { limit?: number }): Promise<IdentificationView> {
    requirePermission(actor, 'biometrics.read');
    checkImage(input.image);
    const k = Math.min(Math.max(1, input.limit ?? 5), MAX_CANDIDATES);
    let candidates: PersonCandidate[];
    let threshold: Threshold;
    let model: string;
    if (input.modality === 'face') {
      const face = await this.galleries.face();
      model = face.FACE_MODEL.tag;
      const t = await (await this.galleries.faceEngine()).extract(input.image, { purpose: 'probe' });
      await this.galleries.sync('face');
      threshold = face.FACE_THRESHOLDS.identify;
      const gallery = this.galleries.faceGalleries.get(model);
      const hits = gallery ? gallery.search(t.descriptor, { k: k * 4, minScore: threshold.threshold }) : [];
      candidates = candidatesByPerson(
        hits.map((h) => ({ templateId: h.id, personId: this.galleries.faceOwner.get(h.id)!.personId, score: h.score })),
        k * 4,
      );
    } else {
      const probe = prepareTemplate((await extractFingerprint(input.image, { dpi: input.dpi })).template);
      await this.galleries.sync('fingerprint');
      threshold = FINGERPRINT_DECISIONS.identify;
      model = FINGERPRINT_MODEL.tag;
      const hits = (await identifyFingerprint(probe, this.galleries.fingerEntries(), { threshold: threshold.threshold, limit: k * 4 })).filter((h) =>
        this.galleries.fingers.has(h.id),
      );
      candidates = candidatesByPerson(
        hits.map((h) => ({
          templateId: h.id,
          personId: this.galleries.fingers.get(h.id)!.personId,
          score: h.score,
          fingerPosition: this.galleries.fingers.get(h.id)!.position,
        })),
        k * 4,
      );
    }
    const readNames = hasPermission(actor.role, 'persons.read');
    const id = this.ids.next();
    const at = this.clock.now();
    const shown: CandidateView[] = [];
    await this.outbox.transaction(async (tx) => {
      // Hidden persons are left out, not counted: an identification never tells a caller about records outside scope.
      for (const c of candidates) {
        if (shown.length >= k) break;
        const person = await this.registry.loadInScope(tx, actor, c.personId).catch((err: unknown) => {
          if (err instanceof DomainError && (err.kind === 'forbidden' || err.kind === 'not_found')) return null;
          throw err;
        });
        if (!person) continue;
        shown.push({ personId: c.personId, score: c.score, fingerPosition: c.fingerPosition, name: readNames ? primaryName(person) : null });
      }
      await insertVerification(tx, {
        id,
        kind: 'identify',
        personId: null,
        modality: input.modality,
        fingerPosition: null,
        templateId: null,
        result: shown.length > 0 ? 'candidates' : 'no_candidates',
        score: shown[0]?.score ?? null,
        threshold: threshold.threshold,
        targetFmr: threshold.targetFmr,
        model,
        candidates: shown.map((c) => ({ personId: c.personId, score: c.score })),
        purpose: actor.purpose,
        at,
        byUser: actor.userId,
        byUsername: actor.username,
      });
      await this.audit.record(tx, actor, {
        action: 'biometrics.identified',
        subjectType: 'biometric_verification',
        subjectId: id,
        details: { modality: input.modality, candidates: shown.map((c) => ({ personId: c.personId, score: c.score })), threshold: threshold.threshold },
      });
      this.outbox.emit(
        tx,
        PersonsIdentified,
        { verificationId: id, modality: input.modality, candidates: shown.map((c) => ({ personId: c.personId, score: c.score })) },
        { subjects: { personIds: shown.map((c) => c.personId) } },
      );
    });
    const view = verificationView((await findVerification(this.db, id))!);
    return { ...view, candidates: shown };
  }

  /** A recorded verification or identification (the reference cited by roll-call marks and custody events). */
  async verification(actor: Actor, id: string): Promise<VerificationView & { candidates?: { personId: string; score: number }[] }> {
    requirePermission(actor, 'biometrics.read');
    const row = await findVerification(this.db, id);
    if (!row) throw new NotFoundError('biometrics.verification_not_found', `No biometric verification ${id}`);
    if (row.personId) await this.registry.loadInScope(this.db, actor, row.personId);
    else if (row.byUser !== actor.userId && !hasPermission(actor.role, 'audit.read')) {
      throw new NotFoundError('biometrics.verification_not_found', `No biometric verification ${id}`);
    }
    const view = verificationView(row);
    return row.kind === 'identify' ? { ...view, candidates: (row.candidates as { personId: string; score: number }[]) ?? [] } : view;
  }

  /**
   * An officer's decision on a 1:1 verification (the score never decides alone): confirmed or not confirmed, with a
   * reason when it goes against the engine's result. Written to the audit log with the person as subject, so the
   * record's audit says who decided what on which verification, and why.
   */
  async decide(actor: Actor, id: string, input: { decision: VerificationDecision; reason?: string }): Promise<VerificationDecisionView> {
    requirePermission(actor, 'biometrics.read');
    const row = await findVerification(this.db, id);
    if (!row) throw new NotFoundError('biometrics.verification_not_found', `No biometric verification ${id}`);
    if (row.kind !== 'verify' || !row.personId) {
      throw new ValidationError(
        'biometrics.not_a_verification',
        'Only a 1:1 verification is decided on; an identification lists candidates and decides nothing',
      );
    }
    const reason = input.reason?.trim() || null;
    checkVerificationDecision(row.result, input.decision, reason ?? undefined);
    const personId = row.personId;
    const view: VerificationDecisionView = {
      verificationId: row.id,
      personId,
      result: row.result as VerificationDecisionView['result'],
      decision: input.decision,
      reason,
      at: this.clock.now(),
      by: actor.username,
    };
    await this.outbox.transaction(async (tx) => {
      const held = (await this.registry.loadInScope(tx, actor, personId)).placement;
      const facilityId = held?.facilityId ?? null;
      const unitId = held?.unitId ?? null;
      await insertDecision(tx, {
        id: this.ids.next(),
        verificationId: row.id,
        personId,
        modality: row.modality,
        result: row.result,
        decision: input.decision,
        reason,
        facilityId,
        unitId,
        verifiedAt: row.at,
        at: view.at,
        byUser: actor.userId,
        byUsername: actor.username,
      });
      this.outbox.emit(
        tx,
        VerificationDecided,
        {
          verificationId: row.id,
          personId,
          modality: row.modality as Modality,
          result: row.result,
          decision: input.decision,
          facilityId,
          unitId,
          verifiedAt: row.at.toISOString(),
          at: view.at.toISOString(),
        },
        { occurredAt: view.at, subjects: { personIds: [personId], facilityIds: facilityId ? [facilityId] : [], unitIds: unitId ? [unitId] : [] } },
      );
      await this.audit.record(tx, actor, {
        action: 'biometrics.verification_decided',
        subjectType: 'person',
        subjectId: personId,
        details: {
          verificationId: row.id,
          modality: row.modality,
          result: row.result,
          score: row.score,
          threshold: row.threshold,
          decision: input.decision,
          reason,
        },
      });
    });
    return view;
  }

  /**
   * For other modules: whether `verificationId` is a successful 1:1 verification of `personId` (the check a roll-call
   * mark or a custody event citing it can make).
   */
  async isMatchFor(db: Db, verificationId: string, personId: string): Promise<boolean> {
    return (await this.citedVerificationProblem(db, verificationId, { personId })) === null;
  }

  /**
   * Why a cited verification cannot back a record about `personId` (null when it can): it must be the id of a
   * recorded 1:1 verification of that person that matched, in the modality the record claims, made no later than the
   * record and at most VERIFICATION_VALID_MS before it (a verification is evidence of presence then, not forever).
   */
  async citedVerificationProblem(
    db: Db,
    verificationId: string,
    claim: { personId: string; modality?: 'face' | 'fingerprint'; at?: Date },
  ): Promise<string | null> {
    if (!UUID_PATTERN.test(verificationId)) return 'is not the id of a recorded verification';
    const row = await findVerification(db, verificationId);
    if (!row) return 'is not the id of a recorded verification';
    if (row.kind !== 'verify') return 'is an identification (1:N), not a 1:1 verification of the person';
    if (row.personId !== claim.personId) return 'verified another person';
    if (row.result !== 'match') return `did not match (${row.result})`;
    if (claim.modality && row.modality !== claim.modality) return `is a ${row.modality} verification, not ${claim.modality}`;
    if (claim.at) {
      const age = claim.at.getTime() - row.at.getTime();
      if (age < -CLOCK_SKEW_MS) return 'was made after the record it backs';
      if (age > VERIFICATION_VALID_MS) return `is older than ${VERIFICATION_VALID_MS / 3_600_000} hours`;
    }
    return null;
  }

  private notEnrolled(personId: string, modality: Modality, position?: number): NotFoundError {
    const what = modality === 'face' ? 'face' : position === undefined ? 'fingerprint' : `fingerprint at position ${position}`;
    return new NotFoundError('biometrics.not_enrolled', `Person ${personId} has no ${what} enrolled`);
  }
}

function primaryName(p: PersonView): string | null {
  return (p.names.find((n) => n.kind === 'primary') ?? p.names[0])?.full ?? null;
}
function verificationView(r: VerificationRow): VerificationView {
  return {
    id: r.id,
    kind: r.kind as VerificationView['kind'],
    personId: r.personId,
    modality: r.modality as Modality,
    fingerPosition: r.fingerPosition,
    result: r.result as VerificationView['result'],
    match: r.kind === 'verify' ? r.result === 'match' : null,
    score: r.score,
    threshold: r.threshold,
    targetFmr: r.targetFmr,
    model: r.model,
    purpose: r.purpose,
    at: r.at,
    by: r.byUsername,
  };
}
