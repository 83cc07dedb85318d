import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** A missing or extra person of a counted movement resolved by an officer, with the reason (the timeline reads it). */
export const DiscrepancyResolved = defineEvent(
  'transfers.discrepancy_resolved',
  1,
  z.object({
    movementId: z.uuid(),
    code: z.string(),
    personId: z.uuid(),
    side: z.enum(['missing', 'extra']),
    kind: z.enum(['found', 'not_boarded', 'reattributed', 'sent_back']),
    /** reattributed: the movement whose manifest named the person. */
    otherMovementId: z.uuid().nullable(),
    reason: z.string(),
    /** Both lists of the movement are empty now. */
    cleared: z.boolean(),
  }),
);
