/**
 * Verification error rates from genuine (same person) and impostor (different persons) similarity scores, where a
 * pair is accepted when its score is >= the threshold. Pure: used by the face benchmark and its tests.
 */

export interface OperatingPoint {
  threshold: number;
  /** False match rate: impostor pairs accepted. */
  far: number;
  /** True accept rate: genuine pairs accepted (1 - FNMR). */
  tar: number;
}

function sortedAsc(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Number of values in ascending `xs` that are >= t. */
function countAtLeast(xs: Float64Array, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return xs.length - lo;
}

export function rates(genuine: readonly number[], impostor: readonly number[], threshold: number): OperatingPoint {
  const g = sortedAsc(genuine);
  const i = sortedAsc(impostor);
  return { threshold, far: countAtLeast(i, threshold) / i.length, tar: countAtLeast(g, threshold) / g.length };
}

/**
 * The lowest threshold whose false match rate is at most `targetFar` on these impostors (so the highest TAR that
 * keeps FAR within target), with the rates there.
 */
export function thresholdForFar(genuine: readonly number[], impostor: readonly number[], targetFar: number): OperatingPoint {
  const i = sortedAsc(impostor);
  const allowed = Math.floor(targetFar * i.length); // impostors that may score at or above the threshold
  // Accepting only scores strictly above the (allowed+1)-th highest impostor keeps at most `allowed` accepted.
  const idx = i.length - 1 - allowed;
  const threshold = idx < 0 ? -Infinity : nextUp(i[idx] as number);
  return rates(genuine, impostor, threshold);
}

function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = (bits[0] as bigint) + (x > 0 ? 1n : -1n);
  return buf[0] as number;
}

/** Equal error rate: where FAR and FNMR cross (the mean of the two at the closest candidate threshold). */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): { eer: number; threshold: number } {
  const g = sortedAsc(genuine);
  const i = sortedAsc(impostor);
  const candidates = sortedAsc([...genuine, ...impostor]);
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  for (const t of candidates) {
    const far = countAtLeast(i, t) / i.length;
    const fnmr = 1 - countAtLeast(g, t) / g.length;
    const gap = Math.abs(far - fnmr);
    if (gap < best.gap) best = { gap, eer: (far + fnmr) / 2, threshold: t };
  }
  return { eer: best.eer, threshold: best.threshold };
}

/** Area under the ROC curve (probability a random genuine pair outscores a random impostor pair). */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const i = sortedAsc(impostor);
  let wins = 0;
  for (const s of genuine) {
    const above = countAtLeast(i, s);
    const atOrAbove = above;
    const strictlyBelow = i.length - atOrAbove;
    // ties count half
    let ties = 0;
    let k = i.length - atOrAbove;
    while (k < i.length && i[k] === s) {
      ties++;
      k++;
    }
    wins += strictlyBelow + ties / 2;
  }
  return wins / (genuine.length * i.length);
}
