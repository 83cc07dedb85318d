import { z } from 'zod';
import { ConflictError, ValidationError } from '../../platform/errors';

/** What is fixed on a perimeter: each kind reports its own event types (see `EVENT_TYPES`). */
export const SENSOR_KINDS = ['fence_vibration', 'taut_wire', 'gate_contact', 'door_contact', 'motion', 'camera_line', 'panic_button'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

/** `decommissioned`: taken out of service (kept with its events as evidence); what it still sends is dead-lettered. */
export const SENSOR_STATES = ['online', 'dead', 'decommissioned'] as const;
export type SensorState = (typeof SENSOR_STATES)[number];

/** Event types every kind may send (tamper, fault, low power), then each kind's own. */
const COMMON_TYPES = ['tamper', 'fault', 'power_low', 'test'] as const;
export const EVENT_TYPES: Record<SensorKind, readonly string[]> = {
  fence_vibration: ['vibration', 'cut', ...COMMON_TYPES],
  taut_wire: ['tension', 'cut', ...COMMON_TYPES],
  gate_contact: ['open', 'close', 'forced', 'held_open', ...COMMON_TYPES],
  door_contact: ['open', 'close', 'forced', 'held_open', ...COMMON_TYPES],
  motion: ['motion', ...COMMON_TYPES],
  camera_line: ['line_crossing', 'loitering', ...COMMON_TYPES],
  panic_button: ['panic', ...COMMON_TYPES],
};

/**
 * The JSON a device publishes on `custos/<site>/sensors/<sensor>/event`. `id` is the device's own event id (a retry
 * sends the same id: it is taken once); `at` defaults to the time of receipt; `value` carries the measurement
 * (`intensity` 0..1 for vibration, `authorised` for a contact opened with a key card).
 */
export const EventPayload = z.object({
  id: z.string().trim().min(1).max(128),
  type: z.string().trim().min(1).max(40),
  at: z.iso.datetime({ offset: true }).optional(),
  value: z
    .object({
      intensity: z.number().min(0).max(1).optional(),
      authorised: z.boolean().optional(),
    })
    .catchall(z.union([z.string().max(200), z.number(), z.boolean(), z.null()]))
    .optional(),
});
export type EventPayload = z.infer<typeof EventPayload>;

/** The JSON of `custos/<site>/sensors/<sensor>/heartbeat`: all optional; an empty object is a heartbeat too. */
export const HeartbeatPayload = z.object({
  at: z.iso.datetime({ offset: true }).optional(),
  battery: z.number().min(0).max(100).optional(),
  power: z.enum(['mains', 'battery']).optional(),
});

/** Vibration below this intensity is wind, animals, rain on the wire: recorded, not an alarm. */
export const WIND_INTENSITY = 0.6;

/**
 * Whether an event is an alarm and how much it weighs towards an incident: a cut wire, a forced gate or a panic
 * button (3) open one at once; a crossing or an unauthorised opening (2) need one more alarm near in time; single
 * strong vibrations or motion (1) need three.
 */
export function classify(kind: SensorKind, type: string, value?: EventPayload['value']): { alarm: boolean; weight: number } | null {
  if (!EVENT_TYPES[kind].includes(type)) return null;
  switch (type) {
    case 'cut':
    case 'forced':
    case 'panic':
      return { alarm: true, weight: 3 };
    case 'tension':
    case 'line_crossing':
    case 'tamper':
      return { alarm: true, weight: 2 };
    case 'open':
      return value?.authorised ? { alarm: false, weight: 0 } : { alarm: true, weight: 2 };
    case 'vibration':
      return (value?.intensity ?? 1) >= WIND_INTENSITY ? { alarm: true, weight: 1 } : { alarm: false, weight: 0 };
    case 'motion':
    case 'held_open':
    case 'loitering':
      return { alarm: true, weight: 1 };
    default:
      return { alarm: false, weight: 0 };
  }
}

/** A topic `<prefix>/<site>/sensors/<sensor>/<event|heartbeat>`, or why it is not one. */
export function parseTopic(topic: string, prefix: string): { site: string; sensor: string; channel: 'event' | 'heartbeat' } | { error: string } {
  const parts = topic.split('/');
  const head = prefix.split('/');
  if (parts.length !== head.length + 4 || head.some((h, i) => parts[i] !== h) || parts[head.length + 1] !== 'sensors') return { error: 'bad_topic' };
  const site = parts[head.length]!;
  const sensor = parts[head.length + 2]!;
  const channel = parts[head.length + 3]!;
  if (!site || !sensor) return { error: 'bad_topic' };
  if (channel !== 'event' && channel !== 'heartbeat') return { error: 'bad_topic' };
  return { site, sensor, channel };
}

// --- health --------------------------------------------------------------------------------------------------------

/** A sensor is a dead zone once it has missed this many heartbeats in a row (one lost message is not an outage). */
export const MISSED_HEARTBEATS = 2;

export function silentAfter(heardAt: Date, heartbeatSeconds: number): Date {
  return new Date(heardAt.getTime() + heartbeatSeconds * 1000 * (MISSED_HEARTBEATS + 0.5));
}

/** Sensors gone silent together, by facility and sector: a sector losing power is one situation, not twenty. */
export function groupDead<T extends { facilityId: string; sector: string }>(dead: readonly T[]): { facilityId: string; sector: string; sensors: T[] }[] {
  const groups = new Map<string, { facilityId: string; sector: string; sensors: T[] }>();
  for (const s of dead) {
    const key = `${s.facilityId}\u0000${s.sector}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { facilityId: s.facilityId, sector: s.sector, sensors: [] }));
    g.sensors.push(s);
  }
  return [...groups.values()];
}

/** Share of sensors online, in percent (null for a facility without sensors). */
export function onlineShare(online: number, total: number): number | null {
  return total === 0 ? null : Math.round((online / total) * 1000) / 10;
}

// --- correlation ---------------------------------------------------------------------------------------------------

export const CorrelationSettings = z.object({
  /** Alarms of one sector within this many seconds of each other add up. */
  windowSeconds: z.number().int().min(10).max(3600).default(120),
  /** An incident opens when the alarms in the window weigh this much (see `classify`). */
  openAtWeight: z.number().int().min(1).max(100).default(3),
});
export type CorrelationSettings = z.infer<typeof CorrelationSettings>;
export const DEFAULT_CORRELATION: CorrelationSettings = CorrelationSettings.parse({});

export interface Alarm {
  eventId: string;
  at: Date;
  weight: number;
  type: string;
}

/** What a sector carries between batches: its live incident (taking every new alarm) and the alarms not yet joined. */
export interface SectorState {
  incident: { id: string } | null;
  pending: Alarm[];
}

export interface SectorOutcome {
  /** Incidents to open, each with the alarms that opened it. */
  opened: { id: string; alarms: Alarm[] }[];
  /** Alarms joining the sector's live incident (opened earlier or in this batch). */
  joined: { incidentId: string; alarms: Alarm[] }[];
  state: SectorState;
}

/**
 * Correlation of one sector's alarms, in time order: while the sector has a live incident (not contained, not closed)
 * every alarm joins it; otherwise alarms within the window add up, and once they weigh `openAtWeight` they open ONE
 * incident together. Wind on the fence (single weak alarms far apart) never adds up.
 */
export function correlateSector(before: SectorState, alarms: readonly Alarm[], settings: CorrelationSettings, newId: () => string): SectorOutcome {
  const window = settings.windowSeconds * 1000;
  let incident = before.incident;
  let pending = [...before.pending];
  const opened: SectorOutcome['opened'] = [];
  const joined = new Map<string, Alarm[]>();
  for (const a of [...alarms].sort((x, y) => x.at.getTime() - y.at.getTime())) {
    if (incident) {
      const list = joined.get(incident.id) ?? [];
      list.push(a);
      joined.set(incident.id, list);
      continue;
    }
    pending = pending.filter((p) => a.at.getTime() - p.at.getTime() <= window);
    pending.push(a);
    if (pending.reduce((n, p) => n + p.weight, 0) >= settings.openAtWeight) {
      incident = { id: newId() };
      opened.push({ id: incident.id, alarms: pending });
      pending = [];
    }
  }
  const openedIds = new Set(opened.map((o) => o.id));
  for (const o of opened) {
    const more = joined.get(o.id);
    if (more) {
      o.alarms.push(...more);
      joined.delete(o.id);
    }
  }
  return {
    opened,
    joined: [...joined].filter(([id]) => !openedIds.has(id)).map(([incidentId, list]) => ({ incidentId, alarms: list })),
    state: { incident, pending },
  };
}

export const INCIDENT_SEVERITIES = ['warning', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** A cut, a forced gate, a panic button, or many alarms at once: critical. Otherwise a warning. */
export function incidentSeverity(alarms: readonly Pick<Alarm, 'weight'>[]): IncidentSeverity {
  return alarms.some((a) => a.weight >= 3) || alarms.length >= 6 ? 'critical' : 'warning';
}

// --- the incident's life ---------------------------------------------------------------------------------------------

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'responding', 'contained', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Statuses in which an incident still takes its sector's new alarms. */
export const LIVE_STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'responding'];

/**
 * An incident only moves forward (steps may be skipped: a false alarm is closed from open); closing needs a note
 * saying what it was.
 */
export function checkTransition(from: IncidentStatus, to: IncidentStatus, note: string | undefined): void {
  const i = INCIDENT_STATUSES.indexOf(from);
  const j = INCIDENT_STATUSES.indexOf(to);
  if (j <= i) throw new ConflictError('incidents.invalid_transition', `An incident that is ${from} cannot become ${to}`, { from, to });
  if (to === 'closed' && !note) throw new ValidationError('incidents.note_required', 'Say what the incident was when closing it (note)');
}

/** Seconds from opening to a step, or null when the step has not been taken. */
export function secondsBetween(from: Date, to: Date | null): number | null {
  return to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;
}

// --- staff reports -------------------------------------------------------------------------------------------------

/** What staff report: the articles' riots, assaults, smuggling, fires, medical emergencies and the Hisbah's threats. */
export const REPORT_TYPES = ['riot', 'assault', 'contraband', 'fire', 'medical', 'intimidation', 'escape_attempt', 'other'] as const;
export const REPORT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const REPORT_STATUSES = ['open', 'follow_up', 'closed'] as const;
