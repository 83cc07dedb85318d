// The cases' API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, qs } from '../../lib/api';
import type { CaseListResponse, CaseResponse, CasesSummaryResponse, DossierResponse } from '../../../../src/modules/cases/cases.legal.dto';

export type CaseList = z.input<typeof CaseListResponse>;
export type LegalCase = z.input<typeof CaseResponse>;
export type CasesSummary = z.input<typeof CasesSummaryResponse>;
export type Dossier = z.input<typeof DossierResponse>;

export const LEGAL_STATUSES = ['held_without_charge', 'charged', 'tried', 'sentenced', 'acquitted'] as const;
export const HEARING_OUTCOMES = ['adjourned', 'charges_confirmed', 'charges_dismissed', 'convicted', 'acquitted', 'detention_extended', 'other'] as const;
export const REVIEW_DECISIONS = ['continue_detention', 'release_recommended', 'transfer_to_court'] as const;
export const PAGE_SIZE = 50;

export interface CaseFilters {
  facilityId?: string;
  status?: string;
  overdue?: 'true' | 'false';
  page: number;
}

export function useCases(f: CaseFilters) {
  return useQuery({
    queryKey: ['cases', 'legal', f],
    queryFn: () =>
      api<CaseList>(`/cases/legal${qs({ facilityId: f.facilityId, status: f.status, overdue: f.overdue, limit: PAGE_SIZE, offset: f.page * PAGE_SIZE })}`),
  });
}

export function useCase(id: string) {
  return useQuery({ queryKey: ['cases', 'legal', id], queryFn: () => api<LegalCase>(`/cases/legal/${id}`) });
}

export function useDossier(id: string) {
  return useQuery({ queryKey: ['cases', 'legal', id, 'dossier'], queryFn: () => api<Dossier>(`/cases/legal/${id}/dossier`) });
}

export function useCasesSummary(enabled = true) {
  return useQuery({ queryKey: ['cases', 'summary'], queryFn: () => api<CasesSummary>('/cases/legal/summary'), enabled });
}
