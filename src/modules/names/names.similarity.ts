/**
 * String measures used by the name comparison: a weighted edit distance over skeleton classes, and Jaro-Winkler.
 * Pure, allocation-light: the screening module calls these for many pairs.
 */

import { LEARNED_INDEL, LEARNED_SUBSTITUTION } from './names.costs';

/** Costs of the skeleton edit distance: substitution by pair of classes (`ab`, both orders), insertion/deletion. */
export interface SkeletonCosts {
  sub: Map<string, number>;
  indel: Map<string, number>;
}

// Hand-set starting point: substitutions between classes that transliterations confuse (1 for any other pair).
export const HAND_SUBSTITUTIONS: Array<[string, string, number]> = [
  ['t', 'θ', 0.3],
  ['s', 'θ', 0.3],
  ['t', 'd', 0.5],
  ['d', 'δ', 0.3],
  ['z', 'δ', 0.3],
  ['θ', 'δ', 0.4],
  ['d', 'z', 0.6],
  ['s', 'z', 0.5],
  ['s', 'c', 0.5],
  ['c', 'ʒ', 0.5],
  ['j', 'ʒ', 0.4],
  ['j', 'g', 0.4],
  ['j', 'y', 0.5],
  ['j', 'c', 0.6],
  ['g', 'q', 0.4],
  ['g', 'k', 0.4],
  ['q', 'k', 0.3],
  ['k', 'x', 0.4],
  ['h', 'x', 0.4],
  ['g', 'x', 0.5],
  ['c', 'x', 0.5],
  ['c', 'k', 0.6],
  ['b', 'f', 0.6],
  ['f', 'w', 0.6],
  ['b', 'w', 0.7],
  ['m', 'n', 0.7],
  ['r', 'l', 0.8],
  ['h', 'ħ', 0.1],
];
// Inserting or deleting these is cheap: they are the sounds transliterations most often drop or add.
export const HAND_INDELS: Record<string, number> = { ħ: 0.1, h: 0.5, w: 0.6, y: 0.6, x: 0.7, g: 0.8 };

/** Builds a cost table from substitution triples and indel costs (later entries override earlier ones). */
export function makeCosts(subs: Array<[string, string, number]>, indels: Record<string, number>): SkeletonCosts {
  const sub = new Map<string, number>();
  for (const [a, b, c] of subs) {
    sub.set(a + b, c);
    sub.set(b + a, c);
  }
  return { sub, indel: new Map(Object.entries(indels)) };
}

export const HAND_COSTS = makeCosts(HAND_SUBSTITUTIONS, HAND_INDELS);

/**
 * The costs in use: the hand-set ones, overridden where the train data had enough evidence by costs learned from
 * aligned spellings of one Arabic word (names.costs.ts, written by bench/names/build-variants.ts).
 */
export const DEFAULT_COSTS = makeCosts([...HAND_SUBSTITUTIONS, ...LEARNED_SUBSTITUTION], { ...HAND_INDELS, ...LEARNED_INDEL });

let row0 = new Float64Array(32);
let row1 = new Float64Array(32);

// Costs keyed by char codes (no string built per cell): sub by (a << 16 | b), indel by code.
interface NumericCosts {
  sub: Map<number, number>;
  indel: Map<number, number>;
}
const numeric = new WeakMap<SkeletonCosts, NumericCosts>();

function numericCosts(costs: SkeletonCosts): NumericCosts {
  let n = numeric.get(costs);
  if (n === undefined) {
    n = { sub: new Map(), indel: new Map() };
    for (const [k, v] of costs.sub) n.sub.set((k.charCodeAt(0) << 16) | k.charCodeAt(1), v);
    for (const [k, v] of costs.indel) n.indel.set(k.charCodeAt(0), v);
    numeric.set(costs, n);
  }
  return n;
}

/** Weighted edit distance between two skeletons (strings of one-code-unit classes). */
export function skeletonDistance(a: string, b: string, costs: SkeletonCosts = DEFAULT_COSTS): number {
  const { sub: subs, indel: indels } = numericCosts(costs);
  const n = a.length;
  const m = b.length;
  if (m + 1 > row0.length) {
    row0 = new Float64Array(m + 1);
    row1 = new Float64Array(m + 1);
  }
  let prev = row0;
  let cur = row1;
  prev[0] = 0;
  for (let j = 1; j <= m; j++) prev[j] = prev[j - 1]! + (indels.get(b.charCodeAt(j - 1)) ?? 1);
  for (let i = 1; i <= n; i++) {
    const ca = a.charCodeAt(i - 1);
    const del = indels.get(ca) ?? 1;
    const rowKey = ca << 16;
    cur[0] = prev[0]! + del;
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let best = prev[j - 1]! + (ca === cb ? 0 : (subs.get(rowKey | cb) ?? 1));
      const d = prev[j]! + del;
      if (d < best) best = d;
      const ins = cur[j - 1]! + (indels.get(cb) ?? 1);
      if (ins < best) best = ins;
      cur[j] = best;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/** Similarity in [0, 1] of two skeletons: 1 - distance / longer length. Two empty skeletons are equal. */
export function skeletonSimilarity(a: string, b: string, costs: SkeletonCosts = DEFAULT_COSTS): number {
  const len = Math.max(a.length, b.length);
  if (len === 0) return 1;
  if (a === b) return 1;
  const d = skeletonDistance(a, b, costs);
  return Math.max(0, 1 - d / len);
}

let jw1 = new Uint8Array(64);
let jw2 = new Uint8Array(64);

/** Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters), for strings of UTF-16 code units. */
export function jaroWinkler(s1: string, s2: string): number {
  if (s1 === s2) return 1;
  const l1 = s1.length;
  const l2 = s2.length;
  if (l1 === 0 || l2 === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(l1, l2) / 2) - 1);
  if (l1 > jw1.length || l2 > jw2.length) {
    jw1 = new Uint8Array(Math.max(l1, jw1.length * 2));
    jw2 = new Uint8Array(Math.max(l2, jw2.length * 2));
  }
  const m1 = jw1;
  const m2 = jw2;
  m1.fill(0, 0, l1);
  m2.fill(0, 0, l2);
  let matches = 0;
  for (let i = 0; i < l1; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(l2 - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!m2[j] && s1.charCodeAt(i) === s2.charCodeAt(j)) {
        m1[i] = 1;
        m2[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < l1; i++) {
    if (!m1[i]) continue;
    while (!m2[k]) k++;
    if (s1.charCodeAt(i) !== s2.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (matches / l1 + matches / l2 + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, l1, l2);
  while (prefix < maxPrefix && s1.charCodeAt(prefix) === s2.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Plain Levenshtein distance (unit costs) over UTF-16 code units. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev = new Uint32Array(m + 1);
  let cur = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

let alignTable = new Float64Array(256);

/** One step of an alignment: a match or substitution of a[i] and b[j], or a[i] (j = -1) or b[j] (i = -1) alone. */
export interface AlignmentStep {
  i: number;
  j: number;
}

/**
 * The cheapest alignment of two sequences of skeleton classes under `costs`, first step first. Ties go to a
 * substitution, then to dropping from `a`; so the alignment is deterministic.
 */
export function alignClasses(a: ArrayLike<string>, b: ArrayLike<string>, costs: SkeletonCosts = DEFAULT_COSTS): AlignmentStep[] {
  const { sub: subs, indel: indels } = numericCosts(costs);
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  if ((n + 1) * width > alignTable.length) alignTable = new Float64Array((n + 1) * width * 2);
  const D = alignTable;
  // costs read per cell without building strings or closures (the pair model aligns every pair it judges)
  const subCost = (i: number, j: number): number => {
    const x = a[i]!;
    const y = b[j]!;
    return x === y ? 0 : (subs.get((x.charCodeAt(0) << 16) | y.charCodeAt(0)) ?? 1);
  };
  D[0] = 0;
  for (let i = 1; i <= n; i++) D[i * width] = D[(i - 1) * width]! + (indels.get(a[i - 1]!.charCodeAt(0)) ?? 1);
  for (let j = 1; j <= m; j++) D[j] = D[j - 1]! + (indels.get(b[j - 1]!.charCodeAt(0)) ?? 1);
  for (let i = 1; i <= n; i++) {
    const del = indels.get(a[i - 1]!.charCodeAt(0)) ?? 1;
    for (let j = 1; j <= m; j++) {
      const diagonal = D[(i - 1) * width + j - 1]! + subCost(i - 1, j - 1);
      const up = D[(i - 1) * width + j]! + del;
      const left = D[i * width + j - 1]! + (indels.get(b[j - 1]!.charCodeAt(0)) ?? 1);
      D[i * width + j] = Math.min(diagonal, up, left);
    }
  }
  const steps: AlignmentStep[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = D[i * width + j]!;
    if (i > 0 && j > 0 && here === D[(i - 1) * width + j - 1]! + subCost(i - 1, j - 1)) {
      steps.push({ i: --i, j: --j });
    } else if (i > 0 && here === D[(i - 1) * width + j]! + (indels.get(a[i - 1]!.charCodeAt(0)) ?? 1)) {
      steps.push({ i: --i, j: -1 });
    } else {
      steps.push({ i: -1, j: --j });
    }
  }
  return steps.reverse();
}
