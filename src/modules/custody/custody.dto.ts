import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { CUSTODY_STATUSES, EVENT_FIELDS, EVENT_TYPES } from './custody.domain';

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
/** The body as a client sends it (the web app's admission after an enrolment). */
export type AppendEventRequest = z.input<typeof AppendEventBody>;

export const AppendBatchBody = z.object({
  events: z
    .array(AppendEventBody.extend({ personId: z.uuid() }))
    .min(1)
    .max(10_000),
});

export const PersonEventsParams = z.object({ id: z.uuid() });

/** GET /ledger/verify and /audit/verify: `full` walks the whole chain now; `tail` rests on the last full walk. */
export const VerifyQuery = z.object({ scope: z.enum(['full', 'tail']).default('full') });

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

/** A ledger event as the API sends it; `intact` (its content still matches its hash) on a person's timeline. */
export const CustodyEventResponse = z.object({
  id: z.string(),
  siteId: z.string(),
  seq: count,
  personId: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: instant,
  recordedAt: instant,
  recordedBy: z.string().nullable(),
  fromFacilityId: z.string().nullable(),
  fromUnitId: z.string().nullable(),
  toFacilityId: z.string().nullable(),
  toUnitId: z.string().nullable(),
  authority: z.string().nullable(),
  reason: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string(),
  hash: z.string(),
  intact: z.boolean().optional(),
});
export type CustodyEventResponse = z.input<typeof CustodyEventResponse>;

/**
 * GET /persons/:id/events/allowed: the person's custody state and the events the caller may record now (the state
 * machine's transitions from that state, narrowed by role), each with the fields it needs and where it may go.
 */
export const AllowedEventsResponse = z.object({
  personId: z.string(),
  status: z.enum(CUSTODY_STATUSES),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  destinationFacilityId: z.string().nullable(),
  since: instant.nullable(),
  events: z.array(
    z.object({
      type: z.enum(EVENT_TYPES),
      /** Refused without these. */
      required: z.array(z.enum(EVENT_FIELDS)),
      /** May carry these. */
      optional: z.array(z.enum(EVENT_FIELDS)),
      /** Where facilityId / unitId must be: the current facility, another facility, the transfer's destination, any. */
      place: z.enum(['current', 'other', 'destination', 'any']).nullable(),
      /** The closed list of reasons (TEMPORARY_OUT). */
      reasons: z.array(z.string()).optional(),
      /** The two-person rule holds it: requested here, final when a second officer confirms (POST .../events/requests). */
      secondOfficer: z.boolean().optional(),
    }),
  ),
});
export type AllowedEventsResponse = z.input<typeof AllowedEventsResponse>;

/** POST /events/batch: how many events were appended, their seq range on this site's chain, and the new head. */
export const AppendBatchResponse = z.object({
  count,
  firstSeq: count.optional(),
  lastSeq: count.optional(),
  head: z.string().optional(),
});

export const ChainHeadResponse = z.object({ siteId: z.string(), seq: count, hash: z.string() });

export const BadEventResponse = z.object({
  id: z.string(),
  siteId: z.string(),
  seq: count,
  problem: z.enum(['hash_mismatch', 'broken_link', 'sequence_gap', 'head_mismatch']),
  message: z.string(),
  /** For a gap: the hash of the event that should have come before (lets the caller find a renumbered event). */
  missingHash: z.string().optional(),
});

/** How a chain was checked: fully now, or its tail now on top of a full walk made at `fullCheckedAt`. */
export const VerificationInfoResponse = z.object({
  scope: z.enum(['full', 'tail']),
  /** When this check ran. */
  checkedAt: instant,
  /** Events whose hash this check recomputed. */
  checkedEvents: count,
  /** When a walk of the whole ledger last found it intact: this check's time for a full one; null when not intact. */
  fullCheckedAt: instant.nullable(),
  /** Tail checks: the chain ends of that walk (moved on by later tail checks), re-checked, from which this one went on. */
  tailFrom: z.array(ChainHeadResponse).optional(),
  durationMs: count,
});

/** GET /ledger/verify: every site's chain verified (see VerifyQuery for the scope). */
export const LedgerVerificationResponse = z.discriminatedUnion('ok', [
  VerificationInfoResponse.extend({ ok: z.literal(true), events: count, head: z.string(), heads: z.array(ChainHeadResponse) }),
  VerificationInfoResponse.extend({ ok: z.literal(false), events: count, firstBad: BadEventResponse, heads: z.array(ChainHeadResponse) }),
]);
export type LedgerVerificationResponse = z.input<typeof LedgerVerificationResponse>;
