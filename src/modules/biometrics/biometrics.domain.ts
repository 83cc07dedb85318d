/**
 * Biometrics rules that need no I/O: modalities and finger positions, decision thresholds with the false-match rate
 * each targets, what binds an envelope to its row, how template hits become per-person candidates, and the rules of a
 * duplicate-identity decision.
 */
import { ConflictError, DomainError, ValidationError } from '../../platform/errors';
import { THRESHOLDS } from './fingerprint';

export const MODALITIES = ['face', 'fingerprint'] as const;
export type Modality = (typeof MODALITIES)[number];

/** ISO/IEC 19794-2 / ANSI-NIST finger positions 1-10 (0 = unknown is not enrolled). */
export const FINGER_POSITIONS = {
  1: 'right thumb',
  2: 'right index',
  3: 'right middle',
  4: 'right ring',
  5: 'right little',
  6: 'left thumb',
  7: 'left index',
  8: 'left middle',
  9: 'left ring',
  10: 'left little',
} as const;
export type FingerPosition = keyof typeof FINGER_POSITIONS;

export function fingerPosition(value: unknown): FingerPosition {
  const n = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
    throw new ValidationError('biometrics.bad_finger_position', 'A finger position is a whole number from 1 (right thumb) to 10 (left little)');
  }
  return n as FingerPosition;
}

/**
 * Tag of the fingerprint templates this code stores: the serialised minutiae of fingerprint.template.ts ("CFP" v1),
 * extracted at 500 dpi. A change of the extractor that makes old templates incomparable gets a new version.
 */
export const FINGERPRINT_MODEL = {
  name: 'custos.fingerprint.minutiae',
  modelVersion: '1',
  tag: 'custos.fingerprint.minutiae@1',
} as const;

export interface Threshold {
  threshold: number;
  /** The false match rate (per comparison) the threshold was chosen to hold. */
  targetFmr: number;
}

/**
 * Fingerprint thresholds on the calibrated score (-10 log10 of the estimated FMR): 1:1 verification at FMR 0.1 %,
 * 1:N identification and de-duplication at FMR 0.01 % per comparison.
 */
export const FINGERPRINT_DECISIONS: { verify: Threshold; identify: Threshold } = {
  verify: { threshold: THRESHOLDS.FMR_0_1_PERCENT, targetFmr: 1e-3 },
  identify: { threshold: THRESHOLDS.FMR_0_01_PERCENT, targetFmr: 1e-4 },
};

/** The model version part of a tag `name@version[/pipeline]`. */
export function modelVersionOf(tag: string): string {
  const at = tag.lastIndexOf('@');
  return at < 0 ? 'unknown' : tag.slice(at + 1);
}

/**
 * What an envelope is bound to (GCM additional data): the person and the row, so a sealed template copied to another
 * person's row, or to another row, fails to open.
 */
export function templateBinding(personId: string, templateId: string): string {
  return `custos.template:${personId}:${templateId}`;
}

export interface TemplateHit {
  templateId: string;
  personId: string;
  score: number;
  fingerPosition?: number | null;
}

export interface PersonCandidate {
  personId: string;
  score: number;
  templateId: string;
  fingerPosition: number | null;
}

/** Template hits (best first or not) to candidates: each person once, with their best template, best first, at most k. */
export function candidatesByPerson(hits: Iterable<TemplateHit>, k: number, exclude?: string): PersonCandidate[] {
  const best = new Map<string, PersonCandidate>();
  for (const h of hits) {
    if (h.personId === exclude) continue;
    const prev = best.get(h.personId);
    if (!prev || h.score > prev.score) {
      best.set(h.personId, { personId: h.personId, score: h.score, templateId: h.templateId, fingerPosition: h.fingerPosition ?? null });
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.personId.localeCompare(b.personId)).slice(0, Math.max(0, k));
}

export const DUPLICATE_STATUSES = ['open', 'same_person', 'different_persons'] as const;
export type DuplicateStatus = (typeof DUPLICATE_STATUSES)[number];
export const DUPLICATE_DECISIONS = ['same_person', 'different_persons'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

export interface DecisionInput {
  decision: DuplicateDecision;
  reason: string;
  /** Same person only: which record stays the reference (default: the one enrolled first). */
  survivingPersonId?: string;
}

/**
 * Checks a decision on a case and returns the surviving record for a same-person decision (null otherwise). A case is
 * decided once; a later change of mind is a new case, not an edit.
 */
export function decideCase(
  current: { status: string; newPersonId: string; existingPersonId: string },
  input: DecisionInput,
): { survivingPersonId: string | null } {
  if (current.status !== 'open') {
    throw new ConflictError('biometrics.case_decided', `This duplicate case was already decided (${current.status})`);
  }
  if (input.decision === 'different_persons') {
    if (input.survivingPersonId !== undefined) {
      throw new ValidationError('biometrics.bad_decision', 'survivingPersonId applies only to a same-person decision');
    }
    return { survivingPersonId: null };
  }
  const survivor = input.survivingPersonId ?? current.existingPersonId;
  if (survivor !== current.newPersonId && survivor !== current.existingPersonId) {
    throw new ValidationError('biometrics.bad_decision', 'survivingPersonId must be one of the two persons of the case');
  }
  return { survivingPersonId: survivor };
}

/** Largest image accepted for enrolment or a probe (bytes); a bigger body is refused with 413. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** Refuses an empty image or one over IMAGE_MAX_BYTES (enrolment and probes). */
export function checkImage(image: Uint8Array): void {
  if (image.byteLength === 0) throw new ValidationError('biometrics.empty_image', 'The image is empty');
  if (image.byteLength > IMAGE_MAX_BYTES) {
    throw new DomainError('too_large', 'biometrics.image_too_large', `The image has ${image.byteLength} bytes; at most ${IMAGE_MAX_BYTES} are accepted`);
  }
}

// ---- record photos ---------------------------------------------------------------------------------------------------

/** Sizes a record photo is kept in (JPEG, longest sides): the portrait of the record and the thumbnail of lists. */
export const PHOTO_SIZES = {
  full: { width: 480, height: 640, quality: 85 },
  thumb: { width: 120, height: 160, quality: 75 },
} as const;
export type PhotoSize = keyof typeof PHOTO_SIZES;
export const PHOTO_SOURCES = ['face_enrolment', 'upload'] as const;
export type PhotoSource = (typeof PHOTO_SOURCES)[number];
/** Model tag of a photo envelope (template-crypto.ts): not a template, never loaded into a gallery. */
export const PHOTO_ENVELOPE_MODEL = 'custos.photo.jpeg@1';
/** Most persons in one thumbnail request (a page of a list). */
export const PHOTO_BATCH_MAX = 200;

/** What a photo envelope is bound to: the person, the row and the size, so no envelope can be moved or swapped. */
export function photoBinding(personId: string, photoId: string, size: PhotoSize): string {
  return `custos.photo:${personId}:${photoId}:${size}`;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The portrait around a detected face, in whole pixels inside the image: 3:4 (as ID photos), twice the face box wide,
 * the face a little above the centre, so hair and chin are in. Near an edge the rectangle is moved inwards, and
 * shrunk (keeping 3:4) only when the image is too small for it.
 */
export function portraitRect(box: { x: number; y: number; width: number; height: number }, image: { width: number; height: number }): Rect {
  const side = Math.max(box.width, box.height);
  let width = side * 2;
  let height = (width * 4) / 3;
  const scale = Math.min(1, image.width / width, image.height / height);
  width *= scale;
  height *= scale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + box.height * 0.05;
  const left = Math.min(Math.max(0, cx - width / 2), image.width - width);
  const top = Math.min(Math.max(0, cy - height / 2), image.height - height);
  const l = Math.max(0, Math.round(left));
  const t = Math.max(0, Math.round(top));
  return {
    left: l,
    top: t,
    width: Math.max(1, Math.min(image.width - l, Math.round(width))),
    height: Math.max(1, Math.min(image.height - t, Math.round(height))),
  };
}

// ---- missing fingers ---------------------------------------------------------------------------------------------------

/**
 * Why a finger has no print, as users of fingerprint systems record it, with the ANSI/NIST-ITL 1-2011 amputation code
 * (Type-14 field AMP, AMPCD): `XX` amputated, `UP` unable to print. A bandaged finger is unable to print for now: `UP`
 * too, kept apart here because it is temporary (the finger is expected to be enrolled later).
 */
export const FINGER_EXCEPTIONS = {
  amputated: { ansiCode: 'XX', temporary: false },
  unable_to_print: { ansiCode: 'UP', temporary: false },
  bandaged: { ansiCode: 'UP', temporary: true },
} as const;
export type FingerExceptionKind = keyof typeof FINGER_EXCEPTIONS;
export const FINGER_EXCEPTION_KINDS = ['amputated', 'unable_to_print', 'bandaged'] as const satisfies readonly FingerExceptionKind[];

/** An officer's decision on a 1:1 verification: the score suggests, a person decides (and the decision is recorded). */
export const VERIFICATION_DECISIONS = ['confirmed', 'not_confirmed'] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];

/**
 * Checks an officer's decision on a verification: a decision against the engine's result (confirming a mismatch,
 * rejecting a match) needs a reason of at least 3 characters, so that the record says why the officer overruled it.
 */
export function checkVerificationDecision(result: string, decision: VerificationDecision, reason: string | undefined): void {
  const agrees = (result === 'match') === (decision === 'confirmed');
  if (!agrees && (reason ?? '').trim().length < 3) {
    throw new ValidationError(
      'biometrics.decision_needs_reason',
      decision === 'confirmed'
        ? 'The verification did not match: confirming the identity anyway needs a reason (how the identity was established)'
        : 'The verification matched: deciding it is not the person needs a reason',
    );
  }
}
