import type { z } from 'zod';
import type { ArrivalCheckResponse, ArrivalResponse, PrintableResponse } from '../../../../src/modules/transfers/transfers.arrival.dto';
import type {
  MovementDiscrepanciesResponse,
  OperationDiscrepanciesResponse,
  ResolveDiscrepancyBody,
} from '../../../../src/modules/transfers/transfers.disputes.dto';
import { api } from '../../lib/api';
import { imageAsDataUrl, type Probe } from '../verify/verify.api';

export type ArrivalCheck = z.input<typeof ArrivalCheckResponse>;
export type Arrival = z.input<typeof ArrivalResponse>;
export type Printable = z.input<typeof PrintableResponse>;

const PURPOSE = 'transfer arrival';

export const arrivalOf = (movementId: string) => api<Arrival>(`/transfers/movements/${movementId}/arrival`, { purpose: PURPOSE });

/** 1:N against the movement's gallery: a proposal, never a decision. */
export async function identifyOff(movementId: string, probe: Probe): Promise<ArrivalCheck> {
  return api<ArrivalCheck>(`/transfers/movements/${movementId}/arrival/identify`, {
    method: 'POST',
    purpose: PURPOSE,
    body: { modality: probe.modality, dpi: probe.modality === 'fingerprint' ? probe.dpi : undefined, image: await imageAsDataUrl(probe.image) },
  });
}

export function decideCheck(movementId: string, checkId: string, body: { decision: 'confirmed' | 'rejected'; personId?: string; reason?: string }) {
  return api<Arrival>(`/transfers/movements/${movementId}/arrival/checks/${checkId}/decision`, {
    method: 'POST',
    purpose: PURPOSE,
    body: { ...body, reason: body.reason?.trim() || undefined },
  });
}

export const closeCount = (movementId: string) => api(`/transfers/movements/${movementId}/arrival/close`, { method: 'POST', body: {} });
export const signReceipt = (movementId: string, manifestHash: string) =>
  api(`/transfers/movements/${movementId}/receipt`, { method: 'POST', body: { manifestHash } });
export const printableOf = (movementId: string) => api<Printable>(`/transfers/movements/${movementId}/printable`, { purpose: 'receiving authority' });

export type MovementDiscrepancies = z.input<typeof MovementDiscrepanciesResponse>;
export type OperationDiscrepancies = z.input<typeof OperationDiscrepanciesResponse>;
export type Resolution = z.input<typeof ResolveDiscrepancyBody>;

export const discrepanciesOf = (movementId: string) => api<MovementDiscrepancies>(`/transfers/movements/${movementId}/discrepancies`, { purpose: PURPOSE });
export const operationDiscrepancies = (operationId: string) =>
  api<OperationDiscrepancies>(`/transfers/operations/${operationId}/discrepancies`, { purpose: 'transfer operation' });
/** An officer's resolution of one missing or extra person, with the reason. */
export const resolveDiscrepancy = (movementId: string, body: Resolution) =>
  api<MovementDiscrepancies>(`/transfers/movements/${movementId}/discrepancies/resolve`, { method: 'POST', purpose: PURPOSE, body });
