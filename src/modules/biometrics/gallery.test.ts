import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Gallery, rowDot } from './gallery';

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function randomVectors(count: number, dim: number, seed: number): number[][] {
  let s = seed | 0;
  const r = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => Array.from({ length: dim }, r));
}

describe('Gallery', () => {
  it('adds, finds, replaces and removes templates by id', () => {
    const g = new Gallery({ dimension: 3, initialCapacity: 1 });
    g.add('a', [1, 0, 0]);
    g.add('b', [0, 2, 0]);
    g.add('c', [0, 0, 3]);
    expect(g.size).toBe(3);
    expect(() => g.add('a', [1, 1, 1])).toThrow(/already/);
    expect(g.search([0, 1, 0], { k: 1 })).toEqual([{ id: 'b', score: 1 }]);
    g.replace('b', [1, 0, 0]);
    expect(g.verify('b', [1, 0, 0])).toBeCloseTo(1);
    expect(g.remove('a')).toBe(true);
    expect(g.remove('a')).toBe(false);
    expect(g.has('a')).toBe(false);
    expect(g.verify('a', [1, 0, 0])).toBeUndefined();
    expect(g.listIds().sort()).toEqual(['b', 'c']);
    expect(g.search([0, 0, 1], { k: 5 }).map((h) => h.id)).toEqual(['c', 'b']);
  });

  it('zeroes the row a removed template leaves behind', () => {
    const g = new Gallery({ dimension: 2, initialCapacity: 4 });
    g.add('a', [1, 0]);
    g.add('b', [0, 1]);
    const raw = g.rows();
    const row = (i: number) => Array.from(raw.subarray(i * g.stride, i * g.stride + 2));
    expect(row(1)).toEqual([0, 1]);
    g.remove('b');
    expect(row(1)).toEqual([0, 0]);
    g.remove('a');
    expect(row(0)).toEqual([0, 0]);
  });

  it('grows past its initial capacity and scans more than one block', () => {
    const g = new Gallery({ dimension: 20, initialCapacity: 3 });
    const vs = randomVectors(9000, 20, 5);
    vs.forEach((v, i) => g.add(`v${i}`, v));
    expect(g.size).toBe(9000);
    for (const i of [0, 4095, 4096, 8999]) {
      expect(g.search(vs[i]!, { k: 1 })[0]).toEqual({ id: `v${i}`, score: expect.closeTo(1, 5) });
      expect(g.verify(`v${i}`, vs[i]!)).toBeCloseTo(1, 5);
      expect(Array.from(g.get(`v${i}`)!)).toEqual(unit(vs[i]!).map((x) => expect.closeTo(x, 5)));
    }
    expect(g.simd).toBe(true);
    expect(g.plainPass()).toBeCloseTo(
      Array.from(g.rows()).reduce((s, x) => s + x, 0),
      1,
    );
  });

  it('refuses vectors of the wrong length or with non-finite values', () => {
    const g = new Gallery({ dimension: 4 });
    expect(() => g.add('x', [1, 2, 3])).toThrow(RangeError);
    expect(() => g.add('x', [1, 2, 3, Number.NaN])).toThrow(RangeError);
    expect(() => g.search([1, 2])).toThrow(RangeError);
  });

  it('applies k and minScore', () => {
    const g = new Gallery({ dimension: 2 });
    g.add('a', [1, 0]);
    g.add('b', [1, 1]);
    g.add('c', [0, 1]);
    expect(g.search([1, 0], { k: 0 })).toEqual([]);
    expect(g.search([1, 0], { minScore: 0.5 }).map((h) => h.id)).toEqual(['a', 'b']);
    expect(new Gallery({ dimension: 2 }).search([1, 0])).toEqual([]);
  });

  it('search equals a brute-force ranking (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9999 }), (n, k, seed) => {
        const dim = 7;
        const vs = randomVectors(n + 1, dim, seed);
        const probe = vs.pop()!;
        const g = new Gallery({ dimension: dim, initialCapacity: 2 });
        vs.forEach((v, i) => g.add(`id${i}`, v));
        // erase a few and re-add to exercise slot moves
        for (let i = 0; i < n; i += 3) g.remove(`id${i}`);
        for (let i = 0; i < n; i += 3) g.add(`id${i}`, vs[i]!);
        const q = unit(probe);
        const expected = vs
          .map((v, i) => ({ id: `id${i}`, score: unit(v).reduce((s, x, j) => s + x * q[j]!, 0) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, k);
        const got = g.search(probe, { k });
        expect(got.map((h) => h.score)).toEqual(expected.map((e) => expect.closeTo(e.score, 5)));
        expect(got.length).toBe(Math.min(k, n));
      }),
      { numRuns: 60 },
    );
  });

  it('rowDot handles dimensions that are not a multiple of four', () => {
    const a = new Float32Array([1, 2, 3, 4, 5]);
    expect(rowDot(a, 0, new Float32Array([1, 1, 1, 1, 1]), 5)).toBe(15);
  });
});
