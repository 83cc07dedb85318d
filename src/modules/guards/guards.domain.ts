import { z } from 'zod';
import { ValidationError } from '../../platform/errors';

export const ORGANISATIONS = ['sdf', 'asayish', 'government', 'coalition', 'contractor', 'other'] as const;
export type Organisation = (typeof ORGANISATIONS)[number];
export const STAFF_STATUSES = ['active', 'suspended', 'deserted', 'left'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];
export const POST_KINDS = ['gate', 'tower', 'block', 'patrol', 'control_room'] as const;
export const CHECKIN_METHODS = ['badge', 'biometric', 'supervisor'] as const;
export type CheckinMethod = (typeof CHECKIN_METHODS)[number];
export const GOVERNANCE_STATES = ['ok', 'degraded', 'critical'] as const;
export type GovernanceState = (typeof GOVERNANCE_STATES)[number];

/** The longest shift a roster may plan (a double shift). */
export const MAX_SHIFT_HOURS = 24;

/** A facility's governance threshold; every field has a default so a facility without settings is still watched. */
export const ThresholdSettings = z.object({
  /** Guards present on duty per 100 persons on the roll below which control is degraded (half of it: critical). */
  minGuardsPer100: z.number().min(0).max(1000).default(1),
  /** Share of the posts manned to their minimum below which control is degraded (half of it: critical). */
  minMannedPostsPercent: z.number().min(0).max(100).default(75),
  /** A check-in this many minutes after the planned start is late; a planned shift without one by then is a no-show. */
  lateGraceMinutes: z.number().int().min(0).max(240).default(10),
  /** How far ahead the scheduler checks the planned roster of the coming shifts against the threshold (guards.watch). */
  nextShiftHorizonHours: z.number().int().min(1).max(72).default(6),
  /** The window of days over which a thinning force is measured ... */
  thinningWindowDays: z.number().int().min(3).max(60).default(7),
  /** ... and the fall of its fitted daily attendance over that window, in percent, that is alerted. */
  thinningPercent: z.number().min(1).max(100).default(10),
  /** The rotation rule: no guard on the same post more than this many shifts in a row (0: the rule is off). */
  maxShiftsInRow: z.number().int().min(0).max(60).default(3),
});
export type ThresholdSettings = z.infer<typeof ThresholdSettings>;
export const DEFAULT_THRESHOLD: ThresholdSettings = ThresholdSettings.parse({});

export interface RatioFigures {
  onRoll: number;
  present: number;
  postsRequired: number;
  postsManned: number;
}

export interface Governance {
  state: GovernanceState;
  /** Guards present per 100 persons on the roll (null when nobody is on the roll). */
  guardsPer100: number | null;
  /** Share of the required posts manned, in percent (null when no post is required). */
  mannedPercent: number | null;
  /** Why the state is not ok, most serious first. */
  reasons: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The governance state of a facility or sector: nobody on duty with persons on the roll is critical at once; a ratio
 * or a share of manned posts below the threshold is degraded, below half of it critical.
 */
export function governance(f: RatioFigures, t: ThresholdSettings): Governance {
  const guardsPer100 = f.onRoll > 0 ? round1((f.present * 100) / f.onRoll) : null;
  const mannedPercent = f.postsRequired > 0 ? round1((f.postsManned * 100) / f.postsRequired) : null;
  const critical: string[] = [];
  const degraded: string[] = [];
  if (f.onRoll > 0 && f.present === 0) critical.push('no_guard_on_duty');
  else if (guardsPer100 !== null) {
    if (guardsPer100 < t.minGuardsPer100 / 2) critical.push('ratio_below_half_threshold');
    else if (guardsPer100 < t.minGuardsPer100) degraded.push('ratio_below_threshold');
  }
  if (mannedPercent !== null && f.onRoll > 0) {
    if (mannedPercent < t.minMannedPostsPercent / 2) critical.push('posts_below_half_threshold');
    else if (mannedPercent < t.minMannedPostsPercent) degraded.push('posts_below_threshold');
  }
  const state: GovernanceState = critical.length ? 'critical' : degraded.length ? 'degraded' : 'ok';
  return { state, guardsPer100, mannedPercent, reasons: [...critical, ...degraded] };
}

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/** Why a planned shift cannot be (null when it can). */
export function shiftProblem(s: Interval): string | null {
  if (Number.isNaN(s.startsAt.getTime()) || Number.isNaN(s.endsAt.getTime())) return 'start and end must be instants';
  if (s.endsAt <= s.startsAt) return 'the shift must end after it starts';
  if (s.endsAt.getTime() - s.startsAt.getTime() > MAX_SHIFT_HOURS * 3600_000) return `a shift lasts at most ${MAX_SHIFT_HOURS} hours`;
  return null;
}

/** Minutes late past the grace period (0 when on time or unplanned). */
export function lateMinutes(plannedStart: Date | null, checkedInAt: Date, graceMinutes: number): number {
  if (!plannedStart) return 0;
  const late = Math.floor((checkedInAt.getTime() - plannedStart.getTime()) / 60_000);
  return late > graceMinutes ? late : 0;
}

export interface RosterLine {
  line: number;
  badge: string;
  post: string;
  startsAt: Date;
  endsAt: Date;
}

const ROSTER_HEADER = ['badge', 'post', 'starts_at', 'ends_at'] as const;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
export const MAX_ROSTER_LINES = 20_000;

function cells(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
    i += 1;
  }
  if (quoted) return null;
  out.push(cur.trim());
  return out;
}

/**
 * A roster CSV (`badge,post,starts_at,ends_at`, instants in ISO 8601 with an offset): every line or none. A malformed
 * line is refused naming its number and what is wrong with it; overlapping lines of one guard within the file too.
 */
export function parseRosterCsv(text: string): RosterLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = cells(lines[0] ?? '')?.map((h) => h.toLowerCase());
  if (!header || ROSTER_HEADER.some((h, i) => header[i] !== h)) {
    throw new ValidationError('guards.roster_header', `Line 1: the header must be ${ROSTER_HEADER.join(',')}`, { line: 1 });
  }
  const out: RosterLine[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const n = i + 1;
    const bad = (why: string): never => {
      throw new ValidationError('guards.roster_line', `Line ${n}: ${why}`, { line: n });
    };
    const c = cells(raw);
    if (!c) bad('an unclosed quote');
    if (c!.length !== 4) bad(`expected 4 columns (${ROSTER_HEADER.join(',')}), found ${c!.length}`);
    const [badge, post, start, end] = c as [string, string, string, string];
    if (!badge || badge.length > 64) bad('the badge is empty or longer than 64 characters');
    if (!post || post.length > 64) bad('the post code is empty or longer than 64 characters');
    if (!INSTANT.test(start)) bad(`starts_at "${start.slice(0, 40)}" is not an ISO 8601 instant with an offset`);
    if (!INSTANT.test(end)) bad(`ends_at "${end.slice(0, 40)}" is not an ISO 8601 instant with an offset`);
    const shift = { startsAt: new Date(start), endsAt: new Date(end) };
    const problem = shiftProblem(shift);
    if (problem) bad(problem);
    out.push({ line: n, badge, post, ...shift });
    if (out.length > MAX_ROSTER_LINES) bad(`a roster holds at most ${MAX_ROSTER_LINES} shifts`);
  }
  if (out.length === 0) throw new ValidationError('guards.roster_empty', 'The roster has no shifts');
  const byBadge = new Map<string, RosterLine[]>();
  for (const l of out) byBadge.set(l.badge, [...(byBadge.get(l.badge) ?? []), l]);
  for (const list of byBadge.values()) {
    list.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    for (let i = 1; i < list.length; i++) {
      if (overlaps(list[i - 1]!, list[i]!)) {
        throw new ValidationError(
          'guards.roster_overlap',
          `Line ${list[i]!.line}: guard ${list[i]!.badge} is already planned at that time (line ${list[i - 1]!.line})`,
          { line: list[i]!.line, otherLine: list[i - 1]!.line },
        );
      }
    }
  }
  return out;
}

export const HANDOVER_SIDES = ['outgoing', 'incoming'] as const;
export type HandoverSide = (typeof HANDOVER_SIDES)[number];
