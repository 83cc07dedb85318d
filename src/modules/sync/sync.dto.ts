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

const EpochCheckResponse = z.object({
  siteId: z.string(),
  epoch: count,
  previousEpoch: count,
  /** Seqs 1..agreedSeq hold the same events in both epochs. */
  agreedSeq: count,
  /** Where a restored site's epoch parts from the one before (alerted), or null. */
  divergedAt: count.nullable(),
  /** Events of the earlier epoch beyond the agreement: what the restored site no longer has. */
  previousBeyond: count,
  checkedAt: instant,
});

const DownCursorResponse = z.object({
  siteId: z.string(),
  /** The last item published to the site's down stream. */
  publishedId: count,
  publishedAt: instant.nullable(),
  /** Items issued for the site not yet published. */
  pending: count,
});

const DownStateResponse = z.object({
  siteId: z.string(),
  /** The last message of this site's down stream applied (recorded with it). */
  streamSeq: count,
  hqId: count,
  appliedCount: count,
  appliedAt: instant.nullable(),
  /** The stream no longer held the message from here: a resync was asked for. */
  behindFrom: count.nullable(),
});

const EpochResponse = z.object({ epoch: count, reason: z.string(), tipSeq: count, tipHash: z.string(), startedAt: instant });

/** Where replication stands, from this process's database: its own site's relay, and what it holds of other sites. */
export const SyncStatusResponse = z.object({
  /** `site`, `hq`, or null when replication is off in this process (CUSTOS_ROLE unset). */
  role: z.enum(['site', 'hq']).nullable(),
  siteId: z.string(),
  now: instant,
  site: SiteStatusResponse,
  hq: z.object({
    sites: z.array(HqSiteResponse),
    forks: z.array(ForkResponse),
    epochChecks: z.array(EpochCheckResponse),
    /** Headquarters to sites: each site's down stream. */
    down: z.array(DownCursorResponse),
    downItems: count,
  }),
  /** Headquarters to this site: what was applied. */
  down: DownStateResponse,
  /** This site's epochs after the first (each a restore). */
  epochs: z.array(EpochResponse),
});

/** `GET /sync/identity-cases`: headquarters' cases of one person enrolled at two sites, for a human to decide. */
export const IdentityCasesQuery = z.object({
  status: z.enum(['open', 'same_person', 'different_persons']).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** 0 asks for the total only: no record is read, so nothing is audited (a badge, a link) */
  limit: z.coerce.number().int().min(0).max(200).default(50),
});

const IdentityRecordResponse = z.object({
  siteId: z.string(),
  personId: z.string(),
  names: z.array(z.string()),
  sex: z.string(),
  birthFrom: z.string().nullable(),
  birthTo: z.string().nullable(),
  nationalities: z.array(z.string()),
  /** How many templates the site sent (sealed for headquarters' identity key, or for the site's own key). */
  templates: count,
});

export const IdentityCaseResponse = z.object({
  id: z.string(),
  status: z.enum(['open', 'same_person', 'different_persons']),
  basis: z.enum(['name', 'face', 'fingerprint']),
  score: z.number(),
  /**
   * What the case rests on: each modality's best score between the two records (null: not compared, e.g. one side has
   * no face), and the fused likelihood ratio (log10) with the false-match rate its threshold targets.
   */
  evidence: z.object({
    name: z.number().nullable(),
    face: z.number().nullable(),
    finger: z.number().nullable(),
    log10Lr: z.number().nullable(),
    targetFmr: z.number().nullable(),
    /**
     * What reached the bar: `evidence` (everything fused), `biometrics` (the face or finger alone, while the names or
     * dates pulled the other way), `names` (the registry's names rule); null for cases opened before it was recorded.
     */
    raisedBy: z.enum(['evidence', 'biometrics', 'names']).nullable(),
  }),
  createdAt: instant,
  a: IdentityRecordResponse.nullable(),
  b: IdentityRecordResponse.nullable(),
  decision: z
    .object({
      at: instant,
      by: z.string().nullable(),
      reason: z.string().nullable(),
      referenceSite: z.string().nullable(),
      referencePerson: z.string().nullable(),
    })
    .nullable(),
});

export const IdentityCasesResponse = z.object({
  total: count,
  offset: count,
  limit: count,
  /** the server's clock when it answered: ages on the screen are counted from it, not from the device's clock */
  now: instant,
  rows: z.array(IdentityCaseResponse),
});

export const IdentityCaseParams = z.object({ id: z.uuid() });

export const IdentityDecisionBody = z
  .object({
    decision: z.enum(['same_person', 'different_persons']),
    reason: z.string().trim().min(3).max(2_000),
    /** For same_person: which of the two records is the reference (both stay, linked by the case). */
    reference: z.object({ siteId: z.string().min(1).max(100), personId: z.uuid() }).optional(),
  })
  .strict();
