import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { hasPermission, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { PersonView, RegistryService } from '../registry';
import {
  candidatesByPerson,
  decideCase,
  FINGERPRINT_DECISIONS,
  FINGERPRINT_MODEL,
  modelVersionOf,
  templateBinding,
  type DecisionInput,
  type FingerPosition,
  type Modality,
  type PersonCandidate,
  type TemplateHit,
  type Threshold,
} from './biometrics.domain';
import type {
  BiometricsStatusResponse,
  CandidateResponse,
  CaseResponse,
  DuplicateNoticeResponse,
  EnrolResponse,
  IdentificationResponse,
  PersonBiometricsResponse,
  TemplateResponse,
  VerificationResponse,
} from './biometrics.dto';
import {
  eraseTemplate,
  findCase,
  findTemplate,
  findVerification,
  insertCases,
  insertTemplate,
  insertVerification,
  listCases,
  liveSignature,
  liveSlot,
  liveTemplateIds,
  liveTemplates,
  personCases,
  personTemplates,
  updateCase,
  type CaseRow,
  type TemplateMeta,
  type TemplateRow,
  type VerificationRow,
} from './biometrics.repository';
import type { FaceEngine } from './face';
import {
  compareFingerprints,
  deserializeTemplate,
  extractFingerprint,
  identifyYielding as identifyFingerprint,
  prepareTemplate,
  serializeTemplate,
  type PreparedTemplate,
} from './fingerprint';
import { Gallery } from './gallery';
import {
  bytesToDescriptor,
  descriptorToBytes,
  loadTemplateKey,
  openTemplate,
  sealTemplate,
  templateKeyFromBytes,
  zeroize,
  type TemplateKey,
} from './template-crypto';

type FaceModule = typeof import('./face');

/** Largest image accepted for enrolment or a probe (bytes); a bigger body is refused with 413. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
/** Candidates an identification returns at most. */
export const MAX_CANDIDATES = 20;
/** Duplicate cases opened at most per enrolment (the strongest resemblances). */
const MAX_CASES_PER_ENROLMENT = 5;

export interface BiometricsOptions {
  /** Folder of `template.key` (created with mode 0600 when absent) unless CUSTOS_TEMPLATE_KEY is set. */
  dataDir?: string;
  /** A key given directly (tests); wins over the environment and the key file. */
  templateKey?: TemplateKey;
  env?: NodeJS.ProcessEnv;
  /** Makes the face engine on first use (default: createFaceEngine with `faceWorkers` threads). */
  faceEngine?: (face: FaceModule) => FaceEngine | Promise<FaceEngine>;
  /** Worker threads of the default face engine (default CUSTOS_FACE_WORKERS or 1). */
  faceWorkers?: number;
}

export type TemplateView = z.output<typeof TemplateResponse>;
export type DuplicateNotice = z.output<typeof DuplicateNoticeResponse>;
export type EnrolResult = z.output<typeof EnrolResponse>;
export type VerificationView = z.output<typeof VerificationResponse>;
export type CandidateView = z.output<typeof CandidateResponse>;
export type IdentificationView = z.output<typeof IdentificationResponse>;
export type CaseView = z.output<typeof CaseResponse>;
export type PersonBiometricsView = z.output<typeof PersonBiometricsResponse>;
export type BiometricsStatus = z.output<typeof BiometricsStatusResponse>;

interface Probe {
  modality: Modality;
  image: Uint8Array;
  dpi?: number;
}

interface FingerEntry {
  personId: string;
  position: number;
  template: PreparedTemplate;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a 1:1 verification can back a roll-call mark or a record of presence. */
const VERIFICATION_VALID_MS = 12 * 3_600_000;
/** Tablets' clocks drift: a verification a few minutes "after" the mark it backs is still the same encounter. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Biometric enrolment, verification, identification and de-duplication over encrypted templates. Galleries live in
 * memory (faces per model tag, fingerprints apart), loaded from the database on first use (or `start()`), kept current
 * on every enrolment and erasure, and re-synchronised when another process changed the templates. The face engine
 * (TensorFlow) is loaded only when a face is first processed.
 */
export class BiometricsService {
  private key: Promise<TemplateKey> | undefined;
  private faceModule: Promise<FaceModule> | undefined;
  private engine: Promise<FaceEngine> | undefined;
  /** Face galleries by model tag (templates of different models are never compared). */
  private readonly faceGalleries = new Map<string, Gallery>();
  private readonly faceOwner = new Map<string, { personId: string; model: string }>();
  private readonly fingers = new Map<string, FingerEntry>();
  /** Live template ids of each person held in memory (both modalities), for 1:1 without a scan. */
  private readonly byPerson = new Map<string, Set<string>>();
  /** Templates that failed to open (another key, altered bytes): skipped, reported by status(). */
  private readonly unreadable = new Set<string>();
  private readonly signature = new Map<Modality, string>();
  private readonly syncing = new Map<Modality, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly registry: RegistryService,
    private readonly logger: Logger,
    private readonly opts: BiometricsOptions & { ephemeralKeyAllowed?: boolean } = {},
  ) {}

  /** Loads the key and both galleries now (servers call this at start; otherwise the first use does it). */
  async start(): Promise<void> {
    await this.templateKey();
    await Promise.all([this.sync('face'), this.sync('fingerprint')]);
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine.catch(() => undefined))?.close();
  }

  // ---- enrolment --------------------------------------------------------------------------------------------------

  async enrolFace(actor: Actor, personId: string, image: Uint8Array): Promise<EnrolResult> {
    requirePermission(actor, 'biometrics.enrol');
    checkImage(image);
    await this.registry.loadInScope(this.db, actor, personId);
    const face = await this.face();
    const engine = await this.faceEngine();
    const t = await engine.extract(image, { purpose: 'enrol' });
    const tag = face.FACE_MODEL.tag;
    await this.sync('face');
    const gallery = this.faceGallery(tag, t.descriptor.length);
    const hits: TemplateHit[] = gallery
      .search(t.descriptor, { k: MAX_CASES_PER_ENROLMENT * 2 + 1, minScore: face.FACE_THRESHOLDS.identify.threshold })
      .map((h) => ({ templateId: h.id, personId: this.faceOwner.get(h.id)!.personId, score: h.score }));
    const plain = descriptorToBytes(t.descriptor);
    try {
      return await this.store(actor, {
        personId,
        modality: 'face',
        position: null,
        model: tag,
        modelVersion: modelVersionOf(tag),
        quality: Math.round(t.quality.score * 1000) / 10,
        plain,
        candidates: candidatesByPerson(hits, MAX_CASES_PER_ENROLMENT, personId),
        threshold: face.FACE_THRESHOLDS.identify,
        addToGallery: (id) => {
          gallery.upsert(id, t.descriptor);
          this.faceOwner.set(id, { personId, model: tag });
          this.index(personId, id);
        },
      });
    } finally {
      zeroize(plain);
    }
  }

  async enrolFingerprint(actor: Actor, personId: string, position: FingerPosition, image: Uint8Array, dpi?: number): Promise<EnrolResult> {
    requirePermission(actor, 'biometrics.enrol');
    checkImage(image);
    await this.registry.loadInScope(this.db, actor, personId);
    const extracted = await extractFingerprint(image, { dpi });
    const plain = serializeTemplate(extracted.template);
    // The gallery holds what a reload from the database would give: the serialised (quantised) template.
    const prepared = prepareTemplate(deserializeTemplate(plain));
    await this.sync('fingerprint');
    const { threshold } = FINGERPRINT_DECISIONS.identify;
    // entries erased while the search yielded are dropped
    const hits = (
      await identifyFingerprint(
        prepared,
        this.fingerEntries((e) => e.personId !== personId),
        { threshold, limit: MAX_CASES_PER_ENROLMENT * 3 },
      )
    ).filter((h) => this.fingers.has(h.id));
    try {
      return await this.store(actor, {
        personId,
        modality: 'fingerprint',
        position,
        model: FINGERPRINT_MODEL.tag,
        modelVersion: FINGERPRINT_MODEL.modelVersion,
        quality: extracted.quality,
        plain,
        candidates: candidatesByPerson(
          hits.map((h) => ({ templateId: h.id, personId: this.fingers.get(h.id)!.personId, score: h.score, fingerPosition: this.fingers.get(h.id)!.position })),
          MAX_CASES_PER_ENROLMENT,
          personId,
        ),
        threshold: FINGERPRINT_DECISIONS.identify,
        addToGallery: (id) => {
          this.fingers.set(id, { personId, position, template: prepared });
          this.index(personId, id);
        },
      });
    } finally {
      zeroize(plain);
    }
  }

  private async store(
    actor: Actor,
    input: {
      personId: string;
      modality: Modality;
      position: number | null;
      model: string;
      modelVersion: string;
      quality: number;
      plain: Uint8Array;
      candidates: PersonCandidate[];
      threshold: Threshold;
      addToGallery: (templateId: string) => void;
    },
  ): Promise<EnrolResult> {
    const key = await this.templateKey();
    const id = this.ids.next();
    const now = this.clock.now();
    const envelope = sealTemplate(key, input.plain, { model: input.model, bindTo: templateBinding(input.personId, id) });
    let replaced: TemplateMeta | undefined;
    const duplicates: DuplicateNotice[] = [];
    try {
      await this.db.transaction(async (tx) => {
        await this.registry.loadInScope(tx, actor, input.personId);
        replaced = await liveSlot(tx, input.personId, input.modality, input.position);
        if (replaced) await eraseTemplate(tx, replaced.id, now, actor.userId, 're-enrolled');
        await insertTemplate(tx, {
          id,
          personId: input.personId,
          modality: input.modality,
          fingerPosition: input.position,
          model: input.model,
          modelVersion: input.modelVersion,
          envelope,
          quality: input.quality,
          createdAt: now,
          createdBy: actor.userId,
          createdByUsername: actor.username,
        });
        const rows = input.candidates.map((c) => ({
          id: this.ids.next(),
          newPersonId: input.personId,
          existingPersonId: c.personId,
          modality: input.modality,
          newTemplateId: id,
          existingTemplateId: c.templateId,
          score: c.score,
          threshold: input.threshold.threshold,
          targetFmr: input.threshold.targetFmr,
          status: 'open',
          createdAt: now,
          createdBy: actor.userId,
        }));
        const opened = new Set(await insertCases(tx, rows));
        for (const row of rows) {
          if (!opened.has(row.id)) continue;
          const visible = await this.registry.loadInScope(tx, actor, row.existingPersonId).then(
            () => true,
            () => false,
          );
          duplicates.push({ caseId: row.id, existingPersonId: visible ? row.existingPersonId : null, score: row.score });
        }
        await this.audit.record(tx, actor, [
          {
            action: 'biometrics.enrolled',
            subjectType: 'person',
            subjectId: input.personId,
            details: {
              templateId: id,
              modality: input.modality,
              fingerPosition: input.position,
              model: input.model,
              quality: input.quality,
              replacedTemplateId: replaced?.id ?? null,
              duplicateCaseIds: duplicates.map((d) => d.caseId),
            },
          },
          ...rows
            .filter((r) => opened.has(r.id))
            .map((r) => ({
              action: 'biometrics.duplicate_opened',
              subjectType: 'duplicate_case',
              subjectId: r.id,
              details: { newPersonId: r.newPersonId, existingPersonId: r.existingPersonId, modality: r.modality, score: r.score, threshold: r.threshold },
            })),
        ]);
      });
    } catch (err) {
      if (pgCode(err) === '23505') {
        throw new ConflictError('biometrics.enrolment_conflict', 'Another enrolment of this slot was saved at the same moment; try again');
      }
      throw err;
    }
    if (replaced) this.forget(replaced.id);
    input.addToGallery(id);
    const row = await findTemplate(this.db, id);
    return { template: templateView(row!), replacedTemplateId: replaced?.id ?? null, duplicates, threshold: input.threshold };
  }

  // ---- erasure ----------------------------------------------------------------------------------------------------

  /** Erases a template: the envelope is overwritten in the database and the vector leaves the gallery; audited. */
  async erase(actor: Actor, personId: string, templateId: string, reason: string): Promise<TemplateView> {
    requirePermission(actor, 'biometrics.enrol');
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const t = await findTemplate(tx, templateId, true);
      if (!t || t.personId !== personId) throw new NotFoundError('biometrics.template_not_found', `Person ${personId} has no template ${templateId}`);
      if (t.erasedAt) throw new ConflictError('biometrics.already_erased', `Template ${templateId} was erased on ${t.erasedAt.toISOString()}`);
      await eraseTemplate(tx, templateId, now, actor.userId, reason);
      await this.audit.record(tx, actor, {
        action: 'biometrics.erased',
        subjectType: 'person',
        subjectId: personId,
        details: { templateId, modality: t.modality, fingerPosition: t.fingerPosition, reason },
      });
    });
    this.forget(templateId);
    return templateView((await findTemplate(this.db, templateId))!);
  }

  // ---- verification and identification ----------------------------------------------------------------------------

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
      const face = await this.face();
      model = face.FACE_MODEL.tag;
      await this.sync('face');
      const enrolled = this.templatesOf(input.personId).find((id) => this.faceOwner.get(id)?.model === model);
      if (!enrolled) {
        if (this.templatesOf(input.personId).some((id) => this.faceOwner.has(id))) {
          throw new NotFoundError('biometrics.not_enrolled', `The face of person ${input.personId} was enrolled with another model; enrol it again`);
        }
        throw this.notEnrolled(input.personId, 'face');
      }
      const t = await (await this.faceEngine()).extract(input.image, { purpose: 'probe' });
      templateId = enrolled;
      const s = this.faceGalleries.get(model)?.verify(templateId, t.descriptor);
      if (s === undefined) throw this.notEnrolled(input.personId, 'face'); // erased while the probe was processed
      score = s;
      threshold = face.FACE_THRESHOLDS.verify;
    } else {
      await this.sync('fingerprint');
      const entries = this.templatesOf(input.personId)
        .map((id) => [id, this.fingers.get(id)] as const)
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
    await this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, input.personId);
      await insertVerification(tx, row);
      await this.audit.record(tx, actor, {
        action: 'biometrics.verified',
        subjectType: 'person',
        subjectId: input.personId,
        details: { verificationId: row.id, modality: row.modality, fingerPosition: position, result: row.result, score, threshold: threshold.threshold },
      });
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
      const face = await this.face();
      model = face.FACE_MODEL.tag;
      const t = await (await this.faceEngine()).extract(input.image, { purpose: 'probe' });
      await this.sync('face');
      threshold = face.FACE_THRESHOLDS.identify;
      const gallery = this.faceGalleries.get(model);
      const hits = gallery ? gallery.search(t.descriptor, { k: k * 4, minScore: threshold.threshold }) : [];
      candidates = candidatesByPerson(
        hits.map((h) => ({ templateId: h.id, personId: this.faceOwner.get(h.id)!.personId, score: h.score })),
        k * 4,
      );
    } else {
      const probe = prepareTemplate((await extractFingerprint(input.image, { dpi: input.dpi })).template);
      await this.sync('fingerprint');
      threshold = FINGERPRINT_DECISIONS.identify;
      model = FINGERPRINT_MODEL.tag;
      const hits = (await identifyFingerprint(probe, this.fingerEntries(), { threshold: threshold.threshold, limit: k * 4 })).filter((h) =>
        this.fingers.has(h.id),
      );
      candidates = candidatesByPerson(
        hits.map((h) => ({ templateId: h.id, personId: this.fingers.get(h.id)!.personId, score: h.score, fingerPosition: this.fingers.get(h.id)!.position })),
        k * 4,
      );
    }
    const readNames = hasPermission(actor.role, 'persons.read');
    const id = this.ids.next();
    const at = this.clock.now();
    const shown: CandidateView[] = [];
    await this.db.transaction(async (tx) => {
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
    if (!UUID.test(verificationId)) return 'is not the id of a recorded verification';
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

  // ---- records and duplicate cases ---------------------------------------------------------------------------------

  async forPerson(actor: Actor, personId: string): Promise<PersonBiometricsView> {
    requirePermission(actor, 'biometrics.read');
    return this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const templates = await personTemplates(tx, personId);
      const cases = await personCases(tx, personId);
      await this.audit.record(tx, actor, { action: 'biometrics.read', subjectType: 'person', subjectId: personId });
      return {
        personId,
        templates: templates.map(templateView),
        duplicateCases: cases.map(caseView),
        samePersonAs: cases
          .filter((c) => c.status === 'same_person')
          .map((c) => ({
            personId: c.newPersonId === personId ? c.existingPersonId : c.newPersonId,
            caseId: c.id,
            survivingPersonId: c.survivingPersonId!,
          })),
      };
    });
  }

  async duplicates(actor: Actor, filter: { status?: string; personId?: string; limit: number; offset: number }): Promise<CaseView[]> {
    requirePermission(actor, 'biometrics.read');
    const rows = await listCases(this.db, { ...filter, scope: { facilityIds: actor.facilityIds, nationalities: actor.nationalities } });
    return rows.map(caseView);
  }

  async duplicate(actor: Actor, id: string): Promise<CaseView> {
    requirePermission(actor, 'biometrics.read');
    const row = await findCase(this.db, id);
    if (!row) throw new NotFoundError('biometrics.case_not_found', `No duplicate case ${id}`);
    await this.registry.loadInScope(this.db, actor, row.newPersonId);
    await this.registry.loadInScope(this.db, actor, row.existingPersonId);
    return caseView(row);
  }

  /**
   * A registrar's decision on a duplicate case. Same person: both records stay (nothing is deleted or rewritten), the
   * case links them and names the surviving reference record, and the decision enters the audit chain of both persons.
   * Different persons: recorded, and the pair is not raised again.
   */
  async decide(actor: Actor, id: string, input: DecisionInput & { reviewOn?: string }): Promise<CaseView> {
    requirePermission(actor, 'biometrics.enrol');
    await this.db.transaction(async (tx) => {
      const row = await findCase(tx, id, true);
      if (!row) throw new NotFoundError('biometrics.case_not_found', `No duplicate case ${id}`);
      await this.registry.loadInScope(tx, actor, row.newPersonId);
      await this.registry.loadInScope(tx, actor, row.existingPersonId);
      const { survivingPersonId } = decideCase(row, input);
      const at = this.clock.now();
      await updateCase(tx, id, {
        status: input.decision,
        survivingPersonId,
        decidedAt: at,
        decidedBy: actor.userId,
        decidedByUsername: actor.username,
        reason: input.reason,
        reviewOn: input.reviewOn ?? null,
      });
      const details = {
        caseId: id,
        decision: input.decision,
        reason: input.reason,
        survivingPersonId,
        newPersonId: row.newPersonId,
        existingPersonId: row.existingPersonId,
        modality: row.modality,
        score: row.score,
        reviewOn: input.reviewOn ?? null,
      };
      await this.audit.record(tx, actor, [
        { action: 'biometrics.duplicate_decided', subjectType: 'person', subjectId: row.newPersonId, details },
        { action: 'biometrics.duplicate_decided', subjectType: 'person', subjectId: row.existingPersonId, details },
      ]);
    });
    return caseView((await findCase(this.db, id))!);
  }

  /** Gallery sizes, model tags and the thresholds in force, each with the false-match rate it targets. */
  async status(actor: Actor): Promise<BiometricsStatus> {
    requirePermission(actor, 'biometrics.read');
    const face = await this.face();
    await Promise.all([this.sync('face'), this.sync('fingerprint')]);
    const tag = face.FACE_MODEL.tag;
    const otherModels: Record<string, number> = {};
    for (const [m, g] of this.faceGalleries) if (m !== tag) otherModels[m] = g.size;
    return {
      face: { model: tag, templates: this.faceGalleries.get(tag)?.size ?? 0, otherModels, ...face.FACE_THRESHOLDS },
      fingerprint: { model: FINGERPRINT_MODEL.tag, templates: this.fingers.size, ...FINGERPRINT_DECISIONS },
      unreadableTemplates: this.unreadable.size,
      keyId: (await this.templateKey()).id,
    };
  }

  // ---- galleries ---------------------------------------------------------------------------------------------------

  /** Brings a gallery in line with the database's live templates (a no-op query when nothing changed). */
  private sync(modality: Modality): Promise<void> {
    const prev = this.syncing.get(modality) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.syncNow(modality));
    this.syncing.set(modality, next);
    return next;
  }

  private async syncNow(modality: Modality): Promise<void> {
    const sig = await liveSignature(this.db, modality);
    if (this.signature.get(modality) === sig) return;
    const key = await this.templateKey();
    const live = new Set(await liveTemplateIds(this.db, modality));
    const held = modality === 'face' ? [...this.faceOwner.keys()] : [...this.fingers.keys()];
    for (const id of held) if (!live.has(id)) this.forget(id);
    const missing = [...live].filter((id) => !(modality === 'face' ? this.faceOwner.has(id) : this.fingers.has(id)) && !this.unreadable.has(id));
    for (let i = 0; i < missing.length; i += 1000) {
      for (const row of await liveTemplates(this.db, modality, missing.slice(i, i + 1000))) this.load(key, row);
    }
    this.signature.set(modality, sig);
  }

  private load(key: TemplateKey, row: TemplateRow): void {
    try {
      const { model, data } = openTemplate(key, row.envelope!, { expectModel: row.model, bindTo: templateBinding(row.personId, row.id) });
      try {
        if (row.modality === 'face') {
          const d = bytesToDescriptor(data);
          this.faceGallery(model, d.length).upsert(row.id, d);
          this.faceOwner.set(row.id, { personId: row.personId, model });
        } else {
          this.fingers.set(row.id, { personId: row.personId, position: row.fingerPosition!, template: prepareTemplate(deserializeTemplate(data)) });
        }
        this.index(row.personId, row.id);
      } finally {
        zeroize(data);
      }
    } catch (err) {
      this.unreadable.add(row.id);
      this.logger.warn({ templateId: row.id, code: (err as { code?: string }).code }, 'biometric template could not be opened; left out of the gallery');
    }
  }

  private forget(id: string): void {
    const personId = this.faceOwner.get(id)?.personId ?? this.fingers.get(id)?.personId;
    const owner = this.faceOwner.get(id);
    if (owner) {
      this.faceGalleries.get(owner.model)?.remove(id);
      this.faceOwner.delete(id);
    }
    this.fingers.delete(id);
    this.unreadable.delete(id);
    const set = personId === undefined ? undefined : this.byPerson.get(personId);
    if (set) {
      set.delete(id);
      if (set.size === 0) this.byPerson.delete(personId!);
    }
  }

  private index(personId: string, templateId: string): void {
    let set = this.byPerson.get(personId);
    if (!set) this.byPerson.set(personId, (set = new Set()));
    set.add(templateId);
  }

  private templatesOf(personId: string): string[] {
    return [...(this.byPerson.get(personId) ?? [])];
  }

  private faceGallery(model: string, dimension: number): Gallery {
    let g = this.faceGalleries.get(model);
    if (!g) {
      g = new Gallery({ dimension, initialCapacity: 1024 });
      this.faceGalleries.set(model, g);
    }
    return g;
  }

  private *fingerEntries(keep: (e: FingerEntry) => boolean = () => true): Iterable<{ id: string; template: PreparedTemplate }> {
    for (const [id, e] of this.fingers) if (keep(e)) yield { id, template: e.template };
  }

  private notEnrolled(personId: string, modality: Modality, position?: number): NotFoundError {
    const what = modality === 'face' ? 'face' : position === undefined ? 'fingerprint' : `fingerprint at position ${position}`;
    return new NotFoundError('biometrics.not_enrolled', `Person ${personId} has no ${what} enrolled`);
  }

  // ---- lazy resources ----------------------------------------------------------------------------------------------

  private templateKey(): Promise<TemplateKey> {
    this.key ??= (async () => {
      if (this.opts.templateKey) return this.opts.templateKey;
      const env = this.opts.env ?? process.env;
      if (this.opts.dataDir || env.CUSTOS_TEMPLATE_KEY) return loadTemplateKey({ dataDir: this.opts.dataDir ?? '.', env });
      if (!this.opts.ephemeralKeyAllowed) {
        throw new DomainError('unavailable', 'biometrics.no_template_key', 'No template key: set CUSTOS_TEMPLATE_KEY or give the data folder');
      }
      // No data folder and no key: a process-lifetime key (tests and in-memory databases). Templates sealed with it
      // cannot be opened by another process; they are skipped there, never shown.
      this.logger.warn({}, 'biometrics: no data folder or CUSTOS_TEMPLATE_KEY; using a key that lives only in this process');
      return templateKeyFromBytes(randomBytes(32), 'env');
    })();
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }

  private face(): Promise<FaceModule> {
    this.faceModule ??= import('./face');
    return this.faceModule;
  }

  private faceEngine(): Promise<FaceEngine> {
    this.engine ??= (async () => {
      const face = await this.face();
      if (this.opts.faceEngine) return this.opts.faceEngine(face);
      const env = this.opts.env ?? process.env;
      const workers = this.opts.faceWorkers ?? (Number(env.CUSTOS_FACE_WORKERS) || 1);
      return face.createFaceEngine({ workers });
    })();
    this.engine.catch(() => {
      this.engine = undefined;
    });
    return this.engine;
  }
}

function checkImage(image: Uint8Array): void {
  if (image.byteLength === 0) throw new ValidationError('biometrics.empty_image', 'The image is empty');
  if (image.byteLength > IMAGE_MAX_BYTES) {
    throw new DomainError('too_large', 'biometrics.image_too_large', `The image has ${image.byteLength} bytes; at most ${IMAGE_MAX_BYTES} are accepted`);
  }
}

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
}

function primaryName(p: PersonView): string | null {
  return (p.names.find((n) => n.kind === 'primary') ?? p.names[0])?.full ?? null;
}

function templateView(t: TemplateMeta): TemplateView {
  return {
    id: t.id,
    personId: t.personId,
    modality: t.modality as Modality,
    fingerPosition: t.fingerPosition,
    model: t.model,
    modelVersion: t.modelVersion,
    quality: t.quality,
    createdAt: t.createdAt,
    createdBy: t.createdByUsername,
    erasedAt: t.erasedAt,
    eraseReason: t.eraseReason,
  };
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

function caseView(r: CaseRow): CaseView {
  return {
    id: r.id,
    status: r.status,
    modality: r.modality as Modality,
    newPersonId: r.newPersonId,
    existingPersonId: r.existingPersonId,
    score: r.score,
    threshold: r.threshold,
    targetFmr: r.targetFmr,
    createdAt: r.createdAt,
    decision: r.decidedAt ? { at: r.decidedAt, by: r.decidedByUsername, reason: r.reason, survivingPersonId: r.survivingPersonId, reviewOn: r.reviewOn } : null,
  };
}
