/**
 * A second, rotation-invariant matcher beside MCC: nearest-neighbour minutia pairs (local structures in the spirit
 * of Jiang and Yau, "Fingerprint minutiae matching based on the local and global structures", ICPR 2000, reduced to
 * pairs), then a global alignment.
 *
 * Each minutia is joined to its K nearest neighbours. An edge i->j is described by what rotation and translation do
 * not change: its length, the direction of the segment seen from minutia i's direction, and seen from minutia j's
 * direction. Two prints are compared by finding the edges whose three features agree within tolerances (edges
 * grouped by sectors of their two angles and sorted by length, so only a few groups are visited); each agreeing edge
 * pair adds its similarity to the minutia pair it starts from (A's i, B's i), with the rotation it proposes (the
 * difference of the two segments' directions). The best-supported minutia pairs each align B on A (their summed
 * rotation, one minutia on the other), and the minutiae that then coincide, one to one, relative to those inside the
 * common area, give the score.
 *
 * Unlike MCC as shipped here, nothing limits the rotation between the two prints, and a structure needs only two
 * minutiae, so rotated prints and prints with few minutiae (fingertips, faint impressions) still find their pairs.
 * Computed from the minutiae when a template is prepared: the stored template format does not change.
 */

const TWO_PI = 2 * Math.PI;
/** Nearest neighbours per minutia. */
const K = 6;
/** Edges shorter than this (pixels at 500 dpi) are too sensitive to position noise; longer ones to distortion. */
const MIN_EDGE = 10;
const MAX_EDGE = 160;
/** Length tolerance: absolute plus relative part (skin distortion grows with distance). */
const TOL_LEN = 6;
const TOL_LEN_REL = 0.06;
/** Tolerance of the two relative angles. */
const TOL_ANGLE = (22 * Math.PI) / 180;
/** Edge pairs used as alignment seeds at most. */
const SEEDS = 4;
/** Alignment: distance tolerance (grows away from the seed) and direction tolerance of coinciding minutiae. */
const ALIGN_TOL = 11;
const ALIGN_TOL_GROWTH = 0.07;
const COS_ALIGN_ANGLE = Math.cos(Math.PI / 6);
const MIN_OVERLAP = 20;
/**
 * Edges are grouped by sectors of their two relative angles (SECTORS x SECTORS groups): a comparison visits only the
 * groups within the angle tolerance (the sector is at least as wide as the tolerance, so 3 x 3 groups).
 */
const SECTORS = 12;
const BUCKETS = SECTORS * SECTORS;
const BUCKET_WIDTH = TWO_PI / SECTORS;

/** The pair structures of a prepared template: edges sorted by length. */
export interface PairEdges {
  readonly count: number;
  readonly from: Uint8Array;
  readonly length: Float32Array;
  /** Segment direction relative to the direction of the minutia it starts from, [0, 2π). */
  readonly radialFrom: Float32Array;
  /** Segment direction relative to the direction of the minutia it ends at, [0, 2π). */
  readonly radialTo: Float32Array;
  /** Cosine and sine of the segment's absolute direction. */
  readonly dirCos: Float32Array;
  readonly dirSin: Float32Array;
  /** Edges are grouped by their two relative angles' sectors, by length within a group: group g is [start[g], start[g+1]). */
  readonly start: Int32Array;
}

/** Minimal view of a template's minutiae (the MCC prepared template satisfies it). */
export interface MinutiaArrays {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly angle: Float32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly hullEdges: Float64Array;
}

function wrap(a: number): number {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r;
}

function sectorOf(a: number): number {
  return Math.min(SECTORS - 1, Math.floor(a / BUCKET_WIDTH));
}

/** Absolute difference of two angles in [0, 2π), folded to [0, π]. */
function angleGap(a: number, b: number): number {
  const d = a > b ? a - b : b - a;
  return d > Math.PI ? TWO_PI - d : d;
}

export function buildPairEdges(t: { n: number; x: Float32Array; y: Float32Array; angle: Float32Array }): PairEdges {
  const n = t.n;
  const edges: { i: number; j: number; d: number }[] = [];
  const dist = new Float64Array(n);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    idx.length = 0;
    for (let j = 0; j < n; j++) {
      dist[j] = Math.hypot(t.x[j]! - t.x[i]!, t.y[j]! - t.y[i]!);
      if (j !== i && dist[j]! >= MIN_EDGE && dist[j]! <= MAX_EDGE) idx.push(j);
    }
    idx.sort((p, q) => dist[p]! - dist[q]!);
    for (let k = 0; k < Math.min(pairTuning.k, idx.length); k++) edges.push({ i, j: idx[k]!, d: dist[idx[k]!]! });
  }
  const bucketOf = (e: { i: number; j: number }): number => {
    const dir = Math.atan2(t.y[e.j]! - t.y[e.i]!, t.x[e.j]! - t.x[e.i]!);
    return sectorOf(wrap(dir - t.angle[e.i]!)) * SECTORS + sectorOf(wrap(dir - t.angle[e.j]!));
  };
  const keyed = edges.map((e) => ({ ...e, g: bucketOf(e) }));
  keyed.sort((p, q) => p.g - q.g || p.d - q.d);
  const count = edges.length;
  const start = new Int32Array(BUCKETS + 1);
  for (const e of keyed) start[e.g + 1]!++;
  for (let g = 0; g < BUCKETS; g++) start[g + 1]! += start[g]!;
  const out = {
    count,
    from: new Uint8Array(count),
    length: new Float32Array(count),
    radialFrom: new Float32Array(count),
    radialTo: new Float32Array(count),
    dirCos: new Float32Array(count),
    dirSin: new Float32Array(count),
    start,
  };
  keyed.forEach((e, k) => {
    const dir = wrap(Math.atan2(t.y[e.j]! - t.y[e.i]!, t.x[e.j]! - t.x[e.i]!));
    out.from[k] = e.i;
    out.length[k] = e.d;
    out.dirCos[k] = Math.cos(dir);
    out.dirSin[k] = Math.sin(dir);
    out.radialFrom[k] = wrap(dir - t.angle[e.i]!);
    out.radialTo[k] = wrap(dir - t.angle[e.j]!);
  });
  return out;
}

/** Settings of the pair matcher (exported for bench/fingerprint's scans; the shipped values are the defaults). */
export const pairTuning = {
  seeds: SEEDS,
  k: K,
  tolAngle: TOL_ANGLE,
  tolLen: TOL_LEN,
  alignTol: ALIGN_TOL,
  cosAlignAngle: COS_ALIGN_ANGLE,
  minOverlap: MIN_OVERLAP,
  /** Local similarity a minutia pair needs to seed an alignment (sum of its agreeing edges' similarities). */
  minLocal: 0.5,
  /** Count only coinciding minutiae whose own local structures agree (some edge in common). */
  requireLocal: 0,
};

// Scratch buffers (synchronous matcher, one comparison at a time).
const local = new Float64Array(128 * 128);
const localC = new Float64Array(128 * 128);
const localS = new Float64Array(128 * 128);
const touched = new Int32Array(128 * 128);
const seedIdx = new Int32Array(16);
const seedVal = new Float64Array(16);
const projX = new Float64Array(256);
const projY = new Float64Array(256);
const projC = new Float64Array(256);
const projS = new Float64Array(256);
const nearest = new Int32Array(256);
const nearestD = new Float64Array(256);
const owner = new Int32Array(256);

/**
 * Similarity in [0, 1] of two templates' pair structures (see the file's comment). Pass the two sides in a fixed
 * order (the caller orders them as for MCC) for a symmetric score.
 */
export function matchPairs(a: MinutiaArrays, ea: PairEdges, b: MinutiaArrays, eb: PairEdges): number {
  if (a.n < 3 || b.n < 3 || ea.count === 0 || eb.count === 0) return 0;
  let nTouched = 0;
  const tolAngle = pairTuning.tolAngle;
  const span = Math.ceil(tolAngle / BUCKET_WIDTH);
  const bStart = eb.start;
  const bLen = eb.length;
  // Local similarity of minutia pairs (iA, iB): the sum over their agreeing edges, with the rotation each proposes.
  for (let p = 0; p < ea.count; p++) {
    const d = ea.length[p]!;
    const tol = pairTuning.tolLen + TOL_LEN_REL * d;
    const rf = ea.radialFrom[p]!;
    const rt = ea.radialTo[p]!;
    const fa = ea.from[p]!;
    const cA = ea.dirCos[p]!;
    const sA = ea.dirSin[p]!;
    const s0 = sectorOf(rf);
    const t0 = sectorOf(rt);
    const maxLen = d + tol;
    const minLen = d - tol;
    for (let o1 = -span; o1 <= span; o1++) {
      const row = ((s0 + o1 + SECTORS) % SECTORS) * SECTORS;
      for (let o2 = -span; o2 <= span; o2++) {
        const g = row + ((t0 + o2 + SECTORS) % SECTORS);
        const end = bStart[g + 1]!;
        for (let q = bStart[g]!; q < end; q++) {
          const dq = bLen[q]!;
          if (dq < minLen) continue;
          if (dq > maxLen) break;
          const g1 = angleGap(rf, eb.radialFrom[q]!);
          if (g1 >= tolAngle) continue;
          const g2 = angleGap(rt, eb.radialTo[q]!);
          if (g2 >= tolAngle) continue;
          const dd = d > dq ? d - dq : dq - d;
          const sim = (1 - dd / tol) * (1 - g1 / tolAngle) * (1 - g2 / tolAngle);
          // The rotation this edge pair proposes (A's direction minus B's), as a weighted unit vector.
          const cB = eb.dirCos[q]!;
          const sB = eb.dirSin[q]!;
          const key = fa * 128 + eb.from[q]!;
          if (local[key] === 0) touched[nTouched++] = key;
          local[key]! += sim;
          localC[key]! += sim * (cA * cB + sA * sB);
          localS[key]! += sim * (sA * cB - cA * sB);
        }
      }
    }
  }
  const nSeeds = Math.min(pairTuning.seeds, 16);
  let seeds = 0;
  for (let t = 0; t < nTouched; t++) {
    const key = touched[t]!;
    const v = local[key]!;
    if (v < pairTuning.minLocal) continue;
    if (seeds < nSeeds || v > seedVal[seeds - 1]!) {
      let k = seeds < nSeeds ? seeds++ : nSeeds - 1;
      while (k > 0 && seedVal[k - 1]! < v) {
        seedVal[k] = seedVal[k - 1]!;
        seedIdx[k] = seedIdx[k - 1]!;
        k--;
      }
      seedVal[k] = v;
      seedIdx[k] = key;
    }
  }
  let best = 0;
  for (let s = 0; s < seeds; s++) {
    const key = seedIdx[s]!;
    const r = align(a, b, key >>> 7, key & 127, Math.atan2(localS[key]!, localC[key]!));
    if (r > best) best = r;
  }
  for (let t = 0; t < nTouched; t++) {
    const key = touched[t]!;
    local[key] = 0;
    localC[key] = 0;
    localS[key] = 0;
  }
  return best;
}

/** Aligns B on A: minutia ib onto ia, turned by rot; matched^2 over the minutiae of each inside the other's area. */
function align(a: MinutiaArrays, b: MinutiaArrays, ia: number, ib: number, rot: number): number {
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const ax = a.x[ia]!;
  const ay = a.y[ia]!;
  const bx = b.x[ib]!;
  const by = b.y[ib]!;
  const na = a.n;
  const nb = b.n;
  const alignTol = pairTuning.alignTol;
  const cosAngle = pairTuning.cosAlignAngle;
  const maxTol = alignTol + ALIGN_TOL_GROWTH * 300;
  let ovB = 0;
  for (let j = 0; j < nb; j++) {
    const dx = b.x[j]! - bx;
    const dy = b.y[j]! - by;
    const px = ax + c * dx - s * dy;
    const py = ay + s * dx + c * dy;
    projX[j] = px;
    projY[j] = py;
    projC[j] = b.cos[j]! * c - b.sin[j]! * s;
    projS[j] = b.sin[j]! * c + b.cos[j]! * s;
    if (insideHull(a.hullEdges, px, py, 8)) ovB++;
    nearest[j] = -1;
    const rx = px - ax;
    const ry = py - ay;
    const tol = Math.min(maxTol, alignTol + ALIGN_TOL_GROWTH * Math.sqrt(rx * rx + ry * ry));
    const tol2 = tol * tol;
    let bestD = tol2;
    for (let i = 0; i < na; i++) {
      const ex = a.x[i]! - px;
      const ey = a.y[i]! - py;
      const d2 = ex * ex + ey * ey;
      if (d2 >= bestD) continue;
      if (a.cos[i]! * projC[j]! + a.sin[i]! * projS[j]! < cosAngle) continue;
      if (pairTuning.requireLocal && local[i * 128 + j]! < pairTuning.requireLocal) continue;
      bestD = d2;
      nearest[j] = i;
    }
    nearestD[j] = bestD;
  }
  let ovA = 0;
  for (let i = 0; i < na; i++) {
    owner[i] = -1;
    const dx = a.x[i]! - ax;
    const dy = a.y[i]! - ay;
    if (insideHull(b.hullEdges, bx + c * dx + s * dy, by - s * dx + c * dy, 8)) ovA++;
  }
  let matched = 0;
  for (let j = 0; j < nb; j++) {
    const i = nearest[j]!;
    if (i < 0) continue;
    const prev = owner[i]!;
    if (prev >= 0) {
      if (nearestD[prev]! <= nearestD[j]!) continue;
      matched--;
    }
    owner[i] = j;
    matched++;
  }
  const denom = Math.max(pairTuning.minOverlap, ovA) * Math.max(pairTuning.minOverlap, ovB);
  return Math.min(1, (matched * matched) / denom);
}

function insideHull(edges: Float64Array, px: number, py: number, margin: number): boolean {
  const n = edges.length;
  if (n < 12) return false;
  for (let k = 0; k < n; k += 4) {
    if ((px - edges[k]!) * edges[k + 2]! + (py - edges[k + 1]!) * edges[k + 3]! < -margin) return false;
  }
  return true;
}
