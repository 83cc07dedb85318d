import { z } from 'zod';

// --- responses (the JSON on the wire); the web app imports these types ------------------------------------------------

/** GET /audit/verify: the audit chain walked and every hash recomputed at the time of the request. */
export const AuditVerificationResponse = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.number().int(), head: z.object({ seq: z.number().int(), hash: z.string() }) }),
  z.object({ ok: z.literal(false), entries: z.number().int(), firstBad: z.object({ seq: z.number().int(), id: z.string(), message: z.string() }) }),
]);
export type AuditVerificationResponse = z.infer<typeof AuditVerificationResponse>;
