import { governance, type GovernanceState, type ThresholdSettings } from './guards.domain';

/**
 * The time-driven rules of the guard force (pure): a coming shift whose planned roster is below the threshold, a
 * force thinning over days, a post below its minimum staffing past the grace period.
 */

/** A post as the roster of a coming shift plans it. */
export interface PlannedPost {
  postId: string;
  code: string;
  unitId: string | null;
  minStaff: number;
  planned: number;
}

export interface ShiftShortfall {
  /** The shift's start (the instant whose roster is checked). */
  startsAt: string;
  onRoll: number;
  planned: number;
  /** Guards more that the threshold's ratio asks for (0 when the ratio is met). */
  guardsShort: number;
  postsRequired: number;
  postsCovered: number;
  /** Posts more to cover for the threshold's share (0 when the share is met). */
  postsShort: number;
  /** Codes of the required posts planned below their minimum staffing. */
  uncoveredPosts: string[];
  state: GovernanceState;
  guardsPer100: number | null;
  mannedPercent: number | null;
  reasons: string[];
}

const needed = (share: number, of: number) => Math.ceil((share * of) / 100 - 1e-9);

/**
 * The roster planned for a coming shift against the threshold, as if it were now: null when it suffices (governance
 * ok), else the shortfall in guards and in posts, naming the posts left uncovered.
 */
export function nextShiftShortfall(startsAt: Date, onRoll: number, posts: readonly PlannedPost[], t: ThresholdSettings): ShiftShortfall | null {
  const required = posts.filter((p) => p.minStaff > 0);
  const covered = required.filter((p) => p.planned >= p.minStaff);
  const planned = posts.reduce((n, p) => n + p.planned, 0);
  const g = governance({ onRoll, present: planned, postsRequired: required.length, postsManned: covered.length }, t);
  if (g.state === 'ok') return null;
  return {
    startsAt: startsAt.toISOString(),
    onRoll,
    planned,
    guardsShort: onRoll > 0 ? Math.max(0, needed(t.minGuardsPer100, onRoll) - planned) : 0,
    postsRequired: required.length,
    postsCovered: covered.length,
    postsShort: Math.max(0, needed(t.minMannedPostsPercent, required.length) - covered.length),
    uncoveredPosts: required
      .filter((p) => p.planned < p.minStaff)
      .map((p) => p.code)
      .sort(),
    state: g.state,
    guardsPer100: g.guardsPer100,
    mannedPercent: g.mannedPercent,
    reasons: g.reasons,
  };
}

/** Least squares over x = 0..n-1: the slope (per day) and the fitted first and last values. */
export function linearTrend(values: readonly number[]): { slope: number; first: number; last: number } {
  const n = values.length;
  if (n < 2) return { slope: 0, first: values[0] ?? 0, last: values[0] ?? 0 };
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let x = 0; x < n; x++) {
    num += (x - meanX) * (values[x]! - meanY);
    den += (x - meanX) ** 2;
  }
  const slope = num / den;
  const first = meanY - slope * meanX;
  return { slope, first, last: first + slope * (n - 1) };
}

/** A facility's (sector '') or a sector's guards on duty per day over the window, oldest first. */
export interface DailySeries {
  sector: string;
  /** The unit's code, for people ('' for the facility). */
  label: string;
  days: string[];
  onDuty: number[];
  /** Guards of the facility recorded as deserted within the window (facility only). */
  desertions?: number;
}

export interface Thinning {
  sector: string;
  label: string;
  days: string[];
  onDuty: number[];
  /** Guards per day, by least squares over the window (negative: thinning). */
  slopePerDay: number;
  /** The fall of the fitted line from the window's first day to its last, in percent of the first. */
  fallPercent: number;
  desertions: number | null;
}

/** The smallest force whose trend is read: a post of two guards losing one is a gap, not a trend. */
export const THINNING_MIN_GUARDS = 4;

/**
 * A force thinning over days: the least-squares line of the guards on duty each day over the window falls by at least
 * the threshold's percentage, and the last day has fewer than the first. A stable force (or a growing one) is not.
 */
export function thinning(series: DailySeries, t: ThresholdSettings): Thinning | null {
  const v = series.onDuty;
  if (v.length < 3) return null;
  const { slope, first, last } = linearTrend(v);
  if (first < THINNING_MIN_GUARDS || slope >= 0 || v[v.length - 1]! >= v[0]!) return null;
  const fallPercent = ((first - last) * 100) / first;
  if (fallPercent < t.thinningPercent) return null;
  return {
    sector: series.sector,
    label: series.label,
    days: series.days,
    onDuty: v,
    slopePerDay: Math.round(slope * 100) / 100,
    fallPercent: Math.round(fallPercent * 10) / 10,
    desertions: series.desertions ?? null,
  };
}

/** A required post below its minimum staffing since `since`: alerted once it has lasted past the grace period. */
export interface UncoveredPost {
  postId: string;
  code: string;
  unitId: string | null;
  minStaff: number;
  present: number;
  since: string;
}

export function uncoveredPastGrace<T extends { minStaff: number; present: number; since: Date }>(posts: readonly T[], now: Date, graceMinutes: number): T[] {
  return posts.filter((p) => p.minStaff > 0 && p.present < p.minStaff && now.getTime() - p.since.getTime() > graceMinutes * 60_000);
}
