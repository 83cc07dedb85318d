/** Threshold-free and threshold metrics for scored, labelled pairs. */

export interface Scored {
  score: number;
  label: 0 | 1;
}

/** ROC AUC by the rank-sum formula, ties counted half. */
export function rocAuc(xs: Scored[]): number {
  const sorted = [...xs].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (sorted[k]!.label === 1) {
        rankSum += avgRank;
        pos++;
      }
    i = j + 1;
  }
  const neg = sorted.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Precision and recall at every distinct threshold (score >= t predicts a match), highest threshold first. */
function curve(xs: Scored[]): Array<{ t: number; p: number; r: number }> {
  const sorted = [...xs].sort((a, b) => b.score - a.score);
  const pos = sorted.filter((x) => x.label === 1).length;
  const out: Array<{ t: number; p: number; r: number }> = [];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < sorted.length) {
    const t = sorted[i]!.score;
    while (i < sorted.length && sorted[i]!.score === t) {
      if (sorted[i]!.label === 1) tp++;
      else fp++;
      i++;
    }
    out.push({ t, p: tp / (tp + fp), r: pos === 0 ? 0 : tp / pos });
  }
  return out;
}

/** Highest recall reachable with precision >= p0 (and the threshold that reaches it). */
export function recallAtPrecision(xs: Scored[], p0: number): { recall: number; threshold: number | null } {
  let best = { recall: 0, threshold: null as number | null };
  for (const c of curve(xs)) if (c.p >= p0 && c.r > best.recall) best = { recall: c.r, threshold: c.t };
  return best;
}

/** Highest precision reachable with recall >= r0. */
export function precisionAtRecall(xs: Scored[], r0: number): { precision: number; threshold: number | null } {
  let best = { precision: 0, threshold: null as number | null };
  for (const c of curve(xs)) if (c.r >= r0 && c.p > best.precision) best = { precision: c.p, threshold: c.t };
  return best;
}

/** Precision and recall at a fixed threshold. */
export function atThreshold(xs: Scored[], t: number): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  for (const x of xs) {
    if (x.label === 1) pos++;
    if (x.score >= t) {
      if (x.label === 1) tp++;
      else fp++;
    }
  }
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: pos === 0 ? 0 : tp / pos };
}

/** The best F1 over all thresholds (the figure the issue states for name cases). */
export function bestF1(xs: Scored[]): number {
  let best = 0;
  for (const c of curve(xs)) if (c.p + c.r > 0) best = Math.max(best, (2 * c.p * c.r) / (c.p + c.r));
  return best;
}

export function summary(xs: Scored[]) {
  const rp = recallAtPrecision(xs, 0.95);
  const pr = precisionAtRecall(xs, 0.98);
  return {
    n: xs.length,
    positives: xs.filter((x) => x.label === 1).length,
    auc: round(rocAuc(xs)),
    recallAtP95: round(rp.recall),
    precisionAtR98: round(pr.precision),
    bestF1: round(bestF1(xs)),
  };
}

export function round(x: number, d = 4): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
