import { describe, expect, it } from 'vitest';
import { checkTransition, classify, correlateSector, DEFAULT_CORRELATION, groupDead, incidentSeverity, parseTopic, type Alarm } from './sensors.domain';

const t0 = new Date('2026-01-20T02:00:00Z').getTime();
const alarm = (id: string, seconds: number, weight: number, type = 'vibration'): Alarm => ({ eventId: id, at: new Date(t0 + seconds * 1000), weight, type });
let n = 0;
const ids = () => `inc-${++n}`;

describe('sensor events', () => {
  it('tells wind on the fence from an alarm, and refuses types a kind does not send', () => {
    expect(classify('fence_vibration', 'vibration', { intensity: 0.2 })).toEqual({ alarm: false, weight: 0 });
    expect(classify('fence_vibration', 'vibration', { intensity: 0.9 })).toEqual({ alarm: true, weight: 1 });
    expect(classify('fence_vibration', 'cut')).toEqual({ alarm: true, weight: 3 });
    expect(classify('gate_contact', 'open', { authorised: true })?.alarm).toBe(false);
    expect(classify('gate_contact', 'open')?.weight).toBe(2);
    expect(classify('panic_button', 'vibration')).toBeNull();
  });

  it('reads topics under a prefix', () => {
    expect(parseTopic('custos/HOL/sensors/F-01/event', 'custos')).toEqual({ site: 'HOL', sensor: 'F-01', channel: 'event' });
    expect(parseTopic('t/x1/HOL/sensors/F-01/heartbeat', 't/x1')).toEqual({ site: 'HOL', sensor: 'F-01', channel: 'heartbeat' });
    expect(parseTopic('custos/HOL/sensors/F-01/other', 'custos')).toEqual({ error: 'bad_topic' });
    expect(parseTopic('custos/HOL/cameras/F-01/event', 'custos')).toEqual({ error: 'bad_topic' });
  });
});

describe('correlation of a sector', () => {
  it('opens ONE incident for a breach, and later alarms join it', () => {
    const out = correlateSector(
      { incident: null, pending: [] },
      [alarm('a', 0, 1), alarm('b', 20, 1), alarm('c', 30, 3, 'cut'), alarm('d', 40, 1)],
      DEFAULT_CORRELATION,
      ids,
    );
    expect(out.opened).toHaveLength(1);
    expect(out.opened[0]!.alarms.map((a) => a.eventId)).toEqual(['a', 'b', 'c', 'd']);
    expect(out.joined).toEqual([]);
    const next = correlateSector(out.state, [alarm('e', 400, 1)], DEFAULT_CORRELATION, ids);
    expect(next.opened).toEqual([]);
    expect(next.joined).toEqual([{ incidentId: out.opened[0]!.id, alarms: [alarm('e', 400, 1)] }]);
  });

  it('never adds up single alarms far apart (wind gusts)', () => {
    const gusts = [0, 300, 600, 900, 1200].map((s, i) => alarm(`g${i}`, s, 1));
    const out = correlateSector({ incident: null, pending: [] }, gusts, DEFAULT_CORRELATION, ids);
    expect(out.opened).toEqual([]);
    expect(out.state.pending.map((p) => p.eventId)).toEqual(['g4']);
  });

  it('counts alarms pending from an earlier batch', () => {
    const out = correlateSector({ incident: null, pending: [alarm('p', 0, 2, 'line_crossing')] }, [alarm('q', 60, 1, 'motion')], DEFAULT_CORRELATION, ids);
    expect(out.opened[0]!.alarms.map((a) => a.eventId)).toEqual(['p', 'q']);
  });

  it('rates a cut or a panic critical', () => {
    expect(incidentSeverity([{ weight: 1 }, { weight: 2 }])).toBe('warning');
    expect(incidentSeverity([{ weight: 3 }])).toBe('critical');
  });
});

describe('health and incident life', () => {
  it('groups silent sensors by sector', () => {
    const g = groupDead([
      { facilityId: 'f', sector: 'north', id: 1 },
      { facilityId: 'f', sector: 'north', id: 2 },
      { facilityId: 'f', sector: 'east', id: 3 },
    ]);
    expect(g.map((x) => [x.sector, x.sensors.length])).toEqual([
      ['north', 2],
      ['east', 1],
    ]);
  });

  it('moves forward only, and closes with a note', () => {
    expect(() => checkTransition('open', 'acknowledged', undefined)).not.toThrow();
    expect(() => checkTransition('responding', 'acknowledged', undefined)).toThrow(/cannot become/);
    expect(() => checkTransition('open', 'closed', undefined)).toThrow(/note/);
    expect(() => checkTransition('contained', 'closed', 'cut repaired')).not.toThrow();
  });
});
