import { describe, expect, it } from 'vitest';
import {
  carriedThreshold,
  chooseVariant,
  chooseVariantForTar,
  foldFigures,
  NO_SCORE,
  pairsInFold,
  scorePairs,
  splitIdentities,
  weightedConcat,
  type FoldFigures,
  type Variant,
} from './protocol';

const identityOf = (p: string) => p.split('/')[0]!;

describe('identity-split protocol', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `person${i}`);
  it('puts every identity in exactly one fold, half each, the same for the same seed', () => {
    const a = splitIdentities(ids, 24);
    expect(a.size).toBe(20);
    expect([...a.values()].filter((f) => f === 0)).toHaveLength(10);
    expect(splitIdentities([...ids].reverse(), 24)).toEqual(a);
    expect(splitIdentities(ids, 25)).not.toEqual(a);
  });

  it('pairs only images within a fold, genuine by identity', () => {
    const images = ['a/1', 'a/2', 'b/1', 'c/1', 'c/2'];
    const fold = new Map<string, 0 | 1>([
      ['a', 0],
      ['b', 0],
      ['c', 1],
    ]);
    const f0 = pairsInFold(images, identityOf, fold, 0);
    expect(f0.genuine).toEqual([['a/1', 'a/2']]);
    expect(f0.impostor).toEqual([
      ['a/1', 'b/1'],
      ['a/2', 'b/1'],
    ]);
    expect(pairsInFold(images, identityOf, fold, 1).genuine).toEqual([['c/1', 'c/2']]);
  });

  it('counts an image without a descriptor as a non-match for every pair it is in', () => {
    const v: Variant = { name: 'v', descriptor: (p) => (p === 'b/1' ? undefined : [1, 0]) };
    expect(
      scorePairs(
        v,
        [
          ['a/1', 'a/2'],
          ['a/1', 'b/1'],
        ],
        (x, y) => x[0]! * y[0]!,
      ),
    ).toEqual([1, NO_SCORE]);
    const fold = { images: ['a/1', 'a/2', 'b/1'], genuine: [['a/1', 'a/2']] as [string, string][], impostor: [['a/1', 'b/1']] as [string, string][] };
    expect(foldFigures(v, fold, (x, y) => x[0]! * y[0]!)).toMatchObject({ unscoredImages: 1, eer: 0, meanCostMs: null });
  });

  it('chooses by the stated rule: lowest EER within the CPU budget, ties to TAR then cost', () => {
    const fig = (eer: number, tar: number, cost: number | null): FoldFigures => ({
      genuinePairs: 1,
      impostorPairs: 1,
      unscoredImages: 0,
      eer,
      auc: 1,
      tarAtFar1e2: 1,
      tarAtFar1e3: tar,
      tarAtFar1e4: null,
      meanCostMs: cost,
    });
    const variants = [
      { name: 'slow-best', fig: fig(0.005, 0.99, 800) },
      { name: 'fast', fig: fig(0.01, 0.95, 250) },
      { name: 'fast-tie-better-tar', fig: fig(0.0102, 0.96, 280) },
    ];
    expect(chooseVariant(variants, 300)).toBe('fast-tie-better-tar');
    expect(chooseVariant(variants, 1000)).toBe('slow-best');
    // none fits the budget: the most accurate of all
    expect(chooseVariant(variants, 100)).toBe('slow-best');
  });

  it('carries a threshold chosen on the tuning fold to the held-out fold', () => {
    const tuneI = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 .. 0.999
    const c = carriedThreshold([0.9995], tuneI, [0.99, 0.5], [0.9991, 0.1, 0.2], 1e-3);
    expect(c.threshold).toBeGreaterThan(0.998);
    expect(c.threshold).toBeLessThanOrEqual(0.999);
    expect(c.heldOutFar).toBeCloseTo(1 / 3, 6);
    expect(c.heldOutTar).toBe(0);
  });

  it('chooses models and fusions by TAR at FAR 1e-3 among those with EER <= 1 %, ties to EER then cost', () => {
    const fig = (eer: number, tar: number, cost: number): FoldFigures => ({
      genuinePairs: 1,
      impostorPairs: 1,
      unscoredImages: 0,
      eer,
      auc: 1,
      tarAtFar1e2: 1,
      tarAtFar1e3: tar,
      tarAtFar1e4: null,
      meanCostMs: cost,
    });
    const variants = [
      { name: 'high-tar-bad-eer', fig: fig(0.012, 0.99, 100) },
      { name: 'good', fig: fig(0.009, 0.97, 500) },
      { name: 'same-tar-lower-eer', fig: fig(0.008, 0.9715, 600) },
      { name: 'low-tar', fig: fig(0.004, 0.95, 100) },
    ];
    expect(chooseVariantForTar(variants)).toBe('same-tar-lower-eer');
    // none within the EER limit: the highest TAR of all
    expect(chooseVariantForTar(variants, 0.001)).toBe('high-tar-bad-eer');
  });

  it("fuses unit descriptors so that the cosine is the weighted mean of the parts' cosines", () => {
    const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        d += a[i]! * b[i]!;
        na += a[i]! ** 2;
        nb += b[i]! ** 2;
      }
      return d / Math.sqrt(na * nb);
    };
    const a1 = [1, 0];
    const b1 = [0.6, 0.8]; // cosine 0.6
    const a2 = [0, 2, 0]; // not unit: normalised first
    const b2 = [0, 1, 1]; // cosine 1/sqrt(2)
    const fa = weightedConcat([
      { v: a1, weight: 0.3 },
      { v: a2, weight: 0.7 },
    ]);
    const fb = weightedConcat([
      { v: b1, weight: 0.3 },
      { v: b2, weight: 0.7 },
    ]);
    expect(fa).toHaveLength(5);
    expect(cos(fa, fb)).toBeCloseTo(0.3 * 0.6 + 0.7 / Math.sqrt(2), 6);
    expect(Math.hypot(...fa)).toBeCloseTo(1, 6);
  });
});
