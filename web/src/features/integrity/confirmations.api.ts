// The two-person rule (issue 17): a release or a correction of an escape is requested by one officer and made final
// by a second one. Types come from the server's dto (type-only imports).

import type { ConfirmationPageResponse, ConfirmationResponse, ConfirmedResponse } from '../../../../src/modules/custody/custody.confirmations.dto';
import type { AppendEventRequest } from '../../../../src/modules/custody/custody.dto';
import { api } from '../../lib/api';

export type Confirmation = ConfirmationResponse;
export type ConfirmationPage = ConfirmationPageResponse;

export const confirmationsKey = (personId?: string) => (personId ? (['confirmations', personId] as const) : (['confirmations'] as const));

export function requestEvent(personId: string, body: AppendEventRequest): Promise<Confirmation> {
  return api<Confirmation>(`/persons/${personId}/events/requests`, { method: 'POST', body });
}

export function pendingConfirmations(opts: { personId?: string; offset?: number; limit?: number } = {}): Promise<ConfirmationPage> {
  const q = new URLSearchParams({ status: 'pending', offset: String(opts.offset ?? 0), limit: String(opts.limit ?? 50) });
  if (opts.personId) q.set('personId', opts.personId);
  return api<ConfirmationPage>(`/custody/confirmations?${q}`);
}

export function confirmRequest(id: string): Promise<ConfirmedResponse> {
  return api<ConfirmedResponse>(`/custody/confirmations/${id}/confirm`, { method: 'POST' });
}

export function rejectRequest(id: string, reason: string): Promise<Confirmation> {
  return api<Confirmation>(`/custody/confirmations/${id}/reject`, { method: 'POST', body: { reason } });
}
