// Repatriation's API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, apiPage } from '../../lib/api';
import type { RepatriationFiguresResponse, RepatriationResponse, RepatriationSummary } from '../../../../src/modules/cases/cases.repatriation.dto';

export type RepatriationFigures = z.input<typeof RepatriationFiguresResponse>;
export type RepatriationRequest = z.input<typeof RepatriationResponse>;
export type RepatriationRow = z.input<typeof RepatriationSummary>;

export const STAGES = ['requested', 'consular_interview', 'accepted', 'travel_documents', 'handed_over', 'refused', 'withdrawn'] as const;
export const STAGE_COLOR: Record<string, string> = {
  requested: 'blue',
  consular_interview: 'indigo',
  accepted: 'teal',
  travel_documents: 'cyan',
  handed_over: 'green',
  refused: 'red',
  withdrawn: 'gray',
};
export const EVIDENCE_KINDS = ['dna', 'birth_certificate', 'passport', 'family_book', 'consular_record', 'other'] as const;

export function useRepatriationFigures(enabled = true) {
  return useQuery({
    queryKey: ['repatriation', 'figures'],
    queryFn: () => api<RepatriationFigures>('/repatriation/figures'),
    refetchInterval: 60_000,
    enabled,
  });
}

export function useRepatriationRequests(filter: { state?: string; stage?: string; overdue?: boolean; page: number; size: number }) {
  const q = new URLSearchParams({ limit: String(filter.size), offset: String((filter.page - 1) * filter.size) });
  if (filter.state) q.set('state', filter.state);
  if (filter.stage) q.set('stage', filter.stage);
  if (filter.overdue) q.set('overdue', 'true');
  return useQuery({ queryKey: ['repatriation', 'list', q.toString()], queryFn: () => apiPage<RepatriationRow>(`/repatriation/requests?${q}`) });
}

export function useRepatriationRequest(id: string) {
  return useQuery({ queryKey: ['repatriation', 'request', id], queryFn: () => api<RepatriationRequest>(`/repatriation/requests/${id}`) });
}
