/**
 * Pure face math: descriptor normalisation and similarity, the canonical-crop alignment (a least-squares similarity
 * transform from detected landmarks to a reference face, then bilinear resampling), and the quality rules that decide
 * whether a capture is good enough to enrol or to search with. No I/O, no models: the pipeline feeds these numbers.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Descriptor length of the recognition net (a ResNet-29 metric-learning net, 128 outputs). */
export const FACE_DESCRIPTOR_DIM = 128;

// ---------------------------------------------------------------------------------------------------------------------
// Descriptors

/** Returns a unit-length copy of `v` (a zero vector stays zero). */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  const out = new Float32Array(v.length);
  if (sum === 0) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ: ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Cosine similarity in [-1, 1]; higher is more alike. Works on raw or normalised descriptors. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ: ${a.length} and ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 || bb === 0) return 0;
  return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
}

/** Mean of several descriptors, normalised: used to fuse the descriptor of a face and of its mirror image. */
export function fuseDescriptors(list: ArrayLike<number>[]): Float32Array {
  const first = list[0];
  if (!first) throw new RangeError('no descriptor to fuse');
  const acc = new Float64Array(first.length);
  for (const d of list) {
    const n = l2Normalize(d);
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (n[i] as number);
  }
  return l2Normalize(acc);
}

// ---------------------------------------------------------------------------------------------------------------------
// Alignment

/** A 2-D similarity transform x' = a*x - b*y + tx, y' = b*x + a*y + ty (rotation, uniform scale, translation). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity transform mapping `from[i]` onto `to[i]` (closed form, Umeyama without reflection). */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n < 2 || n !== to.length) throw new RangeError('need at least two matching point pairs');
  let fx = 0;
  let fy = 0;
  let gx = 0;
  let gy = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]!.x;
    fy += from[i]!.y;
    gx += to[i]!.x;
    gy += to[i]!.y;
  }
  fx /= n;
  fy /= n;
  gx /= n;
  gy /= n;
  let sxx = 0; // sum of |p|^2 over centred source points
  let sdot = 0; // sum of p . q
  let scross = 0; // sum of p x q
  for (let i = 0; i < n; i++) {
    const px = from[i]!.x - fx;
    const py = from[i]!.y - fy;
    const qx = to[i]!.x - gx;
    const qy = to[i]!.y - gy;
    sxx += px * px + py * py;
    sdot += px * qx + py * qy;
    scross += px * qy - py * qx;
  }
  if (sxx === 0) throw new RangeError('source points are all identical');
  const a = sdot / sxx;
  const b = scross / sxx;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (d === 0) throw new RangeError('degenerate transform');
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Scale of a similarity transform (how many output pixels per input pixel). */
export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

/**
 * Reference positions of the 68-point (iBUG) landmarks 17..67 in a unit square, the mean face that dlib's face chips
 * (and so the recognition net's training crops) are aligned to. Values from dlib's `get_face_chip_details`
 * (dlib/image_transforms/interpolation.h, Boost Software License 1.0).
 */
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688,
  0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335,
  0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127,
  0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
  0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077,
  0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746,
  0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/**
 * Landmarks used to fit the alignment: nose (27-35), eyes (36-47), upper lip (48-54) and inner upper lip (60-64).
 * Eyebrows and the lower lip move with expression, and the jaw line is unreliable, so they are left out.
 */
export const ALIGNMENT_LANDMARKS: readonly number[] = [
  ...range(27, 55), // 27..54
  ...range(60, 65), // 60..64
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Where landmark `index` (17..67) sits in a `size`x`size` crop with `padding` (fraction of the face) on each side. */
export function canonicalLandmark(index: number, size: number, padding: number): Point {
  const x = MEAN_FACE_X[index - 17];
  const y = MEAN_FACE_Y[index - 17];
  if (x === undefined || y === undefined) throw new RangeError(`no reference position for landmark ${index}`);
  return { x: ((padding + x) / (2 * padding + 1)) * size, y: ((padding + y) / (2 * padding + 1)) * size };
}

/** Transform from image coordinates to the canonical `size`x`size` crop, fitted on the 68 detected landmarks. */
export function alignmentTransform(landmarks68: readonly Point[], size: number, padding: number): Similarity {
  if (landmarks68.length !== 68) throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  const from = ALIGNMENT_LANDMARKS.map((i) => landmarks68[i]!);
  const to = ALIGNMENT_LANDMARKS.map((i) => canonicalLandmark(i, size, padding));
  return fitSimilarity(from, to);
}

export interface RgbImage {
  /** Interleaved RGB, 3 bytes per pixel, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Resamples the crop that `toCrop` maps the image into: `size`x`size` RGB floats (0..255), bilinear, with the image's
 * edge pixels repeated outside it. When the crop shrinks the image, each output pixel averages a grid of samples over
 * its footprint, so a large face does not alias. `mirror` flips the crop left to right.
 */
export function warpToCrop(image: RgbImage, toCrop: Similarity, size: number, mirror = false): Float32Array {
  const inv = invertSimilarity(toCrop);
  const out = new Float32Array(size * size * 3);
  const { data, width, height } = image;
  const maxX = width - 1;
  const maxY = height - 1;
  const k = Math.max(1, Math.min(8, Math.ceil(1 / similarityScale(toCrop) - 1e-9)));
  const w = 1 / (k * k);
  const px = [0, 0, 0];
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      px[0] = px[1] = px[2] = 0;
      const uu = mirror ? size - 1 - u : u;
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) {
          const cu = uu + (i + 0.5) / k;
          const cv = v + (j + 0.5) / k;
          let sx = inv.a * cu - inv.b * cv + inv.tx - 0.5;
          let sy = inv.b * cu + inv.a * cv + inv.ty - 0.5;
          sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
          sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const x1 = x0 < maxX ? x0 + 1 : x0;
          const y1 = y0 < maxY ? y0 + 1 : y0;
          const fx = sx - x0;
          const fy = sy - y0;
          const i00 = (y0 * width + x0) * 3;
          const i01 = (y0 * width + x1) * 3;
          const i10 = (y1 * width + x0) * 3;
          const i11 = (y1 * width + x1) * 3;
          for (let c = 0; c < 3; c++) {
            const top = (data[i00 + c] as number) * (1 - fx) + (data[i01 + c] as number) * fx;
            const bottom = (data[i10 + c] as number) * (1 - fx) + (data[i11 + c] as number) * fx;
            px[c] = (px[c] as number) + top * (1 - fy) + bottom * fy;
          }
        }
      }
      const o = (v * size + u) * 3;
      out[o] = (px[0] as number) * w;
      out[o + 1] = (px[1] as number) * w;
      out[o + 2] = (px[2] as number) * w;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Quality

/** Numbers measured on a capture, from which the quality rules decide. */
export interface FaceMeasures {
  /** Faces the detector found, with their boxes and scores; the first is the one chosen. */
  faces: { box: Box; score: number }[];
  imageWidth: number;
  imageHeight: number;
  /** Distance between the eye centres, in image pixels. */
  interEyeDistance: number;
  /** Head turn left/right as a ratio in [-1, 1] (0 frontal): nose offset from the eyes' midline over half their gap. */
  yaw: number;
  /** Head tilt (in-plane rotation) in degrees; alignment removes it, so only extreme values matter. */
  rollDegrees: number;
  /** Nose-down tilt as a ratio (0 typical): nose length against eye-mouth distance, centred on its usual value. */
  pitch: number;
  /** Sharpness of the aligned crop: mean gradient energy over local contrast, about 0.05 and up for a clear photo. */
  sharpness: number;
  /** Whether the face came from the fallback search (not the primary detector pass). */
  fallback: boolean;
  /**
   * Light on the face, from the central part of the aligned crop: mean grey level (0..255) and the share of pixels
   * crushed to black (<= 16) or burnt to white (>= 240). Optional so that measures stored before it still read.
   */
  exposure?: Exposure;
}

export interface Exposure {
  meanLuma: number;
  darkShare: number;
  brightShare: number;
}

export type QualityReason = 'face.no_face' | 'face.multiple_faces' | 'face.too_small' | 'face.pose' | 'face.blurred' | 'face.too_dark' | 'face.too_bright';

export interface QualityIssue {
  code: QualityReason;
  message: string;
}

export interface QualityReport {
  ok: boolean;
  issues: QualityIssue[];
  /** Overall score in [0, 1] for display and for choosing the best of several captures. */
  score: number;
}

export type CapturePurpose = 'enrol' | 'probe';

/**
 * Limits for each purpose. Enrolment is strict (it sets the reference a person is matched against for years); a probe
 * at a checkpoint is lenient, because refusing to compare is worse than comparing a weaker capture: its score says how
 * alike, and the threshold decides.
 */
export const LIGHT_LIMITS = { minMeanLuma: 40, maxMeanLuma: 215, maxBrightShare: 0.25, maxDarkShare: 0.25 };

export const QUALITY_LIMITS: Record<
  CapturePurpose,
  {
    minInterEyePx: number;
    maxAbsYaw: number;
    maxAbsRollDegrees: number;
    maxAbsPitch: number;
    minSharpness: number;
    /** Mean grey level of the face below which it is too dark to describe reliably (0..255). */
    minMeanLuma: number;
    /** Mean grey level above which, or share of burnt-out pixels above which, the face is overexposed. */
    maxMeanLuma: number;
    maxBrightShare: number;
    /** Share of crushed-black pixels above which the face is too dark. */
    maxDarkShare: number;
    /** A second face at least this fraction of the main face's width (and confidently detected) refuses the capture. */
    secondFaceRatio: number;
    secondFaceMinScore: number;
  }
> = {
  enrol: {
    minInterEyePx: 28,
    maxAbsYaw: 0.6,
    maxAbsRollDegrees: 30,
    maxAbsPitch: 0.5,
    minSharpness: 0.006,
    minMeanLuma: LIGHT_LIMITS.minMeanLuma,
    maxMeanLuma: LIGHT_LIMITS.maxMeanLuma,
    maxBrightShare: LIGHT_LIMITS.maxBrightShare,
    maxDarkShare: LIGHT_LIMITS.maxDarkShare,
    secondFaceRatio: 0.6,
    secondFaceMinScore: 0.5,
  },
  probe: {
    minInterEyePx: 12,
    maxAbsYaw: 1.01,
    maxAbsRollDegrees: 90,
    maxAbsPitch: 10,
    minSharpness: 0,
    minMeanLuma: 0,
    maxMeanLuma: 256,
    maxBrightShare: 1.01,
    maxDarkShare: 1.01,
    secondFaceRatio: Infinity,
    secondFaceMinScore: 1.01,
  },
};

/** Applies the quality rules for `purpose`; every failed rule is reported, so the operator can fix them all at once. */
export function assessQuality(m: FaceMeasures, purpose: CapturePurpose): QualityReport {
  const lim = QUALITY_LIMITS[purpose];
  const issues: QualityIssue[] = [];
  const main = m.faces[0];
  if (!main) {
    return { ok: false, score: 0, issues: [{ code: 'face.no_face', message: 'No face was found in the image' }] };
  }
  const others = m.faces.slice(1).filter(
    (f) =>
      f.score >= lim.secondFaceMinScore &&
      f.box.width >= lim.secondFaceRatio * main.box.width &&
      // a face box is about as tall as wide or taller; a flat box is a false detection (a shirt, a badge)
      f.box.height >= 0.8 * f.box.width,
  );
  if (others.length > 0) {
    issues.push({
      code: 'face.multiple_faces',
      message: `${others.length + 1} faces are in the image; enrolment needs exactly one`,
    });
  }
  // Blur first: on a blurred face the landmarks, and so the size and pose measures, are unreliable.
  if (m.sharpness < lim.minSharpness) {
    issues.push({ code: 'face.blurred', message: `The face is blurred (sharpness ${fmt(m.sharpness)})` });
  }
  if (m.interEyeDistance < lim.minInterEyePx) {
    issues.push({
      code: 'face.too_small',
      message: `The face is too small: ${Math.floor(m.interEyeDistance)} px between the eyes, at least ${lim.minInterEyePx} needed`,
    });
  }
  const light = m.exposure;
  if (light && (light.meanLuma < lim.minMeanLuma || light.darkShare > lim.maxDarkShare)) {
    issues.push({
      code: 'face.too_dark',
      message: `The face is too dark (mean level ${Math.round(light.meanLuma)} of 255, ${Math.round(light.darkShare * 100)} % black): add light or face it`,
    });
  } else if (light && (light.meanLuma > lim.maxMeanLuma || light.brightShare > lim.maxBrightShare)) {
    issues.push({
      code: 'face.too_bright',
      message: `The face is overexposed (mean level ${Math.round(light.meanLuma)} of 255, ${Math.round(light.brightShare * 100)} % white): avoid direct light or flash`,
    });
  }
  if (Math.abs(m.yaw) > lim.maxAbsYaw || Math.abs(m.rollDegrees) > lim.maxAbsRollDegrees || Math.abs(m.pitch) > lim.maxAbsPitch) {
    issues.push({
      code: 'face.pose',
      message: `The face is not frontal enough (turn ${fmt(m.yaw)}, tilt ${Math.round(m.rollDegrees)} deg, nod ${fmt(m.pitch)})`,
    });
  }
  const score = clamp01(main.score) * clamp01(m.interEyeDistance / 60) * clamp01(1 - Math.abs(m.yaw)) * clamp01(m.sharpness / 0.08) * (m.fallback ? 0.8 : 1);
  return { ok: issues.length === 0, issues, score: Math.round(score * 1000) / 1000 };
}

function fmt(x: number): string {
  return x.toFixed(2);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/** Pose and size measures from the 68 landmarks (iBUG numbering). */
export function poseFromLandmarks(l: readonly Point[]): Pick<FaceMeasures, 'interEyeDistance' | 'yaw' | 'rollDegrees' | 'pitch'> {
  if (l.length !== 68) throw new RangeError(`expected 68 landmarks, got ${l.length}`);
  const leftEye = mean(l.slice(36, 42)); // subject's right eye, on the image's left
  const rightEye = mean(l.slice(42, 48));
  const nose = l[30]!;
  const noseTop = l[27]!;
  const mouth = mean([l[48]!, l[54]!]);
  const ex = rightEye.x - leftEye.x;
  const ey = rightEye.y - leftEye.y;
  const interEyeDistance = Math.hypot(ex, ey);
  const rollDegrees = (Math.atan2(ey, ex) * 180) / Math.PI;
  if (interEyeDistance === 0) return { interEyeDistance, yaw: 0, rollDegrees, pitch: 0 };
  // Express the nose in the eyes' frame: u along the eye line, w perpendicular (downwards).
  const ux = ex / interEyeDistance;
  const uy = ey / interEyeDistance;
  const mid = { x: (leftEye.x + rightEye.x) / 2, y: (leftEye.y + rightEye.y) / 2 };
  const along = (p: Point) => (p.x - mid.x) * ux + (p.y - mid.y) * uy;
  const down = (p: Point) => -(p.x - mid.x) * uy + (p.y - mid.y) * ux;
  const yaw = Math.max(-1, Math.min(1, along(nose) / (interEyeDistance / 2)));
  const eyeToMouth = down(mouth);
  // On a frontal face the nose tip sits about 60% of the way from the eye line to the mouth.
  const pitch = eyeToMouth > 0 ? (down(nose) - down(noseTop)) / eyeToMouth - 0.6 : 10;
  return { interEyeDistance, yaw, rollDegrees, pitch };
}

/**
 * Sharpness of an aligned face crop (RGB floats, `size`x`size`): mean squared Laplacian of the grey image over its
 * variance, on the central part of the crop, so it does not depend on exposure or contrast.
 */
export function sharpnessOf(crop: Float32Array, size: number): number {
  const grey = new Float32Array(size * size);
  for (let i = 0; i < size * size; i++) {
    grey[i] = 0.299 * crop[i * 3]! + 0.587 * crop[i * 3 + 1]! + 0.114 * crop[i * 3 + 2]!;
  }
  const lo = Math.floor(size * 0.2);
  const hi = Math.ceil(size * 0.8);
  let lap2 = 0;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = lo; y < hi; y++) {
    for (let x = lo; x < hi; x++) {
      const c = grey[y * size + x]!;
      const lap = grey[(y - 1) * size + x]! + grey[(y + 1) * size + x]! + grey[y * size + x - 1]! + grey[y * size + x + 1]! - 4 * c;
      lap2 += lap * lap;
      sum += c;
      sum2 += c * c;
      n++;
    }
  }
  const variance = sum2 / n - (sum / n) ** 2;
  if (variance <= 1e-6) return 0;
  return lap2 / n / variance;
}

/**
 * Light on an aligned face crop (RGB floats, `size`x`size`), on its central part (the face, not the background the
 * padding shows): mean grey level and the shares of crushed-black and burnt-white pixels.
 */
export function exposureOf(crop: Float32Array, size: number): Exposure {
  const lo = Math.floor(size * 0.25);
  const hi = Math.ceil(size * 0.75);
  let sum = 0;
  let dark = 0;
  let bright = 0;
  let n = 0;
  for (let y = lo; y < hi; y++) {
    for (let x = lo; x < hi; x++) {
      const i = (y * size + x) * 3;
      const g = 0.299 * crop[i]! + 0.587 * crop[i + 1]! + 0.114 * crop[i + 2]!;
      sum += g;
      if (g <= 16) dark++;
      if (g >= 240) bright++;
      n++;
    }
  }
  return { meanLuma: sum / n, darkShare: dark / n, brightShare: bright / n };
}

/**
 * Orders faces so the subject comes first, by how central the face is, its size and the detector's confidence,
 * together: the person photographed stands in the middle of the frame, near, and is found with confidence; a
 * bystander is at the edge. Centrality weighs most ((1 - distance from the centre / diagonal)^6), size by the face's
 * side rather than its area, and confidence linearly, so that neither a larger half-confident bystander box (issue 24:
 * a 0.52 box beside the 0.97 box of the centred person) nor a confident face at the edge wins over the centred
 * subject. On LFW, where the subject is centred by construction, a centred 0.47 box must still beat a 0.87 box at the
 * edge (one such image in the development set).
 */
export function rankFaces<D extends { box: Box; score: number }>(faces: readonly D[], image: { width: number; height: number }): D[] {
  const cx = image.width / 2;
  const cy = image.height / 2;
  const diag = Math.hypot(image.width, image.height);
  const weight = (d: D) => {
    const off = Math.hypot(d.box.x + d.box.width / 2 - cx, d.box.y + d.box.height / 2 - cy) / diag;
    return Math.sqrt(d.box.width * d.box.height) * (1 - off) ** 6 * d.score;
  };
  return [...faces].sort((a, b) => weight(b) - weight(a));
}
