// The operations room's API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { IncidentResponse, OperationsResponse } from '../../../../src/modules/sensors/sensors.dto';

export type Operations = z.input<typeof OperationsResponse>;
export type Incident = z.input<typeof IncidentResponse>;
export type IncidentStep = 'acknowledged' | 'responding' | 'contained' | 'closed';

/** Polled every few seconds: an incident appears on the screen within that time of its alarms being stored. */
export function useOperations(facilityId: string | null) {
  return useQuery({
    queryKey: ['sensors', 'operations', facilityId],
    queryFn: () => api<Operations>(`/sensors/facilities/${facilityId}/operations`),
    enabled: !!facilityId,
    refetchInterval: 2_000,
  });
}

export const NEXT_STEP: Record<string, IncidentStep | null> = {
  open: 'acknowledged',
  acknowledged: 'responding',
  responding: 'contained',
  contained: 'closed',
  closed: null,
};

export const SENSOR_COLOR = { online: 'teal', dead: 'gray', alarm: 'red', decommissioned: 'dark' } as const;
