import { z } from 'zod';
import { count, instant } from '../../platform/dto';

/** GET /audit/verify: `full` (default) walks the whole chain now; `tail` rests on the last full walk. */
export const AuditVerifyQuery = z.object({ scope: z.enum(['full', 'tail']).default('full') });

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

/** One entry of the audit log (GET /audit, newest first): who read or changed what, when, why, and its chain link. */
export const AuditEntryResponse = z.object({
  seq: count,
  id: z.string(),
  at: instant,
  actorId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  purpose: z.string().nullable(),
  /** What the action recorded (ids, counts, a reason); its shape depends on the action. */
  details: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
  /** True when person ids and the details' text were withheld from this reader (see docs: scope). */
  redacted: z.boolean(),
});
export type AuditEntryResponse = z.input<typeof AuditEntryResponse>;

const point = z.object({ seq: count, hash: z.string() });

/** How a check was made: `full` walked every entry now; `tail` rests on the full walk of `fullCheckedAt`. */
export const AuditVerificationInfoResponse = z.object({
  scope: z.enum(['full', 'tail']),
  checkedAt: instant,
  checkedEntries: count,
  /** When a walk of the whole chain last found it intact; null when this check did not. */
  fullCheckedAt: instant.nullable(),
  /** Tail checks: the entry re-checked, after which every entry was verified now. */
  tailFrom: point.optional(),
  durationMs: count,
});

/** GET /audit/verify: the audit chain walked and every hash recomputed at the time of the request. */
export const AuditVerificationResponse = z.discriminatedUnion('ok', [
  AuditVerificationInfoResponse.extend({ ok: z.literal(true), entries: count, head: point }),
  AuditVerificationInfoResponse.extend({ ok: z.literal(false), entries: count, firstBad: z.object({ seq: count, id: z.string(), message: z.string() }) }),
]);
export type AuditVerificationResponse = z.input<typeof AuditVerificationResponse>;
