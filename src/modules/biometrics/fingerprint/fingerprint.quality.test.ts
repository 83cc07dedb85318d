import { describe, expect, it } from 'vitest';
import { boxFilter } from './fingerprint.extract';
import { imageQuality, qualityIssues, RETAKE_QUALITY } from './fingerprint.quality';

describe('fingerprint quality at enrolment', () => {
  it('pins the retake bar chosen by the held-out protocol', () => {
    expect(RETAKE_QUALITY).toBe(70);
  });

  it('names nothing for a clear, large print with many minutiae', () => {
    const good = { foregroundArea: 80_000, meanCoherence: 0.7, validFrequency: 0.9, minutiaCount: 40 };
    expect(qualityIssues(good)).toEqual([]);
    expect(imageQuality(good)).toBe(100);
  });

  it('names what is short, worst first, and such a print falls below the bar', () => {
    const faintTip = { foregroundArea: 15_000, meanCoherence: 0.6, validFrequency: 0.35, minutiaCount: 12 };
    expect(qualityIssues(faintTip)).toEqual(['faint', 'small_area', 'few_minutiae']);
    expect(imageQuality(faintTip)).toBeLessThan(RETAKE_QUALITY);
  });
});

describe('box filter', () => {
  it('is the mean over the clamped window at every pixel (interior fast path and borders alike)', () => {
    const W = 23;
    const H = 11;
    const r = 4;
    const src = Float32Array.from({ length: W * H }, (_, i) => Math.sin(i * 0.37) * 100 + (i % 13));
    const out = boxFilter(src, W, H, r);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let sum = 0;
        let n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) {
            sum += src[yy * W + xx]!;
            n++;
          }
        }
        expect(out[y * W + x]).toBeCloseTo(sum / n, 3);
      }
    }
  });
});
