import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { SECOND_OFFICER_EVENTS } from './custody.confirmations.domain';

/** An officer asked for an event the two-person rule holds (nothing in the ledger yet). */
export const ConfirmationRequested = defineEvent(
  'custody.confirmation_requested',
  1,
  z.object({
    confirmationId: z.uuid(),
    personId: z.uuid(),
    facilityId: z.string().nullable(),
    type: z.enum(SECOND_OFFICER_EVENTS),
    requestedBy: z.string(),
  }),
);

/** A second officer confirmed (the ledger event written in the same transaction) or the request was rejected. */
export const ConfirmationDecided = defineEvent(
  'custody.confirmation_decided',
  1,
  z.object({
    confirmationId: z.uuid(),
    personId: z.uuid(),
    facilityId: z.string().nullable(),
    type: z.enum(SECOND_OFFICER_EVENTS),
    decision: z.enum(['confirmed', 'rejected']),
    requestedBy: z.string(),
    decidedBy: z.string(),
    eventId: z.string().nullable(),
    reason: z.string().nullable(),
  }),
);
