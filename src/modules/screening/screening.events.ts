import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** New candidate pairs recorded for review (pending hits); the alert rules say how many wait. */
export const ScreeningHitsRecorded = defineEvent(
  'screening.hits_recorded',
  1,
  z.object({
    hits: z.array(z.object({ hitId: z.uuid(), personId: z.uuid(), entryId: z.uuid(), source: z.string(), ref: z.string(), trigger: z.string() })).min(1),
  }),
);

/** A release of a watchlist was imported: screening then screens the registry against what it added or changed. */
export const WatchlistVersionImported = defineEvent(
  'watchlist.version_imported',
  1,
  z.object({
    versionId: z.uuid(),
    source: z.string(),
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
    withdrawnHits: z.number().int(),
  }),
);

/** An officer's decision on a hit, with the reason kept in the review (the event says what was decided). */
export const ScreeningHitDecided = defineEvent(
  'screening.hit_decided',
  1,
  z.object({ hitId: z.uuid(), personId: z.uuid(), decision: z.enum(['confirmed', 'dismissed']), source: z.string(), ref: z.string() }),
);
