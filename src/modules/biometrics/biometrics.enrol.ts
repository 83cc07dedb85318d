import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { DuplicateCaseOpened, TemplateEnrolled, TemplateErased } from './biometrics.events';
import {
  candidatesByPerson,
  checkImage,
  FINGERPRINT_DECISIONS,
  FINGERPRINT_MODEL,
  modelVersionOf,
  templateBinding,
  type FingerPosition,
  type Modality,
  type PersonCandidate,
  type TemplateHit,
  type Threshold,
} from './biometrics.domain';
import type { DuplicateNoticeResponse, EnrolResponse, TemplateResponse } from './biometrics.dto';
import type { BiometricGalleries } from './biometrics.galleries';
import {
  deserializeTemplate,
  extractFingerprint,
  type FingerprintQualityIssue,
  identifyYielding as identifyFingerprint,
  prepareTemplate,
  RETAKE_QUALITY,
  serializeTemplate,
} from './fingerprint';
import { descriptorToBytes, sealTemplate, zeroize } from './template-crypto';
import type { BiometricFingerExceptions } from './biometrics.fingers';
import { portraitImages } from './biometrics.photo-image';
import { type BiometricPhotos, photoView } from './biometrics.photos';
import { eraseTemplate, findPhoto, findTemplate, insertCases, insertTemplate, liveSlot, personCases, type TemplateMeta } from './biometrics.repository';
import { evidenceBetween } from './biometrics.evidence';
import { candidateFloor, fuseEvidence, type FusionResult } from './biometrics.fusion';

/** Duplicate cases opened at most per enrolment (the strongest resemblances, by fused evidence). */
const MAX_CASES_PER_ENROLMENT = 5;
/** Candidates fused per enrolment: the best-scoring persons from the fusion's candidate floor up. */
const MAX_FUSED_CANDIDATES = 15;
/** The false-match rate a case opened on fused evidence is held to (the identification thresholds' own). */
const DEDUP_FUSION_FMR = 1e-4;

export type TemplateView = z.output<typeof TemplateResponse>;
export type DuplicateNotice = z.output<typeof DuplicateNoticeResponse>;
export type EnrolResult = z.output<typeof EnrolResponse>;

/**
 * Enrolment and erasure of templates: each enrolment is searched against everyone else first, sealed, stored with the
 * duplicate cases it opens in one transaction, then added to the gallery; re-enrolling a slot erases what it held.
 */
export class BiometricEnrolment {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: BiometricPersons,
    private readonly galleries: BiometricGalleries,
    private readonly photos: BiometricPhotos,
    private readonly fingerExceptions: BiometricFingerExceptions,
  ) {}

  async enrolFace(actor: Actor, personId: string, image: Uint8Array): Promise<EnrolResult> {
    requirePermission(actor, 'biometrics.enrol');
    checkImage(image);
    await this.registry.loadInScope(this.db, actor, personId);
    const face = await this.galleries.face();
    const engine = await this.galleries.faceEngine();
    const t = await engine.extract(image, { purpose: 'enrol' });
    const tag = face.FACE_MODEL.tag;
    await this.galleries.sync('face');
    const gallery = this.galleries.faceGallery(tag, t.descriptor.length);
    const hits: TemplateHit[] = gallery
      .search(t.descriptor, {
        k: MAX_FUSED_CANDIDATES * 2 + 1,
        minScore: Math.min(face.FACE_THRESHOLDS.identify.threshold, candidateFloor('face')),
      })
      .map((h) => ({ templateId: h.id, personId: this.galleries.faceOwner.get(h.id)!.personId, score: h.score }));
    // The capture's portrait becomes the record photo, in the transaction that stores the template.
    const sealed = await this.photos.seal(personId, await portraitImages(image, t.box));
    const plain = descriptorToBytes(t.descriptor);
    try {
      const result = await this.store(actor, {
        inTx: async (tx, templateId) => {
          await this.photos.saveInTx(tx, actor, sealed, 'face_enrolment', templateId);
        },
        personId,
        modality: 'face',
        position: null,
        model: tag,
        modelVersion: modelVersionOf(tag),
        quality: Math.round(t.quality.score * 1000) / 10,
        plain,
        candidates: candidatesByPerson(hits, MAX_FUSED_CANDIDATES, personId),
        threshold: face.FACE_THRESHOLDS.identify,
        addToGallery: (id) => {
          gallery.upsert(id, t.descriptor);
          this.galleries.faceOwner.set(id, { personId, model: tag });
          this.galleries.index(personId, id);
        },
      });
      const photo = await findPhoto(this.db, sealed.id);
      return { ...result, photo: photo ? photoView(photo) : null };
    } finally {
      zeroize(plain);
    }
  }

  async enrolFingerprint(actor: Actor, personId: string, position: FingerPosition, image: Uint8Array, dpi?: number): Promise<EnrolResult> {
    requirePermission(actor, 'biometrics.enrol');
    checkImage(image);
    await this.registry.loadInScope(this.db, actor, personId);
    const extracted = await extractFingerprint(image, { dpi });
    requireEnrolmentQuality(extracted);
    const plain = serializeTemplate(extracted.template);
    // The gallery holds what a reload from the database would give: the serialised (quantised) template.
    const prepared = prepareTemplate(deserializeTemplate(plain));
    await this.galleries.sync('fingerprint');
    const { threshold } = FINGERPRINT_DECISIONS.identify;
    // entries erased while the search yielded are dropped
    const hits = (
      await identifyFingerprint(
        prepared,
        this.galleries.fingerEntries((e) => e.personId !== personId),
        { threshold: Math.min(threshold, candidateFloor('finger')), limit: MAX_FUSED_CANDIDATES * 3 },
      )
    ).filter((h) => this.galleries.fingers.has(h.id));
    try {
      return await this.store(actor, {
        inTx: (tx) => this.fingerExceptions.endInTx(tx, actor, personId, position, 'finger enrolled'),
        personId,
        modality: 'fingerprint',
        position,
        model: FINGERPRINT_MODEL.tag,
        modelVersion: FINGERPRINT_MODEL.modelVersion,
        quality: extracted.quality,
        plain,
        candidates: candidatesByPerson(
          hits.map((h) => ({
            templateId: h.id,
            personId: this.galleries.fingers.get(h.id)!.personId,
            score: h.score,
            fingerPosition: this.galleries.fingers.get(h.id)!.position,
          })),
          MAX_FUSED_CANDIDATES,
          personId,
        ),
        threshold: FINGERPRINT_DECISIONS.identify,
        addToGallery: (id) => {
          this.galleries.fingers.set(id, { personId, position, template: prepared });
          this.galleries.index(personId, id);
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
      /** More work in the same transaction, after the template row is written (the record photo, a finger's code). */
      inTx?: (tx: Db, templateId: string) => Promise<unknown>;
    },
  ): Promise<EnrolResult> {
    const key = await this.galleries.templateKey();
    const id = this.ids.next();
    const now = this.clock.now();
    const envelope = sealTemplate(key, input.plain, { model: input.model, bindTo: templateBinding(input.personId, id) });
    let replaced: TemplateMeta | undefined;
    const duplicates: DuplicateNotice[] = [];
    let inTxResult: unknown = null;
    try {
      await this.outbox.transaction(async (tx) => {
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
        if (input.inTx) inTxResult = await input.inTx(tx, id);
        const chosen = await this.rankByFusion(tx, actor, input.personId, input.modality, input.candidates, input.threshold.threshold);
        const rows = chosen.map(({ candidate: c, fusion, openedBy }) => ({
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
          openedBy,
          fusion,
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
              details: {
                newPersonId: r.newPersonId,
                existingPersonId: r.existingPersonId,
                modality: r.modality,
                score: r.score,
                threshold: r.threshold,
                openedBy: r.openedBy,
                fusedLog10Lr: r.fusion.log10Lr,
                fusionTargetFmr: r.fusion.targetFmr,
              },
            })),
        ]);
        this.outbox.emit(
          tx,
          TemplateEnrolled,
          {
            templateId: id,
            personId: input.personId,
            modality: input.modality,
            fingerPosition: input.position,
            model: input.model,
            quality: input.quality,
            replacedTemplateId: replaced?.id ?? null,
          },
          { subjects: { personIds: [input.personId] } },
        );
        for (const r of rows.filter((row) => opened.has(row.id))) {
          this.outbox.emit(
            tx,
            DuplicateCaseOpened,
            {
              caseId: r.id,
              newPersonId: r.newPersonId,
              existingPersonId: r.existingPersonId,
              modality: input.modality,
              score: r.score,
              threshold: r.threshold,
            },
            { subjects: { personIds: [r.newPersonId, r.existingPersonId] } },
          );
        }
      });
    } catch (err) {
      if (pgCode(err) === '23505') {
        throw new ConflictError('biometrics.enrolment_conflict', 'Another enrolment of this slot was saved at the same moment; try again');
      }
      throw err;
    }
    if (replaced) this.galleries.forget(replaced.id);
    input.addToGallery(id);
    const row = await findTemplate(this.db, id);
    return {
      template: templateView(row!),
      replacedTemplateId: replaced?.id ?? null,
      duplicates,
      threshold: input.threshold,
      photo: null,
      endedFingerException: input.modality === 'fingerprint' && typeof inTxResult === 'string' ? inTxResult : null,
    };
  }

  /**
   * The candidates worth a registrar's look, strongest fused evidence first: a score at its identification threshold
   * opens a case as before (a name or birth year never hides a biometric resemblance: they are what a person
   * registering twice changes); a score below it opens one when, fused with the rest of the evidence between the two
   * records (their names, birth years, sex, nationalities, and an earlier case's other modality), it reaches the
   * target FMR. Each case records the fusion it was opened with. Nobody is merged: a registrar decides.
   */
  private async rankByFusion(
    tx: Db,
    actor: Actor,
    personId: string,
    modality: Modality,
    candidates: PersonCandidate[],
    threshold: number,
  ): Promise<{ candidate: PersonCandidate; fusion: FusionResult; openedBy: 'score' | 'fusion' }[]> {
    if (candidates.length === 0) return [];
    const person = await this.registry.loadInScope(tx, actor, personId);
    const earlier = await personCases(tx, personId);
    const ranked: { candidate: PersonCandidate; fusion: FusionResult; openedBy: 'score' | 'fusion' }[] = [];
    for (const candidate of candidates) {
      // the other record is compared, not shown: read without the enrolling officer's scope (the case's page is scoped)
      const other = await this.registry.loadInScope(tx, systemActor('duplicate check at enrolment'), candidate.personId);
      const between = earlier
        .filter((c) => c.modality !== modality && (c.existingPersonId === candidate.personId || c.newPersonId === candidate.personId))
        .map((c) => ({ modality: c.modality, score: c.score }));
      const fusion = fuseEvidence(evidenceBetween(person, other, [...between, { modality, score: candidate.score }]), DEDUP_FUSION_FMR);
      if (candidate.score >= threshold) ranked.push({ candidate, fusion, openedBy: 'score' });
      else if (fusion.meetsTarget) ranked.push({ candidate, fusion, openedBy: 'fusion' });
    }
    ranked.sort((a, b) => b.fusion.log10Lr - a.fusion.log10Lr || b.candidate.score - a.candidate.score);
    return ranked.slice(0, MAX_CASES_PER_ENROLMENT);
  }

  // ---- erasure ----------------------------------------------------------------------------------------------------

  /** Erases a template: the envelope is overwritten in the database and the vector leaves the gallery; audited. */
  async erase(actor: Actor, personId: string, templateId: string, reason: string): Promise<TemplateView> {
    requirePermission(actor, 'biometrics.enrol');
    const now = this.clock.now();
    await this.outbox.transaction(async (tx) => {
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
      this.outbox.emit(
        tx,
        TemplateErased,
        { templateId, personId, modality: t.modality as 'face' | 'fingerprint', fingerPosition: t.fingerPosition, reason },
        { subjects: { personIds: [personId] } },
      );
    });
    this.galleries.forget(templateId);
    return templateView((await findTemplate(this.db, templateId))!);
  }
}

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
}
export function templateView(t: TemplateMeta): TemplateView {
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

/**
 * A print enrolled once is compared for years: below RETAKE_QUALITY the capture is refused with what to change, so the
 * operator takes it again now (a finger that cannot give a better print gets a finger exception instead).
 */
function requireEnrolmentQuality(extracted: { quality: number; issues: FingerprintQualityIssue[] }): void {
  if (extracted.quality >= RETAKE_QUALITY) return;
  const reasons: Record<FingerprintQualityIssue, string> = {
    unclear_ridges: 'the ridges are unclear (smudged, too dry or too wet)',
    faint: 'the ridges are faint (press more firmly or clean the sensor)',
    small_area: 'too little of the finger touched the sensor (place it flat and centred)',
    few_minutiae: 'too few ridge details were found',
  };
  const why = extracted.issues.map((i) => reasons[i]).join('; ') || 'the image is poor';
  throw new ValidationError(
    'fingerprint.retake',
    `The fingerprint is of poor quality (${extracted.quality} of 100, at least ${RETAKE_QUALITY} needed to enrol): ${why}. Take it again`,
    { quality: extracted.quality, required: RETAKE_QUALITY, issues: extracted.issues },
  );
}
