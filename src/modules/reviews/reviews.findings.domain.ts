import type { TimelineItem } from './reviews.timeline.domain';

/**
 * Findings of an after-action review (issue 21, point 2): measures computed from a timeline, each a fact with the ids
 * of the items it rests on, and hypotheses (what was on duty during an escape window) labelled as such: never a
 * verdict about a person. Pure: the same items give the same findings, checked by hand in the unit tests.
 */

export const FINDING_MEASURES = [
  'presence_to_first_missed',
  'sign_to_first_alert',
  'sign_to_acknowledgement',
  'sign_to_unaccounted',
  'sign_to_escaped',
  'sign_to_notice',
  'escape_window',
  'posts_in_window',
] as const;
export type FindingMeasure = (typeof FINDING_MEASURES)[number];

export interface Finding {
  /** Stable within a timeline: the measure and whom or what it is about. */
  id: string;
  nature: 'fact' | 'hypothesis';
  measure: FindingMeasure;
  statement: string;
  /** A duration in whole minutes (null: the later end never came within the window). */
  minutes?: number | null;
  from?: string;
  to?: string;
  personRef?: string;
  householdRef?: string;
  /** A hypothesis about escape windows: the ids of the `escape_window` findings it is about (shown only with one of them). */
  windows?: string[];
  /** The timeline items it rests on. */
  evidence: string[];
}

/** Signs that control is slipping: the start of the clock for time-to-alert and the rest. */
const isSign = (i: TimelineItem): boolean =>
  (i.kind === 'guards.governance' && ['degraded', 'critical', 'lost'].includes(String(i.refs.to))) ||
  i.kind === 'sensors.dead_zone' ||
  i.kind === 'sensors.first_alarm' ||
  i.kind === 'sensors.alarms' ||
  i.kind === 'guards.patrol_gap' ||
  (i.kind === 'guards.custodian' && i.refs.change === 'withdrawn');

const minutesBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 60_000);

const duration = (m: number): string => {
  const h = Math.floor(Math.abs(m) / 60);
  const r = Math.abs(m) % 60;
  return `${m < 0 ? '-' : ''}${h > 0 ? `${h} h ` : ''}${r} min`;
};

/** The findings of a timeline (items in time order, as `buildTimeline` gives them); `households`: person -> household. */
export function computeFindings(items: readonly TimelineItem[], households: ReadonlyMap<string, string>): Finding[] {
  const out: Finding[] = [];

  // 1. from the last verified presence to the first count that missed each person
  const presence = new Map<string, TimelineItem>();
  const firstMissed = new Map<string, TimelineItem>();
  const firstGone = new Map<string, TimelineItem>();
  for (const i of items) {
    if (!i.personRef) continue;
    if (i.kind === 'presence.last_verified') presence.set(i.personRef, i);
    if (i.kind === 'rollcall.first_missed' && !firstMissed.has(i.personRef)) firstMissed.set(i.personRef, i);
    if ((i.kind === 'custody.escaped' || i.kind === 'custody.unaccounted' || i.kind === 'rollcall.first_missed') && !firstGone.has(i.personRef)) {
      firstGone.set(i.personRef, i);
    }
  }
  for (const [person, missed] of firstMissed) {
    const seen = presence.get(person);
    if (!seen) continue;
    const m = minutesBetween(seen.at, missed.at);
    out.push({
      id: `presence_to_first_missed:${person}`,
      nature: 'fact',
      measure: 'presence_to_first_missed',
      statement: `Last verified present ${seen.at}; first count that missed this person ${missed.at}: ${duration(m)} later`,
      minutes: m,
      from: seen.at,
      to: missed.at,
      personRef: person,
      evidence: [seen.id, missed.id],
    });
  }

  // 2. from the first sign to the first alert, its acknowledgement, the first UNACCOUNTED and ESCAPED, the first notice
  const sign = items.find(isSign);
  if (sign) {
    const after = (pred: (i: TimelineItem) => boolean) => items.find((i) => i.at >= sign.at && pred(i));
    const measure = (id: FindingMeasure, what: string, end: TimelineItem | undefined, extra: string[] = []) => {
      const m = end ? minutesBetween(sign.at, end.at) : null;
      out.push({
        id,
        nature: 'fact',
        measure: id,
        statement: end
          ? `First sign (${sign.title}) ${sign.at}; ${what} ${end.at}: ${duration(m!)} later`
          : `First sign (${sign.title}) ${sign.at}; no ${what} within the timeline's window`,
        minutes: m,
        from: sign.at,
        to: end?.at,
        evidence: [sign.id, ...extra, ...(end ? [end.id] : [])],
      });
    };
    const alert = after((i) => i.kind === 'alerts.raised');
    measure('sign_to_first_alert', 'first alert', alert);
    const ack = alert ? items.find((i) => i.kind === 'alerts.acknowledged' && i.refs.alertId === alert.refs.alertId) : undefined;
    measure('sign_to_acknowledgement', "the first alert's acknowledgement", ack, alert && !ack ? [alert.id] : []);
    measure(
      'sign_to_unaccounted',
      'first person recorded UNACCOUNTED',
      after((i) => i.kind === 'custody.unaccounted'),
    );
    measure(
      'sign_to_escaped',
      'first person recorded ESCAPED',
      after((i) => i.kind === 'custody.escaped'),
    );
    measure(
      'sign_to_notice',
      'first notice to a state',
      after((i) => i.kind === 'sightings.notice'),
    );
  }

  // 3. escape windows: per household (all its missing members together), else per person
  const windows = new Map<string, { household: string | null; members: string[] }>();
  for (const person of firstGone.keys()) {
    if (!presence.has(person)) continue;
    const household = households.get(person) ?? null;
    const key = household ? `household:${household}` : `person:${person}`;
    const w = windows.get(key) ?? { household, members: [] };
    w.members.push(person);
    windows.set(key, w);
  }
  // the hypothesis is computed once per distinct window (at full scale thousands of households share a handful of
  // windows: the same morning presence and the same afternoon count) and lists the escape windows it is about
  const byWindow = new Map<string, string[]>();
  for (const [key, w] of windows) {
    const starts = w.members.map((p) => presence.get(p)!);
    const ends = w.members.map((p) => firstGone.get(p)!);
    const latestStart = starts.reduce((a, b) => (b.at > a.at ? b : a));
    const earliestEnd = ends.reduce((a, b) => (b.at < a.at ? b : a));
    const together = latestStart.at <= earliestEnd.at;
    const from = together ? latestStart.at : starts.reduce((a, b) => (b.at < a.at ? b : a)).at;
    const to = together ? earliestEnd.at : ends.reduce((a, b) => (b.at > a.at ? b : a)).at;
    const m = minutesBetween(from, to);
    const who = w.household ? `household (${w.members.length} missing)` : 'person';
    const id = `escape_window:${key.slice(key.indexOf(':') + 1)}`;
    out.push({
      id,
      nature: 'fact',
      measure: 'escape_window',
      statement: together
        ? `Escape window of this ${who}: between ${from} (last verified presence of all) and ${to} (first known missing): ${duration(m)}`
        : `This ${who} was not missed together: from ${from} (first last presence) to ${to} (last known missing): ${duration(m)}`,
      minutes: m,
      from,
      to,
      personRef: w.household ? undefined : w.members[0],
      householdRef: w.household ?? undefined,
      evidence: [...new Set([...starts.map((s) => s.id), ...ends.map((e) => e.id)])],
    });
    const span = `${from}/${to}`;
    const about = byWindow.get(span) ?? [];
    about.push(id);
    byWindow.set(span, about);
  }
  const duty = dutyRecord(items);
  for (const [span, about] of byWindow) {
    const [from, to] = span.split('/') as [string, string];
    out.push({ ...postsInWindow(duty, from, to), windows: about });
  }
  return out;
}

/** The items a hypothesis about a window reads, picked out of the timeline once (in time order). */
interface DutyRecord {
  attendance: TimelineItem[];
  /** Governance states of the whole facility (no unit). */
  governance: TimelineItem[];
  gaps: TimelineItem[];
}

function dutyRecord(items: readonly TimelineItem[]): DutyRecord {
  const duty: DutyRecord = { attendance: [], governance: [], gaps: [] };
  for (const i of items) {
    if (i.kind === 'guards.check_in' || i.kind === 'guards.check_out') duty.attendance.push(i);
    else if (i.kind === 'guards.governance' && !i.unitId) duty.governance.push(i);
    else if (i.kind === 'guards.patrol_gap') duty.gaps.push(i);
  }
  return duty;
}

/**
 * A hypothesis, never a verdict: which posts had a guard checked in during an escape window, the governance state at
 * its start and the patrol gaps open in it. It names posts and states, not persons.
 */
function postsInWindow(duty: DutyRecord, from: string, to: string): Finding {
  const open = new Map<string, TimelineItem>();
  const onDuty: TimelineItem[] = [];
  for (const i of duty.attendance) {
    if (i.at > to) break;
    const attendance = String(i.refs.attendanceId ?? '');
    if (i.kind === 'guards.check_in') open.set(attendance, i);
    else {
      const started = open.get(attendance);
      open.delete(attendance);
      if (started && i.at >= from) onDuty.push(started, i);
    }
  }
  for (const started of open.values()) onDuty.push(started);
  const posts = new Set(onDuty.filter((i) => i.kind === 'guards.check_in').map((i) => String(i.refs.postId)));
  let governance: TimelineItem | undefined;
  for (const g of duty.governance) {
    if (g.at > from) break;
    governance = g;
  }
  const gaps = duty.gaps.filter((i) => i.at <= to && (!i.refs.endedAt || String(i.refs.endedAt) >= from));
  const parts = [
    `${posts.size} post(s) had a guard checked in`,
    governance ? `the governance state was ${String(governance.refs.to)}` : 'no governance state was recorded before it',
    `${gaps.length} patrol gap(s) were open`,
  ];
  return {
    id: `posts_in_window:${from}/${to}`,
    nature: 'hypothesis',
    measure: 'posts_in_window',
    statement: `Hypothesis, not a finding about any person: during the window ${from} - ${to}, ${parts.join('; ')}. The shifts on duty then are where to look first.`,
    from,
    to,
    evidence: [...new Set([...onDuty.map((i) => i.id), ...(governance ? [governance.id] : []), ...gaps.map((g) => g.id)])],
  };
}
