import { useQuery } from '@tanstack/react-query';
import { api, type Facility } from './api';

/** All facilities the user may see, for names and links; cached for the session. */
export function useFacilities(enabled = true) {
  return useQuery({ queryKey: ['facilities'], queryFn: () => api<Facility[]>('/facilities'), staleTime: 5 * 60_000, enabled });
}

/** Facilities as the options of a select, labelled "HOL · al-Hol camp"; the value is the facility's id unless `optionValue` says otherwise. */
export function facilityOptions(facilities: readonly Facility[] | undefined): SelectOption[];
export function facilityOptions<F extends { code: string; name: string }>(facilities: readonly F[] | undefined, optionValue: (f: F) => string): SelectOption[];
export function facilityOptions(
  facilities: readonly { id?: string; code: string; name: string }[] | undefined,
  optionValue: (f: { id?: string; code: string; name: string }) => string = (f) => f.id ?? '',
): SelectOption[] {
  return (facilities ?? []).map((f) => ({ value: optionValue(f), label: `${f.code} · ${f.name}` }));
}

export interface SelectOption {
  value: string;
  label: string;
}

/** `enabled` false for a user who may not read facilities (a checkpoint officer): no request, an empty map. */
export function useFacilityNames(enabled = true): Map<string, Facility> {
  const { data } = useFacilities(enabled);
  return new Map((data ?? []).map((f) => [f.id, f]));
}

export interface Health {
  ok: true;
  database: string;
  site: string;
  clock: 'real' | 'scenario';
  now: string;
  demo: { label: string; scale: string; seed: number; ready: boolean } | null;
}

/** The server's clock and, for a demo, what world it is (public, no login): shown in the header. */
export function useHealth() {
  return useQuery({
    queryKey: ['health'],
    queryFn: async (): Promise<Health> => {
      const res = await fetch('/api/health', { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`health: ${res.status}`);
      return (await res.json()) as Health;
    },
    refetchInterval: 60_000,
    staleTime: 30_000,
  });
}
