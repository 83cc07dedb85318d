import { useQuery } from '@tanstack/react-query';
import { api, type Facility } from './api';

/** All facilities the user may see, for names and links; cached for the session. */
export function useFacilities() {
  return useQuery({ queryKey: ['facilities'], queryFn: () => api<Facility[]>('/facilities'), staleTime: 5 * 60_000 });
}

export function useFacilityNames(): Map<string, Facility> {
  const { data } = useFacilities();
  return new Map((data ?? []).map((f) => [f.id, f]));
}
