import { buildPairEdges, matchPairs, type PairEdges } from './fingerprint.pairs';
import type { FingerprintTemplate } from './fingerprint.types';

/**
 * Minutia Cylinder-Code matching (Cappelli, Ferrara, Maltoni, "Minutia Cylinder-Code: a new representation and
 * matching technique for fingerprint recognition", IEEE TPAMI 2010), bit-vector variant, with the LSS-R global
 * score (local similarity sort + relaxation) and a consolidation step.
 *
 * Each minutia gets a cylinder: NS x NS spatial cells (rotated to the minutia's direction, radius R) times ND
 * direction bins, a cell set when neighbouring minutiae near it have the bin's relative direction. Cylinders are
 * invariant to rotation and translation and, being local, tolerant of distortion and partial overlap. Cells
 * beyond the minutiae's convex hull (enlarged by OMEGA) stay unset; the paper's per-pair validity masks were
 * measured here (FVC2002 DB2_B, DB4_B) to give no better error rates while costing three popcounts per word instead
 * of one (about 20% of the comparison time), so they are left out.
 * Consolidation: the best relaxed pairs each align B on A; the number of minutiae that then coincide, relative to
 * those inside the common area, is blended into the score.
 *
 * Departures from the paper, for speed (>= 20,000 comparisons per second in TypeScript): 8x8x5 cylinders (packed
 * in 9 words), minutiae paired only if their directions differ by at most 45 degrees (so prints rotated by more
 * than ~35 degrees against each other lose accuracy), 12 pairs relaxed in 3 rounds (the paper: min(nA, nB), 5).
 * Pure and allocation-free per comparison: a prepared template holds the packed cylinders and is reused for 1:N.
 */

const R = 70;
const NS = 8;
const ND = 5;
const SIGMA_S = 28 / 3;
const SIGMA_D = (2 * Math.PI) / 9;
const MU_PSI = 0.01;
/** Cells beyond the convex hull of the minutiae, enlarged by this margin, are invalid. */
const OMEGA = 50;
const MIN_VALID_CELL_SHARE = 0.75;
const MIN_NEIGHBOURS = 2;
/** Directions of paired minutiae may differ at most this much. */
const MAX_DIRECTION_DIFF = Math.PI / 4;
// LSS-R parameters from the paper, except N_REL and MAX_NR (fewer rounds and pairs: same error rates here, faster).
const MIN_NP = 4;
const MAX_NP = 12;
const MU_P = 20;
const TAU_P = 2 / 5;
const W_R = 0.5;
const N_REL = 3;
const MU_1 = 5;
const TAU_1 = -8 / 5;
const MU_2 = Math.PI / 12;
const TAU_2 = -30;
/** Pairs kept for relaxation at most (the paper uses min(nA, nB); a cap bounds the cost). */
const MAX_NR = 12;

const TWO_PI = 2 * Math.PI;
/** Minutiae used in matching at most (pair keys pack indices in 7 bits). */
const MAX_MATCH_MINUTIAE = 127;
const DELTA_S = (2 * R) / NS;
const DELTA_D = TWO_PI / ND;

/** Offsets (in the cylinder's frame) of the spatial cells that lie within radius R. */
const CELL_OFFSETS: { ox: number; oy: number }[] = [];
for (let j = 0; j < NS; j++) {
  for (let i = 0; i < NS; i++) {
    const ox = (i - (NS - 1) / 2) * DELTA_S;
    const oy = (j - (NS - 1) / 2) * DELTA_S;
    if (Math.hypot(ox, oy) <= R) CELL_OFFSETS.push({ ox, oy });
  }
}
const NC = CELL_OFFSETS.length;
const BITS = NC * ND;
/** 32-bit words per cylinder. */
export const CYLINDER_WORDS = Math.ceil(BITS / 32);

const POPCOUNT16 = new Uint8Array(65536);
for (let i = 1; i < 65536; i++) POPCOUNT16[i] = (i & 1) + POPCOUNT16[i >>> 1]!;

/** A template made ready for many comparisons (cylinders built once). */
export interface PreparedTemplate {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly angle: Float32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /** 1 if the minutia's cylinder is usable. */
  readonly valid: Uint8Array;
  /** Cell bits, CYLINDER_WORDS per minutia. */
  readonly cells: Uint32Array;
  /** A hash of the cylinders: orders the two sides of a comparison so that the score is symmetric. */
  readonly key: number;
  /** Square root of the number of set cells of each cylinder. */
  readonly sqrtOnes: Float64Array;
  /** Edges of the minutiae's convex hull: start x, start y and unit inward normal, 4 numbers per edge. */
  readonly hullEdges: Float64Array;
  /** Nearest-neighbour pair structures of the second matcher (fingerprint.pairs.ts). */
  readonly edges: PairEdges;
}

/** First index in the ascending array (length n) whose value is >= v. */
function lowerBound(arr: Float32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26, |error| < 1.5e-7.
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function angleDiff(a: number, b: number): number {
  let d = (a - b) % TWO_PI;
  if (d > Math.PI) d -= TWO_PI;
  else if (d <= -Math.PI) d += TWO_PI;
  return d;
}

/** Directional contribution: the normal density of the angle difference integrated over a bin. */
function directionalContribution(binCentre: number, d: number): number {
  const alpha = angleDiff(binCentre, d);
  const k = 1 / (SIGMA_D * Math.SQRT2);
  return 0.5 * (erf((alpha + DELTA_D / 2) * k) - erf((alpha - DELTA_D / 2) * k));
}

function convexHull(xs: Float32Array, ys: Float32Array): { x: number; y: number }[] {
  const pts = Array.from(xs, (x, i) => ({ x, y: ys[i]! })).sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const cross = (o: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number =>
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: { x: number; y: number }[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: { x: number; y: number }[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  upper.pop();
  lower.pop();
  return lower.concat(upper);
}

/** True when p lies inside the convex polygon (counter-clockwise) or within `margin` of it. */
function nearHull(hull: { x: number; y: number }[], px: number, py: number, margin: number): boolean {
  const n = hull.length;
  if (n === 0) return false;
  let inside = n >= 3;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    const ex = b.x - a.x;
    const ey = b.y - a.y;
    if (n >= 3 && ex * (py - a.y) - ey * (px - a.x) < 0) inside = false;
    const len2 = ex * ex + ey * ey;
    let t = len2 > 0 ? ((px - a.x) * ex + (py - a.y) * ey) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const dx = a.x + t * ex - px;
    const dy = a.y + t * ey - py;
    best = Math.min(best, dx * dx + dy * dy);
  }
  return inside || best <= margin * margin;
}

/** Builds the cylinders of a template. */
export function prepareTemplate(t: FingerprintTemplate): PreparedTemplate {
  // Minutiae sorted by direction, so a comparison visits only the pairs whose directions are compatible; at most
  // MAX_MATCH_MINUTIAE of them (the best by quality), which also keeps indices within 7 bits.
  let ms = t.minutiae;
  if (ms.length > MAX_MATCH_MINUTIAE) ms = [...ms].sort((p, q) => q.quality - p.quality).slice(0, MAX_MATCH_MINUTIAE);
  const norm = (v: number): number => ((v % TWO_PI) + TWO_PI) % TWO_PI;
  ms = [...ms].sort((p, q) => norm(p.angle) - norm(q.angle));
  const n = ms.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const angle = new Float32Array(n);
  ms.forEach((m, i) => {
    x[i] = m.x;
    y[i] = m.y;
    angle[i] = norm(m.angle);
  });
  const hull = convexHull(x, y);
  const valid = new Uint8Array(n);
  const cells = new Uint32Array(n * CYLINDER_WORDS);
  const sqrtOnes = new Float64Array(n);
  const reach = R + 3 * SIGMA_S;
  const near: number[] = [];
  const gsNorm = 1 / (SIGMA_S * Math.sqrt(TWO_PI));
  const binCentres = Array.from({ length: ND }, (_, k) => -Math.PI + (k + 0.5) * DELTA_D);
  const dirContrib = new Float64Array(ND);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const ti = angle[i]!;
    const c = Math.cos(ti);
    const s = Math.sin(ti);
    near.length = 0;
    for (let j = 0; j < n; j++) {
      if (j !== i && Math.hypot(x[j]! - xi, y[j]! - yi) <= reach) near.push(j);
    }
    let validCells = 0;
    const base = i * CYLINDER_WORDS;
    for (let cIdx = 0; cIdx < NC; cIdx++) {
      const off = CELL_OFFSETS[cIdx]!;
      const px = xi + c * off.ox - s * off.oy;
      const py = yi + s * off.ox + c * off.oy;
      if (!nearHull(hull, px, py, OMEGA)) continue;
      validCells++;
      dirContrib.fill(0);
      for (const j of near) {
        const dx = x[j]! - px;
        const dy = y[j]! - py;
        const d2 = dx * dx + dy * dy;
        if (d2 > 9 * SIGMA_S * SIGMA_S) continue;
        const gs = gsNorm * Math.exp(-d2 / (2 * SIGMA_S * SIGMA_S));
        const rel = angleDiff(angle[j]!, ti);
        for (let k = 0; k < ND; k++) dirContrib[k]! += gs * directionalContribution(binCentres[k]!, rel);
      }
      for (let k = 0; k < ND; k++) {
        const bit = cIdx * ND + k;
        const w = base + (bit >>> 5);
        const m = 1 << (bit & 31);
        if (dirContrib[k]! > MU_PSI) cells[w] = cells[w]! | m;
      }
    }
    valid[i] = validCells >= MIN_VALID_CELL_SHARE * NC && near.length >= MIN_NEIGHBOURS ? 1 : 0;
    let ones = 0;
    for (let w = 0; w < CYLINDER_WORDS; w++) {
      const v = cells[base + w]!;
      ones += POPCOUNT16[v & 0xffff]! + POPCOUNT16[v >>> 16]!;
    }
    sqrtOnes[i] = Math.sqrt(ones);
  }
  const cos = Float64Array.from(angle, (t) => Math.cos(t));
  const sin = Float64Array.from(angle, (t) => Math.sin(t));
  const hullEdges = new Float64Array(hull.length >= 3 ? hull.length * 4 : 0);
  if (hull.length >= 3) {
    hull.forEach((p, k) => {
      const q = hull[(k + 1) % hull.length]!;
      const ex = q.x - p.x;
      const ey = q.y - p.y;
      const len = Math.hypot(ex, ey) || 1;
      hullEdges.set([p.x, p.y, -ey / len, ex / len], 4 * k);
    });
  }
  let key = 0x811c9dc5;
  for (let w = 0; w < cells.length; w++) key = Math.imul(key ^ cells[w]!, 0x01000193) >>> 0;
  const edges = buildPairEdges({ n, x, y, angle });
  return { n, x, y, angle, cos, sin, valid, cells, key, sqrtOnes, hullEdges, edges };
}

// Scratch buffers reused by every comparison (the matcher is synchronous, so one set suffices).
let scratchSize = 0;
let lsmKeys = new Int32Array(0);
/** Every compatible pair of the last comparison (i * 128 + j), for the consolidation. */
let pairList = new Int32Array(0);
let pairCount = 0;
const selA = new Int32Array(MAX_NR);
const selB = new Int32Array(MAX_NR);
const lambda0 = new Float64Array(MAX_NR);
const lambda = new Float64Array(MAX_NR);
const lambdaNext = new Float64Array(MAX_NR);
const rho = new Float64Array(MAX_NR * MAX_NR);
const usedA = new Uint8Array(256);
const histogram = new Uint16Array(256);
const order = new Int32Array(MAX_NR);
const efficiency = new Float64Array(MAX_NR);
// (usedA doubles as the owner table of the consolidation, so it holds indices up to 255.)
const usedB = new Uint8Array(256);

function sigmoid(v: number, mu: number, tau: number): number {
  return 1 / (1 + Math.exp(-tau * (v - mu)));
}

// Sigmoid tables: distance differences in 1/16 pixel, angle differences indexed by their cosine.
const DIST_LUT_SCALE = 16;
const DIST_LUT_MAX = 40;
const DIST_LUT = new Float64Array(DIST_LUT_MAX * DIST_LUT_SCALE + 1);
for (let i = 0; i < DIST_LUT.length; i++) {
  const v = sigmoid(i / DIST_LUT_SCALE, MU_1, TAU_1);
  DIST_LUT[i] = v < 1e-4 ? 0 : v;
}
const ANGLE_LUT_HALF = 4096;
const ANGLE_LUT = new Float64Array(2 * ANGLE_LUT_HALF + 2);
for (let i = 0; i < ANGLE_LUT.length; i++) {
  const c = Math.min(1, Math.max(-1, i / ANGLE_LUT_HALF - 1));
  ANGLE_LUT[i] = sigmoid(Math.acos(c), MU_2, TAU_2);
}

/**
 * Weight of the pair matcher's score in the fused raw score (MCC + PAIR_WEIGHT x pairs), chosen on FVC2002 DB2_B
 * alone (all pairs, lowest EER over 0.05-0.5 and the pair matcher's settings), FVC DB4_B held out: see
 * docs/benchmarks.md, "Held-out protocol, third pass".
 */
export const PAIR_WEIGHT = 0.25;

/**
 * The pair matcher runs only where it can matter (it costs about three MCC comparisons): when MCC scores at least
 * PAIR_GATE_HIGH, or below PAIR_GATE_LOW, where MCC found next to nothing (no DB2_B impostor scores that low: prints
 * turned beyond MCC's 45-degree pairing, or a tiny overlap). In between (most impostors) the score is MCC's alone.
 * Both set on FVC2002 DB2_B alone: the highest step of 0.01 that leaves its all-pairs error rates unchanged, and
 * the lowest impostor score rounded down; on DB4_B (held out) the error rates are the same as without the gate.
 */
export const PAIR_GATE_LOW = 0.035;
export const PAIR_GATE_HIGH = 0.07;

/**
 * Raw similarity of two prepared templates, 0..1 + PAIR_WEIGHT: the MCC LSS-R score blended with the consolidation,
 * plus the weighted score of the rotation-invariant pair matcher (fingerprint.pairs.ts) outside the gate; see
 * fingerprint.calibration.ts for the calibrated score. Symmetric: both orders compute the same thing.
 */
export function matchPrepared(p: PreparedTemplate, q: PreparedTemplate): number {
  // The greedy steps depend on which side is A; a fixed order makes the score symmetric at no cost.
  const swap = p.key > q.key || (p.key === q.key && p.n > q.n);
  const a = swap ? q : p;
  const b = swap ? p : q;
  const mcc = matchMcc(a, b);
  if (mcc >= PAIR_GATE_LOW && mcc < PAIR_GATE_HIGH) return mcc;
  return mcc + PAIR_WEIGHT * matchPairs(a, a.edges, b, b.edges);
}

/** The MCC score alone (A and B in matchPrepared's order), 0..1. */
export function matchMccOnly(p: PreparedTemplate, q: PreparedTemplate): number {
  const swap = p.key > q.key || (p.key === q.key && p.n > q.n);
  return swap ? matchMcc(q, p) : matchMcc(p, q);
}

/** The pair matcher's score alone (same order), 0..1. */
export function matchPairsOnly(p: PreparedTemplate, q: PreparedTemplate): number {
  const swap = p.key > q.key || (p.key === q.key && p.n > q.n);
  return swap ? matchPairs(q, q.edges, p, p.edges) : matchPairs(p, p.edges, q, q.edges);
}

function matchMcc(a: PreparedTemplate, b: PreparedTemplate): number {
  const na = a.n;
  const nb = b.n;
  if (na < 2 || nb < 2) return 0;
  const total = na * nb;
  if (total > scratchSize) {
    scratchSize = total;
    lsmKeys = new Int32Array(total);
    pairList = new Int32Array(total);
  }
  const W = CYLINDER_WORDS;
  const ac = a.cells;
  const bc = b.cells;
  let count = 0;
  pairCount = 0;
  const bAngle = b.angle;
  for (let i = 0; i < na; i++) {
    if (!a.valid[i]) continue;
    const ta = a.angle[i]!;
    const baseA = i * W;
    const sqA = a.sqrtOnes[i]!;
    // B's minutiae with a direction within MAX_DIRECTION_DIFF of ta: one or two runs of the sorted angles.
    let lo = ta - MAX_DIRECTION_DIFF;
    let hi = ta + MAX_DIRECTION_DIFF;
    let runs = 1;
    let lo2 = 0;
    let hi2 = 0;
    if (lo < 0) {
      runs = 2;
      lo2 = lo + TWO_PI;
      hi2 = TWO_PI;
      lo = 0;
    } else if (hi >= TWO_PI) {
      runs = 2;
      lo2 = 0;
      hi2 = hi - TWO_PI;
      hi = TWO_PI;
    }
    for (let run = 0; run < runs; run++) {
      const from = run === 0 ? lo : lo2;
      const to = run === 0 ? hi : hi2;
      for (let j = lowerBound(bAngle, nb, from); j < nb && bAngle[j]! <= to; j++) {
        if (!b.valid[j]) continue;
        const baseB = j * W;
        // Cells outside the print are never set, so no per-pair masking is needed; set-bit counts are precomputed.
        let px = 0;
        let w = 0;
        // Unrolled by three (9 words per cylinder).
        for (; w + 2 < W; w += 3) {
          const v0 = ac[baseA + w]! ^ bc[baseB + w]!;
          const v1 = ac[baseA + w + 1]! ^ bc[baseB + w + 1]!;
          const v2 = ac[baseA + w + 2]! ^ bc[baseB + w + 2]!;
          px +=
            POPCOUNT16[v0 & 0xffff]! +
            POPCOUNT16[v0 >>> 16]! +
            POPCOUNT16[v1 & 0xffff]! +
            POPCOUNT16[v1 >>> 16]! +
            POPCOUNT16[v2 & 0xffff]! +
            POPCOUNT16[v2 >>> 16]!;
        }
        for (; w < W; w++) {
          const vx = ac[baseA + w]! ^ bc[baseB + w]!;
          px += POPCOUNT16[vx & 0xffff]! + POPCOUNT16[vx >>> 16]!;
        }
        const den = sqA + b.sqrtOnes[j]!;
        if (den === 0) continue;
        const sim = 1 - Math.sqrt(px) / den;
        if (sim <= 0) continue;
        lsmKeys[count] = ((sim * 65535) | 0) * 16384 + i * 128 + j;
        count++;
        pairList[pairCount++] = i * 128 + j;
      }
    }
  }
  if (count === 0) return 0;
  // Only the best few pairs matter: a histogram of the similarities finds the level above which about 4 nR
  // pairs lie, and only those are sorted.
  const nR = Math.min(MAX_NR, na, nb);
  histogram.fill(0);
  for (let p = 0; p < count; p++) histogram[lsmKeys[p]! >>> 22]!++;
  let level = 255;
  for (let acc = 0; level > 0; level--) {
    acc += histogram[level]!;
    if (acc >= 4 * nR) break;
  }
  let kept = 0;
  for (let p = 0; p < count; p++) {
    const key = lsmKeys[p]!;
    if (key >>> 22 >= level) lsmKeys[kept++] = key;
  }
  // Insertion sort, ascending, of the few kept keys (no allocation).
  for (let p = 1; p < kept; p++) {
    const key = lsmKeys[p]!;
    let q = p - 1;
    while (q >= 0 && lsmKeys[q]! > key) {
      lsmKeys[q + 1] = lsmKeys[q]!;
      q--;
    }
    lsmKeys[q + 1] = key;
  }
  const keys = lsmKeys;
  count = kept;
  // Greedy one-to-one selection of the best pairs for relaxation.
  usedA.fill(0, 0, na);
  usedB.fill(0, 0, nb);
  let k = 0;
  for (let p = count - 1; p >= 0 && k < nR; p--) {
    const key = keys[p]!;
    const i = (key >>> 7) & 127;
    const j = key & 127;
    if (usedA[i] || usedB[j]) continue;
    usedA[i] = 1;
    usedB[j] = 1;
    selA[k] = i;
    selB[k] = j;
    lambda0[k] = (key >>> 14) / 65535;
    k++;
  }
  // Compatibility of every two selected pairs: distances, relative directions and radial angles must agree.
  // Angles are compared through their cosines (no atan2), sigmoids read from tables.
  const acos = a.cos;
  const asin = a.sin;
  const bcos = b.cos;
  const bsin = b.sin;
  for (let p = 0; p < k; p++) {
    const ia = selA[p]!;
    const ib = selB[p]!;
    const xa = a.x[ia]!;
    const ya = a.y[ia]!;
    const xb = b.x[ib]!;
    const yb = b.y[ib]!;
    const ca = acos[ia]!;
    const sa = asin[ia]!;
    const cb = bcos[ib]!;
    const sb = bsin[ib]!;
    rho[p * k + p] = 0;
    for (let q = p + 1; q < k; q++) {
      const ja = selA[q]!;
      const jb = selB[q]!;
      const dxa = a.x[ja]! - xa;
      const dya = a.y[ja]! - ya;
      const dxb = b.x[jb]! - xb;
      const dyb = b.y[jb]! - yb;
      const la = Math.sqrt(dxa * dxa + dya * dya);
      const lb = Math.sqrt(dxb * dxb + dyb * dyb);
      const d1 = la > lb ? la - lb : lb - la;
      let r = d1 >= DIST_LUT_MAX ? 0 : DIST_LUT[(d1 * DIST_LUT_SCALE) | 0]!;
      if (r === 0) {
        rho[p * k + q] = 0;
        rho[q * k + p] = 0;
        continue;
      }
      // Direction of j relative to i in each print, then the difference of the two: its cosine.
      const cja = acos[ja]!;
      const sja = asin[ja]!;
      const cjb = bcos[jb]!;
      const sjb = bsin[jb]!;
      const cA = ca * cja + sa * sja;
      const sA = sa * cja - ca * sja;
      const cB = cb * cjb + sb * sjb;
      const sB = sb * cjb - cb * sjb;
      const cosD2 = cA * cB + sA * sB;
      r *= ANGLE_LUT[((cosD2 + 1) * ANGLE_LUT_HALF) | 0]!;
      // Radial angle: the segment i->j seen from minutia i's direction, in each print.
      const lab = la * lb;
      if (lab > 0) {
        const ua = dxa * ca + dya * sa;
        const va = dya * ca - dxa * sa;
        const ub = dxb * cb + dyb * sb;
        const vb = dyb * cb - dxb * sb;
        const cosD3 = (ua * ub + va * vb) / lab;
        r *= ANGLE_LUT[((cosD3 + 1) * ANGLE_LUT_HALF) | 0]!;
      }
      rho[p * k + q] = r;
      rho[q * k + p] = r;
    }
  }
  for (let p = 0; p < k; p++) lambda[p] = lambda0[p]!;
  for (let it = 0; it < N_REL; it++) {
    for (let p = 0; p < k; p++) {
      let sum = 0;
      for (let q = 0; q < k; q++) sum += rho[p * k + q]! * lambda[q]!;
      lambdaNext[p] = W_R * lambda[p]! + (1 - W_R) * (k > 1 ? sum / (k - 1) : 0);
    }
    for (let p = 0; p < k; p++) lambda[p] = lambdaNext[p]!;
  }
  // Keep the nP pairs whose similarity held up best under relaxation (efficiency), average their relaxed values.
  const nP = Math.min(k, MIN_NP + Math.round(sigmoid(Math.min(na, nb), MU_P, TAU_P) * (MAX_NP - MIN_NP)));
  // Insertion sort by efficiency (k is at most MAX_NR).
  for (let p = 0; p < k; p++) {
    const e = lambda[p]! / lambda0[p]!;
    let q = p;
    while (q > 0 && efficiency[q - 1]! < e) {
      efficiency[q] = efficiency[q - 1]!;
      order[q] = order[q - 1]!;
      q--;
    }
    efficiency[q] = e;
    order[q] = p;
  }
  let score = 0;
  for (let p = 0; p < nP; p++) score += lambda[order[p]!]!;
  const mcc = nP > 0 ? score / nP : 0;
  // Consolidation: align B on A with each of the best relaxed pairs and count the minutiae that then coincide
  // (one-to-one, with a tolerance that grows away from the anchor for skin distortion), relative to the minutiae
  // each print has inside the other's area.
  let bestMatched = 0;
  let bestSeed = -1;
  let tried = 0;
  for (let s = 0; s < Math.min(CONS_SEEDS, nP); s++) {
    const p = order[s]!;
    // A seed that an earlier alignment already paired would give (nearly) the same alignment again.
    let seen = false;
    for (let t = 0; t < tried; t++) if (seedCover[t * 128 + selB[p]!] === selA[p]!) seen = true;
    if (seen) continue;
    const m = consolidate(a, b, selA[p]!, selB[p]!);
    for (let j = 0; j < nb; j++) seedCover[tried * 128 + j] = bestI[j]!;
    tried++;
    if (m > bestMatched) {
      bestMatched = m;
      bestSeed = p;
    }
  }
  const best = bestSeed >= 0 ? overlapRatio(a, b, selA[bestSeed]!, selB[bestSeed]!, bestMatched) : 0;
  return (1 - CONS_WEIGHT) * mcc + CONS_WEIGHT * best;
}

const CONS_WEIGHT = 0.2;
const CONS_SEEDS = 3;
const CONS_TOL = 10;
const CONS_TOL_GROWTH = 0.08;
const CONS_ANGLE = Math.PI / 6;
const CONS_MIN_OVERLAP = 10;
const bestI = new Int32Array(128);
const seedCover = new Int32Array(CONS_SEEDS * 128);
const consD = new Float64Array(128);
const projX = new Float64Array(256);
const projY = new Float64Array(256);
const projC = new Float64Array(256);
const projS = new Float64Array(256);
const COS_CONS_ANGLE = Math.cos(CONS_ANGLE);
/** No alignment tolerance exceeds this (squared), a quick first test. */
const CONS_MAX_TOL2 = (CONS_TOL + CONS_TOL_GROWTH * 250) ** 2;

/** True when (px, py) is inside the hull or less than `margin` outside it; edges are (x, y, inward normal). */
function insideHull(edges: Float64Array, px: number, py: number, margin: number): boolean {
  const n = edges.length;
  if (n < 12) return false;
  for (let k = 0; k < n; k += 4) {
    if ((px - edges[k]!) * edges[k + 2]! + (py - edges[k + 1]!) * edges[k + 3]! < -margin) return false;
  }
  return true;
}

/** Number of one-to-one minutia pairs that coincide once B is aligned on A by the pair (ia, ib). */
function consolidate(a: PreparedTemplate, b: PreparedTemplate, ia: number, ib: number): number {
  const rot = a.angle[ia]! - b.angle[ib]!;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const ax = a.x[ia]!;
  const ay = a.y[ia]!;
  const bx = b.x[ib]!;
  const by = b.y[ib]!;
  const na = a.n;
  const nb = b.n;
  for (let j = 0; j < nb; j++) {
    const dx = b.x[j]! - bx;
    const dy = b.y[j]! - by;
    projX[j] = ax + c * dx - s * dy;
    projY[j] = ay + s * dx + c * dy;
    projC[j] = b.cos[j]! * c - b.sin[j]! * s;
    projS[j] = b.sin[j]! * c + b.cos[j]! * s;
  }
  // Greedy one-to-one over the pairs whose cylinders were compatible: each B minutia takes the nearest A minutia
  // that lands within tolerance once aligned; conflicts keep the closer pair.
  bestI.fill(-1, 0, nb);
  for (let p = 0; p < pairCount; p++) {
    const ij = pairList[p]!;
    const i = ij >>> 7;
    const j = ij & 127;
    const px = projX[j]!;
    const py = projY[j]!;
    const dx = a.x[i]! - px;
    const dy = a.y[i]! - py;
    const d2 = dx * dx + dy * dy;
    if (d2 >= CONS_MAX_TOL2) continue;
    const rx = px - ax;
    const ry = py - ay;
    const tol = CONS_TOL + CONS_TOL_GROWTH * Math.sqrt(rx * rx + ry * ry);
    if (d2 >= tol * tol) continue;
    if (a.cos[i]! * projC[j]! + a.sin[i]! * projS[j]! < COS_CONS_ANGLE) continue;
    if (bestI[j]! >= 0 && consD[j]! <= d2) continue;
    bestI[j] = i;
    consD[j] = d2;
  }
  const owner = usedA;
  owner.fill(0, 0, na);
  let matched = 0;
  for (let j = 0; j < nb; j++) {
    const i = bestI[j]!;
    if (i < 0) continue;
    const prev = owner[i]!;
    if (prev) {
      if (consD[prev - 1]! <= consD[j]!) continue;
      matched--;
    }
    owner[i] = j + 1;
    matched++;
  }
  return matched;
}

/** matched^2 over the product of the minutiae each print has inside the other's area, under the same alignment. */
function overlapRatio(a: PreparedTemplate, b: PreparedTemplate, ia: number, ib: number, matched: number): number {
  const rot = a.angle[ia]! - b.angle[ib]!;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const ax = a.x[ia]!;
  const ay = a.y[ia]!;
  const bx = b.x[ib]!;
  const by = b.y[ib]!;
  let ovB = 0;
  for (let j = 0; j < b.n; j++) {
    const dx = b.x[j]! - bx;
    const dy = b.y[j]! - by;
    if (insideHull(a.hullEdges, ax + c * dx - s * dy, ay + s * dx + c * dy, 8)) ovB++;
  }
  let ovA = 0;
  for (let i = 0; i < a.n; i++) {
    const dx = a.x[i]! - ax;
    const dy = a.y[i]! - ay;
    if (insideHull(b.hullEdges, bx + c * dx + s * dy, by - s * dx + c * dy, 8)) ovA++;
  }
  const denom = Math.max(CONS_MIN_OVERLAP, ovA) * Math.max(CONS_MIN_OVERLAP, ovB);
  return Math.min(1, (matched * matched) / denom);
}
