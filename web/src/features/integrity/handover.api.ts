// The handover of control's API as the form reads it (types from the server's dto).
import type { z } from 'zod';
import type {
  CustodiansResponse,
  HandoverResponse,
  HandoverVerifyResponse,
  SignHandoverBody,
  StartHandoverBody,
} from '../../../../src/modules/guards/guards.dto';
import { api } from '../../lib/api';

export type Handover = z.input<typeof HandoverResponse>;
export type HandoverCheck = z.input<typeof HandoverVerifyResponse>;
export type Custodians = z.input<typeof CustodiansResponse>;

export interface HandoverStatement {
  facilityCode: string;
  at: string;
  outgoing: { organisation: string; commander: string };
  incoming: { organisation: string; commander: string };
  count: { byStatus: Record<string, number>; lastRollcall: { id: string; closedAt: string } | null };
}

export const handoverKey = (id: string) => ['guards', 'handover', id] as const;

export const fetchHandover = (id: string) => api<Handover>(`/guards/handovers/${id}`);
export const verifyHandover = (id: string) => api<HandoverCheck>(`/guards/handovers/${id}/verify`);
export const fetchCustodians = (facilityId: string) => api<Custodians>(`/guards/facilities/${facilityId}/custodian`);
export const startHandover = (facilityId: string, body: z.input<typeof StartHandoverBody>) =>
  api<Handover>(`/guards/facilities/${facilityId}/handovers`, { method: 'POST', body });
export const signHandover = (id: string, body: z.input<typeof SignHandoverBody>) => api<Handover>(`/guards/handovers/${id}/sign`, { method: 'POST', body });
