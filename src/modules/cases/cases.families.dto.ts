import { z } from 'zod';
import { DETERMINATION_DECISIONS, DETERMINATION_MOVES, MATCH_STATUSES, REQUESTER_KINDS, TRACING_STATUSES } from './cases.families.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true });

export const FamilyParams = z.object({ id: z.uuid() });
export const FamilyQuery = z.object({ purpose: z.string().max(100).optional() });

const Place = z.object({
  status: z.string(),
  facilityId: z.string().nullable(),
  facility: z.string().nullable(),
  destinationFacilityId: z.string().nullable(),
  destination: z.string().nullable(),
});

/** One relative in the family view; a monitor (or a relative outside the reader's scope) gets no name and no id. */
const Relative = z.object({
  relationId: z.string(),
  kind: z.string(),
  personId: z.string().nullable(),
  name: z.string().nullable(),
  inScope: z.boolean(),
  child: z.boolean().nullable(),
  carer: z.boolean(),
  place: Place.nullable(),
  sameFacility: z.boolean(),
  ended: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
});

export const FamilyViewResponse = z.object({
  personId: z.string(),
  name: z.string().nullable(),
  child: z.boolean(),
  place: Place.nullable(),
  /** A child held with carers recorded, none of whom is with them now. */
  separated: z.boolean(),
  relatives: z.array(Relative),
  household: z
    .object({
      id: z.string(),
      members: z.array(z.object({ personId: z.string().nullable(), name: z.string().nullable(), place: Place.nullable() })),
      /** Members outside the reader's scope, counted, not shown. */
      hiddenMembers: z.number().int(),
    })
    .nullable(),
  determinations: z.array(
    z.object({
      id: z.string(),
      moverId: z.string().nullable(),
      move: z.enum(DETERMINATION_MOVES),
      toFacilityId: z.string().nullable(),
      decision: z.string(),
      reason: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedAt: z.string(),
      validUntil: z.string(),
    }),
  ),
});

export const BestInterestsBody = z.object({
  /** Whose move: the child's own, or one of their carers'. */
  moverId: z.uuid(),
  /** `transfer` (default): to `toFacilityId`; `release`: the carer released while the child stays held (no facility). */
  move: z.enum(DETERMINATION_MOVES).default('transfer'),
  toFacilityId: z.uuid().optional(),
  decision: z.enum(DETERMINATION_DECISIONS),
  reason: text(2000),
  /** Until when the determination may be used for that move; default 30 days. */
  validUntil: instant.optional(),
});

export const DeterminationResponse = z.object({
  id: z.string(),
  childId: z.string(),
  moverId: z.string(),
  move: z.enum(DETERMINATION_MOVES),
  toFacilityId: z.string().nullable(),
  decision: z.string(),
  reason: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  validUntil: z.string(),
});

export const SeparatedFigureResponse = z.object({
  total: z.number().int(),
  byFacility: z.array(z.object({ facilityId: z.string().nullable(), facility: z.string().nullable(), children: z.number().int() })),
});

export const CreateTracingBody = z
  .object({
    requesterKind: z.enum(REQUESTER_KINDS),
    requesterPersonId: z.uuid().optional(),
    requesterName: text(200).optional(),
    requesterContact: text(300).optional(),
    soughtName: text(200),
    relationship: text(100),
    details: text(2000).optional(),
    /** The office that takes a request from a relative outside (a person in custody's is their facility). */
    facilityId: z.uuid().optional(),
    /** Consent to trace, share and match: who gave it (the requester, or their guardian). Required. */
    consent: z.object({ givenBy: text(200) }),
  })
  .superRefine((b, ctx) => {
    if (b.requesterKind === 'person_in_custody' && !b.requesterPersonId)
      ctx.addIssue({ code: 'custom', path: ['requesterPersonId'], message: 'A request from a person in custody names that person' });
    if (b.requesterKind === 'relative_outside' && !b.requesterName)
      ctx.addIssue({ code: 'custom', path: ['requesterName'], message: 'A request from a relative outside names the relative' });
  });
export type CreateTracingInput = z.infer<typeof CreateTracingBody>;

export const TracingParams = z.object({ id: z.uuid() });
export const MatchParams = z.object({ id: z.uuid(), matchId: z.uuid() });
export const TracingListQuery = z.object({
  status: z.enum(TRACING_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const ReasonBody = z.object({ reason: text(1000) });
export const MatchDecisionBody = z.object({ decision: z.enum(['confirmed', 'rejected']), reason: text(1000) });

const Match = z.object({
  id: z.string(),
  personId: z.string().nullable(),
  name: z.string().nullable(),
  score: z.number(),
  status: z.enum(MATCH_STATUSES),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
});

/** A tracing request; names and contact are left out for a monitor. */
export const TracingResponse = z.object({
  id: z.string(),
  requesterKind: z.string(),
  requesterPersonId: z.string().nullable(),
  requesterName: z.string().nullable(),
  requesterContact: z.string().nullable(),
  soughtName: z.string().nullable(),
  relationship: z.string(),
  details: z.string().nullable(),
  facilityId: z.string().nullable(),
  status: z.enum(TRACING_STATUSES),
  locatedPersonId: z.string().nullable(),
  closedReason: z.string().nullable(),
  consent: z.object({ givenBy: z.string().nullable(), at: z.string(), withdrawnAt: z.string().nullable(), withdrawnReason: z.string().nullable() }),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  matches: z.array(Match),
});
export type TracingView = z.output<typeof TracingResponse>;
export const TracingSummaryResponse = TracingResponse.omit({ matches: true });
