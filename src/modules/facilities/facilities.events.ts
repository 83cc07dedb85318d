import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

export const FacilityCreated = defineEvent(
  'facility.created',
  1,
  z.object({
    facilityId: z.uuid(),
    code: z.string(),
    name: z.string(),
    kind: z.string(),
    capacity: z.number().int().nullable(),
    country: z.string().nullable(),
    location: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
  }),
);

export const UnitAdded = defineEvent(
  'facility.unit_added',
  1,
  z.object({
    unitId: z.uuid(),
    facilityId: z.uuid(),
    parentUnitId: z.uuid().nullable(),
    code: z.string(),
    name: z.string(),
    kind: z.string(),
    capacity: z.number().int().nullable(),
  }),
);
