import { describe, expect, it } from 'vitest';
import { equalErrorRate, rates, rocAuc, thresholdForFar } from './metrics';

describe('verification metrics', () => {
  const genuine = [0.9, 0.8, 0.7, 0.6];
  const impostor = [0.1, 0.2, 0.3, 0.65, 0.4, 0.5, 0.15, 0.25, 0.35, 0.45];

  it('counts acceptances at a threshold (score >= threshold accepts)', () => {
    expect(rates(genuine, impostor, 0.65)).toEqual({ threshold: 0.65, far: 0.1, tar: 0.75 });
    expect(rates(genuine, impostor, 0)).toMatchObject({ far: 1, tar: 1 });
  });

  it('chooses the lowest threshold that holds the target FAR', () => {
    const zero = thresholdForFar(genuine, impostor, 0);
    expect(zero.far).toBe(0);
    expect(zero.threshold).toBeGreaterThan(0.65);
    expect(zero.tar).toBe(0.75);
    const tenth = thresholdForFar(genuine, impostor, 0.1);
    expect(tenth.far).toBeLessThanOrEqual(0.1);
    expect(tenth.tar).toBe(1);
  });

  it('finds the equal error rate and the AUC', () => {
    expect(equalErrorRate([1, 2, 3], [0, 0.5]).eer).toBe(0);
    const e = equalErrorRate(genuine, impostor);
    expect(e.eer).toBeGreaterThan(0);
    expect(e.eer).toBeLessThanOrEqual(0.25);
    expect(rocAuc([1], [0])).toBe(1);
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    expect(rocAuc(genuine, impostor)).toBeCloseTo(39 / 40);
  });
});
