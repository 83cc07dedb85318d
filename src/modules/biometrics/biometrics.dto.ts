import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import {
  DUPLICATE_DECISIONS,
  DUPLICATE_STATUSES,
  FINGER_EXCEPTION_KINDS,
  MODALITIES,
  PHOTO_BATCH_MAX,
  PHOTO_SIZES,
  PHOTO_SOURCES,
  VERIFICATION_DECISIONS,
} from './biometrics.domain';

export const PersonParams = z.object({ id: z.uuid() });
export const FingerParams = z.object({ id: z.uuid(), position: z.coerce.number().int().min(1).max(10) });
export const TemplateParams = z.object({ id: z.uuid(), templateId: z.uuid() });
export const IdParams = z.object({ id: z.uuid() });

const dpi = z.coerce.number().int().min(250).max(1000);
/** An image in JSON: standard base64 (a data: URL prefix is accepted and ignored). */
const base64Image = z
  .string()
  .min(1)
  .max(16 * 1024 * 1024);

/** Enrolment query (raw image body) or JSON body `{image}`; fingerprints take the scan's resolution. */
export const EnrolQuery = z.object({ dpi: dpi.optional() });
export const EnrolJson = z.object({ image: base64Image, dpi: dpi.optional() });

export const VerifyInput = z.object({
  personId: z.uuid(),
  modality: z.enum(MODALITIES),
  fingerPosition: z.coerce.number().int().min(1).max(10).optional(),
  dpi: dpi.optional(),
});
export const VerifyJson = VerifyInput.extend({ image: base64Image });

export const IdentifyInput = z.object({
  modality: z.enum(MODALITIES),
  limit: z.coerce.number().int().min(1).max(20).default(5),
  dpi: dpi.optional(),
});
export const IdentifyJson = IdentifyInput.extend({ image: base64Image });

export const EraseInput = z.object({ reason: z.string().trim().min(3).max(2000) });

export const CasesQuery = z.object({
  status: z.enum(DUPLICATE_STATUSES).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const DecideBody = z.object({
  decision: z.enum(DUPLICATE_DECISIONS),
  reason: z.string().trim().min(3).max(2000),
  survivingPersonId: z.uuid().optional(),
  reviewOn: z.iso.date().optional(),
});

/** POST /biometrics/verifications/:id/decision: the officer's decision on a 1:1 verification. */
export const VerificationDecisionBody = z.object({
  decision: z.enum(VERIFICATION_DECISIONS),
  /** Required when the decision goes against the engine's result. */
  reason: z.string().trim().max(2000).optional(),
});

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns) ---------------

const score = z.number();

/** A threshold in force with the false match rate (per comparison) it was chosen to hold. */
export const ThresholdResponse = z.object({ threshold: z.number(), targetFmr: z.number() });

/** A template's metadata (never its bytes). */
export const TemplateResponse = z.object({
  id: z.string(),
  personId: z.string(),
  modality: z.enum(MODALITIES),
  /** 1 right thumb .. 10 left little; null for a face. */
  fingerPosition: count.nullable(),
  model: z.string(),
  modelVersion: z.string(),
  /** 0..100 (faces: the capture's quality score x 100; fingerprints: NFIQ-like image quality). */
  quality: z.number().nullable(),
  createdAt: instant,
  createdBy: z.string().nullable(),
  erasedAt: instant.nullable(),
  eraseReason: z.string().nullable(),
});
export type TemplateResponse = z.input<typeof TemplateResponse>;

export const DuplicateNoticeResponse = z.object({
  caseId: z.string(),
  /** Null when the resembling person is outside the caller's scope (the case still waits for someone who may see both). */
  existingPersonId: z.string().nullable(),
  score,
});

/** A record photo's metadata (GET /persons/:id/biometrics, PUT and DELETE /persons/:id/photo); never its bytes. */
export const PhotoResponse = z.object({
  id: z.string(),
  personId: z.string(),
  /** face_enrolment (the portrait of the enrolled capture) or upload (set on its own). */
  source: z.enum(PHOTO_SOURCES),
  /** The face template enrolled from the same capture, if any. */
  templateId: z.string().nullable(),
  /** The portrait's size in pixels (GET /persons/:id/photo?size=full). */
  width: count,
  height: count,
  createdAt: instant,
  createdBy: z.string().nullable(),
  erasedAt: instant.nullable(),
  erasedBy: z.string().nullable(),
  eraseReason: z.string().nullable(),
});
export type PhotoResponse = z.input<typeof PhotoResponse>;

/** POST /persons/:id/biometrics/face and /fingerprints/:position (201). */
export const EnrolResponse = z.object({
  template: TemplateResponse,
  /** The template this enrolment replaced (erased), if the slot held one. */
  replacedTemplateId: z.string().nullable(),
  /** Duplicate cases opened by this enrolment: a registrar decides each; nothing is merged automatically. */
  duplicates: z.array(DuplicateNoticeResponse),
  threshold: ThresholdResponse,
  /** Face enrolments: the record photo kept from the same capture (it replaces the previous one). Null for fingers. */
  photo: PhotoResponse.nullable(),
  /** Fingerprint enrolments: the missing-finger record of that position this enrolment ended, if there was one. */
  endedFingerException: z.string().nullable(),
});
export type EnrolResponse = z.input<typeof EnrolResponse>;

/** A recorded 1:1 verification or 1:N identification; its `id` is the reference marks and custody events cite. */
export const VerificationResponse = z.object({
  id: z.string(),
  kind: z.enum(['verify', 'identify']),
  personId: z.string().nullable(),
  modality: z.enum(MODALITIES),
  fingerPosition: count.nullable(),
  result: z.enum(['match', 'no_match', 'candidates', 'no_candidates']),
  /** Verifications: whether it matched; null for an identification. */
  match: z.boolean().nullable(),
  score: score.nullable(),
  threshold: z.number(),
  targetFmr: z.number(),
  model: z.string(),
  purpose: z.string(),
  at: instant,
  by: z.string(),
});
export type VerificationResponse = z.input<typeof VerificationResponse>;

export const CandidateResponse = z.object({
  personId: z.string(),
  score,
  fingerPosition: count.nullable(),
  /** The person's primary name, only for callers who may read person records. */
  name: z.string().nullable(),
});

/** POST /biometrics/identify: the candidates above the identification threshold, only persons in the caller's scope. */
export const IdentificationResponse = VerificationResponse.extend({ candidates: z.array(CandidateResponse) });
export type IdentificationResponse = z.input<typeof IdentificationResponse>;

/** GET /biometrics/verifications/:id: an identification carries the candidates it recorded. */
export const RecordedVerificationResponse = VerificationResponse.extend({
  candidates: z.array(z.object({ personId: z.string(), score })).optional(),
});

/** A duplicate-identity case: two persons whose templates resemble; a registrar decides. */
/** Every piece of evidence between two persons combined into one likelihood ratio (biometrics.fusion.ts). */
export const FusionResponse = z.object({
  /** log10 of the combined likelihood ratio: +2 means the evidence is 100 times likelier for one person than for two */
  log10Lr: z.number(),
  contributions: z.array(z.object({ evidence: z.string(), score: z.number().optional(), log10Lr: z.number() })),
  /** the false-match rate the threshold is set for, and whether the combined evidence passes it: a suggestion only */
  targetFmr: z.number(),
  threshold: z.number().nullable(),
  meetsTarget: z.boolean(),
  combination: z.string(),
});

export const CaseResponse = z.object({
  id: z.string(),
  /** open, same_person or different_persons. */
  status: z.string(),
  modality: z.enum(MODALITIES),
  newPersonId: z.string(),
  existingPersonId: z.string(),
  score,
  threshold: z.number(),
  targetFmr: z.number(),
  createdAt: instant,
  decision: z
    .object({
      at: instant,
      by: z.string().nullable(),
      reason: z.string().nullable(),
      survivingPersonId: z.string().nullable(),
      reviewOn: z.string().nullable(),
    })
    .nullable(),
  /** Why the case was opened: `score` (its modality's score reached the identification threshold alone) or `fusion`
   * (a score below it, fused with the names, birth years and other evidence, reached the target FMR). */
  openedBy: z.enum(['score', 'fusion']),
  /** The fused evidence when the case was opened, with the FMR it targeted (null for cases opened before fusion). */
  fusionAtOpening: FusionResponse.nullable(),
  /** On one case's page (GET /biometrics/duplicates/:id): the case's score fused with the other evidence between the
   * two persons (another modality's case, their names, birth years, sex, nationality). */
  evidence: FusionResponse.optional(),
});
export type CaseResponse = z.input<typeof CaseResponse>;

/** A finger recorded as missing, with the ANSI/NIST-ITL code, who recorded it and who ended it. */
export const FingerExceptionResponse = z.object({
  id: z.string(),
  personId: z.string(),
  fingerPosition: count,
  /** amputated (XX), unable_to_print (UP) or bandaged (UP, temporary). */
  kind: z.enum(FINGER_EXCEPTION_KINDS),
  ansiCode: z.enum(['XX', 'UP']),
  temporary: z.boolean(),
  note: z.string().nullable(),
  createdAt: instant,
  createdBy: z.string().nullable(),
  endedAt: instant.nullable(),
  endedBy: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type FingerExceptionResponse = z.input<typeof FingerExceptionResponse>;

/** GET /persons/:id/biometrics. */
export const PersonBiometricsResponse = z.object({
  personId: z.string(),
  templates: z.array(TemplateResponse),
  /** The live record photo (null when none); erased ones are in the audit log. */
  photo: PhotoResponse.nullable(),
  /** Missing-finger records, live and ended, oldest first. */
  fingerExceptions: z.array(FingerExceptionResponse),
  duplicateCases: z.array(CaseResponse),
  /** Records a registrar decided are this same person (both kept, linked by the decided case). */
  samePersonAs: z.array(z.object({ personId: z.string(), caseId: z.string(), survivingPersonId: z.string() })),
});
export type PersonBiometricsResponse = z.input<typeof PersonBiometricsResponse>;

/** GET /biometrics/status: gallery sizes, model tags and the thresholds in force, each with the FMR it targets. */
export const BiometricsStatusResponse = z.object({
  face: z.object({
    model: z.string(),
    templates: count,
    /** Templates of other face models (never compared with the current one). */
    otherModels: z.record(z.string(), count),
    verify: ThresholdResponse,
    identify: ThresholdResponse,
  }),
  fingerprint: z.object({ model: z.string(), templates: count, verify: ThresholdResponse, identify: ThresholdResponse }),
  /** Templates this process cannot open (another key): left out of the galleries. */
  unreadableTemplates: count,
  keyId: z.string(),
});
export type BiometricsStatusResponse = z.input<typeof BiometricsStatusResponse>;

// --- record photos and missing fingers ---------------------------------------------------------------------------

export const PhotoQuery = z.object({
  size: z.enum(Object.keys(PHOTO_SIZES) as ['full', 'thumb']).default('full'),
  purpose: z.string().optional(),
});

/** POST /persons/photos: thumbnails (or portraits) of a page of a list, in one audited read. */
export const PhotoBatchBody = z.object({
  personIds: z.array(z.uuid()).min(1).max(PHOTO_BATCH_MAX),
  size: z.enum(['full', 'thumb']).default('thumb'),
});

export const PhotoBatchResponse = z.object({
  /** One per person that has a photo and that the caller may see; JPEG as a data: URL. */
  photos: z.array(z.object({ personId: z.string(), photoId: z.string(), dataUrl: z.string() })),
});
export type PhotoBatchResponse = z.input<typeof PhotoBatchResponse>;

export const FingerExceptionBody = z.object({
  kind: z.enum(FINGER_EXCEPTION_KINDS),
  note: z.string().trim().max(500).optional(),
});

export const FingerExceptionEndBody = z.object({ reason: z.string().trim().min(3).max(2000) });

/** An officer's decision on a 1:1 verification, as recorded (in the audit log, subject the person). */
export const VerificationDecisionResponse = z.object({
  verificationId: z.string(),
  personId: z.string(),
  /** The engine's result the officer decided on. */
  result: z.enum(['match', 'no_match']),
  decision: z.enum(VERIFICATION_DECISIONS),
  reason: z.string().nullable(),
  at: instant,
  by: z.string(),
});
export type VerificationDecisionResponse = z.input<typeof VerificationDecisionResponse>;

/** POST /biometrics/face/quality: the engine's verdict on a frame, nothing stored. */
export const FaceQualityQuery = z.object({ purpose: z.enum(['enrol', 'probe']).default('enrol') });
export const FaceQualityJson = FaceQualityQuery.extend({ image: base64Image });
export const FaceQualityResponse = z.object({
  /** Whether the frame passes the rules of the purpose (enrolment is strict). */
  ok: z.boolean(),
  /** 0..1, for display and to choose the best of several frames. */
  score: z.number(),
  /** Every rule the frame fails (code face.no_face, face.multiple_faces, face.too_small, face.pose, face.blurred, face.too_dark or face.too_bright). */
  issues: z.array(z.object({ code: z.string(), message: z.string() })),
  /** The face found, in the pixels of the image sent (turned upright by its EXIF orientation); null when refused. */
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
});
export type FaceQualityResponse = z.input<typeof FaceQualityResponse>;
