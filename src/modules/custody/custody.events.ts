import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { CUSTODY_STATUSES, EVENT_TYPES, type LedgerEvent } from './custody.domain';

const instant = z.iso.datetime({ offset: true });

/**
 * One ledger event, as sealed into the site's chain (every field the hash covers, so that a relay can replicate it
 * and a reader can check it), with the person's status after it.
 */
export const CustodyEventAppended = defineEvent(
  'custody.event_appended',
  1,
  z.object({
    eventId: z.uuid(),
    siteId: z.string(),
    seq: z.number().int().positive(),
    type: z.enum(EVENT_TYPES),
    personId: z.uuid(),
    occurredAt: instant,
    recordedAt: instant,
    recordedBy: z.string().nullable(),
    fromFacilityId: z.string().nullable(),
    fromUnitId: z.string().nullable(),
    toFacilityId: z.string().nullable(),
    toUnitId: z.string().nullable(),
    authority: z.string().nullable(),
    reason: z.string().nullable(),
    evidence: z.record(z.string(), z.unknown()).nullable(),
    prevHash: z.string(),
    hash: z.string(),
    statusAfter: z.enum(CUSTODY_STATUSES),
  }),
);

export function ledgerEventPayload(e: LedgerEvent, statusAfter: (typeof CUSTODY_STATUSES)[number]) {
  return {
    eventId: e.id,
    siteId: e.siteId,
    seq: e.seq,
    type: e.type,
    personId: e.personId,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    recordedBy: e.recordedBy,
    fromFacilityId: e.fromFacilityId,
    fromUnitId: e.fromUnitId,
    toFacilityId: e.toFacilityId,
    toUnitId: e.toUnitId,
    authority: e.authority,
    reason: e.reason,
    evidence: e.evidence,
    prevHash: e.prevHash,
    hash: e.hash,
    statusAfter,
  };
}

/** A verification found the ledger's chain broken (the first bad event); told once per break and process. */
export const LedgerChainBroken = defineEvent(
  'custody.chain_broken',
  1,
  z.object({
    siteId: z.string(),
    eventId: z.string(),
    seq: z.number().int(),
    problem: z.enum(['hash_mismatch', 'broken_link', 'sequence_gap', 'head_mismatch']),
    message: z.string(),
  }),
);
