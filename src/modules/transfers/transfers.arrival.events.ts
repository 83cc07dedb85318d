import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** An officer confirmed who stepped off a movement, citing the 1:N identification (the score proposed, a person decided). */
export const ArrivalIdentified = defineEvent(
  'transfers.arrival_identified',
  1,
  z.object({
    movementId: z.uuid(),
    checkId: z.uuid(),
    identificationId: z.uuid(),
    personId: z.uuid(),
    onManifest: z.boolean(),
    countOn: z.number().int(),
    countOff: z.number().int(),
  }),
);

/** A movement's persons in transit longer than its limit (the timer in the database fired once). */
export const TransitOverdue = defineEvent(
  'transfers.transit_overdue',
  1,
  z.object({
    movementId: z.uuid(),
    code: z.string(),
    status: z.string(),
    fromFacilityId: z.uuid(),
    toFacilityId: z.uuid(),
    departedAt: z.string(),
    dueAt: z.string(),
    limitMinutes: z.number().int(),
    persons: z.number().int(),
  }),
);

/** The movement lands elsewhere: a new arrival facility, with the reason (the ledger's arrival will say so). */
export const MovementDiverted = defineEvent(
  'transfers.movement_diverted',
  1,
  z.object({ movementId: z.uuid(), code: z.string(), fromFacilityId: z.uuid(), toFacilityId: z.uuid(), reason: z.string() }),
);

/** Persons lodged for a night at an intermediate facility; custody stays with the sender and the escort. */
export const PersonsLodged = defineEvent(
  'transfers.persons_lodged',
  1,
  z.object({ movementId: z.uuid(), stopId: z.uuid(), code: z.string(), facilityId: z.uuid(), personIds: z.array(z.uuid()), reason: z.string() }),
);

/** Lodged persons collected and the movement on its way again; any left behind are named. */
export const PersonsCollected = defineEvent(
  'transfers.persons_collected',
  1,
  z.object({ movementId: z.uuid(), stopId: z.uuid(), code: z.string(), facilityId: z.uuid(), personIds: z.array(z.uuid()), left: z.array(z.uuid()) }),
);
