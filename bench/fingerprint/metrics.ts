/** Verification error rates from genuine and impostor score lists (higher score = more alike). */
export interface ErrorRates {
  eer: number;
  /** Lowest FNMR with FMR at most 1% / 0.1% (the FVC "FMR100" and "FMR1000"). */
  fnmrAtFmr1: number;
  fnmrAtFmr01: number;
  /** Lowest FNMR with no false match at all (FVC "ZeroFMR"). */
  fnmrAtZeroFmr: number;
}

/** FMR(t) = share of impostors >= t, FNMR(t) = share of genuines < t, over every distinct threshold. */
export function errorRates(genuine: number[], impostor: number[]): ErrorRates {
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...im, Infinity])].sort((a, b) => a - b);
  let eer = 1;
  let bestGap = Infinity;
  let fnmr1 = 1;
  let fnmr01 = 1;
  let fnmr0 = 1;
  let gi = 0; // genuines < t
  let ii = 0; // impostors < t
  for (const t of thresholds) {
    while (gi < g.length && g[gi]! < t) gi++;
    while (ii < im.length && im[ii]! < t) ii++;
    const fnmr = g.length ? gi / g.length : 0;
    const fmr = im.length ? (im.length - ii) / im.length : 0;
    const gap = Math.abs(fnmr - fmr);
    if (gap < bestGap) {
      bestGap = gap;
      eer = (fnmr + fmr) / 2;
    }
    if (fmr <= 0.01) fnmr1 = Math.min(fnmr1, fnmr);
    if (fmr <= 0.001) fnmr01 = Math.min(fnmr01, fnmr);
    if (fmr === 0) fnmr0 = Math.min(fnmr0, fnmr);
  }
  return { eer, fnmrAtFmr1: fnmr1, fnmrAtFmr01: fnmr01, fnmrAtZeroFmr: fnmr0 };
}

/**
 * The lowest score threshold whose false-match rate on these impostors is at most `fmr` (scores >= threshold are
 * accepted): what a tuning database fixes before the threshold is applied to the reported one.
 */
export function thresholdAtFmr(impostor: number[], fmr: number): number {
  const im = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(fmr * im.length);
  if (im.length === 0) return -Infinity;
  // Accept strictly above the (allowed+1)-th highest impostor; the smallest score above it is a tiny step up.
  const cut = im[Math.min(allowed, im.length - 1)]!;
  return allowed >= im.length ? -Infinity : cut + 1e-9;
}

/** The threshold at which FNMR and FMR cross on these scores (the EER threshold). */
export function thresholdAtEer(genuine: number[], impostor: number[]): number {
  const thresholds = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  let best = thresholds[0] ?? 0;
  let bestGap = Infinity;
  for (const t of thresholds) {
    const fnmr = genuine.filter((s) => s < t).length / Math.max(1, genuine.length);
    const fmr = impostor.filter((s) => s >= t).length / Math.max(1, impostor.length);
    const gap = Math.abs(fnmr - fmr);
    if (gap < bestGap) {
      bestGap = gap;
      best = t;
    }
  }
  return best;
}

/** FMR and FNMR of a fixed threshold (accept when score >= threshold). */
export function ratesAt(genuine: number[], impostor: number[], threshold: number): { fmr: number; fnmr: number } {
  return {
    fmr: impostor.filter((s) => s >= threshold).length / Math.max(1, impostor.length),
    fnmr: genuine.filter((s) => s < threshold).length / Math.max(1, genuine.length),
  };
}
