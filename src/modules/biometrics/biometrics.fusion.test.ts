import { describe, expect, it } from 'vitest';
import {
  candidateFloor,
  combinationOf,
  defaultFusionCalibration,
  recordedBirthYear,
  fitLogLr,
  fuseEvidence,
  modalityLogLr,
  type FusionCalibration,
} from './biometrics.fusion';

// A small fixed calibration: the behaviour, not the committed figures, is what these tests pin.
const calibration: FusionCalibration = {
  modalities: {
    face: { intercept: -20, slope: 40, feature: 'score', featureMin: 0, featureMax: 1 },
    finger: { intercept: -6, slope: 2, feature: 'log1p', featureMin: 0, featureMax: 6 },
    name: { intercept: -10, slope: 12, feature: 'score', featureMin: 0, featureMax: 1 },
  },
  thresholds: { face: { '0.0001': 9 }, 'face+finger': { '0.0001': 9 }, 'face+finger+name': { '0.0001': 9 } },
  source: 'test',
};

describe('fusion of identification evidence', () => {
  it('adds the log likelihood ratios of independent evidence', () => {
    const face = modalityLogLr(0.6, calibration.modalities.face);
    const finger = modalityLogLr(30, calibration.modalities.finger);
    const r = fuseEvidence({ face: 0.6, finger: 30 }, 1e-4, calibration);
    expect(r.log10Lr).toBeCloseTo((face + finger) / Math.LN10, 10);
    expect(r.contributions.map((c) => c.evidence)).toEqual(['face', 'finger']);
    expect(r.combination).toBe('face+finger');
  });

  it('lets a good face carry a poor fingerprint past the threshold where neither passes alone', () => {
    // face 0.7 alone: ln LR 8 < 9; the fingerprint 20 adds ln LR 0.09: still below; a fingerprint of 60 (ln LR 2.2) is enough
    expect(fuseEvidence({ face: 0.7 }, 1e-4, calibration).meetsTarget).toBe(false);
    expect(fuseEvidence({ face: 0.7, finger: 20 }, 1e-4, calibration).meetsTarget).toBe(false);
    expect(fuseEvidence({ face: 0.7, finger: 60 }, 1e-4, calibration).meetsTarget).toBe(true);
  });

  it('lowers the ratio for contradicting demographic facts, and raises it for a close birth year', () => {
    const base = fuseEvidence({ face: 0.72, finger: 30, name: 0.9 }, 1e-4, calibration).log10Lr;
    expect(fuseEvidence({ face: 0.72, finger: 30, name: 0.9, birthYears: [1990, 1991] }, 1e-4, calibration).log10Lr).toBeGreaterThan(base);
    expect(fuseEvidence({ face: 0.72, finger: 30, name: 0.9, birthYears: [1980, 1991] }, 1e-4, calibration).log10Lr).toBeLessThan(base);
    expect(fuseEvidence({ face: 0.72, finger: 30, name: 0.9, sexes: ['F', 'M'] }, 1e-4, calibration).log10Lr).toBeCloseTo(base + Math.log10(1 / 20), 10);
  });

  it('never extrapolates a score beyond the fitted range, and has no threshold for an unmeasured combination', () => {
    expect(modalityLogLr(5, calibration.modalities.face)).toBe(modalityLogLr(1, calibration.modalities.face));
    const r = fuseEvidence({ name: 1 }, 1e-4, calibration);
    expect(r.threshold).toBeNull();
    expect(r.meetsTarget).toBe(false);
    expect(combinationOf({ face: Number.NaN, name: 0.5 })).toBe('name');
  });

  it('fits a log likelihood ratio that is zero where the classes are equally likely', () => {
    // genuine scores around 0.8, impostors around 0.2, symmetric: the ratio is 1 (ln 0) at 0.5
    const genuine = Array.from({ length: 200 }, (_, i) => 0.6 + (0.4 * i) / 199);
    const impostor = Array.from({ length: 200 }, (_, i) => (0.4 * i) / 199);
    const noisyGenuine = [...genuine, 0.3, 0.35];
    const noisyImpostor = [...impostor, 0.65, 0.7];
    const c = fitLogLr(noisyGenuine, noisyImpostor, 'score');
    expect(c.slope).toBeGreaterThan(0);
    expect(modalityLogLr(0.5, c)).toBeCloseTo(0, 1);
    expect(modalityLogLr(0.9, c)).toBeGreaterThan(2);
  });

  it('has a committed calibration with a threshold for every combination at FMR 1e-4', () => {
    const c = defaultFusionCalibration();
    for (const key of ['face', 'finger', 'name', 'face+finger', 'face+name', 'finger+name', 'face+finger+name']) {
      expect(c.thresholds[key]?.['0.0001'], key).toBeTypeOf('number');
    }
    expect(c.modalities.face.slope).toBeGreaterThan(0);
    expect(c.modalities.finger.slope).toBeGreaterThan(0);
    expect(c.modalities.name.slope).toBeGreaterThan(0);
  });

  it('pins the candidate floors: the score where a modality alone gives even odds (committed calibration)', () => {
    const c = defaultFusionCalibration();
    expect(candidateFloor('face', c)).toBeCloseTo(0.9157, 3);
    expect(candidateFloor('finger', c)).toBeCloseTo(22.88, 1);
    expect(modalityLogLr(candidateFloor('face', c), c.modalities.face)).toBeCloseTo(0, 6);
    // below the identification thresholds (face 0.945, fingerprint 40): the band where fusion can find more
    expect(candidateFloor('face', c)).toBeLessThan(0.945);
    expect(candidateFloor('finger', c)).toBeLessThan(40);
  });

  it('reads a birth year only from a recorded date, never from an estimate', () => {
    expect(recordedBirthYear({ date: '1979-04-02', precision: 'exact' })).toBe(1979);
    expect(recordedBirthYear({ date: '1979', precision: 'year' })).toBe(1979);
    expect(recordedBirthYear({ date: '1979', precision: 'estimated' })).toBeNull();
    expect(recordedBirthYear({ date: null, precision: 'unknown' })).toBeNull();
  });
});
