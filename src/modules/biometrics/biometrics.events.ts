import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

const modality = z.enum(['face', 'fingerprint']);

/** A template enrolled (the template itself stays encrypted in its table; the event names it). */
export const TemplateEnrolled = defineEvent(
  'biometrics.template_enrolled',
  1,
  z.object({
    templateId: z.uuid(),
    personId: z.uuid(),
    modality,
    fingerPosition: z.number().int().nullable(),
    model: z.string(),
    quality: z.number().nullable(),
    replacedTemplateId: z.uuid().nullable(),
  }),
);

export const TemplateErased = defineEvent(
  'biometrics.template_erased',
  1,
  z.object({ templateId: z.uuid(), personId: z.uuid(), modality, fingerPosition: z.number().int().nullable(), reason: z.string() }),
);

/** An enrolment resembled another person's template: a case for a registrar, never merged automatically. */
export const DuplicateCaseOpened = defineEvent(
  'biometrics.duplicate_opened',
  1,
  z.object({ caseId: z.uuid(), newPersonId: z.uuid(), existingPersonId: z.uuid(), modality, score: z.number(), threshold: z.number() }),
);

export const DuplicateCaseDecided = defineEvent(
  'biometrics.duplicate_decided',
  1,
  z.object({
    caseId: z.uuid(),
    decision: z.string(),
    survivingPersonId: z.uuid().nullable(),
    newPersonId: z.uuid(),
    existingPersonId: z.uuid(),
  }),
);

/** A 1:1 verification recorded (its id is what a roll-call mark or a custody event cites). */
export const PersonVerified = defineEvent(
  'biometrics.verified',
  1,
  z.object({ verificationId: z.uuid(), personId: z.uuid(), modality, result: z.string(), score: z.number().nullable(), threshold: z.number() }),
);

/**
 * An officer decided on a 1:1 verification (confirmed or not confirmed, the engine's result beside it), where the person
 * was held then: a confirmed match is a verified presence at that facility.
 */
export const VerificationDecided = defineEvent(
  'biometrics.verification_decided',
  1,
  z.object({
    verificationId: z.uuid(),
    personId: z.uuid(),
    modality,
    result: z.string(),
    decision: z.string(),
    facilityId: z.uuid().nullable(),
    unitId: z.uuid().nullable(),
    verifiedAt: z.iso.datetime({ offset: true }),
    at: z.iso.datetime({ offset: true }),
  }),
);

/** A 1:N identification recorded, with the candidates the caller was shown. */
export const PersonsIdentified = defineEvent(
  'biometrics.identified',
  1,
  z.object({ verificationId: z.uuid(), modality, candidates: z.array(z.object({ personId: z.uuid(), score: z.number() })) }),
);

/** A record photo set (from a face enrolment or an upload); the photo itself stays encrypted in its table. */
export const PhotoSet = defineEvent(
  'biometrics.photo_set',
  1,
  z.object({
    photoId: z.uuid(),
    personId: z.uuid(),
    source: z.enum(['face_enrolment', 'upload']),
    templateId: z.uuid().nullable(),
    replacedPhotoId: z.uuid().nullable(),
  }),
);

export const PhotoErased = defineEvent('biometrics.photo_erased', 1, z.object({ photoId: z.uuid(), personId: z.uuid(), reason: z.string() }));

/** A finger recorded as missing (ANSI/NIST-ITL XX/UP) or such a record ended (enrolled, or withdrawn). */
export const FingerExceptionRecorded = defineEvent(
  'biometrics.finger_exception_recorded',
  1,
  z.object({ exceptionId: z.uuid(), personId: z.uuid(), fingerPosition: z.number().int(), kind: z.string(), ansiCode: z.string() }),
);

export const FingerExceptionEnded = defineEvent(
  'biometrics.finger_exception_ended',
  1,
  z.object({ exceptionId: z.uuid(), personId: z.uuid(), fingerPosition: z.number().int(), reason: z.string() }),
);
