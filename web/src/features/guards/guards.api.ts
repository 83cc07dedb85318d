// The guard force's API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import type { FaceQuality } from '../biometrics/biometrics.api';
import { imageAsDataUrl } from '../verify/verify.api';
import type { BoardResponse, HistoryResponse, OverviewResponse, PostResponse } from '../../../../src/modules/guards/guards.dto';

export type Board = z.input<typeof BoardResponse>;
export type Overview = z.input<typeof OverviewResponse>;
export type History = z.input<typeof HistoryResponse>;
export type Post = z.input<typeof PostResponse>;
export type GovernanceState = 'ok' | 'degraded' | 'critical';

export const STATE_COLOR: Record<string, string> = { ok: 'teal', degraded: 'orange', critical: 'red' };

export function useGuardOverview() {
  return useQuery({ queryKey: ['guards', 'overview'], queryFn: () => api<Overview>('/guards/overview'), refetchInterval: 15_000 });
}

export function useBoard(facilityId: string | null) {
  return useQuery({
    queryKey: ['guards', 'board', facilityId],
    queryFn: () => api<Board>(`/guards/facilities/${facilityId}/board`),
    enabled: !!facilityId,
    refetchInterval: 10_000,
  });
}

export function useRatioHistory(facilityId: string | null) {
  return useQuery({
    queryKey: ['guards', 'history', facilityId],
    queryFn: () => api<History>(`/guards/facilities/${facilityId}/ratio-history?limit=2000`),
    enabled: !!facilityId,
    refetchInterval: 30_000,
  });
}

export function usePosts(facilityId: string | null) {
  return useQuery({ queryKey: ['guards', 'posts', facilityId], queryFn: () => api<Post[]>(`/guards/facilities/${facilityId}/posts`), enabled: !!facilityId });
}

/** The engine's verdict on a frame through the guards' own route (the gate and the force's managers need no right over persons' biometrics). */
export const guardFaceQuality = async (image: Blob, purpose: 'enrol' | 'probe', signal?: AbortSignal) =>
  api<FaceQuality>('/guards/face/quality', { method: 'POST', body: { purpose, image: await imageAsDataUrl(image) }, signal });
