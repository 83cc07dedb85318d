// Sightings' API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, apiPage } from '../../lib/api';
import { imageAsDataUrl } from '../verify/verify.api';
import type { FaceQuality } from '../biometrics/biometrics.api';
import type {
  CheckLogResponse,
  CheckResponse,
  FiguresResponse,
  NoticeResponse,
  SightingResponse,
  WantedResponse,
} from '../../../../src/modules/sightings/sightings.dto';

export type CheckAnswer = z.input<typeof CheckResponse>;
export type CheckLog = z.input<typeof CheckLogResponse>;
export type Sighting = z.input<typeof SightingResponse>;
export type Wanted = z.input<typeof WantedResponse>;
export type Figures = z.input<typeof FiguresResponse>;
export type Notice = z.input<typeof NoticeResponse>;

export const NOTICE_FIELDS = ['names', 'sex', 'birth', 'nationalities', 'documents', 'escape', 'last_sighting'] as const;
export const RECIPIENT_KINDS = ['state_liaison', 'border_service', 'child_protection'] as const;

export const OUTCOME_COLOR: Record<string, string> = {
  detain: 'red',
  report_and_release: 'orange',
  refer_child_protection: 'grape',
  no_match: 'teal',
  retake: 'yellow',
};
export const STATUS_COLOR: Record<string, string> = { reported: 'orange', confirmed: 'red', rejected: 'gray', recaptured: 'teal' };

/** The checkpoint's own quality route (a checkpoint officer reads no biometrics). */
export function checkpointFaceQuality(image: Blob, _purpose: 'enrol' | 'probe', signal?: AbortSignal): Promise<FaceQuality> {
  return imageAsDataUrl(image).then((data) => api<FaceQuality>('/sightings/face-quality', { method: 'POST', body: { image: data }, signal }));
}

export interface CheckInput {
  place: string;
  latitude?: number;
  longitude?: number;
  face?: Blob | null;
  fingerprints?: File[];
  document?: { number: string; name?: string };
}

export async function runCheck(input: CheckInput): Promise<CheckAnswer> {
  return api<CheckAnswer>('/sightings/checks', {
    method: 'POST',
    body: {
      place: input.place,
      latitude: input.latitude,
      longitude: input.longitude,
      face: input.face ? await imageAsDataUrl(input.face) : undefined,
      fingerprints: input.fingerprints?.length ? await Promise.all(input.fingerprints.map(async (f) => ({ image: await imageAsDataUrl(f) }))) : undefined,
      document: input.document,
    },
  });
}

const page = <T>(path: string) => apiPage<T>(path);

export function useSightings() {
  return useQuery({ queryKey: ['sightings', 'list'], queryFn: () => page<Sighting>('/sightings?limit=500'), refetchInterval: 10_000 });
}
export function useWanted() {
  return useQuery({ queryKey: ['sightings', 'wanted'], queryFn: () => page<Wanted>('/sightings/wanted?limit=500'), refetchInterval: 30_000 });
}
export function useFigures() {
  return useQuery({ queryKey: ['sightings', 'figures'], queryFn: () => api<Figures>('/sightings/figures'), refetchInterval: 30_000 });
}
export function useChecks() {
  return useQuery({ queryKey: ['sightings', 'checks'], queryFn: () => page<CheckLog>('/sightings/checks?limit=100'), refetchInterval: 15_000 });
}
export function useNotices(enabled: boolean) {
  return useQuery({ queryKey: ['sightings', 'notices'], queryFn: () => page<Notice>('/sightings/notices?limit=200'), enabled });
}
