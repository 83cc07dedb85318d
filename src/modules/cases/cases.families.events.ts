import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { DETERMINATION_DECISIONS, TRACING_STATUSES } from './cases.families.domain';

const instant = z.iso.datetime({ offset: true });

/**
 * A child held at a facility was left there without any carer when their last carer there left it (transferred,
 * repatriated, released, escaped, deceased). The alert rules raise an alert to that facility; no name travels.
 */
export const ChildSeparated = defineEvent(
  'cases.child_separated',
  1,
  z.object({
    childId: z.uuid(),
    carerId: z.uuid(),
    facilityId: z.uuid(),
    ledgerEventId: z.uuid(),
    cause: z.string(),
    at: instant,
  }),
);

/** A best-interests determination recorded for a child and a move (a transfer to a facility, or a release: null). */
export const BestInterestsRecorded = defineEvent(
  'cases.best_interests_recorded',
  1,
  z.object({
    determinationId: z.uuid(),
    childId: z.uuid(),
    moverId: z.uuid(),
    toFacilityId: z.uuid().nullable(),
    decision: z.enum(DETERMINATION_DECISIONS),
    by: z.string(),
  }),
);

/** A tracing request opened, located, closed, its consent withdrawn, or a match decided. */
export const TracingChanged = defineEvent(
  'cases.tracing_changed',
  1,
  z.object({
    requestId: z.uuid(),
    change: z.enum(['opened', 'matches_proposed', 'match_confirmed', 'match_rejected', 'closed', 'consent_withdrawn']),
    status: z.enum(TRACING_STATUSES),
    by: z.string(),
  }),
);
