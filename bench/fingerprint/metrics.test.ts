import { describe, expect, it } from 'vitest';
import { errorRates, ratesAt, thresholdAtEer, thresholdAtFmr } from './metrics';

describe('errorRates', () => {
  it('is zero when every genuine score beats every impostor', () => {
    const r = errorRates([0.8, 0.9, 0.7], [0.1, 0.2, 0.3]);
    expect(r).toEqual({ eer: 0, fnmrAtFmr1: 0, fnmrAtFmr01: 0, fnmrAtZeroFmr: 0 });
  });

  it('finds the crossing of FMR and FNMR', () => {
    // One of four genuines below the best impostor, one of four impostors above the worst genuine.
    const r = errorRates([0.2, 0.6, 0.7, 0.8], [0.1, 0.3, 0.4, 0.65]);
    expect(r.eer).toBeCloseTo(0.25);
    expect(r.fnmrAtZeroFmr).toBeCloseTo(0.5);
  });
});

describe('thresholds fixed on one set, applied to another', () => {
  it('thresholdAtFmr lets through at most the allowed share of impostors', () => {
    const impostors = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = thresholdAtFmr(impostors, 0.05);
    expect(ratesAt([], impostors, t).fmr).toBeLessThanOrEqual(0.05);
    expect(ratesAt([], impostors, t - 0.011).fmr).toBeGreaterThan(0.05);
  });

  it('thresholdAtEer sits where the two error rates cross', () => {
    const t = thresholdAtEer([0.2, 0.6, 0.7, 0.8], [0.1, 0.3, 0.4, 0.65]);
    const r = ratesAt([0.2, 0.6, 0.7, 0.8], [0.1, 0.3, 0.4, 0.65], t);
    expect(r.fmr).toBeCloseTo(0.25);
    expect(r.fnmr).toBeCloseTo(0.25);
  });
});
