import { z } from 'zod';
import { DUPLICATE_DECISIONS, DUPLICATE_STATUSES, MODALITIES } from './biometrics.domain';

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
