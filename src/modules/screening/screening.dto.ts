import { z } from 'zod';
import { HIT_STATUSES } from './screening.domain';
import { LIST_FORMATS } from './screening.lists';

export const HitParams = z.object({ id: z.uuid() });
export const PersonParams = z.object({ id: z.uuid() });
export const VersionParams = z.object({ id: z.uuid() });

export const ReasonBody = z.object({ reason: z.string().trim().min(3).max(2000) });

export const HitsQuery = z.object({
  status: z.enum(HIT_STATUSES).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const VersionsQuery = z.object({ source: z.enum(LIST_FORMATS).optional() });

export const ImportQuery = z.object({
  format: z.enum(LIST_FORMATS).default('un-consolidated'),
  fileName: z.string().max(200).optional(),
});

/** JSON form of an import: the UN XML as a string, or OFAC's CSV files. */
export const ImportJsonBody = z.union([
  z.object({ format: z.literal('un-consolidated'), xml: z.string().min(1), fileName: z.string().max(200).optional() }),
  z.object({
    format: z.literal('ofac-sdn'),
    files: z.object({ sdn: z.string().min(1), alt: z.string().optional(), add: z.string().optional() }),
    fileName: z.string().max(200).optional(),
  }),
]);
