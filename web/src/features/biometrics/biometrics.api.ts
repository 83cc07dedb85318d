import type {
  EnrolResponse,
  FaceQualityResponse,
  FingerExceptionResponse,
  PersonBiometricsResponse,
  PhotoBatchResponse,
  PhotoResponse,
} from '../../../../src/modules/biometrics/biometrics.dto';
import { api } from '../../lib/api';
import { imageAsDataUrl } from '../verify/verify.api';

export type FaceQuality = FaceQualityResponse;
export type Enrolment = EnrolResponse;
export type PersonBiometrics = PersonBiometricsResponse;
export type Photo = PhotoResponse;
export type FingerException = FingerExceptionResponse;
export type FingerExceptionKind = FingerException['kind'];
export const FINGER_EXCEPTION_KINDS = ['amputated', 'unable_to_print', 'bandaged'] as const satisfies readonly FingerExceptionKind[];
export const FINGER_POSITIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
/** The API's limit on an image (IMAGE_MAX_BYTES): refused here first, with the reason. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** The face engine's verdict on a frame; nothing is stored. */
export async function checkFaceQuality(image: Blob, purpose: 'enrol' | 'probe', signal?: AbortSignal): Promise<FaceQuality> {
  return api<FaceQuality>('/biometrics/face/quality', { method: 'POST', body: { purpose, image: await imageAsDataUrl(image) }, signal });
}

/** Enrols a face; the capture's portrait becomes the record photo. Duplicate cases opened come back at once. */
export async function enrolFace(personId: string, image: Blob): Promise<Enrolment> {
  return api<Enrolment>(`/persons/${personId}/biometrics/face`, { method: 'POST', body: { image: await imageAsDataUrl(image) } });
}

/** Enrols one finger from a scanner's image file (PNG, TIFF, BMP, JPEG) at its resolution. */
export async function enrolFinger(personId: string, position: number, image: Blob, dpi: number): Promise<Enrolment> {
  return api<Enrolment>(`/persons/${personId}/biometrics/fingerprints/${position}`, { method: 'POST', body: { dpi, image: await imageAsDataUrl(image) } });
}

export function personBiometrics(personId: string, purpose: string): Promise<PersonBiometrics> {
  return api<PersonBiometrics>(`/persons/${personId}/biometrics`, { purpose });
}

/** Photos of these persons (those that have one and that the user may see), as data: URLs by person id. */
export async function personPhotos(personIds: string[], size: 'thumb' | 'full', purpose: string): Promise<Map<string, string>> {
  const res = await api<PhotoBatchResponse>('/persons/photos', { method: 'POST', body: { personIds, size }, purpose });
  return new Map(res.photos.map((p) => [p.personId, p.dataUrl]));
}

export function erasePhoto(personId: string, reason: string): Promise<Photo> {
  return api<Photo>(`/persons/${personId}/photo`, { method: 'DELETE', body: { reason } });
}

export function recordMissingFinger(personId: string, position: number, kind: FingerExceptionKind, note?: string): Promise<FingerException> {
  return api<FingerException>(`/persons/${personId}/biometrics/fingerprints/${position}/exception`, {
    method: 'PUT',
    body: { kind, note: note?.trim() || undefined },
  });
}

export function withdrawMissingFinger(personId: string, position: number, reason: string): Promise<FingerException> {
  return api<FingerException>(`/persons/${personId}/biometrics/fingerprints/${position}/exception`, { method: 'DELETE', body: { reason } });
}
