import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../platform/outbox/events';
import { buildTimeline, focusPersons, itemsOf, narrowTimeline, personsConcerned, type Presence, withoutNames } from './reviews.timeline.domain';

const F = '00000000-0000-4000-8000-00000000000f';
let seq = 0;
const ev = (type: string, at: string, payload: Record<string, unknown>, persons: string[] = []): DomainEvent => ({
  id: `e${++seq}`,
  siteId: 's',
  seq,
  type,
  version: 1,
  occurredAt: new Date(at),
  recordedAt: new Date(at),
  subjects: { personIds: persons, facilityIds: [F], unitIds: [] },
  payload,
});
const ledger = (type: string, at: string, personId: string) =>
  ev('custody.event_appended', at, { type, personId, fromFacilityId: F, toFacilityId: null, eventId: `l-${personId}-${type}`, seq: 1, statusAfter: 'x' }, [
    personId,
  ]);
const closed = (at: string, unaccounted: string[]) =>
  ev('rollcall.closed', at, {
    rollcallId: `rc-${at}`,
    facilityId: F,
    closedAt: at,
    expected: 3,
    present: 3 - unaccounted.length,
    excused: 0,
    delta: unaccounted.length,
    unaccounted,
  });
const presence = (personId: string, at: string): Presence => ({
  markId: `m-${personId}-${at}`,
  personId,
  at: new Date(at),
  rollcallId: 'rc',
  facilityId: F,
  unitId: null,
  method: 'face',
});

describe('the timeline laid out from events', () => {
  const events = [
    closed('2026-01-20T16:00:00.000Z', ['A', 'B']),
    ledger('UNACCOUNTED', '2026-01-20T16:00:00.000Z', 'A'),
    closed('2026-01-20T04:00:00.000Z', []),
    ev('guards.custodian_changed', '2026-01-20T07:00:00.000Z', { change: 'withdrawn', organisation: 'sdf', at: '2026-01-20T07:00:00.000Z' }),
    closed('2026-01-21T04:00:00.000Z', ['A', 'B']),
    ev('incident.opened', '2026-01-20T07:30:00.000Z', {
      incidentId: 'i',
      sector: 'north',
      severity: 'critical',
      title: 'Fence',
      firstAlarmAt: '2026-01-20T07:10:00.000Z',
      openedAt: '2026-01-20T07:30:00.000Z',
      alarmCount: 3,
    }),
    ev('something.unknown', '2026-01-20T08:00:00.000Z', {}),
  ];
  const items = buildTimeline(
    [...events, events[0]!],
    [presence('A', '2026-01-19T04:00:00.000Z'), presence('A', '2026-01-20T04:00:00.000Z'), presence('B', '2026-01-20T04:00:00.000Z')],
  );

  it('orders every item by time, keeps each event once and leaves unknown events out', () => {
    const at = items.map((i) => i.at);
    expect(at).toEqual([...at].sort());
    expect(items.filter((i) => i.kind === 'rollcall.closed')).toHaveLength(3);
    expect(items.some((i) => i.title.includes('unknown'))).toBe(false);
  });

  it("keeps only each person's last presence and the first closed count after it that missed them", () => {
    const last = items.filter((i) => i.kind === 'presence.last_verified');
    expect(last.map((i) => [i.personRef, i.at])).toEqual([
      ['A', '2026-01-20T04:00:00.000Z'],
      ['B', '2026-01-20T04:00:00.000Z'],
    ]);
    const missed = items.filter((i) => i.kind === 'rollcall.first_missed');
    expect(missed.map((i) => [i.personRef, i.at])).toEqual([
      ['A', '2026-01-20T16:00:00.000Z'],
      ['B', '2026-01-20T16:00:00.000Z'],
    ]);
  });

  it("gives an incident its first alarm as an item of its own, at the alarm's time", () => {
    const first = items.find((i) => i.kind === 'sensors.first_alarm')!;
    expect(first.at).toBe('2026-01-20T07:10:00.000Z');
    expect(items.indexOf(first)).toBeLessThan(items.findIndex((i) => i.kind === 'sensors.incident_opened'));
  });

  it('names as concerned the persons with ESCAPED, UNACCOUNTED or RECAPTURED, not the others', () => {
    expect(personsConcerned([ledger('UNACCOUNTED', '2026-01-20T16:00:00Z', 'A'), ledger('ADMITTED', '2026-01-20T16:00:00Z', 'C')])).toEqual(['A']);
  });
});

describe('an incident or an escape narrows the timeline', () => {
  const U1 = 'u1';
  const U2 = 'u2';
  const inUnit = (type: string, at: string, personId: string, unit: string) =>
    ev('custody.event_appended', at, { type, personId, fromFacilityId: F, fromUnitId: unit, eventId: `l-${personId}`, seq: 1, statusAfter: 'x' }, [personId]);
  const alarm = (at: string, unit: string) =>
    ev('alert.raised', at, { alert: { id: `a-${unit}`, facilityId: F, unitId: unit, rule: 'rollcall.delta', title: 'Delta', severity: 'warning' } });
  const events = [
    inUnit('UNACCOUNTED', '2026-01-20T16:00:00Z', 'p1', U1),
    inUnit('UNACCOUNTED', '2026-01-20T16:00:00Z', 'p2', U2),
    closed('2026-01-20T16:00:00Z', ['p1', 'p2', 'p3']),
    alarm('2026-01-20T07:40:00Z', U1),
    alarm('2026-01-20T09:15:00Z', U2),
  ];

  it("an incident's persons: those concerned in its units, those its reports name, those its headcount missed", () => {
    const focus = { unitIds: [U1], personIds: ['p9'], concernedInUnits: true, headcountRollcallId: null };
    expect(focusPersons(events, focus).sort()).toEqual(['p1', 'p9']);
    expect(focusPersons(events, { ...focus, headcountRollcallId: 'rc-2026-01-20T16:00:00Z' }).sort()).toEqual(['p1', 'p2', 'p3', 'p9']);
    expect(focusPersons(events, { ...focus, unitIds: null }).sort()).toEqual(['p1', 'p2', 'p9']);
  });

  it("keeps the facility's items of its units and the items of its persons only", () => {
    const focus = { unitIds: [U1], personIds: [], concernedInUnits: true, headcountRollcallId: null };
    const persons = new Set(focusPersons(events, focus));
    const items = narrowTimeline(buildTimeline(events, [presence('p1', '2026-01-20T04:00:00Z'), presence('p2', '2026-01-20T04:00:00Z')]), focus, persons);
    expect(items.filter((i) => i.personRef).every((i) => i.personRef === 'p1')).toBe(true);
    expect(items.filter((i) => i.kind === 'alerts.raised').map((i) => i.unitId)).toEqual([U1]);
    expect(items.map((i) => i.kind)).toEqual(
      expect.arrayContaining(['presence.last_verified', 'custody.unaccounted', 'rollcall.closed', 'rollcall.first_missed', 'alerts.raised']),
    );
    // an escape: no unit filter, the household only
    const escapeFocus = { unitIds: null, personIds: ['p2'], concernedInUnits: false, headcountRollcallId: null };
    const household = new Set(focusPersons(events, escapeFocus));
    const mine = narrowTimeline(buildTimeline(events, []), escapeFocus, household);
    expect(mine.filter((i) => i.personRef).every((i) => i.personRef === 'p2')).toBe(true);
    expect(mine.filter((i) => i.kind === 'alerts.raised')).toHaveLength(2);
  });
});

describe('a reader of pseudonyms reads no names', () => {
  const item = (rule: string, title: string) =>
    itemsOf(ev('alert.raised', '2026-01-23T10:00:00Z', { alert: { id: 'a', facilityId: F, rule, title, severity: 'critical' } }))[0]!;

  it('withholds the title of an alert that may name persons (a count discrepancy lists them), keeps the others', () => {
    const named = item('transfer.count_discrepancy', 'CountDiscrepancy on M-7: 40 on, 39 off (missing: Amira Haddad)');
    const shown = withoutNames(named);
    expect(shown.title).not.toContain('Amira');
    expect(shown.title).toContain('transfer.count_discrepancy');
    expect(shown.refs).toEqual(named.refs);
    for (const rule of ['sighting.reported', 'screening.hit', 'person.repeated_absence', 'some.future_rule'])
      expect(withoutNames(item(rule, 'Ali Hassan seen at a checkpoint')).title).not.toContain('Ali Hassan');
    const facilityLevel = item('guards.no_guard_on_duty', 'No guard on duty at HOL since 07:00: 1,000 on the roll, 0 guards present');
    expect(withoutNames(facilityLevel)).toEqual(facilityLevel);
    const notAnAlert = buildTimeline([closed('2026-01-20T16:00:00Z', [])], [])[0]!;
    expect(withoutNames(notAnAlert)).toBe(notAnAlert);
  });
});

describe('raw alarms and biometric presences in the timeline', () => {
  it('lays a sensor minute out as one item with its count, and a confirmed match as the later presence', () => {
    const alarm = {
      sensorId: 's1',
      sensorCode: 'N-F1',
      sensorKind: 'fence_vibration',
      sector: 'north-fence',
      unitIds: ['u1'],
      facilityId: F,
      minute: new Date('2026-01-20T07:40:00Z'),
      alarms: 3,
      firstAt: new Date('2026-01-20T07:40:05Z'),
      lastAt: new Date('2026-01-20T07:40:50Z'),
      types: ['cut', 'vibration'],
      incidentId: 'i1',
    };
    const mark = presence('p1', '2026-01-20T04:00:00Z');
    const check: Presence = {
      ...presence('p1', '2026-01-20T17:45:00Z'),
      source: 'biometrics',
      markId: 'd1',
      rollcallId: null,
      verificationId: 'v1',
      method: 'fingerprint',
    };
    const items = buildTimeline([ledger('UNACCOUNTED', '2026-01-20T16:00:00Z', 'p1'), closed('2026-01-20T16:00:00Z', ['p1'])], [mark, check], [alarm]);
    expect(items.map((i) => i.kind)).toEqual(['sensors.alarms', 'custody.unaccounted', 'rollcall.closed', 'presence.last_verified']);
    expect(items[0]).toMatchObject({
      id: 'alarms:s1:2026-01-20T07:40:00.000Z',
      at: '2026-01-20T07:40:05.000Z',
      unitId: 'u1',
      refs: { alarms: 3, types: 'cut,vibration', incidentId: 'i1' },
    });
    // the 16:00 count missed p1 before the 17:45 check: no "first missed" after the last verified presence
    expect(items[3]).toMatchObject({ id: 'decision:d1', source: 'biometrics', refs: { verificationId: 'v1' } });
    const decided = itemsOf(
      ev(
        'biometrics.verification_decided',
        '2026-01-20T17:45:00Z',
        {
          verificationId: 'v1',
          personId: 'p1',
          modality: 'fingerprint',
          result: 'no_match',
          decision: 'confirmed',
          facilityId: F,
          unitId: null,
          verifiedAt: '2026-01-20T17:45:00Z',
          at: '2026-01-20T17:45:00Z',
        },
        ['p1'],
      ),
    );
    expect(decided[0]).toMatchObject({
      kind: 'biometrics.decided',
      source: 'biometrics',
      personRef: 'p1',
      refs: { result: 'no_match', decision: 'confirmed' },
    });
    expect(decided[0]!.title).not.toContain('verified present');
  });
});
