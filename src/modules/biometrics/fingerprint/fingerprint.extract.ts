import { ValidationError } from '../../../platform/errors';
import { imageQuality } from './fingerprint.quality';
import type { GreyImage, Minutia, MinutiaKind } from './fingerprint.types';

/**
 * Minutiae extraction from a grey-scale image at 500 dpi, all on typed arrays:
 * gradients -> smoothed structure tensor (orientation, coherence) -> block segmentation -> ridge period per block
 * -> oriented Gabor filtering -> binarisation -> Zhang-Suen thinning -> crossing number -> ridge tracing for
 * directions -> removal of false minutiae (border, short ridges, spurs, bridges, broken ridges, clusters).
 * Pure: no I/O; decoding and resampling are elsewhere.
 */

export const MIN_SIDE_500DPI = 128;
export const MAX_SIDE_500DPI = 1200;
/** Blocks of the segmentation and frequency grids, in pixels. */
const BLOCK = 8;
/** log2(BLOCK): the block of a pixel by a shift, in the per-pixel loops. */
const BLOCK_SHIFT = 3;
/** Gabor kernel radius in pixels (circular support of radius R + 0.5: 177 taps for R = 7). */
const GABOR_RADIUS = 7;
const ORIENTATION_BINS = 16;
/** Radius of the box filters that smooth the orientation field (applied twice). */
const ORIENTATION_SMOOTHING = 9;
/** First column of each Gabor kernel row inside the circular support. */
function spanStarts(R: number): Int32Array {
  return Int32Array.from({ length: 2 * R + 1 }, (_, dy) => {
    const r = R + 0.5;
    const h = Math.floor(Math.sqrt(Math.max(0, r * r - (dy - R) ** 2)));
    return R - Math.min(R, h);
  });
}
const PERIOD_MIN = 5;
const PERIOD_MAX = 15;
/** Segmentation: a block is print if its gradient energy exceeds this share of the 95th percentile... */
const SEG_ENERGY = 0.3;
/** ...and its ridge flow coherence this much. */
const SEG_COHERENCE = 0.15;

/**
 * Settings of the false-minutiae filter and of the enhancement. The values here are the shipped ones; only
 * bench/fingerprint/sweep.ts changes them, to measure alternatives on the held-out protocol (docs/benchmarks.md).
 * The reliability filters (minCoherence, minClarity, minPeriodNeighbours) are off: each was measured to cost
 * accuracy on at least one database.
 */
export const extractionTuning = {
  /** Minutiae where the ridge flow coherence is below this are dropped. */
  minCoherence: 0,
  /** Minutiae whose local Gabor clarity (relative to the print's median) is below this are dropped. */
  minClarity: 0,
  /** Minutiae in a block whose neighbourhood has fewer than this many blocks with a clear ridge period are dropped. */
  minPeriodNeighbours: 0,
  /** Distance to the print's border, in ridge periods, inside which minutiae are dropped. */
  borderPeriods: 1.2,
  maxMinutiae: 80,
  gaborRadius: GABOR_RADIUS,
  /** Smooth the structure tensor on a half-resolution grid (a quarter of the cost; false = the full-resolution
   * smoothing of template version 1, kept for the benchmark's before/after). */
  halfResolutionTensor: true,
  halfOrientationRadius: 4,
  /** Gabor envelope across and along the ridges, in ridge periods (with floors of 2.5 and 3 pixels). */
  gaborAcross: 0.42,
  gaborAlong: 0.6,
};

export interface ExtractionDebug {
  mask: Uint8Array;
  enhanced: Float32Array;
  binary: Uint8Array;
  skeleton: Uint8Array;
  orientation: Float32Array;
  coherence: Float32Array;
}

export interface Extraction {
  width: number;
  height: number;
  minutiae: Minutia[];
  quality: number;
  /** Summary figures behind the quality score. */
  stats: { foregroundArea: number; meanCoherence: number; validFrequency: number; medianPeriod: number };
  debug?: ExtractionDebug;
}

/** Scales an image taken at `dpi` to 500 dpi with bilinear interpolation (area-averaged when shrinking a lot). */
export function resampleTo500(img: GreyImage, dpi: number): GreyImage {
  if (!Number.isFinite(dpi) || dpi < 150 || dpi > 2000) {
    throw new ValidationError('fingerprint.bad_dpi', `A resolution of ${dpi} dpi is not usable; give 150 to 2000 dpi`);
  }
  if (Math.abs(dpi - 500) < 0.5) return img;
  const s = 500 / dpi;
  const W = Math.max(1, Math.round(img.width * s));
  const H = Math.max(1, Math.round(img.height * s));
  const out = new Uint8Array(W * H);
  const src = img.data;
  const sw = img.width;
  const sh = img.height;
  const inv = 1 / s;
  // When shrinking by more than 1.5x, average a small box first to avoid aliasing ridges.
  const box = inv > 1.5 ? Math.floor(inv / 2) : 0;
  // Source columns and weights are the same on every row: once per column (the same values, so the same pixels).
  const cx0 = new Int32Array(W);
  const cx1 = new Int32Array(W);
  const cwx = new Float64Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) * inv - 0.5));
    const x0 = Math.floor(fx);
    cx0[x] = x0;
    cx1[x] = Math.min(sw - 1, x0 + 1);
    cwx[x] = fx - x0;
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) * inv - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const x0 = cx0[x]!;
      const x1 = cx1[x]!;
      const wx = cwx[x]!;
      let v: number;
      if (box === 0) {
        v = (src[y0 * sw + x0]! * (1 - wx) + src[y0 * sw + x1]! * wx) * (1 - wy) + (src[y1 * sw + x0]! * (1 - wx) + src[y1 * sw + x1]! * wx) * wy;
      } else {
        let sum = 0;
        let n = 0;
        for (let yy = Math.max(0, y0 - box); yy <= Math.min(sh - 1, y0 + box); yy++) {
          for (let xx = Math.max(0, x0 - box); xx <= Math.min(sw - 1, x0 + box); xx++) {
            sum += src[yy * sw + xx]!;
            n++;
          }
        }
        v = sum / n;
      }
      out[y * W + x] = Math.round(v);
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * Box filter of radius r (separable running sums, clamped window at the borders). Returns a new array. The vertical
 * pass runs along rows with one running sum per column (reading memory in order, several times faster on wide
 * images than walking each column), adding and subtracting rows in the same order as a per-column walk would.
 */
export function boxFilter(src: Float32Array, W: number, H: number, r: number): Float32Array {
  const tmp = new Float32Array(W * H);
  const out = new Float32Array(W * H);
  // Where the whole window lies inside the row, one addition and one subtraction per pixel (in the same order as
  // the clamped loop, so the sums are the same to the last bit).
  const interiorFrom = r + 1;
  const interiorTo = W - r;
  const full = 2 * r + 1;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let sum = 0;
    let lo = 0;
    let hi = -1;
    let x = 0;
    for (; x < W && x < interiorFrom; x++) {
      const nhi = Math.min(W - 1, x + r);
      const nlo = Math.max(0, x - r);
      while (hi < nhi) sum += src[row + ++hi]!;
      while (lo < nlo) sum -= src[row + lo++]!;
      tmp[row + x] = sum / (hi - lo + 1);
    }
    if (x < interiorTo && hi === x - 1 + r && lo === x - 1 - r) {
      for (; x < interiorTo; x++) {
        sum += src[row + x + r]!;
        sum -= src[row + x - r - 1]!;
        tmp[row + x] = sum / full;
      }
      hi = x - 1 + r;
      lo = x - 1 - r;
    }
    for (; x < W; x++) {
      const nhi = Math.min(W - 1, x + r);
      const nlo = Math.max(0, x - r);
      while (hi < nhi) sum += src[row + ++hi]!;
      while (lo < nlo) sum -= src[row + lo++]!;
      tmp[row + x] = sum / (hi - lo + 1);
    }
  }
  const colSum = new Float64Array(W);
  let lo = 0;
  let hi = -1;
  for (let y = 0; y < H; y++) {
    const nhi = Math.min(H - 1, y + r);
    const nlo = Math.max(0, y - r);
    if (hi === nhi - 1 && lo === nlo - 1) {
      // Interior rows: one row enters and one leaves the window. One pass adds, subtracts and divides, each column
      // in the same order as the three passes below (so the same sums to the last bit), reading colSum once.
      const add = ++hi * W;
      const sub = lo++ * W;
      const n = hi - lo + 1;
      const row = y * W;
      for (let x = 0; x < W; x++) {
        const v = colSum[x]! + tmp[add + x]! - tmp[sub + x]!;
        colSum[x] = v;
        out[row + x] = v / n;
      }
      continue;
    }
    while (hi < nhi) {
      const base = ++hi * W;
      for (let x = 0; x < W; x++) colSum[x]! += tmp[base + x]!;
    }
    while (lo < nlo) {
      const base = lo++ * W;
      for (let x = 0; x < W; x++) colSum[x]! -= tmp[base + x]!;
    }
    const n = hi - lo + 1;
    const row = y * W;
    for (let x = 0; x < W; x++) out[row + x] = colSum[x]! / n;
  }
  return out;
}

interface Kernel {
  weights: Float32Array;
}

const kernelCache = new Map<number, Kernel>();

/** Zero-mean even Gabor kernel tuned to ridges running at angle `theta` with the given period. */
function gaborKernel(obin: number, period: number): Kernel {
  const key = obin * 100 + period + extractionTuning.gaborRadius * 1e3 + extractionTuning.gaborAcross * 1e4 + extractionTuning.gaborAlong * 1e7;
  const cached = kernelCache.get(key);
  if (cached) return cached;
  const theta = (obin * Math.PI) / ORIENTATION_BINS;
  const R = extractionTuning.gaborRadius;
  const size = 2 * R + 1;
  const w = new Float32Array(size * size);
  const sn = Math.max(2.5, extractionTuning.gaborAcross * period);
  const sr = Math.max(3, extractionTuning.gaborAlong * period);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  let sum = 0;
  let taps = 0;
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      if (dx * dx + dy * dy > (R + 0.5) * (R + 0.5)) continue;
      taps++;
      const along = dx * c + dy * s;
      const across = -dx * s + dy * c;
      const v = Math.exp(-0.5 * ((across * across) / (sn * sn) + (along * along) / (sr * sr))) * Math.cos((2 * Math.PI * across) / period);
      w[(dy + R) * size + dx + R] = v;
      sum += v;
    }
  }
  const mean = sum / taps;
  let norm = 0;
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      if (dx * dx + dy * dy > (R + 0.5) * (R + 0.5)) continue;
      const i = (dy + R) * size + dx + R;
      w[i] = w[i]! - mean;
      norm += Math.abs(w[i]!);
    }
  }
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / norm;
  const k = { weights: w };
  kernelCache.set(key, k);
  return k;
}

const TWO_PI = 2 * Math.PI;
function normAngle(a: number): number {
  a %= TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}
/** Signed smallest difference a-b in (-π, π]. */
export function angleDiff(a: number, b: number): number {
  let d = (a - b) % TWO_PI;
  if (d > Math.PI) d -= TWO_PI;
  else if (d <= -Math.PI) d += TWO_PI;
  return d;
}

/** The image as floats, with the standard deviation of its grey levels. */
function greyToFloat(data: Uint8Array, N: number): { f: Float32Array; std: number } {
  const f = new Float32Array(N);
  let mean = 0;
  for (let i = 0; i < N; i++) {
    f[i] = data[i]!;
    mean += data[i]!;
  }
  mean /= N;
  let variance = 0;
  for (let i = 0; i < N; i++) variance += (f[i]! - mean) * (f[i]! - mean);
  const std = Math.sqrt(variance / N);
  return { f, std };
}

/** Products of the Sobel gradients (gx², gy², gx·gy) at every pixel: the structure tensor before smoothing. */
function sobelProducts(f: Float32Array, W: number, H: number): [Float32Array, Float32Array, Float32Array] {
  const N = W * H;
  const gxx = new Float32Array(N);
  const gyy = new Float32Array(N);
  const gxy = new Float32Array(N);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      const a = f[i - W - 1]!;
      const b = f[i - W]!;
      const c = f[i - W + 1]!;
      const d = f[i - 1]!;
      const e = f[i + 1]!;
      const g = f[i + W - 1]!;
      const h = f[i + W]!;
      const k = f[i + W + 1]!;
      const gx = c + 2 * e + k - a - 2 * d - g;
      const gy = g + 2 * h + k - a - 2 * b - c;
      gxx[i] = gx * gx;
      gyy[i] = gy * gy;
      gxy[i] = gx * gy;
    }
  }
  return [gxx, gyy, gxy];
}

/** Energy, coherence and doubled-angle vector of the smoothed structure tensor at every pixel. */
function tensorFields(sxx: Float32Array, syy: Float32Array, sxy: Float32Array) {
  const N = sxx.length;
  const coherence = new Float32Array(N);
  const energy = new Float32Array(N);
  // Doubled-angle vectors of the gradient, smoothed again over a wider window for a stable ridge flow.
  const u = new Float32Array(N);
  const v = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const a = sxx[i]!;
    const b = syy[i]!;
    const c = sxy[i]!;
    const e = a + b;
    energy[i] = e;
    const du = a - b;
    const dv = 2 * c;
    const mag = Math.sqrt(du * du + dv * dv);
    coherence[i] = e > 1e-6 ? mag / e : 0;
    u[i] = du;
    v[i] = dv;
  }
  return { coherence, energy, u, v };
}

/** Structure tensor smoothed at full resolution: box radius 7, then the flow vectors twice more at radius 9. */
function smoothedTensorFull(gxx: Float32Array, gyy: Float32Array, gxy: Float32Array, W: number, H: number) {
  const sxx = boxFilter(gxx, W, H, 7);
  const syy = boxFilter(gyy, W, H, 7);
  const sxy = boxFilter(gxy, W, H, 7);
  const { coherence, energy, u, v } = tensorFields(sxx, syy, sxy);
  // Two box passes of radius 9 (about a 37-pixel window, four ridge periods): wide enough to carry the flow over
  // noisy and faint areas. Radius 6 gave clearly worse error rates on both FVC samples, 9-12 about the same.
  let su = boxFilter(u, W, H, ORIENTATION_SMOOTHING);
  let sv = boxFilter(v, W, H, ORIENTATION_SMOOTHING);
  su = boxFilter(su, W, H, ORIENTATION_SMOOTHING);
  sv = boxFilter(sv, W, H, ORIENTATION_SMOOTHING);
  return { coherence, energy, orientationIn: (bmask: Uint8Array) => orientationInPrint(su, sv, bmask, W, H) };
}

/**
 * The Sobel products of sobelProducts averaged over 2x2 pixels (the half-resolution grid), computed in one pass
 * without the three full-resolution arrays. The grey levels are whole numbers, so every product and sum is exact and
 * the averages equal those of the two-pass version bit for bit (border pixels count as zero there, and here).
 */
function halfSobelProducts(f: Float32Array, W: number, H: number): [Float32Array, Float32Array, Float32Array] {
  const w = W >> 1;
  const h = H >> 1;
  const hxx = new Float32Array(w * h);
  const hyy = new Float32Array(w * h);
  const hxy = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let py = 2 * y; py <= 2 * y + 1; py++) {
        if (py === 0 || py === H - 1) continue;
        for (let px = 2 * x; px <= 2 * x + 1; px++) {
          if (px === 0 || px === W - 1) continue;
          const i = py * W + px;
          const a = f[i - W - 1]!;
          const b = f[i - W]!;
          const c = f[i - W + 1]!;
          const d = f[i - 1]!;
          const e = f[i + 1]!;
          const g = f[i + W - 1]!;
          const k = f[i + W + 1]!;
          const gx = c + 2 * e + k - a - 2 * d - g;
          const gy = g + 2 * f[i + W]! + k - a - 2 * b - c;
          sxx += gx * gx;
          syy += gy * gy;
          sxy += gx * gy;
        }
      }
      hxx[y * w + x] = 0.25 * sxx;
      hyy[y * w + x] = 0.25 * syy;
      hxy[y * w + x] = 0.25 * sxy;
    }
  }
  return [hxx, hyy, hxy];
}

/**
 * The same smoothing on a grid of half the resolution (2x2 averages of the gradient products; box radii 3 and 4 in
 * half-pixels, about the 15- and 37-pixel windows of the full version), brought back to every pixel: coherence and
 * energy from the nearest grid point, the flow vectors interpolated bilinearly. The windows span several ridge
 * periods, so the half-resolution grid loses nothing they keep, at a quarter of the cost.
 */
function smoothedTensorHalf(f: Float32Array, W: number, H: number) {
  const w = W >> 1;
  const h = H >> 1;
  const [hxx, hyy, hxy] = halfSobelProducts(f, W, H);
  const sxx = boxFilter(hxx, w, h, 3);
  const syy = boxFilter(hyy, w, h, 3);
  const sxy = boxFilter(hxy, w, h, 3);
  const t = tensorFields(sxx, syy, sxy);
  const r = extractionTuning.halfOrientationRadius;
  const hu = boxFilter(boxFilter(t.u, w, h, r), w, h, r);
  const hv = boxFilter(boxFilter(t.v, w, h, r), w, h, r);
  const N = W * H;
  const coherence = new Float32Array(N);
  const energy = new Float32Array(N);
  // The horizontal interpolation is the same on every row: its grid columns and weights once per column, not per
  // pixel (the same values, so the same results).
  const cx0 = new Int32Array(W);
  const cx1 = new Int32Array(W);
  const cwx = new Float64Array(W);
  const cn = new Int32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(w - 1, Math.max(0, (x - 0.5) / 2));
    const x0 = Math.min(w - 1, fx | 0);
    cx0[x] = x0;
    cx1[x] = Math.min(w - 1, x0 + 1);
    cwx[x] = fx - x0;
    cn[x] = Math.min(w - 1, x >> 1);
  }
  const tc = t.coherence;
  const te = t.energy;
  for (let y = 0; y < H; y++) {
    const ny = Math.min(h - 1, y >> 1) * w;
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const n = ny + cn[x]!;
      coherence[row + x] = tc[n]!;
      energy[row + x] = te[n]!;
    }
  }
  /**
   * Ridge direction in [0, π) at the pixels of the print's blocks (0 elsewhere), as orientationInPrint, with the flow
   * vectors interpolated only there and never stored at full resolution (rounded to single precision, as the stored
   * ones were, so the angles are the same).
   */
  const orientationIn = (bmask: Uint8Array): Float32Array => {
    const BW = Math.ceil(W / BLOCK);
    const orientation = new Float32Array(N);
    for (let y = 0; y < H; y++) {
      const brow = (y >> BLOCK_SHIFT) * BW;
      // Grid point (gx, gy) sits at pixel (2 gx + 0.5, 2 gy + 0.5).
      const fy = Math.min(h - 1, Math.max(0, (y - 0.5) / 2));
      const y0 = Math.min(h - 1, fy | 0);
      const y1 = Math.min(h - 1, y0 + 1);
      const wy = fy - y0;
      const r0 = y0 * w;
      const r1 = y1 * w;
      const row = y * W;
      for (let x = 0; x < W; x++) {
        if (!bmask[brow + (x >> BLOCK_SHIFT)]) continue;
        const x0 = cx0[x]!;
        const x1 = cx1[x]!;
        const wx = cwx[x]!;
        const a = r0 + x0;
        const b = r0 + x1;
        const c = r1 + x0;
        const d = r1 + x1;
        const su = Math.fround((hu[a]! * (1 - wx) + hu[b]! * wx) * (1 - wy) + (hu[c]! * (1 - wx) + hu[d]! * wx) * wy);
        const sv = Math.fround((hv[a]! * (1 - wx) + hv[b]! * wx) * (1 - wy) + (hv[c]! * (1 - wx) + hv[d]! * wx) * wy);
        let o = 0.5 * Math.atan2(sv, su) + Math.PI / 2;
        if (o >= Math.PI) o -= Math.PI;
        if (o < 0) o += Math.PI;
        orientation[row + x] = o;
      }
    }
    return orientation;
  };
  return { coherence, energy, orientationIn };
}

/** Ridge direction in [0, π) at the pixels of the print's blocks (0 elsewhere). */
function orientationInPrint(su: Float32Array, sv: Float32Array, bmask: Uint8Array, W: number, H: number): Float32Array {
  const N = W * H;
  const BW = Math.ceil(W / BLOCK);
  const orientation = new Float32Array(N);
  for (let y = 0; y < H; y++) {
    const brow = (y >> BLOCK_SHIFT) * BW;
    for (let x = 0; x < W; x++) {
      if (!bmask[brow + (x >> BLOCK_SHIFT)]) continue;
      const i = y * W + x;
      let t = 0.5 * Math.atan2(sv[i]!, su[i]!) + Math.PI / 2;
      if (t >= Math.PI) t -= Math.PI;
      if (t < 0) t += Math.PI;
      orientation[i] = t;
    }
  }

  return orientation;
}

/** Periods the ridge signature is tested at: half-pixel steps (the period only picks a kernel, rounded to whole pixels). */
const SIGNATURE_PERIODS: number[] = [];
for (let p = PERIOD_MIN - 0.5; p <= PERIOD_MAX + 1; p += 0.5) SIGNATURE_PERIODS.push(p);
/** Cosines and sines of the 32-sample signature at each of those periods (row pi*32), computed once, not per image. */
const SIGNATURE_COS = new Float32Array(SIGNATURE_PERIODS.length * 32);
const SIGNATURE_SIN = new Float32Array(SIGNATURE_PERIODS.length * 32);
SIGNATURE_PERIODS.forEach((p, pi) => {
  for (let t = 0; t < 32; t++) {
    SIGNATURE_COS[pi * 32 + t] = Math.cos((TWO_PI * t) / p);
    SIGNATURE_SIN[pi * 32 + t] = Math.sin((TWO_PI * t) / p);
  }
});

/**
 * Ridge period of every block of the print from an oriented signature and a small DFT over the plausible periods,
 * smoothed over the neighbouring blocks (the print's median period where too few neighbours have one).
 */
function blockPeriods(f: Float32Array, orientation: Float32Array, bmask: Uint8Array, W: number, H: number) {
  const BW = Math.ceil(W / BLOCK);
  const BH = Math.ceil(H / BLOCK);
  const NB = BW * BH;
  const bPeriod = new Float32Array(NB);
  const bPeriodOk = new Uint8Array(NB);
  const sig = new Float32Array(32);
  let validBlocks = 0;
  let fgBlocks = 0;
  const periods = SIGNATURE_PERIODS;
  const cosTab = SIGNATURE_COS;
  const sinTab = SIGNATURE_SIN;
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      const bi = by * BW + bx;
      if (!bmask[bi]) continue;
      fgBlocks++;
      const cx = Math.min(W - 1, bx * BLOCK + (BLOCK >> 1));
      const cy = Math.min(H - 1, by * BLOCK + (BLOCK >> 1));
      const th = orientation[cy * W + cx]!;
      const tx = Math.cos(th);
      const ty = Math.sin(th);
      const nx = -ty;
      const ny = tx;
      let smean = 0;
      for (let k = 0; k < 32; k++) {
        let sum = 0;
        let cnt = 0;
        // The same terms, added in the same order, as cx + (k - 16) * nx + l * tx: the same sample positions.
        const ax = cx + (k - 16) * nx;
        const ay = cy + (k - 16) * ny;
        for (let l = -6; l <= 6; l += 2) {
          const px = Math.round(ax + l * tx);
          const py = Math.round(ay + l * ty);
          if (px < 0 || py < 0 || px >= W || py >= H) continue;
          sum += f[py * W + px]!;
          cnt++;
        }
        sig[k] = cnt ? sum / cnt : NaN;
      }
      let n = 0;
      for (let k = 0; k < 32; k++) {
        if (!Number.isNaN(sig[k]!)) {
          smean += sig[k]!;
          n++;
        }
      }
      if (n < 24) continue;
      smean /= n;
      let total = 0;
      for (let k = 0; k < 32; k++) {
        sig[k] = Number.isNaN(sig[k]!) ? 0 : sig[k]! - smean;
        total += sig[k]! * sig[k]!;
      }
      if (total <= 1e-6) continue;
      let best = -1;
      let bestPow = 0;
      for (let pi = 0; pi < periods.length; pi++) {
        // Power of the signature at the period of index pi (one DFT coefficient).
        let re = 0;
        let im = 0;
        for (let k = 0, t = pi * 32; k < 32; k++, t++) {
          re += sig[k]! * cosTab[t]!;
          im += sig[k]! * sinTab[t]!;
        }
        const pow = re * re + im * im;
        if (pow > bestPow) {
          bestPow = pow;
          best = pi;
        }
      }
      // A pure sinusoid concentrates about half of 32*total in its peak; demand a clear fraction of that.
      const ratio = bestPow / (16 * total);
      const per = periods[best] ?? 0;
      if (best >= 0 && ratio > 0.35 && per >= PERIOD_MIN && per <= PERIOD_MAX) {
        bPeriod[bi] = per;
        bPeriodOk[bi] = 1;
        validBlocks++;
      }
    }
  }
  const okPeriods: number[] = [];
  for (let i = 0; i < NB; i++) if (bPeriodOk[i]) okPeriods.push(bPeriod[i]!);
  okPeriods.sort((p, q) => p - q);
  const medianPeriod = okPeriods.length ? okPeriods[okPeriods.length >> 1]! : 9;
  // Smooth the period map: average of valid periods in a 5x5 block neighbourhood, else the median.
  const period = new Float32Array(NB);
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      let sum = 0;
      let n = 0;
      for (let yy = Math.max(0, by - 2); yy <= Math.min(BH - 1, by + 2); yy++) {
        for (let xx = Math.max(0, bx - 2); xx <= Math.min(BW - 1, bx + 2); xx++) {
          if (bPeriodOk[yy * BW + xx]) {
            sum += bPeriod[yy * BW + xx]!;
            n++;
          }
        }
      }
      period[by * BW + bx] = n >= 3 ? sum / n : medianPeriod;
    }
  }

  return { period, periodOk: bPeriodOk, medianPeriod, validBlocks, fgBlocks };
}

/** The print's pixels (from its blocks), their number and the sum of their coherence (in raster order). */
function pixelMask(bmask: Uint8Array, coherence: Float32Array, W: number, H: number) {
  const N = W * H;
  const BW = Math.ceil(W / BLOCK);
  const mask = new Uint8Array(N);
  let foregroundArea = 0;
  let cohSum = 0;
  for (let y = 0; y < H; y++) {
    const brow = (y >> BLOCK_SHIFT) * BW;
    for (let bx = 0; bx < BW; bx++) {
      if (!bmask[brow + bx]) continue;
      const end = Math.min(W, (bx + 1) * BLOCK);
      for (let i = y * W + bx * BLOCK, e = y * W + end; i < e; i++) {
        mask[i] = 1;
        foregroundArea++;
        cohSum += coherence[i]!;
      }
    }
  }
  return { mask, foregroundArea, cohSum };
}

/**
 * The half of a Gabor kernel the filter reads, as flat lists: the offsets (in the padded image, relative to the
 * centre) of the taps before the centre in raster order, each paired with its mirror at minus the offset, and their
 * weights, in the order the row-by-row loop visited them (so the sums are the same to the last bit).
 */
interface HalfKernel {
  centre: number;
  offsets: Int32Array;
  weights: Float64Array;
}

function halfKernel(kw: Float32Array, R: number, PW: number, spanStart: Int32Array): HalfKernel {
  const size = 2 * R + 1;
  const offsets: number[] = [];
  const weights: number[] = [];
  for (let dy = 0; dy < R; dy++) {
    for (let dx = spanStart[dy]!; dx < size - spanStart[dy]!; dx++) {
      offsets.push((dy - R) * PW + dx - R);
      weights.push(kw[dy * size + dx]!);
    }
  }
  for (let dx = 0; dx < R; dx++) {
    offsets.push(dx - R);
    weights.push(kw[R * size + dx]!);
  }
  return { centre: kw[R * size + R]!, offsets: Int32Array.from(offsets), weights: Float64Array.from(weights) };
}

/**
 * Oriented Gabor filtering of the print's pixels, tuned to the local ridge direction and period.
 * Circular support: only the taps within radius R + 0.5. The even kernel is point symmetric (w(dx, dy) = w(-dx, -dy)),
 * so each weight multiplies the sum of the two mirrored pixels: half the multiplications. Neighbouring pixels of a row
 * mostly share a kernel (same block, same orientation bin): those are filtered four (or two) at a time, each offset
 * and weight read once for all of them, each sum still accumulated in the same order as alone.
 */
function gaborEnhance(f: Float32Array, mask: Uint8Array, orientation: Float32Array, period: Float32Array, W: number, H: number): Float32Array {
  const N = W * H;
  const BW = Math.ceil(W / BLOCK);
  const local = boxFilter(f, W, H, 8);
  const R = extractionTuning.gaborRadius;
  const PW = W + 2 * R;
  const padded = new Float32Array(PW * (H + 2 * R));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) padded[(y + R) * PW + x + R] = f[y * W + x]! - local[y * W + x]!;
  }
  const enhanced = new Float32Array(N);
  const SPAN_START = spanStarts(R);
  const NPERIODS = PERIOD_MAX - PERIOD_MIN + 1;
  const kernels: HalfKernel[] = [];
  for (let ob = 0; ob < ORIENTATION_BINS; ob++) {
    for (let per = PERIOD_MIN; per <= PERIOD_MAX; per++) kernels.push(halfKernel(gaborKernel(ob, per).weights, R, PW, SPAN_START));
  }
  // Kernel of each pixel of the current row, -1 outside the print (and in the three cells past the row's end, which
  // the look-ahead for runs of four reads).
  const rowKernel = new Int32Array(W + 3).fill(-1);
  for (let y = 0; y < H; y++) {
    const by = y >> BLOCK_SHIFT;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) {
        rowKernel[x] = -1;
        continue;
      }
      const bx = x >> BLOCK_SHIFT;
      const per = Math.min(PERIOD_MAX, Math.max(PERIOD_MIN, Math.round(period[by * BW + bx]!)));
      const obin = Math.round((orientation[i]! / Math.PI) * ORIENTATION_BINS) % ORIENTATION_BINS;
      rowKernel[x] = obin * NPERIODS + per - PERIOD_MIN;
    }
    for (let x = 0; x < W; x++) {
      const k = rowKernel[x]!;
      if (k < 0) continue;
      const { centre, offsets, weights } = kernels[k]!;
      const n = offsets.length;
      const c = (y + R) * PW + x + R;
      const i = y * W + x;
      if (rowKernel[x + 1] === k && rowKernel[x + 2] === k && rowKernel[x + 3] === k) {
        let a0 = centre * padded[c]!;
        let a1 = centre * padded[c + 1]!;
        let a2 = centre * padded[c + 2]!;
        let a3 = centre * padded[c + 3]!;
        for (let t = 0; t < n; t++) {
          const p = c + offsets[t]!;
          const q = c - offsets[t]!;
          const w = weights[t]!;
          a0 += w * (padded[p]! + padded[q]!);
          a1 += w * (padded[p + 1]! + padded[q + 1]!);
          a2 += w * (padded[p + 2]! + padded[q + 2]!);
          a3 += w * (padded[p + 3]! + padded[q + 3]!);
        }
        enhanced[i] = a0;
        enhanced[i + 1] = a1;
        enhanced[i + 2] = a2;
        enhanced[i + 3] = a3;
        x += 3;
      } else if (rowKernel[x + 1] === k) {
        let a0 = centre * padded[c]!;
        let a1 = centre * padded[c + 1]!;
        for (let t = 0; t < n; t++) {
          const p = c + offsets[t]!;
          const q = c - offsets[t]!;
          const w = weights[t]!;
          a0 += w * (padded[p]! + padded[q]!);
          a1 += w * (padded[p + 1]! + padded[q + 1]!);
        }
        enhanced[i] = a0;
        enhanced[i + 1] = a1;
        x++;
      } else {
        let a0 = centre * padded[c]!;
        for (let t = 0; t < n; t++) {
          const o = offsets[t]!;
          a0 += weights[t]! * (padded[c + o]! + padded[c - o]!);
        }
        enhanced[i] = a0;
      }
    }
  }
  return enhanced;
}

/** Ridge pixels of the print: ridges are dark, so a negative even-filter response. */
function binarise(enhanced: Float32Array, mask: Uint8Array): Uint8Array {
  const binary = new Uint8Array(enhanced.length);
  for (let i = 0; i < enhanced.length; i++) binary[i] = mask[i] && enhanced[i]! < 0 ? 1 : 0;
  return binary;
}

/** Median Gabor amplitude over the print, from every seventh pixel (a typed-array sort: numeric, no comparator). */
function medianAmplitude(enhanced: Float32Array, mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i += 7) if (mask[i]) n++;
  const amp = new Float32Array(n);
  n = 0;
  for (let i = 0; i < mask.length; i += 7) if (mask[i]) amp[n++] = Math.abs(enhanced[i]!);
  return n ? selectKth(amp, n >> 1) : 0;
}

/**
 * The k-th smallest value of `a` (0-based), the element a sort would put at index k, by quickselect (expected linear
 * time instead of a full sort); reorders `a`.
 */
export function selectKth(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot: no quadratic case on sorted or constant input.
    const mid = (lo + hi) >> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Extracts minutiae from an image already at 500 dpi. Throws ValidationError (`fingerprint.*`) when the image is too
 * small, blank, or does not look like a fingerprint.
 */
export function extractFromGrey(img: GreyImage, opts: { debug?: boolean } = {}): Extraction {
  const W = img.width;
  const H = img.height;
  if (W < MIN_SIDE_500DPI || H < MIN_SIDE_500DPI) {
    throw new ValidationError(
      'fingerprint.too_small',
      `The image is ${W}x${H} pixels at 500 dpi; a fingerprint needs at least ${MIN_SIDE_500DPI}x${MIN_SIDE_500DPI}`,
    );
  }
  if (W > MAX_SIDE_500DPI || H > MAX_SIDE_500DPI) {
    throw new ValidationError('fingerprint.too_large', `The image is ${W}x${H} pixels at 500 dpi; at most ${MAX_SIDE_500DPI} pixels a side are accepted`);
  }
  const N = W * H;
  const { f, std } = greyToFloat(img.data, N);
  if (std < 6) {
    throw new ValidationError('fingerprint.blank', `The image is blank: its grey levels hardly vary (standard deviation ${std.toFixed(1)})`);
  }

  // Gradients (Sobel) and the structure tensor.
  const { coherence, energy, orientationIn } = extractionTuning.halfResolutionTensor
    ? smoothedTensorHalf(f, W, H)
    : smoothedTensorFull(...sobelProducts(f, W, H), W, H);
  // Segmentation on an 8-pixel block grid: gradient energy and coherence, then morphology.
  const BW = Math.ceil(W / BLOCK);
  const BH = Math.ceil(H / BLOCK);
  const NB = BW * BH;
  const bEnergy = new Float32Array(NB);
  const bCoh = new Float32Array(NB);
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      const cx = Math.min(W - 1, bx * BLOCK + (BLOCK >> 1));
      const cy = Math.min(H - 1, by * BLOCK + (BLOCK >> 1));
      bEnergy[by * BW + bx] = Math.sqrt(energy[cy * W + cx]!);
      bCoh[by * BW + bx] = coherence[cy * W + cx]!;
    }
  }
  const sortedE = Array.from(bEnergy).sort((p, q) => p - q);
  const p95 = sortedE[Math.floor(0.95 * (NB - 1))]!;
  const eThreshold = Math.max(20, SEG_ENERGY * p95);
  let bmask: Uint8Array = new Uint8Array(NB);
  for (let i = 0; i < NB; i++) bmask[i] = bEnergy[i]! > eThreshold && bCoh[i]! > SEG_COHERENCE ? 1 : 0;
  bmask = morph(bmask, BW, BH, 'dilate');
  bmask = morph(bmask, BW, BH, 'erode');
  bmask = morph(bmask, BW, BH, 'erode');
  bmask = morph(bmask, BW, BH, 'dilate');
  bmask = largestComponent(bmask, BW, BH);
  fillHoles(bmask, BW, BH);

  // Ridge direction in [0, π), only inside the print: nothing outside it reads the orientation, and the arc tangent
  // over the whole image was a tenth of the extraction's time on large images.
  const orientation = orientationIn(bmask);

  // Ridge period per block from an oriented signature and a small DFT over the plausible periods.
  const { period, periodOk, medianPeriod, validBlocks, fgBlocks } = blockPeriods(f, orientation, bmask, W, H);

  // Pixel mask from the block mask.
  const { mask, foregroundArea, cohSum } = pixelMask(bmask, coherence, W, H);
  const meanCoherence = foregroundArea ? cohSum / foregroundArea : 0;
  const validFrequency = fgBlocks ? validBlocks / fgBlocks : 0;
  if (foregroundArea < 100 * 100 || meanCoherence < 0.2 || validFrequency < 0.2) {
    throw new ValidationError(
      'fingerprint.no_ridges',
      `No fingerprint found: the ridge area is ${foregroundArea} pixels (at least 10000 needed), ridge flow coherence ` +
        `${meanCoherence.toFixed(2)} (0.20 needed) and ${Math.round(validFrequency * 100)}% of it has a ridge ` +
        `frequency (20% needed)`,
    );
  }

  // Oriented Gabor filtering on the foreground (local mean removed first).
  const enhanced = gaborEnhance(f, mask, orientation, period, W, H);

  // Binarise (ridges are dark, so a negative even-filter response) and thin.
  const binary = binarise(enhanced, mask);
  const skeleton = binary.slice();
  thinZhangSuen(skeleton, W, H);

  // Distance of every pixel to the background (chamfer 3-4), to reject minutiae at the print's border.
  const border = chamferDistance(mask, W, H);
  // Local clarity: the Gabor response's mean amplitude around a point relative to the print's median; it sets each
  // minutia's quality. (Dropping low-clarity minutiae was measured to cost accuracy: MCC copes with them.)
  const medianAmp = medianAmplitude(enhanced, mask);
  const clarityAt = (x: number, y: number): number => {
    let sum = 0;
    let n = 0;
    for (let yy = Math.max(0, y - 8); yy <= Math.min(H - 1, y + 8); yy++) {
      for (let xx = Math.max(0, x - 8); xx <= Math.min(W - 1, x + 8); xx++) {
        sum += Math.abs(enhanced[yy * W + xx]!);
        n++;
      }
    }
    return medianAmp > 0 ? sum / n / medianAmp : 0;
  };
  // Reliability of a point: enough blocks around it with a clear ridge period (faint or noisy areas have none).
  const periodSupport = (x: number, y: number): number => {
    const bx = Math.min(BW - 1, (x / BLOCK) | 0);
    const by = Math.min(BH - 1, (y / BLOCK) | 0);
    let n = 0;
    for (let yy = Math.max(0, by - 1); yy <= Math.min(BH - 1, by + 1); yy++) {
      for (let xx = Math.max(0, bx - 1); xx <= Math.min(BW - 1, bx + 1); xx++) n += periodOk[yy * BW + xx]!;
    }
    return n;
  };
  const reliable = (x: number, y: number): boolean =>
    coherence[y * W + x]! >= extractionTuning.minCoherence &&
    periodSupport(x, y) >= extractionTuning.minPeriodNeighbours &&
    (extractionTuning.minClarity === 0 || clarityAt(x, y) >= extractionTuning.minClarity);
  const minutiae = findMinutiae(skeleton, W, H, orientation, clarityAt, border, medianPeriod, reliable);
  if (minutiae.length < 6) {
    throw new ValidationError(
      'fingerprint.too_few_minutiae',
      `Only ${minutiae.length} reliable minutiae were found; at least 6 are needed to compare a fingerprint`,
    );
  }
  const stats = { foregroundArea, meanCoherence, validFrequency, medianPeriod };
  const quality = imageQuality({ ...stats, minutiaCount: minutiae.length });
  const result: Extraction = { width: W, height: H, minutiae, quality, stats };
  if (opts.debug) result.debug = { mask, enhanced, binary, skeleton, orientation, coherence };
  return result;
}

function morph(m: Uint8Array, W: number, H: number, op: 'dilate' | 'erode'): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let any = 0;
      let all = 1;
      for (let yy = y - 1; yy <= y + 1; yy++) {
        for (let xx = x - 1; xx <= x + 1; xx++) {
          const val = yy < 0 || xx < 0 || yy >= H || xx >= W ? 0 : m[yy * W + xx]!;
          any |= val;
          all &= val;
        }
      }
      out[y * W + x] = op === 'dilate' ? any : all;
    }
  }
  return out;
}

function largestComponent(m: Uint8Array, W: number, H: number): Uint8Array {
  const label = new Int32Array(m.length);
  const stack = new Int32Array(m.length);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  for (let s = 0; s < m.length; s++) {
    if (!m[s] || label[s]) continue;
    next++;
    let sp = 0;
    stack[sp++] = s;
    label[s] = next;
    let size = 0;
    while (sp) {
      const p = stack[--sp]!;
      size++;
      const x = p % W;
      const y = (p / W) | 0;
      const nb = [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1];
      for (const q of nb) {
        if (q >= 0 && m[q] && !label[q]) {
          label[q] = next;
          stack[sp++] = q;
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = next;
    }
  }
  const out = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = label[i] === best && best > 0 ? 1 : 0;
  return out;
}

function fillHoles(m: Uint8Array, W: number, H: number): void {
  const outside = new Uint8Array(m.length);
  const stack: number[] = [];
  for (let x = 0; x < W; x++) {
    stack.push(x, (H - 1) * W + x);
  }
  for (let y = 0; y < H; y++) stack.push(y * W, y * W + W - 1);
  while (stack.length) {
    const p = stack.pop()!;
    if (m[p] || outside[p]) continue;
    outside[p] = 1;
    const x = p % W;
    const y = (p / W) | 0;
    if (x > 0) stack.push(p - 1);
    if (x < W - 1) stack.push(p + 1);
    if (y > 0) stack.push(p - W);
    if (y < H - 1) stack.push(p + W);
  }
  for (let i = 0; i < m.length; i++) if (!outside[i]) m[i] = 1;
}

/** Two-pass 3-4 chamfer distance to the nearest background pixel (image edges count as background), in pixels. */
function chamferDistance(mask: Uint8Array, W: number, H: number): Float32Array {
  const d = new Float32Array(W * H);
  const INF = 1e9;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) {
        d[i] = 0;
        continue;
      }
      let best = INF;
      best = Math.min(best, x > 0 ? d[i - 1]! + 3 : 3);
      best = Math.min(best, y > 0 ? d[i - W]! + 3 : 3);
      best = Math.min(best, x > 0 && y > 0 ? d[i - W - 1]! + 4 : 4);
      best = Math.min(best, x < W - 1 && y > 0 ? d[i - W + 1]! + 4 : 4);
      d[i] = best;
    }
  }
  for (let y = H - 1; y >= 0; y--) {
    for (let x = W - 1; x >= 0; x--) {
      const i = y * W + x;
      if (!mask[i]) continue;
      let best = d[i]!;
      best = Math.min(best, x < W - 1 ? d[i + 1]! + 3 : 3);
      best = Math.min(best, y < H - 1 ? d[i + W]! + 3 : 3);
      best = Math.min(best, x < W - 1 && y < H - 1 ? d[i + W + 1]! + 4 : 4);
      best = Math.min(best, x > 0 && y < H - 1 ? d[i + W - 1]! + 4 : 4);
      d[i] = best;
    }
  }
  for (let i = 0; i < d.length; i++) d[i] = d[i]! / 3;
  return d;
}

/** Zhang-Suen thinning in place on a 0/1 image; the one-pixel frame is cleared first. */
export function thinZhangSuen(img: Uint8Array, W: number, H: number): void {
  for (let x = 0; x < W; x++) {
    img[x] = 0;
    img[(H - 1) * W + x] = 0;
  }
  for (let y = 0; y < H; y++) {
    img[y * W] = 0;
    img[y * W + W - 1] = 0;
  }
  // Only set pixels can be deleted: each pass visits the list of pixels still set (in raster order) instead of the
  // whole image, and the list shrinks as the ridges thin. The deletions of a pass are decided on the image as it was
  // before the pass, so the result is the same as scanning every pixel.
  let alive = 0;
  for (let i = 0; i < W * H; i++) if (img[i]) alive++;
  const cand = new Int32Array(alive);
  alive = 0;
  for (let i = 0; i < W * H; i++) if (img[i]) cand[alive++] = i;
  const del = new Int32Array(alive);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      let nd = 0;
      for (let c = 0; c < alive; c++) {
        const i = cand[c]!;
        if (!img[i]) continue;
        const p2 = img[i - W]!;
        const p3 = img[i - W + 1]!;
        const p4 = img[i + 1]!;
        const p5 = img[i + W + 1]!;
        const p6 = img[i + W]!;
        const p7 = img[i + W - 1]!;
        const p8 = img[i - 1]!;
        const p9 = img[i - W - 1]!;
        const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
        if (b < 2 || b > 6) continue;
        const a =
          (p2 === 0 && p3 === 1 ? 1 : 0) +
          (p3 === 0 && p4 === 1 ? 1 : 0) +
          (p4 === 0 && p5 === 1 ? 1 : 0) +
          (p5 === 0 && p6 === 1 ? 1 : 0) +
          (p6 === 0 && p7 === 1 ? 1 : 0) +
          (p7 === 0 && p8 === 1 ? 1 : 0) +
          (p8 === 0 && p9 === 1 ? 1 : 0) +
          (p9 === 0 && p2 === 1 ? 1 : 0);
        if (a !== 1) continue;
        if (pass === 0) {
          if (p2 * p4 * p6 !== 0 || p4 * p6 * p8 !== 0) continue;
        } else if (p2 * p4 * p8 !== 0 || p2 * p6 * p8 !== 0) continue;
        del[nd++] = i;
      }
      for (let k = 0; k < nd; k++) img[del[k]!] = 0;
      if (nd) changed = true;
    }
    // Drop the deleted pixels from the list (order kept).
    let kept = 0;
    for (let c = 0; c < alive; c++) if (img[cand[c]!]) cand[kept++] = cand[c]!;
    alive = kept;
  }
  // Remove staircase pixels: a pixel whose two 4-neighbours at a right angle are set and whose removal keeps them
  // connected through the diagonal is redundant and would fake a bifurcation. The list holds every pixel still set,
  // in raster order and inside the cleared frame, so walking it deletes the same pixels as the raster scan did.
  for (let c = 0; c < alive; c++) {
    const i = cand[c]!;
    if (!img[i]) continue;
    const n = img[i - W]!;
    const s = img[i + W]!;
    const e = img[i + 1]!;
    const w = img[i - 1]!;
    const count = n + s + e + w + img[i - W - 1]! + img[i - W + 1]! + img[i + W - 1]! + img[i + W + 1]!;
    if (count !== 2) continue;
    if ((n && e) || (e && s) || (s && w) || (w && n)) img[i] = 0;
  }
}

const NX = [0, 1, 1, 1, 0, -1, -1, -1];
const NY = [-1, -1, 0, 1, 1, 1, 0, -1];

function crossingNumber(sk: Uint8Array, i: number, W: number): number {
  let t = 0;
  let prev = sk[i + NY[7]! * W + NX[7]!]!;
  for (let k = 0; k < 8; k++) {
    const cur = sk[i + NY[k]! * W + NX[k]!]!;
    if (prev === 0 && cur === 1) t++;
    prev = cur;
  }
  return t;
}

interface RawMinutia {
  x: number;
  y: number;
  kind: MinutiaKind;
  angle: number;
  /** Index of the minutia reached along each traced branch within the tracing length, or -1. */
  reach: number[];
  reachLen: number[];
  removed: boolean;
  quality: number;
}

function findMinutiae(
  sk: Uint8Array,
  W: number,
  H: number,
  orientation: Float32Array,
  clarityAt: (x: number, y: number) => number,
  border: Float32Array,
  medianPeriod: number,
  reliable: (x: number, y: number) => boolean,
): Minutia[] {
  const raw: RawMinutia[] = [];
  const label = new Int32Array(W * H).fill(-1);
  for (let y = 2; y < H - 2; y++) {
    for (let x = 2; x < W - 2; x++) {
      const i = y * W + x;
      if (!sk[i]) continue;
      const cn = crossingNumber(sk, i, W);
      if (cn !== 1 && cn !== 3) continue;
      // A junction drawn over two adjacent pixels is one minutia: keep the first found.
      if (label[i - 1]! >= 0 || label[i - W - 1]! >= 0 || label[i - W]! >= 0 || label[i - W + 1]! >= 0) continue;
      label[i] = raw.length;
      raw.push({ x, y, kind: cn === 1 ? 'ending' : 'bifurcation', angle: 0, reach: [], reachLen: [], removed: false, quality: 0 });
    }
  }
  const visited = new Int32Array(W * H);
  let stamp = 0;
  const TRACE = Math.round(2.2 * medianPeriod);
  const DIR_LEN = Math.round(1.2 * medianPeriod);

  // Traces from (sx,sy) starting at neighbour (fx,fy); returns the end point, steps and a minutia label if one is hit.
  const trace = (
    sx: number,
    sy: number,
    fx: number,
    fy: number,
    maxLen: number,
    dirLen: number,
    out: { x: number; y: number; dx: number; dy: number; len: number; hit: number },
  ): void => {
    let cx = fx;
    let cy = fy;
    let len = 1;
    out.hit = -1;
    out.dx = fx;
    out.dy = fy;
    while (true) {
      const ci = cy * W + cx;
      visited[ci] = stamp;
      if (len <= dirLen) {
        out.dx = cx;
        out.dy = cy;
      }
      if (label[ci]! >= 0 && !(cx === sx && cy === sy)) {
        out.hit = label[ci]!;
        break;
      }
      if (len >= maxLen) break;
      let nxp = -1;
      let nyp = -1;
      for (let k = 0; k < 8; k++) {
        const xx = cx + NX[k]!;
        const yy = cy + NY[k]!;
        if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
        const j = yy * W + xx;
        if (!sk[j] || visited[j] === stamp) continue;
        // Prefer 4-neighbours (even k) so staircases are followed pixel by pixel.
        if (nxp < 0 || (k & 1) === 0) {
          nxp = xx;
          nyp = yy;
          if ((k & 1) === 0) break;
        }
      }
      if (nxp < 0) break;
      cx = nxp;
      cy = nyp;
      len++;
    }
    out.x = cx;
    out.y = cy;
    out.len = len;
  };

  const res = { x: 0, y: 0, dx: 0, dy: 0, len: 0, hit: -1 };
  for (let m = 0; m < raw.length; m++) {
    const r = raw[m]!;
    const i = r.y * W + r.x;
    // Branch starts: first pixel of each run of set neighbours in cyclic order.
    const starts: number[] = [];
    for (let k = 0; k < 8; k++) {
      const prevK = (k + 7) & 7;
      const cur = sk[i + NY[k]! * W + NX[k]!]!;
      const prev = sk[i + NY[prevK]! * W + NX[prevK]!]!;
      if (cur && !prev) {
        // Within the run, prefer a 4-neighbour.
        let pick = k;
        let kk = k;
        while (sk[i + NY[kk]! * W + NX[kk]!]) {
          if ((kk & 1) === 0) {
            pick = kk;
            break;
          }
          kk = (kk + 1) & 7;
          if (kk === k) break;
        }
        starts.push(pick);
      }
    }
    const angles: number[] = [];
    for (const k of starts) {
      stamp++;
      visited[i] = stamp;
      // Block the other neighbours of the centre so each branch is followed on its own.
      for (let kk = 0; kk < 8; kk++) if (kk !== k) visited[i + NY[kk]! * W + NX[kk]!] = stamp;
      trace(r.x, r.y, r.x + NX[k]!, r.y + NY[k]!, TRACE, DIR_LEN, res);
      r.reach.push(res.hit);
      r.reachLen.push(res.len);
      angles.push(Math.atan2(res.dy - r.y, res.dx - r.x));
    }
    if (r.kind === 'ending') {
      r.angle = normAngle((angles[0] ?? 0) + Math.PI);
    } else {
      if (angles.length !== 3) {
        r.removed = true;
        continue;
      }
      // The stem is the branch most apart from the other two.
      let stem = 0;
      let bestGap = -1;
      for (let s = 0; s < 3; s++) {
        const a = angles[(s + 1) % 3]!;
        const b = angles[(s + 2) % 3]!;
        const gap = Math.abs(angleDiff(angles[s]!, a)) + Math.abs(angleDiff(angles[s]!, b));
        if (gap > bestGap) {
          bestGap = gap;
          stem = s;
        }
      }
      r.angle = normAngle(angles[stem]!);
    }
    // Snap to the smoothed ridge orientation when it agrees with the traced direction.
    const o = orientation[i]!;
    const cand = Math.abs(angleDiff(o, r.angle)) < Math.PI / 2 ? o : o + Math.PI;
    if (Math.abs(angleDiff(cand, r.angle)) > Math.PI / 4) {
      r.removed = true;
      continue;
    }
    r.angle = normAngle(cand);
  }

  const margin = Math.max(8, extractionTuning.borderPeriods * medianPeriod);
  for (const r of raw) {
    const i = r.y * W + r.x;
    if (border[i]! < margin || !reliable(r.x, r.y)) r.removed = true;
  }

  // Structural false minutiae: short ridges and islands (ending to ending), spurs (ending to bifurcation), bridges
  // and lakes (bifurcation to bifurcation), all detected by tracing from the minutia.
  const short = 0.5 * medianPeriod;
  for (let m = 0; m < raw.length; m++) {
    const r = raw[m]!;
    for (let b = 0; b < r.reach.length; b++) {
      const hit = r.reach[b]!;
      if (hit < 0 || hit === m) continue;
      const o = raw[hit]!;
      const len = r.reachLen[b]!;
      if (r.kind === 'ending' && o.kind === 'ending' && len <= 0.7 * medianPeriod) {
        r.removed = true;
        o.removed = true;
      } else if (len <= short) {
        r.removed = true;
        o.removed = true;
      }
    }
  }
  // Broken ridges: two endings close together, facing each other along the ridge flow.
  const gapMax = 1.8 * medianPeriod;
  for (let a = 0; a < raw.length; a++) {
    const p = raw[a]!;
    if (p.kind !== 'ending') continue;
    for (let b = a + 1; b < raw.length; b++) {
      const q = raw[b]!;
      if (q.kind !== 'ending') continue;
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const d = Math.hypot(dx, dy);
      if (d > gapMax || d < 1) continue;
      const facing = Math.abs(angleDiff(p.angle, q.angle + Math.PI)) < Math.PI / 5;
      const along = Math.abs(angleDiff(Math.atan2(dy, dx), p.angle)) < Math.PI / 4;
      if (facing && along) {
        p.removed = true;
        q.removed = true;
      }
    }
  }
  // Clusters: two minutiae within a third of a ridge period of each other, or three within about half a period.
  const close = 0.3 * medianPeriod;
  const cluster = 0.55 * medianPeriod;
  const neighbours = new Int32Array(raw.length);
  for (let a = 0; a < raw.length; a++) {
    const p = raw[a]!;
    for (let b = a + 1; b < raw.length; b++) {
      const q = raw[b]!;
      const d = Math.hypot(q.x - p.x, q.y - p.y);
      if (d < close) {
        p.removed = true;
        q.removed = true;
      }
      if (d < cluster) {
        neighbours[a]!++;
        neighbours[b]!++;
      }
    }
  }
  for (let a = 0; a < raw.length; a++) if (neighbours[a]! >= 2) raw[a]!.removed = true;

  const out: Minutia[] = [];
  for (const r of raw) {
    if (r.removed) continue;
    const i = r.y * W + r.x;
    const q = Math.min(1, clarityAt(r.x, r.y)) * Math.min(1, border[i]! / (3 * medianPeriod));
    out.push({ x: r.x, y: r.y, angle: r.angle, kind: r.kind, quality: Math.round(100 * q) });
  }
  if (out.length > extractionTuning.maxMinutiae) {
    out.sort((p, q) => q.quality - p.quality);
    out.length = extractionTuning.maxMinutiae;
  }
  return out;
}
