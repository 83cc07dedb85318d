import { z } from 'zod';
import { IMAGE_BODY_LIMIT } from '../biometrics';
import { instant } from '../../platform/dto';

const text = (max: number) => z.string().trim().min(1).max(max);
const image = z.string().min(1).max(IMAGE_BODY_LIMIT);

/** An image as base64 or a data: URL in JSON (a raw image body is taken too, with the other fields in the query). */
export const FaceEnrolJson = z.object({ image });
export const FaceEraseBody = z.object({ reason: text(500) });

/** The route's query (documented); which of the two names the guard is checked with the body's fields. */
export const FaceVerifyQueryFields = z.object({ staffId: z.uuid().optional(), badge: text(64).optional() });
export const FaceVerifyQuery = FaceVerifyQueryFields.refine(
  (b) => (b.staffId ? 1 : 0) + (b.badge ? 1 : 0) === 1,
  'Name the guard by staffId or by badge (one of them)',
);
export const FaceVerifyJson = z
  .object({ staffId: z.uuid().optional(), badge: text(64).optional(), image })
  .refine((b) => (b.staffId ? 1 : 0) + (b.badge ? 1 : 0) === 1, 'Name the guard by staffId or by badge (one of them)');

export const FaceQualityQuery = z.object({ purpose: z.enum(['enrol', 'probe']).default('probe') });
export const FaceQualityJson = z.object({ purpose: z.enum(['enrol', 'probe']).default('probe'), image });

export const StaffFaceResponse = z.object({
  staffId: z.uuid(),
  enrolled: z.boolean(),
  templateId: z.uuid().nullable(),
  model: z.string().nullable(),
  quality: z.number().nullable(),
  enrolledAt: instant.nullable(),
});

export const StaffVerificationResponse = z.object({
  id: z.uuid(),
  staffId: z.uuid(),
  badge: z.string(),
  result: z.enum(['match', 'no_match']),
  score: z.number(),
  threshold: z.number(),
  targetFmr: z.number(),
  model: z.string(),
  at: instant,
  validUntil: instant,
});

export const GuardFaceQualityResponse = z.object({
  ok: z.boolean(),
  score: z.number(),
  issues: z.array(z.object({ code: z.string(), message: z.string() })),
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
});
