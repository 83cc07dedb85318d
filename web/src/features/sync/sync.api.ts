// Replication's status as the screen reads it: the server's own response schema (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { SyncStatusResponse } from '../../../../src/modules/sync/sync.dto';

export type SyncStatus = z.input<typeof SyncStatusResponse>;

/** Polled every 5 s: a receipt from headquarters shows within that time. */
export function useSyncStatus() {
  return useQuery({ queryKey: ['sync', 'status'], queryFn: () => api<SyncStatus>('/sync/status'), refetchInterval: 5_000 });
}

/** Whole minutes, hours or days since `at` (the server's clock `now`), for "last synced 3 h ago". */
export function ageOf(at: string | null | undefined, now: string): { unit: 'never' | 'now' | 'min' | 'h' | 'days'; n: number } {
  if (!at) return { unit: 'never', n: 0 };
  const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(at)) / 1000));
  if (s < 60) return { unit: 'now', n: 0 };
  if (s < 3600) return { unit: 'min', n: Math.floor(s / 60) };
  if (s < 48 * 3600) return { unit: 'h', n: Math.floor(s / 3600) };
  return { unit: 'days', n: Math.floor(s / 86400) };
}
