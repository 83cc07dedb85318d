/**
 * The identity-split protocol (issue 24, "honest evaluation"): identities are split into two folds with a fixed
 * seed; every choice (pipeline variant, threshold) is made on the pairs of one fold and reported on the pairs of the
 * other, in both directions. Pure: the face benchmark feeds it descriptors, its test small fixed inputs.
 */
import { equalErrorRate, rates, rocAuc, thresholdForFar } from './metrics';

export type Pair = [string, string];

/** Score given to a pair one of whose images has no descriptor: below any cosine, so it is never a match. */
export const NO_SCORE = -2;

export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fold (0 or 1) of every identity: a seeded shuffle of the sorted identities, dealt alternately. */
export function splitIdentities(identities: Iterable<string>, seed: number): Map<string, 0 | 1> {
  const ids = [...new Set(identities)].sort();
  const rnd = seededRandom(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return new Map(ids.map((id, i) => [id, (i % 2) as 0 | 1]));
}

/** Every pair of images within one fold: same identity (genuine) and different identities (impostor). */
export function pairsInFold(images: readonly string[], identityOf: (image: string) => string, fold: Map<string, 0 | 1>, f: 0 | 1) {
  const mine = images.filter((p) => fold.get(identityOf(p)) === f);
  const genuine: Pair[] = [];
  const impostor: Pair[] = [];
  for (let i = 0; i < mine.length; i++) {
    for (let j = i + 1; j < mine.length; j++) {
      (identityOf(mine[i]!) === identityOf(mine[j]!) ? genuine : impostor).push([mine[i]!, mine[j]!]);
    }
  }
  return { images: mine, genuine, impostor };
}

/** A way of turning an image into a descriptor, with what it costs: what the protocol chooses among. */
export interface Variant {
  name: string;
  descriptor(image: string): ArrayLike<number> | undefined;
  /** CPU milliseconds this variant spends on the image (undefined when not measured). */
  costMs?(image: string): number;
}

export function scorePairs(v: Variant, pairs: readonly Pair[], similarity: (a: ArrayLike<number>, b: ArrayLike<number>) => number): number[] {
  return pairs.map(([a, b]) => {
    const da = v.descriptor(a);
    const db = v.descriptor(b);
    return da && db ? similarity(da, db) : NO_SCORE;
  });
}

export interface FoldFigures {
  genuinePairs: number;
  impostorPairs: number;
  unscoredImages: number;
  eer: number;
  auc: number;
  tarAtFar1e2: number;
  tarAtFar1e3: number;
  tarAtFar1e4: number | null;
  /** Mean CPU ms per image of this fold's images (null when not measured). */
  meanCostMs: number | null;
}

export function foldFigures(v: Variant, fold: ReturnType<typeof pairsInFold>, similarity: (a: ArrayLike<number>, b: ArrayLike<number>) => number): FoldFigures {
  const g = scorePairs(v, fold.genuine, similarity);
  const i = scorePairs(v, fold.impostor, similarity);
  const costs = v.costMs ? fold.images.map((p) => v.costMs!(p)) : [];
  return {
    genuinePairs: g.length,
    impostorPairs: i.length,
    unscoredImages: fold.images.filter((p) => !v.descriptor(p)).length,
    eer: equalErrorRate(g, i).eer,
    auc: rocAuc(g, i),
    tarAtFar1e2: thresholdForFar(g, i, 1e-2).tar,
    tarAtFar1e3: thresholdForFar(g, i, 1e-3).tar,
    tarAtFar1e4: i.length >= 20_000 ? thresholdForFar(g, i, 1e-4).tar : null,
    meanCostMs: costs.length > 0 ? costs.reduce((s, x) => s + x, 0) / costs.length : null,
  };
}

/**
 * The stated rule for choosing a variant on the tuning fold: among the variants whose mean CPU per image is within
 * `budgetMs` (all, when none is measured or none fits), the lowest EER; a tie (EER within `tieEer`) goes to the
 * higher TAR at FAR 1e-3, then to the cheaper.
 */
export function chooseVariant(figures: { name: string; fig: FoldFigures }[], budgetMs: number, tieEer = 0.0005): string {
  const fits = figures.filter((f) => f.fig.meanCostMs !== null && f.fig.meanCostMs <= budgetMs);
  const pool = fits.length > 0 ? fits : figures;
  const sorted = [...pool].sort((a, b) => {
    if (Math.abs(a.fig.eer - b.fig.eer) > tieEer) return a.fig.eer - b.fig.eer;
    if (a.fig.tarAtFar1e3 !== b.fig.tarAtFar1e3) return b.fig.tarAtFar1e3 - a.fig.tarAtFar1e3;
    return (a.fig.meanCostMs ?? 0) - (b.fig.meanCostMs ?? 0);
  });
  return sorted[0]!.name;
}

/** A threshold chosen on the tuning fold for a target FAR, and what it gives on the held-out fold. */
export function carriedThreshold(tuneG: number[], tuneI: number[], heldG: number[], heldI: number[], targetFar: number) {
  const threshold = thresholdForFar(tuneG, tuneI, targetFar).threshold;
  const held = rates(heldG, heldI, threshold);
  return { targetFar, threshold, heldOutFar: held.far, heldOutTar: held.tar };
}

/**
 * The rule for choosing among recognition models and their score fusions (issue 24's TAR goal), stated before any
 * held-out figure was computed: among the variants whose EER on the tuning fold is <= `maxEer` (all when none is),
 * the highest TAR at FAR 1e-3; a tie (TARs within `tieTar`, less than one genuine pair of a fold) goes to the lower
 * EER, then to the cheaper.
 */
export function chooseVariantForTar(figures: { name: string; fig: FoldFigures }[], maxEer = 0.01, tieTar = 0.002): string {
  const fits = figures.filter((f) => f.fig.eer <= maxEer);
  const pool = fits.length > 0 ? fits : figures;
  const sorted = [...pool].sort((a, b) => {
    if (Math.abs(a.fig.tarAtFar1e3 - b.fig.tarAtFar1e3) >= tieTar) return b.fig.tarAtFar1e3 - a.fig.tarAtFar1e3;
    if (a.fig.eer !== b.fig.eer) return a.fig.eer - b.fig.eer;
    return (a.fig.meanCostMs ?? 0) - (b.fig.meanCostMs ?? 0);
  });
  return sorted[0]!.name;
}

/**
 * Score-level fusion as one descriptor: the unit-length parts, each scaled by the square root of its weight, end to
 * end. The cosine of two such descriptors is the weighted mean of the parts' cosines (weights summing to one), so a
 * fused template is compared like any other.
 */
export function weightedConcat(parts: readonly { v: ArrayLike<number>; weight: number }[]): Float32Array {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const out = new Float32Array(parts.reduce((n, p) => n + p.v.length, 0));
  let o = 0;
  for (const { v, weight } of parts) {
    let n = 0;
    for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
    const k = Math.sqrt(weight / total) / Math.sqrt(n || 1);
    for (let i = 0; i < v.length; i++) out[o + i] = v[i]! * k;
    o += v.length;
  }
  return out;
}
