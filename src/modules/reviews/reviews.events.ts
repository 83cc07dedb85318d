import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/** A site signed a custody statement: the relay to headquarters and the after-action timeline read it. */
export const CustodyStatementIssued = defineEvent(
  'reviews.statement_issued',
  1,
  z.object({
    statementId: z.uuid(),
    siteId: z.string(),
    issuedAt: z.iso.datetime({ offset: true }),
    reason: z.enum(['daily', 'on_demand']),
    heads: z.array(z.object({ siteId: z.string(), seq: z.number().int(), hash: z.string() })),
  }),
);
