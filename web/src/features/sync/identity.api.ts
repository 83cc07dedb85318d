// Identity cases across sites (issue 22): the server's own response schemas (JSON side), and the few helpers the two
// screens share (the fused likelihood ratio in words, a record's birth range, the age of a case).
import type { z } from 'zod';
import { api } from '../../lib/api';
import type { IdentityCaseResponse, IdentityCasesResponse, IdentityDecisionBody } from '../../../../src/modules/sync/sync.dto';

export type IdentityCase = z.input<typeof IdentityCaseResponse>;
export type IdentityCasesPage = z.input<typeof IdentityCasesResponse>;
export type IdentityRecord = NonNullable<IdentityCase['a']>;
export type IdentityDecision = z.input<typeof IdentityDecisionBody>;

export const IDENTITY_STATUSES = ['open', 'same_person', 'different_persons'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];
/** The list's filter: one status, or every case. */
export type IdentityTab = IdentityStatus | 'all';
export const IDENTITY_TABS: IdentityTab[] = ['open', 'same_person', 'different_persons', 'all'];

export const IDENTITY_STATUS_COLOR: Record<IdentityStatus, string> = { open: 'orange', same_person: 'blue', different_persons: 'teal' };

export const identityCasesPath = (tab: IdentityTab, offset: number, limit: number): string =>
  `/sync/identity-cases?${tab === 'all' ? '' : `status=${tab}&`}offset=${offset}&limit=${limit}`;

export const fetchIdentityCases = (tab: IdentityTab, offset: number, limit: number) => api<IdentityCasesPage>(identityCasesPath(tab, offset, limit));
export const fetchIdentityCase = (id: string) => api<IdentityCase>(`/sync/identity-cases/${id}`);
export const decideIdentityCase = (id: string, body: IdentityDecision) => api<IdentityCase>(`/sync/identity-cases/${id}/decide`, { method: 'POST', body });

/** A figure rounded to two significant digits ("about 1,600", "about 3.2"), the precision a likelihood ratio has. */
export function roughly(x: number): number {
  if (!Number.isFinite(x) || x <= 0) return 0;
  const digits = Math.max(0, 1 - Math.floor(Math.log10(x)));
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return digits > 0 ? Number(x.toFixed(digits)) : Math.round(x / step) * step;
}

/**
 * The fused likelihood ratio (log10) as words: which way it points (the same person, or two persons) and how many
 * times likelier, rounded. Null when nothing was fused.
 */
export function ratioOf(log10Lr: number | null | undefined): { way: 'same' | 'different' | 'even'; times: number } | null {
  if (log10Lr === null || log10Lr === undefined || !Number.isFinite(log10Lr)) return null;
  const times = roughly(10 ** Math.min(Math.abs(log10Lr), 15));
  if (times <= 1.05) return { way: 'even', times: 1 };
  return { way: log10Lr > 0 ? 'same' : 'different', times };
}

/** A false-match rate as "1 in N" (N rounded), or null. */
export const oneIn = (fmr: number | null | undefined): number | null => (fmr && fmr > 0 ? roughly(1 / fmr) : null);

/**
 * A record's birth as the site gave it: one day, a whole year ("1985"), or a range of days; null when unknown.
 */
export function birthRange(
  from: string | null | undefined,
  to: string | null | undefined,
): { kind: 'day' | 'year' | 'range' | 'from' | 'to'; from?: string; to?: string; year?: string } | null {
  if (!from && !to) return null;
  if (from && !to) return { kind: 'from', from };
  if (!from && to) return { kind: 'to', to };
  if (from === to) return { kind: 'day', from: from! };
  const y = from!.slice(0, 4);
  if (from === `${y}-01-01` && to === `${y}-12-31`) return { kind: 'year', year: y };
  return { kind: 'range', from: from!, to: to! };
}

/** The record chosen as the reference by a same-person decision: 'a', 'b' or null. */
export function referenceSide(c: IdentityCase): 'a' | 'b' | null {
  const d = c.decision;
  if (!d?.referencePerson) return null;
  if (c.a && c.a.siteId === d.referenceSite && c.a.personId === d.referencePerson) return 'a';
  if (c.b && c.b.siteId === d.referenceSite && c.b.personId === d.referencePerson) return 'b';
  return null;
}
