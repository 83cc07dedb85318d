import { z } from 'zod';
import { count, instantText } from '../../platform/dto';
import { TIMELINE_KINDS, TIMELINE_SOURCES } from './reviews.timeline.domain';

const kindList = z
  .string()
  .max(2_000)
  .transform((text) =>
    text
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
  )
  .refine((kinds) => kinds.every((k) => (TIMELINE_KINDS as readonly string[]).includes(k)), {
    message: `kinds: a comma-separated list of ${TIMELINE_KINDS.join(', ')}`,
  });

export const TimelineQuery = z.object({
  facilityId: z.uuid().optional(),
  personId: z.uuid().optional(),
  incidentId: z.uuid().optional(),
  escapeId: z.uuid().optional(),
  from: instantText.optional(),
  to: instantText.optional(),
  kinds: kindList.optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
export type TimelineQueryInput = z.output<typeof TimelineQuery>;

export const TimelineItemResponse = z.object({
  id: z.string(),
  at: instantText,
  kind: z.enum(TIMELINE_KINDS),
  source: z.enum(TIMELINE_SOURCES),
  title: z.string(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable().optional(),
  personRef: z.string().optional(),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  refs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export const TimelineResponse = z.object({
  facilityId: z.string().nullable(),
  /** The incident or the escape (its ledger event) the timeline is narrowed to, when it is about one. */
  incidentId: z.string().nullable(),
  escapeId: z.string().nullable(),
  personRef: z.string().nullable(),
  from: instantText,
  to: instantText,
  /** How persons are shown: their ids (roles that read person records, in their scope) or keyed pseudonyms. */
  persons: z.enum(['id', 'pseudonym']),
  total: count,
  offset: count,
  limit: count,
  items: z.array(TimelineItemResponse),
});
export type TimelineView = z.output<typeof TimelineResponse>;

/** `GET /reviews/escapes`: the escapes from a facility a review may be about (the draft's picker). */
export const EscapesQuery = z.object({
  facilityId: z.uuid(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type EscapesQueryInput = z.output<typeof EscapesQuery>;

export const EscapesResponse = z.object({
  facilityId: z.string(),
  persons: z.enum(['id', 'pseudonym']),
  total: count,
  offset: count,
  limit: count,
  items: z.array(z.object({ escapeId: z.string(), occurredAt: instantText, unitId: z.string().nullable(), personRef: z.string() })),
});
export type EscapesView = z.output<typeof EscapesResponse>;
