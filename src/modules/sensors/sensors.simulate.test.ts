import { describe, expect, it } from 'vitest';
import { classify, correlateSector, DEFAULT_CORRELATION, type Alarm } from './sensors.domain';
import { simulate, type SimSensor } from './sensors.simulate';

const SENSORS: SimSensor[] = [
  { code: 'N-F1', kind: 'fence_vibration', sector: 'north' },
  { code: 'N-C1', kind: 'camera_line', sector: 'north' },
  { code: 'N-M1', kind: 'motion', sector: 'north' },
  { code: 'E-F1', kind: 'fence_vibration', sector: 'east' },
];

function incidentsOf(pattern: 'wind' | 'breach'): number {
  const kinds = new Map(SENSORS.map((s) => [s.code, s]));
  const alarms = new Map<string, Alarm[]>();
  for (const m of simulate('HOL', SENSORS, pattern, { seconds: 300, seed: 7, runId: 't' })) {
    const [, , code, channel] = m.topic.split('/');
    if (channel !== 'event') continue;
    const s = kinds.get(code!)!;
    const c = classify(s.kind, String(m.payload.type), m.payload.value as never);
    if (c?.alarm)
      alarms.set(s.sector, [
        ...(alarms.get(s.sector) ?? []),
        { eventId: String(m.payload.id), at: new Date(m.atMs), weight: c.weight, type: String(m.payload.type) },
      ]);
  }
  let n = 0;
  for (const list of alarms.values()) n += correlateSector({ incident: null, pending: [] }, list, DEFAULT_CORRELATION, () => `i${n}`).opened.length;
  return n;
}

describe('the simulated streams', () => {
  it('wind on the fence opens no incident; a breach opens one', () => {
    expect(incidentsOf('wind')).toBe(0);
    expect(incidentsOf('breach')).toBe(1);
  });

  it('a dark sector sends no heartbeat', () => {
    const topics = simulate('HOL', SENSORS, 'dark', { seconds: 120 }).map((m) => m.topic);
    expect(topics.some((t) => t.startsWith('HOL/sensors/N-'))).toBe(false);
    expect(topics.some((t) => t.startsWith('HOL/sensors/E-F1/heartbeat'))).toBe(true);
  });
});
