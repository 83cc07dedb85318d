import { z } from 'zod';

/** GET /audit/verify: `full` (default) walks the whole chain now; `tail` rests on the last full walk. */
export const AuditVerifyQuery = z.object({ scope: z.enum(['full', 'tail']).default('full') });

// --- responses (the JSON on the wire); the web app imports these types ------------------------------------------------

/** GET /audit/verify: the audit chain walked and every hash recomputed at the time of the request. */
const instant = z.iso.datetime({ offset: true });
const point = z.object({ seq: z.number().int(), hash: z.string() });
const info = z.object({
  scope: z.enum(['full', 'tail']),
  checkedAt: instant,
  checkedEntries: z.number().int(),
  /** When a walk of the whole chain last found it intact; null when this check did not. */
  fullCheckedAt: instant.nullable(),
  /** Tail checks: the entry re-checked, after which every entry was verified now. */
  tailFrom: point.optional(),
  durationMs: z.number().int(),
});
export const AuditVerificationResponse = z.discriminatedUnion('ok', [
  info.extend({ ok: z.literal(true), entries: z.number().int(), head: point }),
  info.extend({ ok: z.literal(false), entries: z.number().int(), firstBad: z.object({ seq: z.number().int(), id: z.string(), message: z.string() }) }),
]);
export type AuditVerificationResponse = z.infer<typeof AuditVerificationResponse>;
