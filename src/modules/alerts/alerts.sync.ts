import type { AlertDraft } from './alerts.domain';

/**
 * Headquarters was offered, for a seq of a site's replicated chain, something other than what it holds (a fork): a
 * site restored from a backup and rewritten, a forged message, or corruption. Critical, once per offered version.
 */
export function syncForkAlert(f: {
  forkId: string;
  siteId: string;
  epoch: number;
  seq: number;
  reason: 'hash_differs' | 'broken_link' | 'bad_hash' | 'epoch_diverged';
  heldHash: string | null;
  offeredHash: string;
}): AlertDraft {
  const what =
    f.reason === 'hash_differs'
      ? 'another version of an event already held'
      : f.reason === 'broken_link'
        ? 'an event that does not follow the chain held'
        : f.reason === 'epoch_diverged'
          ? 'a restored epoch that parts from the epoch before it'
          : 'an event whose hash its content does not give';
  return {
    facilityId: null,
    rule: 'sync.fork',
    severity: 'critical',
    title: `Fork in the chain of site ${f.siteId}: ${what} (epoch ${f.epoch}, seq ${f.seq}); nothing was overwritten`.slice(0, 500),
    details: { forkId: f.forkId, siteId: f.siteId, epoch: f.epoch, seq: f.seq, reason: f.reason, heldHash: f.heldHash, offeredHash: f.offeredHash },
    dedupeKey: `sync.fork:${f.siteId}:${f.epoch}:${f.seq}:${f.offeredHash}`,
  };
}

/** An identity case opened at headquarters: the sites and the case, never the person (the case page shows them). */
export function identityCaseAlert(c: { caseId: string; siteA: string; siteB: string; basis: string; score: number }): AlertDraft {
  return {
    facilityId: null,
    rule: 'sync.identity_case',
    severity: 'warning',
    title: `One person may be enrolled at sites ${c.siteA} and ${c.siteB} (${c.basis} match ${c.score.toFixed(2)}): identity case to decide`.slice(0, 500),
    details: { caseId: c.caseId, siteA: c.siteA, siteB: c.siteB, basis: c.basis, score: c.score },
    dedupeKey: `sync.identity_case:${c.caseId}`,
  };
}
