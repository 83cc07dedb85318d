import { systemActor } from '../access';
import { checkImage } from './biometrics.domain';
import type { BiometricGalleries } from './biometrics.galleries';
import { faceQuality, type FaceQualityView } from './biometrics.quality';
import { openDescriptor, sealDescriptor, zeroize } from './template-crypto';

/** A face template sealed for another module's own table (never in the persons' galleries). */
export interface SealedFace {
  /** AES-256-GCM envelope under the template key, bound to the caller's `bindTo` (e.g. `guard_staff:<id>`). */
  envelope: Buffer;
  model: string;
  keyId: string;
  quality: number;
}

/** The engine's 1:1 decision on a probe against one sealed template, at the face `verify` threshold. */
export interface SealedFaceDecision {
  score: number;
  match: boolean;
  threshold: number;
  targetFmr: number;
  model: string;
}

/**
 * Faces of people who are not persons in custody (the guard force's staff): the same engine, the same template key
 * and envelope, the same 1:1 threshold as the persons' templates, but the caller keeps the envelope in its own table
 * and nothing enters the persons' galleries, so a 1:N search of persons can never return a guard. Authorisation,
 * recording and auditing are the caller's: these functions only extract, seal, open and compare.
 */
export class SealedFaces {
  constructor(private readonly galleries: BiometricGalleries) {}

  /** Extracts an enrolment-quality face (the strict rules; `face.*` 400s when refused) and seals it. */
  async seal(image: Uint8Array, bindTo: string): Promise<SealedFace> {
    checkImage(image);
    const [face, key, engine] = await Promise.all([this.galleries.face(), this.galleries.templateKey(), this.galleries.faceEngine()]);
    const t = await engine.extract(image, { purpose: 'enrol' });
    try {
      return {
        envelope: sealDescriptor(key, t.descriptor, { model: face.FACE_MODEL.tag, bindTo }),
        model: face.FACE_MODEL.tag,
        keyId: key.id,
        quality: t.quality.score,
      };
    } finally {
      zeroize(t.descriptor);
    }
  }

  /**
   * 1:1: a probe against one sealed template. A template of another model or key, or one moved to another owner (the
   * binding differs), is refused by the envelope (`biometrics.template_*` 400s), never compared.
   */
  async verify(envelope: Uint8Array, bindTo: string, image: Uint8Array): Promise<SealedFaceDecision> {
    checkImage(image);
    const [face, key, engine] = await Promise.all([this.galleries.face(), this.galleries.templateKey(), this.galleries.faceEngine()]);
    const enrolled = openDescriptor(key, envelope, { expectModel: face.FACE_MODEL.tag, bindTo });
    const probe = await engine.extract(image, { purpose: 'probe' });
    try {
      const d = face.verifyFace(enrolled.descriptor, probe.descriptor);
      return { score: d.score, match: d.match, threshold: d.threshold, targetFmr: d.targetFmr, model: enrolled.model };
    } finally {
      zeroize(enrolled.descriptor);
      zeroize(probe.descriptor);
    }
  }

  /** The engine's verdict on a frame for these screens (nothing stored, nobody named). */
  quality(image: Uint8Array, purpose: 'enrol' | 'probe'): Promise<FaceQualityView> {
    return faceQuality(this.galleries, systemActor('sealed face quality'), image, purpose);
  }
}
