/**
 * Capture to descriptor on one thread: decode (sharp) -> detect (SSD MobileNet, with fallbacks) -> 68 landmarks ->
 * align to the canonical crop -> describe (ResNet-29 recognition net, the face and its mirror image fused).
 * Runs @vladmandic/face-api on @tensorflow/tfjs with the WASM backend; models and WASM binaries load from files in
 * node_modules, never from the network. One pipeline per thread: the worker pool runs one in each worker.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type * as TF from '@tensorflow/tfjs';
import { ValidationError } from '../../../platform/errors';
import {
  alignmentTransform,
  assessQuality,
  exposureOf,
  fuseDescriptors,
  poseFromLandmarks,
  rankFaces,
  sharpnessOf,
  warpToCrop,
  type Box,
  type CapturePurpose,
  type FaceMeasures,
  type Point,
  type QualityReport,
  type RgbImage,
  type Similarity,
} from './face.domain';

const tf = faceapi.tf as unknown as typeof TF;
const require = createRequire(import.meta.url);

/** Input limits: anything beyond is refused before decoding. */
export const IMAGE_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  minSide: 32,
  /** Larger images are reduced to this longest side before detection (faces stay far above the size rule). */
  workingMaxSide: 1280,
};

/** Side and padding of the aligned crop the recognition net reads (the geometry of its training chips). */
export const CROP_SIZE = 150;
export const CROP_PADDING = 0.25;
const LANDMARK_INPUT = 112;
const TINY_MIN_SCORE = 0.5;
/** Least landmarkAgreement for the tiny detector's face to stand without the SSD search (variant `tiny`). */
export const TINY_AGREEMENT = 0.5;
/**
 * Largest distance of the tiny detector's face from the image centre (over the diagonal) for it to stand without the
 * SSD search (variant `tiny`); chosen by the identity-split protocol on each fold (docs/benchmarks.md, "Faces").
 */
export const TINY_MAX_OFFSET = 0.1;

export interface FaceCapture {
  /** Unit-length 128-d descriptor. */
  descriptor: Float32Array;
  /**
   * The quality decision and what it was based on. Measures are taken on the working image (longest side at most
   * IMAGE_LIMITS.workingMaxSide): a larger upload is reduced first, and sizes in `measures` are in its pixels.
   */
  quality: QualityReport & { measures: FaceMeasures };
  /** The chosen face in the original image's pixels. */
  box: Box;
  landmarks: Point[];
}

export interface PipelineOptions {
  /** Folder holding face-api's model files; defaults to the one shipped in the npm package. */
  modelDir?: string;
  /** Folder holding tfjs-backend-wasm's .wasm binaries; defaults to the package's dist folder. */
  wasmDir?: string;
}

/** Tuning knobs of the pipeline, exposed so the benchmark can measure each step; defaults are the measured best. */
export interface PipelineVariant {
  minConfidence: number;
  /** Average the descriptors of the crop and its mirror image. */
  mirror: boolean;
  /** Re-run the landmark net this many times on a box rebuilt from the previous landmarks. */
  refinePasses: number;
  /** Primary detector: SSD MobileNet v1 (slower, more reliable) or the tiny detector; the other is the fallback. */
  detector: 'ssd' | 'tiny';
  /** Average landmarks from the crop and its mirror. */
  mirrorLandmarks: boolean;
  /** Align by landmarks (similarity transform); false = the detector's box resized, as face-api does by default. */
  align: boolean;
}

export const DEFAULT_VARIANT: PipelineVariant = {
  minConfidence: 0.2,
  mirror: true,
  refinePasses: 2,
  detector: 'ssd',
  mirrorLandmarks: true,
  align: true,
};

function defaultModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

function defaultWasmDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

let backendReady: Promise<void> | undefined;

async function initBackend(wasmDir: string): Promise<void> {
  const wasm = faceapi.tf as unknown as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the tfjs WASM backend could not start');
  await tf.ready();
  tf.enableProdMode();
}

/** Decodes JPEG/PNG/WebP into RGB, refusing empty, corrupt, oversized and tiny images with a reason. */
export async function decodeImage(buf: Uint8Array): Promise<{ image: RgbImage; scale: number }> {
  if (buf.byteLength === 0) throw new ValidationError('face.empty_image', 'The image is empty');
  if (buf.byteLength > IMAGE_LIMITS.maxBytes) {
    throw new ValidationError('face.image_too_large', `The image is larger than ${IMAGE_LIMITS.maxBytes} bytes`);
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch {
    throw new ValidationError('face.corrupt_image', 'The image could not be read (not a JPEG, PNG or WebP file)');
  }
  if (!meta.format || !['jpeg', 'png', 'webp'].includes(meta.format)) {
    throw new ValidationError('face.unsupported_format', `Image format ${meta.format ?? 'unknown'} is not supported`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > IMAGE_LIMITS.maxPixels) {
    throw new ValidationError('face.image_too_large', `The image has ${w}x${h} pixels, more than ${IMAGE_LIMITS.maxPixels}`);
  }
  if (w < IMAGE_LIMITS.minSide || h < IMAGE_LIMITS.minSide) {
    throw new ValidationError('face.image_too_small', `The image is ${w}x${h} pixels; a face needs more`);
  }
  try {
    let pipe = sharp(buf, { limitInputPixels: IMAGE_LIMITS.maxPixels, failOn: 'error' }).rotate();
    const longest = Math.max(w, h);
    let scale = 1;
    if (longest > IMAGE_LIMITS.workingMaxSide) {
      scale = IMAGE_LIMITS.workingMaxSide / longest;
      pipe = pipe.resize({ width: IMAGE_LIMITS.workingMaxSide, height: IMAGE_LIMITS.workingMaxSide, fit: 'inside' });
    }
    const { data, info } = await pipe.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return {
      image: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height },
      scale,
    };
  } catch {
    throw new ValidationError('face.corrupt_image', 'The image is damaged and could not be decoded');
  }
}

interface Detection {
  box: Box;
  score: number;
}

/** iBUG 68-point index of each point's mirror partner. */
const MIRROR_68: number[] = (() => {
  const m = Array.from({ length: 68 }, (_, i) => i);
  const pair = (a: number[], b: number[]) => a.forEach((x, i) => ((m[x] = b[i]!), (m[b[i]!] = x)));
  const seq = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  pair(seq(0, 7), seq(9, 16).reverse()); // jaw
  pair(seq(17, 21), seq(22, 26).reverse()); // brows
  pair([31, 32], [35, 34]); // nostrils
  pair([36, 37, 38, 39, 40, 41], [45, 44, 43, 42, 47, 46]); // eyes
  pair([48, 49, 50], [54, 53, 52]); // upper lip
  pair([59, 58], [55, 56]); // lower lip
  pair([60, 61], [64, 63]); // inner upper lip
  pair([67], [65]); // inner lower lip
  return m;
})();

export class FacePipeline {
  private constructor(readonly variant: PipelineVariant) {}

  /** Loads the backend and the three models (detector, landmarks, recognition) from files. */
  static async create(opts: PipelineOptions = {}, variant: Partial<PipelineVariant> = {}): Promise<FacePipeline> {
    backendReady ??= initBackend(opts.wasmDir ?? defaultWasmDir());
    await backendReady;
    const dir = opts.modelDir ?? defaultModelDir();
    const nets = faceapi.nets;
    if (!nets.ssdMobilenetv1.isLoaded) await nets.ssdMobilenetv1.loadFromDisk(dir);
    if (!nets.faceLandmark68Net.isLoaded) await nets.faceLandmark68Net.loadFromDisk(dir);
    if (!nets.faceRecognitionNet.isLoaded) await nets.faceRecognitionNet.loadFromDisk(dir);
    if (!nets.tinyFaceDetector.isLoaded) await nets.tinyFaceDetector.loadFromDisk(dir);
    return new FacePipeline({ ...DEFAULT_VARIANT, ...variant });
  }

  /** Full capture: decode, find the face, check its quality for `purpose`, and describe it. Throws with a reason. */
  async extract(buf: Uint8Array, purpose: CapturePurpose): Promise<FaceCapture> {
    const { image, scale } = await decodeImage(buf);
    const capture = await this.extractFromImage(image, purpose);
    if (scale !== 1) {
      const s = 1 / scale;
      capture.box = { x: capture.box.x * s, y: capture.box.y * s, width: capture.box.width * s, height: capture.box.height * s };
      capture.landmarks = capture.landmarks.map((p) => ({ x: p.x * s, y: p.y * s }));
    }
    return capture;
  }

  async extractFromImage(image: RgbImage, purpose: CapturePurpose): Promise<FaceCapture> {
    // A dark picture hides its face from the detectors: look again with its levels stretched, so that enrolment can
    // say "too dark" (measured on the picture as taken) rather than "no face", and a probe is still compared.
    let work = image;
    let located: Awaited<ReturnType<FacePipeline['locate']>>;
    try {
      located = await this.locate(image);
    } catch (err) {
      const brighter = stretchDarkImage(image);
      if (!brighter || (err as { code?: string }).code !== 'face.no_face') throw err;
      located = await this.locate(brighter);
      work = brighter;
    }
    const { found, main, landmarks } = located;
    const toCrop = this.cropTransform(landmarks, main.box);
    const crop = warpToCrop(work, toCrop, CROP_SIZE);
    const pose = poseFromLandmarks(landmarks);
    const measures: FaceMeasures = {
      faces: found.faces,
      imageWidth: image.width,
      imageHeight: image.height,
      ...pose,
      sharpness: sharpnessOf(crop, CROP_SIZE),
      exposure: exposureOf(work === image ? crop : warpToCrop(image, toCrop, CROP_SIZE), CROP_SIZE),
      fallback: found.fallback,
    };
    const quality = assessQuality(measures, purpose);
    if (!quality.ok) {
      const first = quality.issues[0]!;
      throw new ValidationError(first.code, quality.issues.map((i) => i.message).join('; '), { issues: quality.issues });
    }
    const crops = [crop];
    if (this.variant.mirror) crops.push(warpToCrop(work, toCrop, CROP_SIZE, true));
    const descriptor = fuseDescriptors(await this.describe(crops));
    return {
      descriptor,
      quality: { ...quality, measures },
      box: main.box,
      landmarks,
    };
  }

  /**
   * The faces in the image and the chosen one's 68 landmarks. With the tiny detector first (variant `tiny`), its face
   * is kept only when it is confident (score >= 0.5), near the centre (TINY_MAX_OFFSET) and agrees with the landmarks
   * found in it (the box rebuilt from them overlaps the detector's square by at least TINY_AGREEMENT); otherwise the
   * SSD search decides, as it does alone in variant `ssd` (the default).
   */
  async locate(image: RgbImage): Promise<{ found: { faces: Detection[]; fallback: boolean }; main: Detection; landmarks: Point[] }> {
    if (this.variant.detector === 'tiny') {
      const faces = await this.detectTiny(image, 416, TINY_MIN_SCORE);
      const first = faces[0];
      // An off-centre face is often a bystander while the subject went unseen (measured on LFW): let SSD look.
      if (first && centreOffset(first.box, image) <= TINY_MAX_OFFSET) {
        const landmarks = await this.landmarks(image, first.box);
        if (landmarkAgreement(first.box, landmarks) >= TINY_AGREEMENT) return { found: { faces, fallback: false }, main: first, landmarks };
      }
    }
    const found = await this.detect(image);
    const main = found.faces[0];
    if (!main) throw new ValidationError('face.no_face', 'No face was found in the image');
    return { found, main, landmarks: await this.landmarks(image, main.box) };
  }

  /**
   * Finds faces with the SSD detector, best first. When it finds nothing it runs again on the image placed in a larger
   * grey frame (a face that fills the picture, or is cut by its edge, looks like a face again), then the tiny detector
   * tries at two scales.
   */
  async detect(image: RgbImage): Promise<{ faces: Detection[]; fallback: boolean }> {
    const ranked = (faces: Detection[], fallback: boolean) => ({ faces: rank(faces, image), fallback });
    let faces = await this.ssd(image, this.variant.minConfidence);
    if (faces.length > 0) return ranked(faces, false);
    const pad = Math.round(Math.max(image.width, image.height) * 0.3);
    const framed = padImage(image, pad);
    faces = (await this.ssd(framed, 0.1)).map((f) => shiftDetection(f, -pad, -pad));
    if (faces.length > 0) return ranked(faces, true);
    for (const inputSize of [416, 608]) {
      faces = await this.tiny(image, inputSize, 0.2);
      if (faces.length > 0) return ranked(faces, true);
    }
    return { faces: [], fallback: true };
  }

  /** The tiny detector alone (for measurements). */
  async detectTiny(image: RgbImage, inputSize: number, minScore: number): Promise<Detection[]> {
    return rank(await this.tiny(image, inputSize, minScore), image);
  }

  private async ssd(image: RgbImage, minConfidence: number): Promise<Detection[]> {
    const t = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const dets = await faceapi.nets.ssdMobilenetv1.locateFaces(t as never, new faceapi.SsdMobilenetv1Options({ minConfidence }));
      return dets.map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }));
    } finally {
      t.dispose();
    }
  }

  private async tiny(image: RgbImage, inputSize: number, scoreThreshold: number): Promise<Detection[]> {
    const t = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const dets = await faceapi.nets.tinyFaceDetector.locateFaces(t as never, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold }));
      return dets.map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }));
    } finally {
      t.dispose();
    }
  }

  /** 68 landmarks in image pixels for the face in `box`. */
  async landmarks(image: RgbImage, box: Box): Promise<Point[]> {
    let pts = await this.landmarksInSquare(image, squareAround(box));
    for (let i = 0; i < this.variant.refinePasses; i++) {
      // The landmark net is most accurate when the face sits in its input as in training (the SSD box, squared):
      // rebuild that box from the last estimate, so the result depends little on which detector found the face.
      pts = await this.landmarksInSquare(image, boxFromLandmarks(pts));
    }
    return pts;
  }

  private async landmarksInSquare(image: RgbImage, sq: Box): Promise<Point[]> {
    const s = LANDMARK_INPUT / sq.width;
    const toInput: Similarity = { a: s, b: 0, tx: -sq.x * s, ty: -sq.y * s };
    const inputs = [warpToCrop(image, toInput, LANDMARK_INPUT)];
    if (this.variant.mirrorLandmarks) inputs.push(warpToCrop(image, toInput, LANDMARK_INPUT, true));
    const batch = tf.tensor4d(concat(inputs), [inputs.length, LANDMARK_INPUT, LANDMARK_INPUT, 3], 'float32');
    let rel: Float32Array;
    try {
      const input = new faceapi.NetInput(tf.unstack(batch) as never, true);
      const out = faceapi.nets.faceLandmark68Net.runNet(input) as unknown as TF.Tensor2D;
      rel = (await out.data()) as Float32Array;
      out.dispose();
      (input.imageTensors as unknown as TF.Tensor[]).forEach((t) => t.dispose());
    } finally {
      batch.dispose();
    }
    const pts: Point[] = [];
    for (let i = 0; i < 68; i++) {
      let x = rel[i * 2]!;
      let y = rel[i * 2 + 1]!;
      if (inputs.length === 2) {
        const j = MIRROR_68[i]!;
        x = (x + 1 - rel[136 + j * 2]!) / 2;
        y = (y + rel[136 + j * 2 + 1]!) / 2;
      }
      pts.push({ x: sq.x + x * sq.width, y: sq.y + y * sq.height });
    }
    return pts;
  }

  cropTransform(landmarks: Point[], box: Box): Similarity {
    if (this.variant.align) return alignmentTransform(landmarks, CROP_SIZE, CROP_PADDING);
    const sq = squareAround(box);
    const s = CROP_SIZE / sq.width;
    return { a: s, b: 0, tx: -sq.x * s, ty: -sq.y * s };
  }

  /** Descriptors of aligned crops (CROP_SIZE square RGB floats), in one batch. */
  async describe(crops: Float32Array[]): Promise<Float32Array[]> {
    const batch = tf.tensor4d(concat(crops), [crops.length, CROP_SIZE, CROP_SIZE, 3], 'float32');
    try {
      const input = new faceapi.NetInput(tf.unstack(batch) as never, true);
      const out = faceapi.nets.faceRecognitionNet.forwardInput(input) as unknown as TF.Tensor2D;
      const flat = (await out.data()) as Float32Array;
      out.dispose();
      (input.imageTensors as unknown as TF.Tensor[]).forEach((t) => t.dispose());
      const dim = flat.length / crops.length;
      return crops.map((_, i) => flat.slice(i * dim, (i + 1) * dim));
    } finally {
      batch.dispose();
    }
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function centroid(points: Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/**
 * The square the SSD detector typically puts around a face, rebuilt from 68 landmarks: measured on LFW, its side is
 * 1.22x the landmarks' horizontal extent and its centre sits 0.077 sides above their centroid.
 */
function boxFromLandmarks(pts: Point[]): Box {
  let minX = Infinity;
  let maxX = -Infinity;
  for (const p of pts) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
  }
  const c = centroid(pts);
  const side = 1.22 * (maxX - minX);
  return { x: c.x - side / 2, y: c.y - 0.077 * side - side / 2, width: side, height: side };
}

/**
 * How well a detector's box agrees with the landmarks found in it: intersection over union of the box (squared) and
 * the box rebuilt from the landmarks. Low when the landmark net was given something that is not a face, or a face
 * the box cuts badly.
 */
export function landmarkAgreement(box: Box, landmarks: Point[]): number {
  const a = squareAround(box);
  const b = boxFromLandmarks(landmarks);
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Distance of a box's centre from the image's centre, over the image's diagonal. */
export function centreOffset(box: Box, image: { width: number; height: number }): number {
  return Math.hypot(box.x + box.width / 2 - image.width / 2, box.y + box.height / 2 - image.height / 2) / Math.hypot(image.width, image.height);
}

function squareAround(b: Box): Box {
  const side = Math.max(b.width, b.height);
  return { x: b.x + b.width / 2 - side / 2, y: b.y + b.height / 2 - side / 2, width: side, height: side };
}

function shiftDetection(d: Detection, dx: number, dy: number): Detection {
  return { score: d.score, box: { ...d.box, x: d.box.x + dx, y: d.box.y + dy } };
}

function rank(faces: Detection[], image: RgbImage): Detection[] {
  return rankFaces(faces, image);
}

/** Whole-image mean grey level below which a picture with no face found is looked at again, levels stretched. */
const DARK_IMAGE_MEAN_LUMA = 60;

/**
 * The image with its levels stretched (the 99th percentile of grey brought to 230), when it is dark; undefined when
 * it is not dark or is almost black (nothing to recover).
 */
export function stretchDarkImage(image: RgbImage): RgbImage | undefined {
  const hist = new Uint32Array(256);
  const n = image.width * image.height;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const g = Math.round(0.299 * image.data[i * 3]! + 0.587 * image.data[i * 3 + 1]! + 0.114 * image.data[i * 3 + 2]!);
    hist[g]!++;
    sum += g;
  }
  if (sum / n >= DARK_IMAGE_MEAN_LUMA) return undefined;
  let seen = 0;
  let p99 = 255;
  for (let g = 0; g < 256; g++) {
    seen += hist[g]!;
    if (seen >= 0.99 * n) {
      p99 = g;
      break;
    }
  }
  if (p99 < 8) return undefined;
  const gain = 230 / p99;
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.round(image.data[i]! * gain));
  return { data, width: image.width, height: image.height };
}

/** The image centred in a frame `pad` pixels wider on each side, filled with mid grey. */
function padImage(image: RgbImage, pad: number): RgbImage {
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + pad) * width + pad) * 3);
  }
  return { data, width, height };
}
