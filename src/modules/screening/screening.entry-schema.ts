import { z } from 'zod';

/**
 * A watchlist entry as the list parsers give it (screening.lists.ts `WatchEntry`), checked when it arrives from
 * elsewhere than a parser: a release headquarters imported, come down to a site.
 */
export const WatchEntrySchema = z.object({
  ref: z.string().min(1).max(200),
  kind: z.enum(['individual', 'entity', 'vessel', 'aircraft']),
  program: z.string().max(2000).nullable(),
  names: z
    .array(
      z.object({
        full: z.string().min(1).max(1000),
        kind: z.enum(['primary', 'alias', 'original']),
        quality: z.enum(['good', 'low', 'aka', 'fka', 'nka', 'weak']).nullable(),
        script: z.enum(['arabic', 'cyrillic', 'latin', 'other']),
        element: z.number().int().optional(),
      }),
    )
    .max(500),
  births: z
    .array(z.object({ type: z.enum(['exact', 'approximately', 'between']), text: z.string().max(200), from: z.string().max(10), to: z.string().max(10) }))
    .max(100),
  nationalities: z.array(z.string().max(200)).max(100),
  documents: z
    .array(z.object({ type: z.string().max(200), number: z.string().max(200), key: z.string().max(200), country: z.string().max(200).nullable() }))
    .max(200),
  listedOn: z.string().max(100).nullable(),
  gender: z.string().max(50).nullable(),
  placesOfBirth: z.array(z.string().max(500)).max(100),
  remarks: z.string().max(20_000).nullable(),
});
