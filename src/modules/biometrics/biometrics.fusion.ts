/**
 * One identification decision from whatever evidence there is: face, fingerprint, name, and the demographic facts
 * beside them (birth year, sex, nationality). Pure.
 *
 * Each modality's score is calibrated to a likelihood ratio, how much more often that score comes from the same
 * person than from two different people (a logistic fit on genuine and impostor scores, classes weighted equally, so
 * that its log-odds is the log likelihood ratio). Independent pieces of evidence multiply: their log likelihood
 * ratios add. The sum is compared with a threshold chosen, on impostor combinations never used to fit the
 * calibration, for a stated false-match rate. The result is a suggestion with its evidence, for a person to decide
 * on: it never decides about anyone by itself.
 *
 * The fits and thresholds come from `bench/fusion` (docs/benchmarks.md, "Fusion"), written to
 * `biometrics.fusion.calibration.json`.
 */
import { readFileSync } from 'node:fs';

export type Modality = 'face' | 'finger' | 'name';

/** ln LR(score) = intercept + slope * feature(score); feature is the score, or log(1 + score) for fingerprints. */
export interface ModalityCalibration {
  intercept: number;
  slope: number;
  feature: 'score' | 'log1p';
  /** the fitted range of the feature: outside it the ratio is held at its edge, never extrapolated */
  featureMin: number;
  featureMax: number;
}

export interface FusionCalibration {
  modalities: Record<Modality, ModalityCalibration>;
  /** natural-log LR thresholds for each false-match rate target, by the set of modalities present */
  thresholds: Record<string, Record<string, number>>;
  source: string;
}

export interface FusionEvidence {
  face?: number;
  finger?: number;
  name?: number;
  /** birth years of the two records, when both are known */
  birthYears?: [number, number];
  sexes?: [string, string];
  nationalities?: [string, string];
}

export interface FusionContribution {
  evidence: Modality | 'birthYear' | 'sex' | 'nationality';
  score?: number;
  /** log10 of the likelihood ratio this piece of evidence gives */
  log10Lr: number;
}

export interface FusionResult {
  /** log10 of the combined likelihood ratio: +2 means the evidence is 100 times likelier for one person than for two */
  log10Lr: number;
  contributions: FusionContribution[];
  /** the false-match rate the threshold was set for, and whether the evidence passes it */
  targetFmr: number;
  threshold: number | null;
  meetsTarget: boolean;
  /** the modalities the threshold was chosen for (thresholds exist per combination measured) */
  combination: string;
}

const LN10 = Math.log(10);

/**
 * Demographic evidence, stated, not learned (the shared data carry no birth years or sexes of their identities):
 * birth years within a year of each other are 15 times likelier for one person (recorded ages in camps are often
 * estimates, so a one-year gap is normal), five or more years apart 50 times less likely; a different recorded sex
 * or nationality 20 times less likely (records do carry errors, so never impossible); the same sex or nationality
 * says little (most pairs share them).
 */
export const DEMOGRAPHIC_LR = {
  birthYearClose: 15,
  birthYearFar: 1 / 50,
  sexDiffers: 1 / 20,
  nationalityDiffers: 1 / 20,
} as const;

let committedCalibration: FusionCalibration | undefined;

/** The committed calibration (bench/fusion writes it), read once. */
export function defaultFusionCalibration(): FusionCalibration {
  committedCalibration ??= JSON.parse(readFileSync(new URL('./biometrics.fusion.calibration.json', import.meta.url), 'utf8')) as FusionCalibration;
  return committedCalibration;
}

/**
 * No single score counts for more than a million to one either way: a logistic fit is straight where the data are
 * thin, and a face far below the genuine range would otherwise read as 10^-17, drowning every other piece of
 * evidence (a mislabelled photo must not outweigh matching fingerprints without a person looking at it).
 */
export const MAX_ABS_LN_LR = Math.log(1e6);

/** ln LR of one modality's score under its calibration. */
export function modalityLogLr(score: number, c: ModalityCalibration): number {
  const raw = c.feature === 'log1p' ? Math.log1p(Math.max(0, score)) : score;
  const x = Math.min(c.featureMax, Math.max(c.featureMin, raw));
  return Math.max(-MAX_ABS_LN_LR, Math.min(MAX_ABS_LN_LR, c.intercept + c.slope * x));
}

/**
 * The lowest score of a biometric modality whose likelihood ratio alone is at least 1: the score leans, by itself,
 * towards one person. Below its identification threshold, a candidate from this floor up is fused with the other
 * evidence (names, birth year ...) and may become a case or a hit; below the floor it never does, so that a namesake
 * with an unrelated face or finger is not raised by the name alone.
 */
export function candidateFloor(modality: 'face' | 'finger', calibration: FusionCalibration = defaultFusionCalibration()): number {
  const c = calibration.modalities[modality];
  const x = Math.min(c.featureMax, Math.max(c.featureMin, -c.intercept / c.slope));
  return c.feature === 'log1p' ? Math.expm1(x) : x;
}

/** The birth year a record states, when it states a date (exact, month or year), not an estimate or a range. */
export function recordedBirthYear(birth: { date: string | null; precision: string }): number | null {
  if (birth.date === null || !['exact', 'month', 'year'].includes(birth.precision)) return null;
  const y = Number(birth.date.slice(0, 4));
  return Number.isInteger(y) ? y : null;
}

/** The combination key of the modalities present, in a fixed order (face+finger+name). */
export function combinationOf(e: FusionEvidence): string {
  return (['face', 'finger', 'name'] as const).filter((m) => typeof e[m] === 'number' && Number.isFinite(e[m])).join('+');
}

/** Fuses the evidence into one likelihood ratio and compares it with the threshold for `targetFmr`. */
export function fuseEvidence(e: FusionEvidence, targetFmr = 1e-4, calibration: FusionCalibration = defaultFusionCalibration()): FusionResult {
  const contributions: FusionContribution[] = [];
  for (const m of ['face', 'finger', 'name'] as const) {
    const s = e[m];
    if (typeof s !== 'number' || !Number.isFinite(s)) continue;
    contributions.push({ evidence: m, score: s, log10Lr: modalityLogLr(s, calibration.modalities[m]) / LN10 });
  }
  if (e.birthYears) {
    const gap = Math.abs(e.birthYears[0] - e.birthYears[1]);
    if (gap <= 1) contributions.push({ evidence: 'birthYear', log10Lr: Math.log10(DEMOGRAPHIC_LR.birthYearClose) });
    else if (gap >= 5) contributions.push({ evidence: 'birthYear', log10Lr: Math.log10(DEMOGRAPHIC_LR.birthYearFar) });
  }
  if (e.sexes && e.sexes[0] !== e.sexes[1]) contributions.push({ evidence: 'sex', log10Lr: Math.log10(DEMOGRAPHIC_LR.sexDiffers) });
  if (e.nationalities && e.nationalities[0] !== e.nationalities[1]) {
    contributions.push({ evidence: 'nationality', log10Lr: Math.log10(DEMOGRAPHIC_LR.nationalityDiffers) });
  }
  const log10Lr = contributions.reduce((sum, c) => sum + c.log10Lr, 0);
  const combination = combinationOf(e);
  const lnThreshold = calibration.thresholds[combination]?.[String(targetFmr)];
  const threshold = lnThreshold === undefined ? null : lnThreshold / LN10;
  return {
    log10Lr,
    contributions,
    targetFmr,
    threshold,
    meetsTarget: threshold !== null && log10Lr >= threshold,
    combination,
  };
}

/**
 * Fits ln LR = intercept + slope * x by logistic regression with the two classes weighted equally (Newton's method
 * on two parameters): with equal weights the fitted log-odds is the log likelihood ratio. Used by bench/fusion.
 */
export function fitLogLr(genuine: readonly number[], impostor: readonly number[], feature: ModalityCalibration['feature']): ModalityCalibration {
  const f = (s: number) => (feature === 'log1p' ? Math.log1p(Math.max(0, s)) : s);
  const xs = [...genuine.map(f), ...impostor.map(f)];
  const ys = [...genuine.map(() => 1), ...impostor.map(() => 0)];
  const ws = [...genuine.map(() => 0.5 / genuine.length), ...impostor.map(() => 0.5 / impostor.length)];
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const p = 1 / (1 + Math.exp(-(a + b * x)));
      const r = ws[i]! * (ys[i]! - p);
      ga += r;
      gb += r * x;
      const h = ws[i]! * p * (1 - p);
      haa += h;
      hab += h * x;
      hbb += h * x * x;
    }
    // a small ridge keeps the step finite when the classes separate completely
    hbb += 1e-6;
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { intercept: a, slope: b, feature, featureMin: Math.min(...xs), featureMax: Math.max(...xs) };
}
