// The families part of cases (issue 23 part C) as the screens read it: the server's own response schemas.
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, apiPage } from '../../lib/api';
import type { FamilyViewResponse, SeparatedFigureResponse, TracingResponse, TracingSummaryResponse } from '../../../../src/modules/cases/cases.families.dto';

export type FamilyView = z.input<typeof FamilyViewResponse>;
export type SeparatedFigure = z.input<typeof SeparatedFigureResponse>;
export type Tracing = z.input<typeof TracingResponse>;
export type TracingSummary = z.input<typeof TracingSummaryResponse>;

export const TRACING_STATUS_COLOR: Record<string, string> = { open: 'blue', located: 'teal', closed: 'gray' };
export const TRACING_PAGE = 25;

export function useFamily(personId: string, purpose: string) {
  return useQuery({ queryKey: ['family', personId, purpose], queryFn: () => api<FamilyView>(`/families/${personId}`, { purpose }) });
}

export function useSeparatedFigure(enabled: boolean) {
  return useQuery({ queryKey: ['families', 'separated'], queryFn: () => api<SeparatedFigure>('/families/separated-children'), enabled });
}

export function useTracingList(status: string | null, page: number) {
  const q = new URLSearchParams({ limit: String(TRACING_PAGE), offset: String(page * TRACING_PAGE) });
  if (status) q.set('status', status);
  return useQuery({ queryKey: ['tracing', status, page], queryFn: () => apiPage<TracingSummary>(`/tracing-requests?${q}`) });
}

export function useTracing(id: string) {
  return useQuery({ queryKey: ['tracing', 'one', id], queryFn: () => api<Tracing>(`/tracing-requests/${id}`) });
}
