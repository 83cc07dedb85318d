// Custody statements as the monitor's page reads them: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, qs } from '../../lib/api';
import type { StatementPageResponse, StatementResponse } from '../../../../src/modules/reviews/reviews.dto';

export type Statement = z.input<typeof StatementResponse>;
export type StatementPage = z.input<typeof StatementPageResponse>;
export type StatedCount = Statement['statement']['counts'][number];

export const PAGE_SIZE = 20;

/** A page of the signed statements, newest first, with how many there are in all. */
export function useStatements(page: number) {
  return useQuery({
    queryKey: ['statements', page],
    queryFn: () => api<StatementPage>(`/statements${qs({ limit: PAGE_SIZE, offset: page * PAGE_SIZE })}`),
  });
}

export function useStatement(id: string | null) {
  return useQuery({ queryKey: ['statements', 'one', id], enabled: !!id, queryFn: () => api<Statement>(`/statements/${id}`) });
}

/** The statement's counts as a table: one row per facility (in the order stated), one column per status present. */
export function countsTable(counts: readonly StatedCount[]): {
  statuses: string[];
  rows: { facilityId: string; facilityCode: string; byStatus: Record<string, number>; total: number }[];
  totals: Record<string, number>;
  total: number;
} {
  const statuses: string[] = [];
  const rows = new Map<string, { facilityId: string; facilityCode: string; byStatus: Record<string, number>; total: number }>();
  const totals: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    if (!statuses.includes(c.status)) statuses.push(c.status);
    let row = rows.get(c.facilityId);
    if (!row) {
      row = { facilityId: c.facilityId, facilityCode: c.facilityCode, byStatus: {}, total: 0 };
      rows.set(c.facilityId, row);
    }
    row.byStatus[c.status] = (row.byStatus[c.status] ?? 0) + c.count;
    row.total += c.count;
    totals[c.status] = (totals[c.status] ?? 0) + c.count;
    total += c.count;
  }
  return { statuses, rows: [...rows.values()], totals, total };
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The statement's Ed25519 signature checked in this browser (WebCrypto), over the exact signed text: 'valid',
 * 'invalid', or 'unsupported' where the browser has no Ed25519. A convenience beside the offline check, not instead
 * of it: the key here comes from the same server.
 */
export async function checkSignature(s: Pick<Statement, 'statementText' | 'signature' | 'publicKey'>): Promise<'valid' | 'invalid' | 'unsupported'> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('spki', fromBase64(s.publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    // a key that does not parse is a bad statement; a browser without Ed25519 says NotSupportedError
    return e instanceof DOMException && e.name === 'NotSupportedError' ? 'unsupported' : 'invalid';
  }
  try {
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64(s.signature), new TextEncoder().encode(s.statementText));
    return ok ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
