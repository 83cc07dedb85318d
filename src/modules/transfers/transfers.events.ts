import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** A movement's manifest approved by an officer (later changes are audited). */
export const MovementApproved = defineEvent(
  'transfers.movement_approved',
  1,
  z.object({ movementId: z.uuid(), operationId: z.uuid(), persons: z.number().int(), approvedBy: z.string().nullable() }),
);

/** A movement left: the persons who boarded, with TRANSFER_DEPARTED on the ledger in the same transaction. */
export const MovementDeparted = defineEvent(
  'transfers.movement_departed',
  1,
  z.object({ movementId: z.uuid(), code: z.string(), fromFacilityId: z.uuid(), toFacilityId: z.uuid(), countOn: z.number().int() }),
);

/** Count off against count on at arrival; missing or extra persons make a CountDiscrepancy alert (alerts consumer). */
export const ArrivalCounted = defineEvent(
  'transfers.arrival_counted',
  1,
  z.object({
    movementId: z.uuid(),
    code: z.string(),
    toFacilityId: z.uuid(),
    countOn: z.number().int(),
    countOff: z.number().int(),
    missing: z.array(z.uuid()),
    extra: z.array(z.uuid()),
    /** Display names of the missing and extra persons, so the alert names them. */
    names: z.record(z.string(), z.string()),
  }),
);

/** The receiving custodian signed: persons received (TRANSFER_ARRIVED) and the handover complete or disputed. */
export const HandoverSigned = defineEvent(
  'transfers.handover_signed',
  1,
  z.object({ movementId: z.uuid(), received: z.number().int(), disputed: z.boolean() }),
);
