/**
 * Face capture and comparison: the import surface of the face part of the biometrics module.
 *
 * - `createFaceEngine({workers})` turns an image (JPEG, PNG or WebP bytes) into a template: a unit-length 128-d
 *   descriptor with its quality report and face box, or refuses it with a `ValidationError` whose code says why.
 * - `faceSimilarity(a, b)` compares two descriptors (cosine; higher is more alike).
 * - `FACE_THRESHOLDS` are the decision thresholds, each with the false match rate it was chosen to hold.
 */
import { availableParallelism } from 'node:os';
import { cosineSimilarity, type Box, type CapturePurpose } from './face.domain';
import { FacePipeline, type FaceCapture, type PipelineOptions } from './face.pipeline';
import { FaceWorkerPool } from './face.pool';

export type { Box, CapturePurpose, Point, QualityIssue, QualityReason, QualityReport } from './face.domain';
export { FACE_DESCRIPTOR_DIM, QUALITY_LIMITS, cosineSimilarity, l2Normalize } from './face.domain';
export type { FaceCapture, PipelineOptions } from './face.pipeline';
export { IMAGE_LIMITS } from './face.pipeline';

/**
 * Tag stored with every face template: descriptors from another model (or another pipeline version that changes the
 * crop) are not comparable, and a gallery must refuse to mix them.
 */
export const FACE_MODEL = {
  name: 'face-api.faceRecognitionNet',
  /** @vladmandic/face-api release that ships the weights. */
  modelVersion: '1.7.15',
  /** Version of this pipeline (detection, alignment, mirror fusion, normalisation). */
  pipelineVersion: 2,
  /** `name@modelVersion/pN`: the tag written into encrypted templates. */
  tag: 'face-api.faceRecognitionNet@1.7.15/p2',
  dimension: 128,
} as const;

/**
 * Decision thresholds on `faceSimilarity`. Rule: the lowest score (rounded up to 0.001) whose false match rate,
 * measured on every cross-identity pair of the LFW development set (213,721 impostor pairs, 368 identities; see
 * docs/benchmarks.md, "Faces"), stays within the target. Two-fold cross-validation over identities puts the held-out
 * FMR of such a threshold at 0.3x to 2.5x its target for 1e-3 (0 to 6x for 1e-4): with 368 identities the target is
 * good to a factor of a few, not to its last digit.
 * - `verify`: 1:1 verification (is this the enrolled person?), targeting FMR 1e-3 (measured 0.98e-3); TAR 0.948 there.
 * - `identify`: 1:N candidate lists at checkpoints, targeting FMR 1e-4 per comparison (a gallery of N persons yields
 *   about N x 1e-4 false candidates per search); measured FMR 0.94e-4, TAR 0.83 there.
 */
export const FACE_THRESHOLDS = {
  verify: { threshold: 0.93, targetFmr: 1e-3 },
  identify: { threshold: 0.945, targetFmr: 1e-4 },
} as const;

/** Similarity of two face descriptors: cosine in [-1, 1], higher is more alike. */
export function faceSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return cosineSimilarity(a, b);
}

export interface FaceDecision {
  score: number;
  match: boolean;
  threshold: number;
  /** The false match rate the threshold was chosen to hold. */
  targetFmr: number;
}

/** 1:1 verification of a probe against an enrolled descriptor, at the `verify` threshold. */
export function verifyFace(enrolled: ArrayLike<number>, probe: ArrayLike<number>): FaceDecision {
  const score = faceSimilarity(enrolled, probe);
  const { threshold, targetFmr } = FACE_THRESHOLDS.verify;
  return { score, match: score >= threshold, threshold, targetFmr };
}

export interface FaceCandidate {
  id: string;
  score: number;
}

/**
 * 1:N identification over a gallery of face descriptors (see `../gallery`): the top `k` candidates at or above the
 * `identify` threshold, best first. An empty list means nobody enrolled resembles the probe enough.
 */
export function identifyFace(
  gallery: { search(probe: ArrayLike<number>, opts: { k?: number; minScore?: number }): FaceCandidate[] },
  probe: ArrayLike<number>,
  k = 5,
): { candidates: FaceCandidate[]; threshold: number; targetFmr: number } {
  const { threshold, targetFmr } = FACE_THRESHOLDS.identify;
  return { candidates: gallery.search(probe, { k, minScore: threshold }), threshold, targetFmr };
}

export interface ExtractOptions {
  /** `enrol` applies the strict quality rules (one face, size, pose, sharpness); `probe` only needs a face. */
  purpose: CapturePurpose;
}

export interface FaceTemplate {
  /** Unit-length descriptor (FACE_MODEL.dimension floats). */
  descriptor: Float32Array;
  quality: FaceCapture['quality'];
  /** The face's box in the image's pixels. */
  box: Box;
  model: typeof FACE_MODEL.tag;
}

export interface FaceEngine {
  /** Decode, detect, check quality, describe. Rejects with a ValidationError (`face.*` code) when refused. */
  extract(image: Uint8Array, opts: ExtractOptions): Promise<FaceTemplate>;
  /** Resolves when the models are loaded in every worker (extract waits for it anyway). */
  ready(): Promise<void>;
  close(): Promise<void>;
  readonly workers: number;
}

export interface FaceEngineOptions extends PipelineOptions {
  /** Worker threads; default one per core. 0 runs the pipeline on the calling thread. */
  workers?: number;
}

/** Starts the face engine: `workers` threads each load the models once, then serve captures in parallel. */
export function createFaceEngine(opts: FaceEngineOptions = {}): FaceEngine {
  const { workers = availableParallelism(), ...pipelineOptions } = opts;
  const toTemplate = (c: FaceCapture): FaceTemplate => ({
    descriptor: c.descriptor,
    quality: c.quality,
    box: c.box,
    model: FACE_MODEL.tag,
  });
  if (workers === 0) {
    const pipeline = FacePipeline.create(pipelineOptions);
    pipeline.catch(() => undefined);
    return {
      workers: 0,
      ready: async () => void (await pipeline),
      extract: async (image, { purpose }) => toTemplate(await (await pipeline).extract(image, purpose)),
      close: async () => undefined,
    };
  }
  const pool = new FaceWorkerPool(workers, pipelineOptions);
  return {
    workers,
    ready: () => pool.ready,
    extract: async (image, { purpose }) => {
      await pool.ready;
      return toTemplate(await pool.run(image, purpose));
    },
    close: () => pool.close(),
  };
}
