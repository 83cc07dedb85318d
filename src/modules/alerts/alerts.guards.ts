import type { AlertDraft } from './alerts.domain';
import { GuardsThinning, NextShiftShort, PostsUncovered } from '../guards';

/** The alerts of the guard force's time-driven rules (issue 17): payloads of guards.watch's events. */

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const day = (iso: string) => iso.slice(0, 10);
const list = (codes: readonly string[], max = 8) => `${codes.slice(0, max).join(', ')}${codes.length > max ? ', ...' : ''}`;

export interface NextShiftShortFact {
  facilityId: string;
  facilityCode: string;
  at: string;
  horizonHours: number;
  startsAt: string;
  onRoll: number;
  planned: number;
  guardsShort: number;
  postsRequired: number;
  postsCovered: number;
  postsShort: number;
  uncoveredPosts: string[];
  state: string;
}

/** The roster of a coming shift is below the threshold: a warning hours ahead, naming the shift and the shortfall. */
export function nextShiftShortAlert(n: NextShiftShortFact): AlertDraft {
  const short = [
    n.guardsShort > 0 ? `${n.guardsShort} guard${n.guardsShort === 1 ? '' : 's'} short (${n.planned} planned for ${n.onRoll} on the roll)` : '',
    n.postsShort > 0 ? `${n.postsShort} post${n.postsShort === 1 ? '' : 's'} short (${n.postsCovered} of ${n.postsRequired} covered)` : '',
  ].filter(Boolean);
  const uncovered = n.uncoveredPosts.length ? `; uncovered: ${list(n.uncoveredPosts)}` : '';
  return {
    facilityId: n.facilityId,
    rule: 'guards.next_shift_short',
    severity: 'warning',
    title: `Shift of ${day(n.startsAt)} ${hhmm(n.startsAt)} at ${n.facilityCode} below threshold: ${short.join(', ') || n.state}${uncovered}`,
    details: { ...n },
    dedupeKey: `guards.next_shift_short:${n.facilityId}:${n.startsAt}`,
  };
}

export interface ThinningFact {
  facilityId: string;
  facilityCode: string;
  at: string;
  windowDays: number;
  thresholdPercent: number;
  trends: { sector: string; label: string; days: string[]; onDuty: number[]; slopePerDay: number; fallPercent: number; desertions: number | null }[];
}

/** Guards on duty per day trending down over the window (facility or sectors): a warning with the figures. */
export function thinningAlert(n: ThinningFact): AlertDraft {
  const parts = n.trends.map((t) => {
    const first = t.onDuty[0];
    const last = t.onDuty[t.onDuty.length - 1];
    const deserted = t.desertions ? `, ${t.desertions} deserted` : '';
    return `${t.sector ? `sector ${t.label}` : t.label} ${first} -> ${last} guards a day (-${t.fallPercent}%, ${t.slopePerDay}/day${deserted})`;
  });
  return {
    facilityId: n.facilityId,
    unitId: n.trends.length === 1 && n.trends[0]!.sector ? n.trends[0]!.sector : null,
    rule: 'guards.thinning',
    severity: 'warning',
    title: `Guard force thinning at ${n.facilityCode} over ${n.windowDays} days: ${parts.slice(0, 4).join('; ')}${parts.length > 4 ? '; ...' : ''}`.slice(
      0,
      500,
    ),
    details: { ...n },
    dedupeKey: `guards.thinning:${n.facilityId}:${day(n.at)}`,
  };
}

export interface PostsUncoveredFact {
  facilityId: string;
  facilityCode: string;
  at: string;
  graceMinutes: number;
  posts: { postId: string; code: string; unitId: string | null; minStaff: number; present: number; since: string }[];
}

/** Required posts below their minimum staffing past the grace period: a warning naming them and since when. */
export function postsUncoveredAlert(n: PostsUncoveredFact): AlertDraft {
  const named = n.posts.map((p) => `${p.code} (${p.present}/${p.minStaff} since ${hhmm(p.since)})`);
  return {
    facilityId: n.facilityId,
    unitId: n.posts.length === 1 ? n.posts[0]!.unitId : null,
    rule: 'guards.post_uncovered',
    severity: 'warning',
    title: `${n.posts.length} post${n.posts.length === 1 ? '' : 's'} below minimum staffing at ${n.facilityCode}: ${list(named, 6)}`.slice(0, 500),
    details: { ...n },
    dedupeKey: `guards.post_uncovered:${n.facilityId}:${n.at}`,
  };
}

/** The draft for one of the guard scheduler's facts (null for any other event). */
export function guardsWatchAlert(e: { type: string; payload: unknown }): AlertDraft | null {
  if (e.type === NextShiftShort.type) return nextShiftShortAlert(e.payload as NextShiftShortFact);
  if (e.type === GuardsThinning.type) return thinningAlert(e.payload as ThinningFact);
  if (e.type === PostsUncovered.type) return postsUncoveredAlert(e.payload as PostsUncoveredFact);
  return null;
}
