import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../platform/outbox/events';
import { buildTimeline, personsConcerned, type Presence } from './reviews.timeline.domain';

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
