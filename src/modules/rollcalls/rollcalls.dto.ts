import { z } from 'zod';
import { EXCUSE_REASONS, MARK_METHODS, MARK_RESULTS, ROLLCALL_STATUSES } from './rollcalls.domain';

export const OpenRollcallBody = z.object({
  facilityId: z.uuid(),
  /** Units to count (their sub-units included); absent or empty: the whole facility. */
  unitIds: z.array(z.uuid()).max(1000).optional(),
});
export type OpenRollcallInput = z.infer<typeof OpenRollcallBody>;

export const MarkBody = z.object({
  /** Client-generated id (UUID): a retried batch inserts nothing twice. */
  id: z.uuid().optional(),
  personId: z.uuid(),
  result: z.enum(MARK_RESULTS),
  reason: z.enum(EXCUSE_REASONS).optional(),
  note: z.string().trim().min(1).max(500).optional(),
  method: z.enum(MARK_METHODS).optional(),
  /** Reference of the biometric verification or document check behind the mark. */
  verificationRef: z.string().trim().min(1).max(200).optional(),
  /** Where the person was seen; a unit other than the person's own makes the person misplaced. */
  unitId: z.uuid().optional(),
  /** When the tablet recorded the mark (defaults to when the server receives it). */
  markedAt: z.iso.datetime({ offset: true }).optional(),
});

export const MarksBody = z.object({
  marks: z.array(MarkBody).min(1).max(10_000),
  /** Default unit for marks that do not name one (the block the tablet is counting). */
  unitId: z.uuid().optional(),
});
export type MarksInput = z.infer<typeof MarksBody>;

export const RollcallParams = z.object({ id: z.uuid() });

export const ListRollcallsQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum(ROLLCALL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const RollcallDetailQuery = z.object({
  unitId: z.uuid().optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(0).max(5000).default(500),
});

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00-23:59');

export const ScheduleBody = z.object({
  times: z.array(timeOfDay).min(1).max(24),
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  graceMinutes: z.number().int().min(1).max(24 * 60).default(30),
  durationMinutes: z.number().int().min(1).max(24 * 60).default(60),
  active: z.boolean().default(true),
});
export type ScheduleInput = z.input<typeof ScheduleBody>;

export const FacilityParams = z.object({ id: z.uuid() });

export const CancelRollcallBody = z.object({
  /** Why the roll call is cancelled rather than closed (opened by mistake, wrong units ...): kept in the audit log. */
  reason: z.string().trim().min(3).max(500),
});
export type CancelRollcallInput = z.infer<typeof CancelRollcallBody>;
