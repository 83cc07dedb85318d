import type { z } from 'zod';
import { isDomainError } from '../../platform/errors';
import { requirePermission, type Actor } from '../access';
import { checkImage } from './biometrics.domain';
import type { FaceQualityResponse } from './biometrics.dto';
import type { BiometricGalleries } from './biometrics.galleries';

export type FaceQualityView = z.output<typeof FaceQualityResponse>;

/**
 * The face engine's verdict on a frame, before anything is saved: the capture screens show it live (one face, size,
 * pose, sharpness) so the operator retakes before enrolling. Nothing is stored or audited: no person is named.
 * Unreadable images are refused (400) as at enrolment; an image the rules refuse is a verdict, not an error.
 */
export async function faceQuality(galleries: BiometricGalleries, actor: Actor, image: Uint8Array, purpose: 'enrol' | 'probe'): Promise<FaceQualityView> {
  requirePermission(actor, 'biometrics.read');
  checkImage(image);
  const engine = await galleries.faceEngine();
  try {
    const t = await engine.extract(image, { purpose });
    return { ok: true, score: t.quality.score, issues: [], box: { x: t.box.x, y: t.box.y, width: t.box.width, height: t.box.height } };
  } catch (err) {
    if (!isDomainError(err) || !QUALITY_CODES.has(err.code)) throw err;
    const issues = (err.details as { issues?: { code: string; message: string }[] } | undefined)?.issues ?? [{ code: err.code, message: err.message }];
    return { ok: false, score: 0, issues, box: null };
  }
}

const QUALITY_CODES = new Set(['face.no_face', 'face.multiple_faces', 'face.too_small', 'face.pose', 'face.blurred', 'face.too_dark', 'face.too_bright']);
