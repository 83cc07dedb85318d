import type { SensorKind } from './sensors.domain';

export const SIM_PATTERNS = ['quiet', 'wind', 'breach', 'dark'] as const;
export type SimPattern = (typeof SIM_PATTERNS)[number];

export interface SimSensor {
  code: string;
  kind: SensorKind;
  sector: string;
}

export interface SimMessage {
  /** Topic below the prefix: `<site>/sensors/<sensor>/<event|heartbeat>`. */
  topic: string;
  payload: Record<string, unknown>;
  /** Milliseconds after the start of the pattern. */
  atMs: number;
}

/** A small deterministic generator (mulberry32): the same seed gives the same stream. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic stream for a site's sensors over `seconds`: `quiet` is heartbeats only; `wind` adds weak vibration on
 * every fence sensor (never an incident); `breach` is wind plus, in the first fence sector, strong vibration, a cut,
 * a camera line crossing and motion within a minute (one incident); `dark` is heartbeats from every sector but the
 * last, which falls silent (a dead zone once its sensors miss their heartbeats).
 */
export function simulate(
  site: string,
  sensors: readonly SimSensor[],
  pattern: SimPattern,
  opts: { seconds?: number; heartbeatSeconds?: number; seed?: number; runId?: string } = {},
): SimMessage[] {
  const seconds = opts.seconds ?? 120;
  const beat = opts.heartbeatSeconds ?? 30;
  const random = rng(opts.seed ?? 20260120);
  const run = opts.runId ?? Date.now().toString(36);
  const out: SimMessage[] = [];
  let n = 0;
  const event = (s: SimSensor, atMs: number, type: string, value?: Record<string, unknown>) =>
    out.push({ topic: `${site}/sensors/${s.code}/event`, atMs, payload: { id: `${run}-${++n}`, type, ...(value ? { value } : {}) } });
  const sectors = [...new Set(sensors.map((s) => s.sector))].sort();
  const darkSector = pattern === 'dark' ? sectors[sectors.length - 1] : undefined;
  for (const s of sensors) {
    if (s.sector === darkSector) continue;
    for (let t = Math.floor(random() * beat * 1000); t < seconds * 1000; t += beat * 1000) {
      out.push({ topic: `${site}/sensors/${s.code}/heartbeat`, atMs: t, payload: { battery: Math.round(60 + random() * 40), power: 'mains' } });
    }
  }
  if (pattern === 'wind' || pattern === 'breach') {
    for (const s of sensors.filter((x) => x.kind === 'fence_vibration' || x.kind === 'taut_wire')) {
      for (let t = random() * 8000; t < seconds * 1000; t += 4000 + random() * 8000) {
        if (s.kind === 'fence_vibration') event(s, Math.round(t), 'vibration', { intensity: Math.round(random() * 45) / 100 });
      }
    }
  }
  if (pattern === 'breach') {
    const fence = sensors.find((s) => s.kind === 'fence_vibration' || s.kind === 'taut_wire');
    const sector = fence?.sector ?? sectors[0];
    const here = sensors.filter((s) => s.sector === sector);
    const start = Math.min(30_000, (seconds * 1000) / 3);
    const cutter = here.find((s) => s.kind === 'fence_vibration') ?? here.find((s) => s.kind === 'taut_wire');
    if (cutter) {
      event(cutter, start, cutter.kind === 'taut_wire' ? 'tension' : 'vibration', { intensity: 0.85 });
      event(cutter, start + 4000, 'vibration', { intensity: 0.95 });
      event(cutter, start + 9000, 'cut');
    }
    const camera = here.find((s) => s.kind === 'camera_line');
    if (camera) event(camera, start + 20_000, 'line_crossing');
    const motion = here.find((s) => s.kind === 'motion');
    if (motion) event(motion, start + 35_000, 'motion');
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
