import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { OUTCOME_MONTHS, REINTEGRATION_OUTCOMES } from './cases.reintegration.domain';

const text = (max: number) => z.string().trim().min(1).max(max);

export const PlanBody = z.object({ programme: text(300), casePlan: text(4000), checkinEveryDays: z.number().int().min(1).max(365) });
export const CheckinBody = z.object({ heldAt: z.iso.datetime({ offset: true }).optional(), note: text(2000) });
export const OutcomeBody = z.object({
  month: z.union(OUTCOME_MONTHS.map((m) => z.literal(m)) as [z.ZodLiteral<6>, z.ZodLiteral<12>, z.ZodLiteral<24>]),
  outcome: z.enum(REINTEGRATION_OUTCOMES),
  note: text(2000),
});
export const ReintegrationQuery = z.object({
  personId: z.uuid().optional(),
  /** The facility the person left (released or repatriated from). */
  facilityId: z.uuid().optional(),
  missed: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(0).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ReintegrationSummaryResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: z.string().nullable(),
  reason: z.string(),
  releasedAt: instant,
  facilityId: z.uuid().nullable(),
  programme: z.string().nullable(),
  checkinEveryDays: count.nullable(),
  nextCheckinAt: instant.nullable(),
  lastCheckinAt: instant.nullable(),
  checkinMissed: z.boolean(),
});
export const ReintegrationListResponse = z.object({ total: count, rows: z.array(ReintegrationSummaryResponse) });
export const ReintegrationResponse = ReintegrationSummaryResponse.extend({
  casePlan: z.string().nullable(),
  checkins: z.array(z.object({ id: z.uuid(), heldAt: instant, note: z.string(), recordedBy: z.string() })),
  outcomes: z.array(z.object({ month: count, outcome: z.enum(REINTEGRATION_OUTCOMES), note: z.string(), recordedAt: instant, recordedBy: z.string() })),
});
