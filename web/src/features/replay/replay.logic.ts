// The replay screen's arithmetic, pure (no clock, no fetch, no i18n): what the facility looked like at an instant,
// read from the API's own rows, so that every figure on screen is one the API gave. Tested in test/replay-logic.test.ts.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A facility's combined roll-call figures after one close (reports.dto CombinedFiguresResponse, JSON side). */
export interface FiguresPoint {
  rollcallId: string;
  at: string;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  unitsCounted: number;
  oldestCountAt: string;
}

/** One unit at one closed roll call (reports.dto DeltaHistoryEntryResponse, JSON side). */
export interface UnitRow {
  rollcallId: string;
  closedAt: string;
  unitId: string | null;
  unitCode: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
}

export interface UnitDef {
  id: string;
  parentUnitId: string | null;
  code: string;
  name: string;
}

/** An alert as the comparison needs it (alerts.dto AlertResponse, JSON side). */
export interface AlertLike {
  id: string;
  rule: string;
  severity: string;
  title: string;
  raisedAt: string;
  facilityId: string | null;
}

/** A timeline item (GET /reviews/timeline). */
export interface TimelineItem {
  id: string;
  at: string;
  kind: string;
  source: string;
  title: string;
  facilityId: string | null;
  unitId?: string | null;
  severity?: string | null;
  refs?: unknown;
}

export interface Window {
  from: number;
  to: number;
}

/**
 * A unit's state at the clock: counted with nobody missing, someone missing at its last count, a last count more than
 * a day old (whatever it said), or never counted yet.
 */
export type UnitState = 'counted' | 'missing' | 'stale' | 'none';

export interface UnitAt {
  unit: UnitDef;
  state: UnitState;
  /** The unit's last closed count at or before the clock (null: none yet). */
  row: UnitRow | null;
}

export interface GroupAt {
  /** The top-level unit (null: leaf units directly under the facility). */
  unit: UnitDef | null;
  leaves: UnitAt[];
  expected: number;
  present: number;
  delta: number;
  state: UnitState;
}

const ms = (iso: string) => Date.parse(iso);

/** The last point at or before `at` (series oldest first, as the API gives it), or null. */
export function figuresAt(series: readonly FiguresPoint[], at: number): FiguresPoint | null {
  let last: FiguresPoint | null = null;
  for (const p of series) {
    if (ms(p.at) <= at) last = p;
    else break;
  }
  return last;
}

/** The points of the series inside the window and not after the clock: the curve drawn so far. */
export function seriesUpTo(series: readonly FiguresPoint[], w: Window, at: number): FiguresPoint[] {
  return series.filter((p) => ms(p.at) >= w.from && ms(p.at) <= Math.min(at, w.to));
}

function stateOf(row: UnitRow | null, at: number): UnitState {
  if (!row) return 'none';
  if (at - ms(row.closedAt) > DAY) return 'stale';
  return row.delta > 0 ? 'missing' : 'counted';
}

const WORST: UnitState[] = ['missing', 'stale', 'none', 'counted'];

/**
 * The facility's units at the clock, grouped under their top-level unit: each leaf (a unit nobody is placed under)
 * with its last count at or before the clock and its state; a group's figures are its leaves' counts summed, its state
 * the worst of theirs.
 */
export function unitsAt(units: readonly UnitDef[], rows: readonly UnitRow[], at: number): GroupAt[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const parents = new Set(units.map((u) => u.parentUnitId).filter((x): x is string => !!x));
  const last = new Map<string, UnitRow>();
  for (const r of rows) {
    if (!r.unitId || ms(r.closedAt) > at) continue;
    const prev = last.get(r.unitId);
    if (!prev || ms(prev.closedAt) < ms(r.closedAt)) last.set(r.unitId, r);
  }
  const top = (u: UnitDef): UnitDef | null => {
    let cur = u;
    const seen = new Set<string>();
    while (cur.parentUnitId && byId.has(cur.parentUnitId) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = byId.get(cur.parentUnitId)!;
    }
    return cur === u ? null : cur;
  };
  const groups = new Map<string, GroupAt>();
  const order: string[] = [];
  for (const u of [...units].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }))) {
    if (parents.has(u.id)) continue;
    const g = top(u);
    const key = g?.id ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { unit: g, leaves: [], expected: 0, present: 0, delta: 0, state: 'counted' };
      groups.set(key, group);
      order.push(key);
    }
    const row = last.get(u.id) ?? null;
    group.leaves.push({ unit: u, state: stateOf(row, at), row });
    if (row) {
      group.expected += row.expected;
      group.present += row.present;
      group.delta += row.delta;
    }
  }
  // A group's state: the worst of its counted leaves (a leaf never counted, often an empty block, does not grey it).
  for (const g of groups.values()) {
    const counted = g.leaves.filter((l) => l.state !== 'none');
    g.state = counted.length ? (WORST.find((s) => counted.some((l) => l.state === s)) ?? 'counted') : 'none';
  }
  // Leaves straight under the facility last; groups in code order.
  return order
    .map((k) => groups.get(k)!)
    .sort((a, b) => (a.unit ? 0 : 1) - (b.unit ? 0 : 1) || (a.unit?.code ?? '').localeCompare(b.unit?.code ?? '', 'en', { numeric: true }));
}

/** The rules whose alert is "with Custos": the first sign that nobody was guarding the facility. */
export const FIRST_SIGN_RULES = ['guards.no_guard_on_duty'] as const;

export interface Comparison<A extends AlertLike = AlertLike> {
  /** The first sign Custos raised in the window (the earliest alert of FIRST_SIGN_RULES). */
  withCustos: A | null;
  /** The first closed count after it (or in the window, without one) that found anyone missing. */
  asItHappened: FiguresPoint | null;
  /** How long before that count the alert was raised (ms; null when either is missing or the count came first). */
  leadMs: number | null;
}

/** "As it happened" beside "with Custos", from the alerts and the roll-call figures the API gave. */
export function compare<A extends AlertLike>(alerts: readonly A[], series: readonly FiguresPoint[], w: Window): Comparison<A> {
  const signs = alerts
    .filter((a) => (FIRST_SIGN_RULES as readonly string[]).includes(a.rule) && ms(a.raisedAt) >= w.from && ms(a.raisedAt) <= w.to)
    .sort((a, b) => ms(a.raisedAt) - ms(b.raisedAt));
  const withCustos = signs[0] ?? null;
  const after = withCustos ? ms(withCustos.raisedAt) : w.from;
  const asItHappened = series.find((p) => ms(p.at) >= after && ms(p.at) <= w.to && p.delta > 0) ?? null;
  const leadMs = withCustos && asItHappened ? ms(asItHappened.at) - ms(withCustos.raisedAt) : null;
  return { withCustos, asItHappened, leadMs: leadMs !== null && leadMs >= 0 ? leadMs : null };
}

const dayStart = (t: number) => Math.floor(t / DAY) * DAY;

/** The default window: from the day before the first sign to the end of the day after it (UTC days). */
export function windowAround(at: number): Window {
  const d = dayStart(at);
  return { from: d - DAY, to: d + 2 * DAY };
}

/** A window from `YYYY-MM-DD` days, both included (UTC); null when either is not a date or they are reversed. */
export function windowFromDays(from: string | null, to: string | null): Window | null {
  if (!from || !to || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return null;
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`) + DAY;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a || b - a > 62 * DAY) return null;
  return { from: a, to: b };
}

/** The window's first and last day as `YYYY-MM-DD` (its end is exclusive). */
export function windowDays(w: Window): { from: string; to: string } {
  return { from: new Date(w.from).toISOString().slice(0, 10), to: new Date(w.to - 1).toISOString().slice(0, 10) };
}

/** The clock kept inside the window. */
export const clamp = (at: number, w: Window): number => Math.min(w.to, Math.max(w.from, at));

/** The timeline's items at or before the clock, and the index of the last of them (-1: none yet). */
export function timelineUpTo(items: readonly TimelineItem[], at: number): { shown: number; current: number } {
  let current = -1;
  let shown = 0;
  items.forEach((it, i) => {
    if (ms(it.at) <= at) {
      shown++;
      if (current < 0 || ms(items[current]!.at) <= ms(it.at)) current = i;
    }
  });
  return { shown, current };
}

/** How far the clock moves per real second at each speed. */
export const SPEEDS = [
  { key: '15m', perSecond: 15 * 60_000 },
  { key: '1h', perSecond: HOUR },
  { key: '3h', perSecond: 3 * HOUR },
  { key: '6h', perSecond: 6 * HOUR },
] as const;

/** A sensor as placed on the facility's plan (GET /sensors: x, y on a 0..1000 plan of the facility). */
export interface PlacedSensor {
  id: string;
  code: string;
  kind: string;
  sector: string;
  x: number;
  y: number;
  state: string;
}

/** A sensor at the clock: alarms in the last ALARM_SPAN, in a dead zone (silent), or quiet. */
export type SensorState = 'alarm' | 'dark' | 'quiet';

export interface SensorAt {
  sensor: PlacedSensor;
  state: SensorState;
  /** Raw alarms of this sensor in the ALARM_SPAN up to the clock. */
  alarms: number;
  /** When its last alarm at or before the clock was (null: none in the window so far). */
  lastAlarmAt: string | null;
}

export interface SectorAt {
  sector: string;
  x: number;
  y: number;
  state: SensorState;
  sensors: number;
}

/** How long an alarm keeps a sensor red on the plan after it came. */
export const ALARM_SPAN = 15 * 60_000;

const refsOf = (i: TimelineItem): Record<string, unknown> => (i.refs && typeof i.refs === 'object' ? (i.refs as Record<string, unknown>) : {});
const idList = (v: unknown): string[] => (typeof v === 'string' && v ? v.split(',') : []);
const SENSOR_WORST: Record<SensorState, number> = { quiet: 0, dark: 1, alarm: 2 };

/**
 * Each placed sensor's state at the clock, from the timeline's sensor items (alarms per sensor and minute, dead zones
 * naming the silent sensors, "heard again" naming those restored): red with an alarm in the 15 min up to the clock,
 * grey when the last dead zone that named it is later than the last time it was heard again, else quiet. Sectors:
 * at the centre of their sensors, with the worst state of them.
 */
export function sensorsAt(sensors: readonly PlacedSensor[], items: readonly TimelineItem[], at: number): { sensors: SensorAt[]; sectors: SectorAt[] } {
  const alarms = new Map<string, { n: number; last: string | null }>();
  const darkSince = new Map<string, number>();
  const heardSince = new Map<string, number>();
  for (const i of items) {
    const t = ms(i.at);
    if (t > at) continue;
    const r = refsOf(i);
    if (i.kind === 'sensors.alarms' && typeof r.sensorId === 'string') {
      const last = typeof r.lastAt === 'string' && ms(r.lastAt) <= at ? r.lastAt : i.at;
      const a = alarms.get(r.sensorId) ?? { n: 0, last: null };
      if (at - ms(last) <= ALARM_SPAN) a.n += Number(r.alarms ?? 0);
      if (!a.last || a.last < last) a.last = last;
      alarms.set(r.sensorId, a);
    } else if (i.kind === 'sensors.dead_zone') {
      for (const id of idList(r.sensorIds)) darkSince.set(id, Math.max(t, darkSince.get(id) ?? 0));
    } else if (i.kind === 'sensors.restored') {
      for (const id of idList(r.sensorIds)) heardSince.set(id, Math.max(t, heardSince.get(id) ?? 0));
    }
  }
  const out: SensorAt[] = sensors.map((s) => {
    const a = alarms.get(s.id);
    const dark = (darkSince.get(s.id) ?? -1) > (heardSince.get(s.id) ?? -1);
    const state: SensorState = a && a.n > 0 ? 'alarm' : dark ? 'dark' : 'quiet';
    return { sensor: s, state, alarms: a?.n ?? 0, lastAlarmAt: a?.last ?? null };
  });
  const bySector = new Map<string, SensorAt[]>();
  for (const s of out) bySector.set(s.sensor.sector, [...(bySector.get(s.sensor.sector) ?? []), s]);
  const sectors: SectorAt[] = [...bySector.entries()]
    .map(([sector, list]) => ({
      sector,
      x: list.reduce((n, s) => n + s.sensor.x, 0) / list.length,
      y: list.reduce((n, s) => n + s.sensor.y, 0) / list.length,
      state: list.reduce<SensorState>((w, s) => (SENSOR_WORST[s.state] > SENSOR_WORST[w] ? s.state : w), 'quiet'),
      sensors: list.length,
    }))
    .sort((a, b) => a.sector.localeCompare(b.sector));
  return { sensors: out, sectors };
}
