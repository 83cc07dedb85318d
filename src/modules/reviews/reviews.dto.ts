import { z } from 'zod';
import { count, instant, instantText } from '../../platform/dto';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const StatementIdParams = z.object({ id: z.uuid() });
export const EventIdParams = z.object({ id: z.uuid() });

export const StatementsQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const StatedHead = z.object({ siteId: z.string(), seq: count, hash: hex64, merkleRoot: hex64 });

export const CustodyStatementBody = z.object({
  kind: z.literal('custos.custody-statement'),
  version: z.literal(1),
  siteId: z.string(),
  issuedAt: instantText,
  reason: z.enum(['daily', 'on_demand']),
  ledger: z.array(StatedHead),
  audit: z.object({ seq: count, hash: z.string() }),
  counts: z.array(z.object({ facilityId: z.uuid(), facilityCode: z.string(), status: z.string(), count })),
  publicKey: z.string(),
});

export const StatementResponse = z.object({
  id: z.uuid(),
  siteId: z.string(),
  issuedAt: instant,
  reason: z.string(),
  issuedBy: z.string(),
  /** The exact signed bytes (canonical JSON) */
  statementText: z.string(),
  /** Ed25519 over statementText, base64 */
  signature: z.string(),
  /** base64 SPKI DER */
  publicKey: z.string(),
  statement: CustodyStatementBody,
});

export const StatementPageResponse = z.object({ total: count, offset: count, limit: count, items: z.array(StatementResponse) });

export const IssueStatementResponse = StatementResponse;

export const InclusionProofResponse = z.object({
  kind: z.literal('custos.inclusion-proof'),
  version: z.literal(1),
  event: z.record(z.string(), z.unknown()),
  eventHash: hex64,
  siteId: z.string(),
  index: count,
  size: count,
  path: z.array(hex64),
  merkleRoot: hex64,
  statement: z.object({ id: z.uuid(), statementText: z.string(), signature: z.string(), publicKey: z.string() }),
});
