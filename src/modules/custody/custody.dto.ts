import { z } from 'zod';
import { EVENT_TYPES } from './custody.domain';

const evidence = z
  .record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 20, 'evidence has at most 20 fields');

export const AppendEventBody = z.object({
  type: z.enum(EVENT_TYPES),
  facilityId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  authority: z.string().trim().min(1).max(500).optional(),
  reason: z.string().trim().min(1).max(200).optional(),
  evidence: evidence.optional(),
});
export type AppendEventInput = z.infer<typeof AppendEventBody>;

export const AppendBatchBody = z.object({
  events: z.array(AppendEventBody.extend({ personId: z.uuid() })).min(1).max(10_000),
});

export const PersonEventsParams = z.object({ id: z.uuid() });
