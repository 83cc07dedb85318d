// Identity cases across sites (issue 22): the server's own response schemas (JSON side) and the calls of the two
// screens; their pure helpers are in identity.logic.ts.
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
