// The cases' API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, qs } from '../../lib/api';
import type { ReintegrationFiguresResponse, StasisResponse } from '../../../../src/modules/cases/cases.figures.dto';
import type { CaseListResponse, CaseResponse, CasesSummaryResponse, DossierResponse } from '../../../../src/modules/cases/cases.legal.dto';
import type { ReintegrationListResponse, ReintegrationResponse } from '../../../../src/modules/cases/cases.reintegration.dto';

export type CaseList = z.input<typeof CaseListResponse>;
export type LegalCase = z.input<typeof CaseResponse>;
export type CasesSummary = z.input<typeof CasesSummaryResponse>;
export type Dossier = z.input<typeof DossierResponse>;

export const LEGAL_STATUSES = ['held_without_charge', 'charged', 'tried', 'sentenced', 'acquitted'] as const;
export const HEARING_OUTCOMES = ['adjourned', 'charges_confirmed', 'charges_dismissed', 'convicted', 'acquitted', 'detention_extended', 'other'] as const;
export const REVIEW_DECISIONS = ['continue_detention', 'release_recommended', 'transfer_to_court'] as const;
export const PAGE_SIZE = 50;

/** A datetime-local (or date) value in the browser's time as an instant; undefined when empty or unreadable. */
export function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export interface CaseFilters {
  personId?: string;
  facilityId?: string;
  status?: string;
  overdue?: 'true' | 'false';
  page: number;
}

export function useCases(f: CaseFilters, enabled = true) {
  return useQuery({
    queryKey: ['cases', 'legal', f],
    queryFn: () =>
      api<CaseList>(
        `/cases/legal${qs({ personId: f.personId, facilityId: f.facilityId, status: f.status, overdue: f.overdue, limit: PAGE_SIZE, offset: f.page * PAGE_SIZE })}`,
      ),
    enabled,
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

/**
 * The legal status machine's allowed next statuses (the server's `cases.legal.domain.ts` decides; the form offers only
 * these so nobody is refused for a choice the screen let them make).
 */
export const NEXT_STATUSES: Record<string, readonly string[]> = {
  held_without_charge: ['charged'],
  charged: ['tried', 'held_without_charge'],
  tried: ['sentenced', 'acquitted'],
  sentenced: [],
  acquitted: [],
};
export const EVIDENCE_KINDS = ['identity_document', 'biometric_verification'] as const;

// ---- reintegration after release ----
export type ReintegrationList = z.input<typeof ReintegrationListResponse>;
export type ReintegrationCase = z.input<typeof ReintegrationResponse>;
export const OUTCOME_MONTHS = [6, 12, 24] as const;
export const REINTEGRATION_OUTCOMES = ['reintegrated', 'in_progress', 'at_risk', 'reoffended', 'lost_contact'] as const;

export function useReintegrationCases(f: { missed?: 'true' | 'false'; personId?: string; facilityId?: string; page: number }, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['cases', 'reintegration', f],
    queryFn: () =>
      api<ReintegrationList>(
        `/cases/reintegration${qs({ missed: f.missed, personId: f.personId, facilityId: f.facilityId, limit: PAGE_SIZE, offset: f.page * PAGE_SIZE })}`,
      ),
  });
}

export function useReintegrationCase(id: string) {
  return useQuery({ queryKey: ['cases', 'reintegration', id], queryFn: () => api<ReintegrationCase>(`/cases/reintegration/${id}`) });
}

// ---- figures ----
export type StasisFigures = z.input<typeof StasisResponse>;
export type ReintegrationFigures = z.input<typeof ReintegrationFiguresResponse>;

export function useStasisFigures(enabled: boolean) {
  return useQuery({ queryKey: ['cases', 'figures', 'stasis'], queryFn: () => api<StasisFigures>('/cases/figures/stasis'), enabled });
}

export function useReintegrationFigures(enabled: boolean) {
  return useQuery({ queryKey: ['cases', 'figures', 'reintegration'], queryFn: () => api<ReintegrationFigures>('/cases/figures/reintegration'), enabled });
}
