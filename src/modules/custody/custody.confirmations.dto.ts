import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { AppendEventBody, CustodyEventResponse } from './custody.dto';
import { SECOND_OFFICER_EVENTS } from './custody.confirmations.domain';

/** POST /persons/:id/events/requests: an event the two-person rule holds until a second officer confirms it. */
export const ConfirmationRequestBody = AppendEventBody.extend({
  type: z.enum(SECOND_OFFICER_EVENTS),
}).refine((b) => Object.keys(b.evidence ?? {}).length <= 17, { message: 'evidence has at most 17 fields here', path: ['evidence'] });
export type ConfirmationRequestInput = z.infer<typeof ConfirmationRequestBody>;

export const ConfirmationStatus = z.enum(['pending', 'confirmed', 'rejected']);

export const ConfirmationsQuery = z.object({
  status: ConfirmationStatus.optional(),
  facilityId: z.uuid().optional(),
  personId: z.uuid().optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const ConfirmationParams = z.object({ id: z.uuid() });
export const RejectBody = z.object({ reason: z.string().trim().min(3).max(500) });

export const ConfirmationResponse = z.object({
  id: z.string(),
  personId: z.string(),
  facilityId: z.string().nullable(),
  type: z.enum(SECOND_OFFICER_EVENTS),
  request: z.object({
    facilityId: z.string().optional(),
    unitId: z.string().optional(),
    occurredAt: z.string().optional(),
    authority: z.string().optional(),
    reason: z.string().optional(),
    evidence: z.record(z.string(), z.unknown()).optional(),
  }),
  status: ConfirmationStatus,
  requestedAt: instant,
  requestedBy: z.string().nullable(),
  requestedByUsername: z.string(),
  decidedAt: instant.nullable(),
  decidedBy: z.string().nullable(),
  decidedByUsername: z.string().nullable(),
  decisionReason: z.string().nullable(),
  eventId: z.string().nullable(),
});
export type ConfirmationResponse = z.input<typeof ConfirmationResponse>;

export const ConfirmationPageResponse = z.object({ total: count, items: z.array(ConfirmationResponse) });
export type ConfirmationPageResponse = z.input<typeof ConfirmationPageResponse>;

export const ConfirmedResponse = z.object({ confirmation: ConfirmationResponse, event: CustodyEventResponse });
export type ConfirmedResponse = z.input<typeof ConfirmedResponse>;
