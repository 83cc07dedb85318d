import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** A verification found the audit log's chain broken (the first bad entry); told once per break and process. */
export const AuditChainBroken = defineEvent(
  'audit.chain_broken',
  1,
  z.object({
    entryId: z.string(),
    seq: z.number().int(),
    message: z.string(),
  }),
);
