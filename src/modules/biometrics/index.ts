/**
 * Biometrics: face and fingerprint enrolment over encrypted templates, 1:1 verification, 1:N identification and
 * duplicate-identity cases decided by a registrar. Other modules import from here only.
 *
 * The face engine (TensorFlow) is never loaded by importing this file: face values are reached through
 * `loadFaceModule()`; only face types are re-exported statically.
 */
export { BiometricsService } from './biometrics.service';
export type { BiometricsOptions, BiometricsStatus } from './biometrics.galleries';
export type { TemplateView, EnrolResult, DuplicateNotice } from './biometrics.enrol';
export { MAX_CANDIDATES, type VerificationView, type IdentificationView, type CandidateView, type VerificationDecisionView } from './biometrics.match';
export type { CaseView, PersonBiometricsView } from './biometrics.cases';
export type { WithinIdentification } from './biometrics.identify-within';
export type { SealedFaces, SealedFace, SealedFaceDecision } from './biometrics.sealed-face';
export type { FaceQualityView } from './biometrics.quality';
export {
  MODALITIES,
  IMAGE_MAX_BYTES,
  FINGER_POSITIONS,
  FINGERPRINT_MODEL,
  FINGERPRINT_DECISIONS,
  DUPLICATE_STATUSES,
  DUPLICATE_DECISIONS,
  VERIFICATION_DECISIONS,
  fingerPosition,
  type Modality,
  type FingerPosition,
  type DuplicateStatus,
  type DuplicateDecision,
  type VerificationDecision,
  type Threshold,
} from './biometrics.domain';
export { IMAGE_BODY_LIMIT, IMAGE_CONTENT_TYPES } from './biometrics.routes';
export type { FaceEngine, FaceTemplate, FaceDecision, FaceCandidate, FaceEngineOptions } from './face';
export {
  extractFingerprint,
  compareFingerprints,
  prepareTemplate,
  identify as identifyFingerprint,
  serializeTemplate,
  deserializeTemplate,
  toIso19794_2,
  fromIso19794_2,
  THRESHOLDS as FINGERPRINT_THRESHOLDS,
  DEFAULT_THRESHOLD as FINGERPRINT_DEFAULT_THRESHOLD,
  type FingerprintTemplate,
  type PreparedTemplate,
} from './fingerprint';
export { loadTemplateKey, templateKeyFromBytes, type TemplateKey } from './template-crypto';
export {
  loadTransitKey,
  generateTransitKey,
  transitKeyFromPrivateBytes,
  transitRecipientFromBase64,
  HQ_PUBLIC_KEY_ENV,
  IDENTITY_KEY_ENV,
  type TransitKey,
  type TransitRecipient,
} from './template-transit';
export { openIdentityTemplates, compareIdentities, type OpenedIdentity, type TravellingTemplate, type IdentityScores } from './biometrics.identity-compare';
export { Gallery } from './gallery';
export type { WatchProbe, WatchResult, WatchHit, WatchRetake, WatchSet } from './biometrics.watch';

/** The face part (engine, thresholds, FACE_MODEL), loaded on demand: importing it loads TensorFlow. */
export function loadFaceModule(): Promise<typeof import('./face')> {
  return import('./face');
}
export type { BiometricPersons } from './biometrics.ports';
export {
  TemplateEnrolled,
  TemplateErased,
  DuplicateCaseOpened,
  DuplicateCaseDecided,
  PersonVerified,
  PersonsIdentified,
  VerificationDecided,
} from './biometrics.events';
export { biometricVerificationDecisions } from './biometrics.schema';
export {
  fuseEvidence,
  candidateFloor,
  recordedBirthYear,
  type FusionEvidence,
  type FusionResult,
  type FusionContribution,
} from './biometrics.fusion';
export { FusionResponse } from './biometrics.dto';
