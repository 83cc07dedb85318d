import { describe, expect, it } from 'vitest';
import { angleDiff, boxFilter, resampleTo500, selectKth, thinZhangSuen } from './fingerprint.extract';
import { imageQuality } from './fingerprint.quality';
import { calibratedScore, THRESHOLDS } from './fingerprint.calibration';

describe('extraction building blocks', () => {
  it('selects the value a sort puts at an index', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      for (const spread of [3, 1000]) {
        const values = Float32Array.from({ length: n }, () => Math.floor(rand() * spread) / 7);
        const sorted = values.slice().sort();
        for (const k of [0, n >> 1, n - 1]) expect(selectKth(values.slice(), k)).toBe(sorted[k]);
      }
    }
    expect(selectKth(Float32Array.from([5, 4, 3, 2, 1]), 2)).toBe(3);
  });

  it('scales an image to 500 dpi', () => {
    const img = { width: 569, height: 1138, data: new Uint8Array(569 * 1138).fill(100) };
    const out = resampleTo500(img, 569);
    expect([out.width, out.height]).toEqual([500, 1000]);
    expect(out.data.every((v) => v === 100)).toBe(true);
    expect(resampleTo500(img, 500)).toBe(img);
    expect(() => resampleTo500(img, 0)).toThrow(/dpi/);
  });

  it('thins a thick bar to a one-pixel line', () => {
    const W = 40;
    const H = 15;
    const img = new Uint8Array(W * H);
    for (let y = 5; y < 10; y++) for (let x = 5; x < 35; x++) img[y * W + x] = 1;
    thinZhangSuen(img, W, H);
    for (let x = 8; x < 32; x++) {
      let column = 0;
      for (let y = 0; y < H; y++) column += img[y * W + x]!;
      expect(column).toBe(1);
    }
  });

  it('box-filters with clamped windows', () => {
    const src = Float32Array.from([0, 0, 9, 0, 0]);
    expect(Array.from(boxFilter(src, 5, 1, 1))).toEqual([0, 3, 3, 3, 0]);
  });

  it('measures signed angle differences', () => {
    expect(angleDiff(0.1, 2 * Math.PI - 0.1)).toBeCloseTo(0.2);
    expect(angleDiff(Math.PI, 0)).toBeCloseTo(Math.PI);
  });

  it('keeps quality within 0..100 and calibrated scores monotone', () => {
    expect(imageQuality({ foregroundArea: 0, meanCoherence: 0, validFrequency: 0, minutiaCount: 0 })).toBe(0);
    expect(imageQuality({ foregroundArea: 1e6, meanCoherence: 1, validFrequency: 1, minutiaCount: 99 })).toBe(100);
    let prev = -1;
    for (let raw = 0; raw <= 1; raw += 0.01) {
      const s = calibratedScore(raw);
      expect(s).toBeGreaterThanOrEqual(prev);
      prev = s;
    }
    expect(calibratedScore(0)).toBe(0);
    expect(THRESHOLDS.FMR_0_1_PERCENT).toBe(30);
  });

  it('pins the calibration fitted on DB2_B (MCC + pair matcher): raw scores of its impostor tail read as FMR', () => {
    expect(THRESHOLDS).toEqual({ FMR_1_PERCENT: 20, FMR_0_1_PERCENT: 30, FMR_0_01_PERCENT: 40 });
    // The raw score that 10 % and 1 % of DB2_B's impostors reach.
    expect(calibratedScore(0.1171)).toBe(10);
    expect(calibratedScore(0.161)).toBe(20);
    // FMR 0.1 % lies between the knots of 0.2 % (0.1862) and 1/2880 (0.2225).
    expect(calibratedScore(0.1999)).toBeLessThan(30);
    expect(calibratedScore(0.2012)).toBeGreaterThanOrEqual(30);
    expect(calibratedScore(0.2225)).toBe(34.59);
  });
});
