import { describe, expect, it } from 'vitest';
import { computeFindings, type Finding } from './reviews.findings.domain';
import type { TimelineItem } from './reviews.timeline.domain';
import { presentSnapshot } from './reviews.document.domain';

// A small world laid out by hand: household H (A, B) and C walk out of facility F on 20 January; household K (D, E)
// was not missed together. Every expected figure below is computed by hand from these times.
const T = (hhmm: string, day = 20) => `2026-01-${day}T${hhmm}:00.000Z`;
const item = (id: string, at: string, kind: TimelineItem['kind'], extra: Partial<TimelineItem> = {}): TimelineItem => ({
  id,
  at,
  kind,
  source: 'custody',
  title: id,
  facilityId: 'F',
  refs: {},
  ...extra,
});

const items: TimelineItem[] = [
  item('g0', T('02:00'), 'guards.governance', { refs: { from: null, to: 'normal' } }),
  item('mark:c', T('03:30'), 'presence.last_verified', { personRef: 'C' }),
  item('mark:a', T('04:00'), 'presence.last_verified', { personRef: 'A' }),
  item('mark:b', T('04:00'), 'presence.last_verified', { personRef: 'B' }),
  item('mark:d', T('04:00'), 'presence.last_verified', { personRef: 'D' }),
  item('in1', T('05:00'), 'guards.check_in', { refs: { attendanceId: 'att1', postId: 'P1' } }),
  item('rc0:missed:D', T('05:00'), 'rollcall.first_missed', { personRef: 'D' }),
  item('in2', T('05:10'), 'guards.check_in', { refs: { attendanceId: 'att2', postId: 'P2' } }),
  item('g1', T('06:00'), 'guards.governance', { refs: { from: 'normal', to: 'degraded' } }),
  item('mark:e', T('06:00'), 'presence.last_verified', { personRef: 'E' }),
  item('out2', T('06:30'), 'guards.check_out', { refs: { attendanceId: 'att2', postId: 'P2' } }),
  item('cw', T('07:00'), 'guards.custodian', { refs: { change: 'withdrawn' } }),
  item('al1', T('07:12'), 'alerts.raised', { refs: { alertId: 'X' } }),
  item('al2', T('07:45'), 'alerts.raised', { refs: { alertId: 'Y' } }),
  item('ack1', T('08:02'), 'alerts.acknowledged', { refs: { alertId: 'X' } }),
  item('pg', T('09:00'), 'guards.patrol_gap', { refs: { endedAt: null } }),
  item('rc:missed:A', T('16:00'), 'rollcall.first_missed', { personRef: 'A' }),
  item('rc:missed:B', T('16:00'), 'rollcall.first_missed', { personRef: 'B' }),
  item('rc:missed:C', T('16:00'), 'rollcall.first_missed', { personRef: 'C' }),
  item('rc:missed:E', T('16:00'), 'rollcall.first_missed', { personRef: 'E' }),
  item('ua', T('16:00'), 'custody.unaccounted', { personRef: 'A' }),
  item('ub', T('16:00'), 'custody.unaccounted', { personRef: 'B' }),
  item('esc-c', T('18:00'), 'custody.escaped', { personRef: 'C' }),
  item('notice-c', T('10:00', 21), 'sightings.notice', { personRef: 'C' }),
];
const households = new Map([
  ['A', 'H'],
  ['B', 'H'],
  ['D', 'K'],
  ['E', 'K'],
]);

const findings = computeFindings(items, households);
const find = (id: string): Finding => {
  const f = findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} in ${findings.map((x) => x.id).join(', ')}`);
  return f;
};

describe('findings of an after-action review, against hand-computed values', () => {
  it('measures the time from the last verified presence to the first count that missed each person', () => {
    expect(find('presence_to_first_missed:A').minutes).toBe(720); // 04:00 -> 16:00
    expect(find('presence_to_first_missed:B').minutes).toBe(720);
    expect(find('presence_to_first_missed:C').minutes).toBe(750); // 03:30 -> 16:00
    expect(find('presence_to_first_missed:D').minutes).toBe(60); // 04:00 -> 05:00
    expect(find('presence_to_first_missed:E').minutes).toBe(600); // 06:00 -> 16:00
    expect(find('presence_to_first_missed:C').evidence).toEqual(['mark:c', 'rc:missed:C']);
    expect(find('presence_to_first_missed:C').nature).toBe('fact');
  });

  it('measures from the first sign (the ratio degraded at 06:00) to the alert, its acknowledgement, UNACCOUNTED, ESCAPED and the notice', () => {
    expect(find('sign_to_first_alert')).toMatchObject({ minutes: 72, from: T('06:00'), to: T('07:12'), evidence: ['g1', 'al1'] });
    // the acknowledgement of that first alert (X), not of any alert
    expect(find('sign_to_acknowledgement')).toMatchObject({ minutes: 122, evidence: ['g1', 'ack1'] });
    expect(find('sign_to_unaccounted').minutes).toBe(600); // 06:00 -> 16:00
    expect(find('sign_to_escaped').minutes).toBe(720); // 06:00 -> 18:00
    expect(find('sign_to_notice').minutes).toBe(28 * 60); // 06:00 on the 20th -> 10:00 on the 21st
  });

  it('says so when an end never came, instead of a number', () => {
    const f = computeFindings(
      items.filter((i) => i.kind !== 'alerts.acknowledged' && i.kind !== 'sightings.notice'),
      households,
    );
    expect(f.find((x) => x.id === 'sign_to_acknowledgement')).toMatchObject({ minutes: null, evidence: ['g1', 'al1'] });
    expect(f.find((x) => x.id === 'sign_to_notice')!.minutes).toBeNull();
    expect(f.find((x) => x.id === 'sign_to_notice')!.statement).toContain('no first notice');
  });

  it('gives escape windows per household (members missed together) and per person without one', () => {
    expect(find('escape_window:H')).toMatchObject({ minutes: 720, from: T('04:00'), to: T('16:00'), householdRef: 'H' });
    expect(find('escape_window:H').statement).toContain('household (2 missing)');
    expect(find('escape_window:C')).toMatchObject({ minutes: 750, from: T('03:30'), to: T('16:00'), personRef: 'C' });
    // K: D was missed at 05:00, before E was last seen at 06:00: not together, the whole span from 04:00 to 16:00
    expect(find('escape_window:K')).toMatchObject({ minutes: 720, from: T('04:00'), to: T('16:00') });
    expect(find('escape_window:K').statement).toContain('not missed together');
  });

  it('labels what was on duty during a window a hypothesis, naming posts and states, not persons', () => {
    const h = findings.find((f) => f.measure === 'posts_in_window' && f.windows?.includes('escape_window:H'))!;
    expect(h.id).toBe(`posts_in_window:${T('04:00')}/${T('16:00')}`);
    expect(h.nature).toBe('hypothesis');
    expect(h.statement).toMatch(/^Hypothesis, not a finding about any person/);
    // P1 checked in at 05:00 and never out; P2 from 05:10 to 06:30: both inside 04:00-16:00
    expect(h.statement).toContain('2 post(s) had a guard checked in');
    expect(h.statement).toContain('the governance state was normal'); // g0 at 02:00, the last before 04:00
    expect(h.statement).toContain('1 patrol gap(s)');
    expect(h.evidence.sort()).toEqual(['g0', 'in1', 'in2', 'out2', 'pg']);
    // one hypothesis per distinct window, listing the escape windows it is about (K shares H's), no person or household
    expect(h.windows!.sort()).toEqual(['escape_window:H', 'escape_window:K']);
    expect(h.householdRef).toBeUndefined();
    expect(h.personRef).toBeUndefined();
    expect(findings.filter((f) => f.measure === 'posts_in_window')).toHaveLength(2);
    expect(findings.filter((f) => f.nature === 'hypothesis').every((f) => f.measure === 'posts_in_window')).toBe(true);
  });

  it('shows a hypothesis only with the escape windows the reader sees, renamed as the reader sees them', () => {
    const snapshot = { items, findings, households: Object.fromEntries(households) };
    const hypothesisOf = (shown: Finding[]) => shown.find((f) => f.measure === 'posts_in_window' && f.from === T('04:00') && f.to === T('16:00'));
    // H hidden (A, B and the household): the hypothesis is about K alone
    const hidden = new Set(['A', 'B', 'H']);
    const partial = presentSnapshot(snapshot, (id) => (hidden.has(id) ? null : id)).findings;
    expect(hypothesisOf(partial)!.windows).toEqual(['escape_window:K']);
    // H and K both hidden: not shown at all
    for (const id of ['D', 'E', 'K']) hidden.add(id);
    expect(hypothesisOf(presentSnapshot(snapshot, (id) => (hidden.has(id) ? null : id)).findings)).toBeUndefined();
    // pseudonyms: the windows it names are the pseudonymised findings' ids
    const shown = presentSnapshot(snapshot, (id) => `p-${id}`, 'pseudonym').findings;
    expect(hypothesisOf(shown)!.windows!.sort()).toEqual(['escape_window:p-H', 'escape_window:p-K']);
    for (const w of hypothesisOf(shown)!.windows!) expect(shown.map((f) => f.id)).toContain(w);
  });

  it('finds no sign measures without a sign, and nothing at all in an empty timeline', () => {
    expect(computeFindings([], new Map())).toEqual([]);
    const quiet = computeFindings(
      items.filter((i) => !['g1', 'cw', 'pg'].includes(i.id)),
      households,
    );
    expect(quiet.some((f) => f.measure.startsWith('sign_'))).toBe(false);
  });
});
