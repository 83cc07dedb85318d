// The patrols' API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { Overview } from './guards.api';
import type { PatrolStatusResponse, RoundResponse, ScanResponse } from '../../../../src/modules/guards/guards.patrols.dto';

export type PatrolStatus = z.input<typeof PatrolStatusResponse>;
export type PatrolRoute = PatrolStatus['routes'][number];
export type Round = z.input<typeof RoundResponse>;
export type Scan = z.input<typeof ScanResponse>;

export const ROUTE_STATE_COLOR: Record<string, string> = { ok: 'teal', overdue: 'red', missed: 'orange', inactive: 'gray' };

export function usePatrolStatus(facilityId: string | null, limit = 50) {
  return useQuery({
    queryKey: ['guards', 'patrols', facilityId, limit],
    queryFn: () => api<PatrolStatus>(`/guards/facilities/${facilityId}/patrols?limit=${limit}`),
    enabled: !!facilityId,
    refetchInterval: 15_000,
  });
}

const RANK: Record<string, number> = { critical: 2, degraded: 1, ok: 0 };
/** Facilities ordered worst governance state first (the patrol screens open on the facility most in need, as the board does). */
export const worstFirst = (list: Overview): Overview => [...list].sort((a, b) => (RANK[b.state] ?? 0) - (RANK[a.state] ?? 0));
