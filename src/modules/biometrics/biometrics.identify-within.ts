import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { hasPermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { PersonsIdentified } from './biometrics.events';
import { candidatesByPerson, checkImage, FINGERPRINT_DECISIONS, FINGERPRINT_MODEL, type PersonCandidate, type Threshold } from './biometrics.domain';
import type { BiometricGalleries } from './biometrics.galleries';
import type { Probe } from './biometrics.match';
import { insertVerification } from './biometrics.repository';
import { compareFingerprints, extractFingerprint, identifyYielding, prepareTemplate } from './fingerprint';

/** What a search within a closed gallery (a movement's manifest) found, and what the whole gallery found besides. */
export interface WithinIdentification {
  /** The recorded identification (kind identify): the reference the decision on it cites. */
  identificationId: string;
  modality: 'face' | 'fingerprint';
  threshold: number;
  /** Persons of the closed gallery above the identification threshold, best first. */
  within: { personId: string; score: number }[];
  /** Only when nobody within matched: enrolled persons elsewhere, in the caller's scope, best first. */
  elsewhere: { personId: string; score: number }[];
  /** Whether the search went beyond the closed gallery (only for roles that may identify: biometrics.read). */
  searchedBeyond: boolean;
}

/**
 * 1:N against a closed gallery: only the templates of the persons named (a movement's manifest), so the search is
 * fast and a miss means "not one of these". When nobody within matches, the same probe (extracted once) is searched
 * against everyone enrolled, so the caller can tell "someone we know, not on this list" from "unknown"; those
 * candidates are limited to the caller's scope, as any identification's are, and that wider search is made only for
 * roles with biometrics.read (a commander's miss stays a miss within the gallery). The caller authorised the closed gallery
 * (the manifest it holds); the search is recorded, audited and emitted like any identification. Candidates only:
 * the decision is the caller's officer's.
 */
export async function identifyWithin(
  deps: { db: Db; clock: Clock; ids: IdGenerator; audit: AuditService; outbox: Outbox; registry: BiometricPersons; galleries: BiometricGalleries },
  actor: Actor,
  input: Probe & { personIds: readonly string[]; limit?: number; context?: Record<string, unknown> },
): Promise<WithinIdentification> {
  // The closed gallery is the caller's to authorise (a custodian holding the movement); the search beyond it is a
  // general 1:N and needs biometrics.read, as any identification does.
  const searchBeyond = hasPermission(actor.role, 'biometrics.read');
  checkImage(input.image);
  const { galleries } = deps;
  const k = Math.min(Math.max(1, input.limit ?? 3), 10);
  const members = new Set(input.personIds);
  let within: PersonCandidate[];
  let elsewhereAll: () => Promise<PersonCandidate[]>;
  let threshold: Threshold;
  let model: string;
  if (input.modality === 'face') {
    const face = await galleries.face();
    model = face.FACE_MODEL.tag;
    const t = await (await galleries.faceEngine()).extract(input.image, { purpose: 'probe' });
    await galleries.sync('face');
    threshold = face.FACE_THRESHOLDS.identify;
    const gallery = galleries.faceGalleries.get(model);
    const hits: { templateId: string; personId: string; score: number }[] = [];
    for (const personId of members) {
      for (const templateId of galleries.templatesOf(personId)) {
        if (galleries.faceOwner.get(templateId)?.model !== model) continue;
        const score = gallery?.verify(templateId, t.descriptor);
        if (score !== undefined && score >= threshold.threshold) hits.push({ templateId, personId, score });
      }
    }
    within = candidatesByPerson(hits, k);
    elsewhereAll = async () =>
      candidatesByPerson(
        (gallery ? gallery.search(t.descriptor, { k: k * 4, minScore: threshold.threshold }) : []).map((h) => ({
          templateId: h.id,
          personId: galleries.faceOwner.get(h.id)!.personId,
          score: h.score,
        })),
        k * 4,
      );
  } else {
    const probe = prepareTemplate((await extractFingerprint(input.image, { dpi: input.dpi })).template);
    await galleries.sync('fingerprint');
    threshold = FINGERPRINT_DECISIONS.identify;
    model = FINGERPRINT_MODEL.tag;
    const hits: { templateId: string; personId: string; score: number; fingerPosition: number }[] = [];
    for (const personId of members) {
      for (const templateId of galleries.templatesOf(personId)) {
        const e = galleries.fingers.get(templateId);
        if (!e) continue;
        const score = compareFingerprints(probe, e.template);
        if (score >= threshold.threshold) hits.push({ templateId, personId, score, fingerPosition: e.position });
      }
    }
    within = candidatesByPerson(hits, k);
    elsewhereAll = async () => {
      const found = await identifyYielding(probe, galleries.fingerEntries(), { threshold: threshold.threshold, limit: k * 4 });
      return candidatesByPerson(
        found.filter((h) => galleries.fingers.has(h.id)).map((h) => ({ templateId: h.id, personId: galleries.fingers.get(h.id)!.personId, score: h.score })),
        k * 4,
      );
    };
  }
  const outside = within.length > 0 || !searchBeyond ? [] : (await elsewhereAll()).filter((c) => !members.has(c.personId));
  const id = deps.ids.next();
  const at = deps.clock.now();
  const elsewhere: { personId: string; score: number }[] = [];
  await deps.outbox.transaction(async (tx) => {
    // Elsewhere, hidden persons are left out, not counted (as in any identification).
    for (const c of outside) {
      if (elsewhere.length >= k) break;
      const seen = await deps.registry.loadInScope(tx, actor, c.personId).then(
        () => true,
        (err: unknown) => {
          if (err instanceof DomainError && (err.kind === 'forbidden' || err.kind === 'not_found')) return false;
          throw err;
        },
      );
      if (seen) elsewhere.push({ personId: c.personId, score: c.score });
    }
    const shown = [...within.map((c) => ({ personId: c.personId, score: c.score })), ...elsewhere];
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
      candidates: shown,
      purpose: actor.purpose,
      at,
      byUser: actor.userId,
      byUsername: actor.username,
    });
    await deps.audit.record(tx, actor, {
      action: 'biometrics.identified',
      subjectType: 'biometric_verification',
      subjectId: id,
      details: { modality: input.modality, gallery: { persons: members.size, ...input.context }, candidates: shown, threshold: threshold.threshold },
    });
    deps.outbox.emit(
      tx,
      PersonsIdentified,
      { verificationId: id, modality: input.modality, candidates: shown },
      { subjects: { personIds: shown.map((c) => c.personId) } },
    );
  });
  return {
    identificationId: id,
    modality: input.modality,
    threshold: threshold.threshold,
    within: within.map((c) => ({ personId: c.personId, score: c.score })),
    elsewhere,
    searchedBeyond: searchBeyond && within.length === 0,
  };
}
