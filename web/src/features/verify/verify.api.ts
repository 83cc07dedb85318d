import type { IdentificationResponse, VerificationDecisionResponse, VerificationResponse } from '../../../../src/modules/biometrics/biometrics.dto';
import { api } from '../../lib/api';

export type Verification = VerificationResponse;
export type Identification = IdentificationResponse;
export type Candidate = Identification['candidates'][number];
export type VerificationDecision = VerificationDecisionResponse;
export type Modality = Verification['modality'];

/** What a capture hands over: an image (a camera frame or a file), and for a fingerprint its finger and resolution. */
export interface Probe {
  modality: Modality;
  image: Blob;
  fingerPosition?: number;
  dpi?: number;
}

/** The image as a data: URL, the form the API takes in JSON ({image}). */
export function imageAsDataUrl(image: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('The image could not be read'));
    r.readAsDataURL(image);
  });
}

/** 1:1: is this the claimed person? The answer is recorded; its id is the reference a mark or event cites. */
export async function verifyPerson(personId: string, probe: Probe): Promise<Verification> {
  return api<Verification>('/biometrics/verify', {
    method: 'POST',
    body: {
      personId,
      modality: probe.modality,
      fingerPosition: probe.modality === 'fingerprint' ? probe.fingerPosition : undefined,
      dpi: probe.modality === 'fingerprint' ? probe.dpi : undefined,
      image: await imageAsDataUrl(probe.image),
    },
  });
}

/** 1:N: the enrolled persons most like the probe, in the caller's scope; a list of candidates, never a decision. */
export async function identifyProbe(probe: Probe, opts: { limit?: number; purpose?: string } = {}): Promise<Identification> {
  return api<Identification>('/biometrics/identify', {
    method: 'POST',
    purpose: opts.purpose,
    body: {
      modality: probe.modality,
      limit: opts.limit ?? 10,
      dpi: probe.modality === 'fingerprint' ? probe.dpi : undefined,
      image: await imageAsDataUrl(probe.image),
    },
  });
}

/** The officer's decision on a verification (recorded in the audit log of the person). */
export function decideVerification(id: string, decision: VerificationDecision['decision'], reason?: string): Promise<VerificationDecision> {
  return api<VerificationDecision>(`/biometrics/verifications/${id}/decision`, { method: 'POST', body: { decision, reason: reason?.trim() || undefined } });
}
