import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/**
 * Headquarters was offered, for a seq of a site's chain, something that does not continue the chain it holds: another
 * hash for a held seq, a link to another predecessor, a hash its content does not give, or (`epoch_diverged`) a
 * restored site's new epoch that parts from the epoch before it at `seq`. Nothing was overwritten;
 * the alert rules raise a critical alert once per (site, epoch, seq, offered hash).
 */
export const SyncForkDetected = defineEvent(
  'sync.fork_detected',
  1,
  z.object({
    forkId: z.uuid(),
    siteId: z.string(),
    epoch: z.number().int(),
    seq: z.number().int(),
    reason: z.enum(['hash_differs', 'broken_link', 'bad_hash', 'epoch_diverged']),
    heldHash: z.string().nullable(),
    offeredHash: z.string(),
    detectedAt: z.iso.datetime({ offset: true }),
  }),
);
