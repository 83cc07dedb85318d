import { z } from 'zod';
import { count, instant } from '../../platform/dto';

const SiteStatusResponse = z.object({
  siteId: z.string(),
  epoch: count,
  /** Events this site has written (the head of its outbox). */
  head: count,
  /** Events published to the site's stream. */
  published: count,
  /** Events headquarters has receipted (its highest contiguous seq of this epoch). */
  receipted: count,
  /** Written but not receipted: the site keeps them and sends them again if asked. */
  pending: count,
  lastReceiptAt: instant.nullable(),
  receiptEpoch: count.nullable(),
  receiptHash: z.string().nullable(),
  publishedAt: instant.nullable(),
});

const HqSiteResponse = z.object({
  siteId: z.string(),
  epoch: count,
  /** Highest seq held with every earlier one, verified link by link. */
  contiguousSeq: count,
  contiguousHash: z.string(),
  /** Highest seq seen: above `contiguousSeq` while a gap is being refilled. */
  highestSeenSeq: count,
  lastReceivedAt: instant.nullable(),
  forks: count,
  events: count,
  persons: count,
});

const ForkResponse = z.object({
  id: z.uuid(),
  siteId: z.string(),
  epoch: count,
  seq: count,
  kind: z.string(),
  heldHash: z.string().nullable(),
  offeredHash: z.string(),
  detectedAt: instant,
});

/** Where replication stands, from this process's database: its own site's relay, and what it holds of other sites. */
export const SyncStatusResponse = z.object({
  /** `site`, `hq`, or null when replication is off in this process (CUSTOS_ROLE unset). */
  role: z.enum(['site', 'hq']).nullable(),
  siteId: z.string(),
  now: instant,
  site: SiteStatusResponse,
  hq: z.object({ sites: z.array(HqSiteResponse), forks: z.array(ForkResponse) }),
});
