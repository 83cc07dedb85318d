// Queries of the transfer screens added for issue 18 points 7 (planner, boarding tablet, dashboard).
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ManifestResponse, MovementResponse, OperationResponse, PlanResponse } from '../../../../src/modules/transfers/transfers.dto';
import { api, apiPage } from '../../lib/api';
import { useFacilities } from '../../lib/queries';

export type Operation = z.input<typeof OperationResponse>;
export type Movement = z.input<typeof MovementResponse>;
export type Manifest = z.input<typeof ManifestResponse>;
export type PlanResult = z.input<typeof PlanResponse>;

/** Movements that have left (or are done): a flight "done" on the dashboard. */
export const FLOWN = ['departed', 'arrived', 'received', 'disputed'];

export function useOperations() {
  return useQuery({ queryKey: ['transfers', 'operations'], queryFn: () => apiPage<Operation>('/transfers/operations?limit=500') });
}

export function useMovements(operationId: string | null, live = false) {
  return useQuery({
    queryKey: ['transfers', 'movements', operationId],
    queryFn: () => api<Movement[]>(`/transfers/operations/${operationId}/movements`),
    enabled: !!operationId,
    refetchInterval: live ? 5000 : false,
  });
}

export function useManifest(movementId: string | null, opts: { live?: boolean; limit?: number } = {}) {
  return useQuery({
    queryKey: ['transfers', 'movement', movementId, opts.limit ?? 500],
    queryFn: () => api<Manifest>(`/transfers/movements/${movementId}?limit=${opts.limit ?? 500}`),
    enabled: !!movementId,
    refetchInterval: opts.live ? 3000 : false,
  });
}

export function useFacilityCodes() {
  const q = useFacilities();
  return new Map((q.data ?? []).map((f) => [f.id, f.code]));
}

export function movementAction(movementId: string, path: string, body: unknown) {
  return api<Movement>(`/transfers/movements/${movementId}/${path}`, { method: 'POST', body });
}
