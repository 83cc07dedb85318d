/**
 * Maps the matcher's raw score (MCC LSS-R plus the weighted pair matcher, see fingerprint.match.ts) to a calibrated
 * similarity s = -10 log10(FMR): the false-match rate expected at that raw score, read from impostor comparisons. So
 * a threshold reads as a false-match rate: s >= 20 means FMR 1%, 30 means 0.1%, 40 means 0.01%. Beyond the measured
 * tail the log-FMR is extrapolated linearly (an exponential tail), which is an estimate, not a measurement.
 *
 * Fitted on: see CALIBRATION_SOURCE. Rule (bench/fingerprint/calibrate.ts): each knot is the raw score that the
 * share FMR of DB2_B's impostor comparisons reaches, for FMR 1 down to 0.002, and the highest impostor for 1/2880.
 * With 2880 impostors the measured tail ends near FMR 3.5e-4 (score 34.6); the 0.01% threshold (40) is extrapolated.
 * Held out on DB4_B (docs/benchmarks.md, third pass): 20 gives FMR 1.04 %, 30 gives 0.03 %.
 */
export const CALIBRATION_SOURCE =
  'FVC2002 DB2_B, 2880 impostor comparisons (every impression against every impression of another finger), ' +
  'MCC + pair matcher, bench/fingerprint/calibrate.ts on 2026-12-04; FVC DB4_B held out';

/**
 * (raw score, log10 FMR) knots, raw ascending: the raw score reached by that share of DB2_B's impostors. DB4_B's
 * impostors give nearly the same knots (0.1641 against 0.1610 at FMR 1%), so the calibration carries over.
 */
const KNOTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.0369, 0],
  [0.0617, -0.301],
  [0.1003, -0.699],
  [0.1171, -1],
  [0.1314, -1.301],
  [0.1498, -1.699],
  [0.161, -2],
  [0.1757, -2.301],
  [0.1862, -2.699],
  [0.2225, -3.459],
];

export const MAX_CALIBRATED_SCORE = 100;

export function calibratedScore(raw: number): number {
  return calibratedScoreWith(KNOTS, raw);
}

/** calibratedScore with other knots ((raw, log10 FMR), raw ascending): bench/fingerprint/calibrate.ts checks a fit. */
export function calibratedScoreWith(knots: readonly (readonly [number, number])[], raw: number): number {
  const KNOTS = knots;
  if (!(raw > 0)) return 0;
  let logFmr: number;
  const last = KNOTS[KNOTS.length - 1]!;
  if (raw >= last[0]) {
    // The tail's slope from the last three knots together, less sensitive to the single highest impostor.
    const prev = KNOTS[Math.max(0, KNOTS.length - 3)]!;
    const slope = last[0] > prev[0] ? (last[1] - prev[1]) / (last[0] - prev[0]) : -10;
    logFmr = last[1] + slope * (raw - last[0]);
  } else {
    let k = 1;
    while (KNOTS[k]![0] < raw) k++;
    const [x0, y0] = KNOTS[k - 1]!;
    const [x1, y1] = KNOTS[k]!;
    logFmr = x1 > x0 ? y0 + ((y1 - y0) * (raw - x0)) / (x1 - x0) : y1;
  }
  const s = -10 * logFmr;
  return Math.max(0, Math.min(MAX_CALIBRATED_SCORE, Math.round(s * 100) / 100));
}

/** Decision thresholds on the calibrated score, named by the false-match rate each targets. */
export const THRESHOLDS = {
  /** FMR 1%: screening, where a human reviews every hit. */
  FMR_1_PERCENT: 20,
  /** FMR 0.1%: the default for 1:1 verification. */
  FMR_0_1_PERCENT: 30,
  /** FMR 0.01%: de-duplication and 1:N identification in galleries of thousands. */
  FMR_0_01_PERCENT: 40,
} as const;
