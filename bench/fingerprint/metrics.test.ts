import { describe, expect, it } from 'vitest';
import { errorRates } from './metrics';

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
