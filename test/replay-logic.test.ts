// The replay screen's arithmetic (web/src/features/replay/replay.logic.ts): pure, so tested here without a browser.
import { describe, expect, it } from 'vitest';
import {
  compare,
  figuresAt,
  sensorsAt,
  seriesUpTo,
  timelineUpTo,
  unitsAt,
  windowAround,
  windowDays,
  windowFromDays,
  type FiguresPoint,
  type UnitDef,
  type UnitRow,
} from '../web/src/features/replay/replay.logic';

const T = (iso: string) => Date.parse(iso);
const point = (at: string, expected: number, present: number): FiguresPoint => ({
  rollcallId: at,
  at,
  expected,
  present,
  excused: 0,
  delta: expected - present,
  unitsCounted: 2,
  oldestCountAt: at,
});
const series = [
  point('2026-01-19T04:00:00.000Z', 100, 100),
  point('2026-01-20T04:00:00.000Z', 100, 100),
  point('2026-01-20T16:00:00.000Z', 100, 75),
  point('2026-01-21T04:00:00.000Z', 100, 77),
];
const w = windowFromDays('2026-01-19', '2026-01-21')!;

describe('the replay clock', () => {
  it('reads the figures of the last count at or before the clock, and none before the first', () => {
    expect(figuresAt(series, T('2026-01-19T03:59:00Z'))).toBeNull();
    expect(figuresAt(series, T('2026-01-20T15:59:00Z'))?.delta).toBe(0);
    expect(figuresAt(series, T('2026-01-20T16:00:00Z'))?.delta).toBe(25);
    expect(figuresAt(series, T('2026-01-21T12:00:00Z'))?.present).toBe(77);
  });

  it('draws the curve up to the clock only, inside the window', () => {
    expect(seriesUpTo(series, w, T('2026-01-20T12:00:00Z')).map((p) => p.delta)).toEqual([0, 0]);
    expect(seriesUpTo(series, windowFromDays('2026-01-20', '2026-01-20')!, T('2026-01-30T00:00:00Z'))).toHaveLength(2);
  });

  it('windows: days both included, reversed or non-dates refused, the default around a first sign', () => {
    expect(w).toEqual({ from: T('2026-01-19T00:00:00Z'), to: T('2026-01-22T00:00:00Z') });
    expect(windowDays(w)).toEqual({ from: '2026-01-19', to: '2026-01-21' });
    expect(windowFromDays('2026-01-21', '2026-01-19')).toBeNull();
    expect(windowFromDays('2026-1-19', '2026-01-21')).toBeNull();
    expect(windowFromDays('2026-01-01', '2026-06-01')).toBeNull();
    expect(windowAround(T('2026-01-20T07:00:00Z'))).toEqual(w);
  });

  it('compares the first alert of no guard on duty with the first count after it that found anyone missing', () => {
    const alerts = [
      { id: 'b', rule: 'guards.no_guard_on_duty', severity: 'critical', title: 'later', raisedAt: '2026-01-21T07:00:00.000Z', facilityId: 'f' },
      { id: 'a', rule: 'guards.no_guard_on_duty', severity: 'critical', title: 'first', raisedAt: '2026-01-20T07:00:00.000Z', facilityId: 'f' },
      { id: 'c', rule: 'guards.thinning', severity: 'warning', title: 'not a first sign', raisedAt: '2026-01-19T07:00:00.000Z', facilityId: 'f' },
      { id: 'd', rule: 'guards.no_guard_on_duty', severity: 'critical', title: 'outside', raisedAt: '2026-01-10T07:00:00.000Z', facilityId: 'f' },
    ];
    const c = compare(alerts, series, w);
    expect(c.withCustos?.id).toBe('a');
    expect(c.asItHappened?.at).toBe('2026-01-20T16:00:00.000Z');
    expect(c.leadMs).toBe(9 * 3_600_000);
    const none = compare([], series, w);
    expect(none.withCustos).toBeNull();
    expect(none.asItHappened?.delta).toBe(25);
    expect(none.leadMs).toBeNull();
  });

  it('timeline: counts the items up to the clock and marks the latest of them', () => {
    const items = ['2026-01-20T07:00:00Z', '2026-01-20T07:00:00Z', '2026-01-20T16:00:00Z'].map((at, i) => ({
      id: String(i),
      at,
      kind: 'k',
      source: 's',
      title: 't',
      facilityId: 'f',
    }));
    expect(timelineUpTo(items, T('2026-01-20T06:59:00Z'))).toEqual({ shown: 0, current: -1 });
    expect(timelineUpTo(items, T('2026-01-20T08:00:00Z'))).toEqual({ shown: 2, current: 1 });
    expect(timelineUpTo(items, T('2026-01-21T00:00:00Z'))).toEqual({ shown: 3, current: 2 });
  });
});

describe('the facility at an instant', () => {
  const units: UnitDef[] = [
    { id: 'p1', parentUnitId: null, code: 'P1', name: 'Phase 1' },
    { id: 'b1', parentUnitId: 'p1', code: 'P1-B1', name: 'Block 1' },
    { id: 'b2', parentUnitId: 'p1', code: 'P1-B2', name: 'Block 2' },
    { id: 'b3', parentUnitId: 'p1', code: 'P1-B3', name: 'Block 3' },
    { id: 's1', parentUnitId: null, code: 'S1', name: 'Section 1' },
  ];
  const row = (unitId: string, closedAt: string, expected: number, present: number): UnitRow => ({
    rollcallId: closedAt,
    closedAt,
    unitId,
    unitCode: unitId,
    expected,
    present,
    excused: 0,
    delta: expected - present,
  });
  const rows = [
    row('b1', '2026-01-20T04:00:00Z', 10, 10),
    row('b1', '2026-01-20T16:00:00Z', 10, 4),
    row('b2', '2026-01-20T04:00:00Z', 8, 8),
    row('s1', '2026-01-18T04:00:00Z', 5, 5),
  ];

  it('gives each leaf its last count at or before the clock and a state; a group sums its leaves and takes the worst state', () => {
    const before = unitsAt(units, rows, T('2026-01-20T12:00:00Z'));
    expect(before.map((g) => g.unit?.code ?? null)).toEqual(['P1', null]);
    const p1 = before[0]!;
    expect(p1.leaves.map((l) => [l.unit.code, l.state, l.row?.present ?? null])).toEqual([
      ['P1-B1', 'counted', 10],
      ['P1-B2', 'counted', 8],
      ['P1-B3', 'none', null],
    ]);
    expect([p1.expected, p1.present, p1.delta, p1.state]).toEqual([18, 18, 0, 'counted']);
    expect(unitsAt(units, [], T('2026-01-20T12:00:00Z'))[0]!.state).toBe('none');
    expect(before[1]!.leaves[0]!.state).toBe('stale');

    const after = unitsAt(units, rows, T('2026-01-20T16:00:00Z'));
    expect(after[0]!.leaves[0]!.state).toBe('missing');
    expect([after[0]!.present, after[0]!.delta, after[0]!.state]).toEqual([12, 6, 'missing']);
  });
});

describe('the perimeter plan at the clock', () => {
  const sensor = (id: string, sector: string, x: number, y: number) => ({ id, code: id.toUpperCase(), kind: 'fence_vibration', sector, x, y, state: 'online' });
  const placed = [sensor('n1', 'north', 100, 40), sensor('n2', 'north', 300, 40), sensor('e1', 'east', 960, 200), sensor('e2', 'east', 960, 400)];
  const item = (kind: string, at: string, refs: Record<string, unknown>) => ({
    id: `${kind}:${at}`,
    at,
    kind,
    source: 'sensors',
    title: kind,
    facilityId: 'f',
    refs,
  });
  const items = [
    item('sensors.dead_zone', '2026-01-20T07:05:00.000Z', { sector: 'east', sensorIds: 'e1,e2' }),
    item('sensors.alarms', '2026-01-20T07:40:05.000Z', { sensorId: 'n1', alarms: 3, lastAt: '2026-01-20T07:40:50.000Z' }),
    item('sensors.alarms', '2026-01-20T07:41:00.000Z', { sensorId: 'n1', alarms: 2, lastAt: '2026-01-20T07:41:30.000Z' }),
    item('sensors.restored', '2026-01-20T15:00:00.000Z', { sensorIds: 'e2' }),
  ];
  it('reds a sensor for 15 min after its alarms, greys those a dead zone named until they are heard again', () => {
    const before = sensorsAt(placed, items, T('2026-01-20T07:00:00Z'));
    expect(before.sensors.map((s) => s.state)).toEqual(['quiet', 'quiet', 'quiet', 'quiet']);
    const dark = sensorsAt(placed, items, T('2026-01-20T07:10:00Z'));
    expect(dark.sensors.map((s) => s.state)).toEqual(['quiet', 'quiet', 'dark', 'dark']);
    expect(dark.sectors).toEqual([
      { sector: 'east', x: 960, y: 300, state: 'dark', sensors: 2 },
      { sector: 'north', x: 200, y: 40, state: 'quiet', sensors: 2 },
    ]);
    // 07:41:40: both minutes' alarms are under 15 min old (an item counts whole once its first alarm has come)
    const breach = sensorsAt(placed, items, T('2026-01-20T07:41:40Z'));
    expect(breach.sensors[0]).toMatchObject({ state: 'alarm', alarms: 5, lastAlarmAt: '2026-01-20T07:41:30.000Z' });
    expect(breach.sectors.find((s) => s.sector === 'north')!.state).toBe('alarm');
    // 15 min after the last alarm it is quiet again; the alarm is remembered
    const later = sensorsAt(placed, items, T('2026-01-20T07:57:00Z'));
    expect(later.sensors[0]).toMatchObject({ state: 'quiet', alarms: 0, lastAlarmAt: '2026-01-20T07:41:30.000Z' });
    const restored = sensorsAt(placed, items, T('2026-01-20T15:00:00Z'));
    expect(restored.sensors.map((s) => s.state)).toEqual(['quiet', 'quiet', 'dark', 'quiet']);
  });
});
