import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { uuidV7Ids, type IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { isFacilityScoped, requireFacility, requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import {
  classify,
  correlateSector,
  DEFAULT_CORRELATION,
  EventPayload,
  groupDead,
  HeartbeatPayload,
  incidentSeverity,
  MISSED_HEARTBEATS,
  onlineShare,
  secondsBetween,
  silentAfter,
  type Alarm,
  type CorrelationSettings,
  type SensorKind,
  type SensorState,
} from './sensors.domain';
import type { IncidentContext } from './sensors.dto';
import type {
  CreateSensorInput,
  DeadLettersResponse,
  IncidentResponse,
  IngestReceipt,
  OperationsResponse,
  SensorPageResponse,
  SensorResponse,
  UpdateSensorInput,
  WebhookInput,
} from './sensors.dto';
import { IncidentOpened, SensorsRestored, SensorsWentDark } from './sensors.events';
import { requireSensorsManage, requireSensorsRead } from './sensors.policy';
import {
  addIncidentAlarms,
  alarmsPerSector,
  claimSilent,
  deadAmong,
  deadLetters,
  facilityByCode,
  facilityById,
  incidentsSince,
  insertActions,
  insertDeadLetters,
  insertEvents,
  insertIncidents,
  insertSensor,
  lockSensor,
  updateSensor,
  lastRollcalls,
  linkEvents,
  listIncidents,
  listSensors,
  liveIncidents,
  lockSectors,
  markHeard,
  pendingAlarms,
  postsNear,
  sectorTotals,
  sensorByCode,
  sensorsByKeys,
  sensorsOfFacility,
  unitsOfFacility,
  type DeadLetterRow,
  type IncidentRow,
  type SensorEventRow,
  type SensorRow,
} from './sensors.repository';

type Out<T extends z.ZodType> = z.output<T>;
export type SensorView = Out<typeof SensorResponse>;
export type IncidentView = Out<typeof IncidentResponse>;
export type IngestResult = Out<typeof IngestReceipt>;

/** One message as it came: over MQTT (the topic already split) or posted to the webhook. */
export interface RawMessage {
  source: 'mqtt' | 'webhook';
  topic: string | null;
  /** The topic's parts, or null when the topic is not one of ours (dead-lettered as bad_topic). */
  address: { site: string; sensor: string; channel: 'event' | 'heartbeat' } | null;
  /** A Buffer or text (parsed here) or already-parsed JSON (the webhook). */
  payload: unknown;
}

/** A batch parsed and checked, ready to be written. */
interface Prepared {
  received: number;
  now: Date;
  events: SensorEventRow[];
  dead: DeadLetterRow[];
  heard: Map<string, { id: string; eventAt: Date | null; eventType: string | null }>;
  heartbeats: number;
  duplicates: number;
}

interface SensorInfo {
  id: string;
  facilityId: string;
  kind: SensorKind;
  sector: string;
  unitIds: string[];
  decommissioned: boolean;
}

const MAX_PAYLOAD_BYTES = 8192;
const DEAD_PAYLOAD_CHARS = 2000;

export function sensorView(r: SensorRow): SensorView {
  return {
    id: r.id,
    facilityId: r.facilityId,
    code: r.code,
    name: r.name,
    kind: r.kind as SensorKind,
    sector: r.sector,
    unitIds: r.unitIds,
    x: r.x,
    y: r.y,
    heartbeatSeconds: r.heartbeatSeconds,
    state: r.state as SensorState,
    stateSince: r.stateSince,
    lastHeardAt: r.lastHeardAt,
    lastEventAt: r.lastEventAt,
    lastEventType: r.lastEventType,
  };
}

export function incidentView(r: IncidentRow): IncidentView {
  return {
    id: r.id,
    facilityId: r.facilityId,
    sector: r.sector,
    unitIds: r.unitIds,
    status: r.status as IncidentView['status'],
    severity: r.severity as IncidentView['severity'],
    title: r.title,
    firstAlarmAt: r.firstAlarmAt,
    lastAlarmAt: r.lastAlarmAt,
    alarmCount: r.alarmCount,
    openedAt: r.openedAt,
    acknowledgedAt: r.acknowledgedAt,
    respondingAt: r.respondingAt,
    containedAt: r.containedAt,
    closedAt: r.closedAt,
    secondsToAcknowledge: secondsBetween(r.firstAlarmAt, r.acknowledgedAt),
    secondsToClose: secondsBetween(r.firstAlarmAt, r.closedAt),
    context: r.context as IncidentContext,
    headcountRollcallId: r.headcountRollcallId,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Sensors: the registry per facility and sector, the ingest of what devices send (MQTT or the webhook) in batches,
 * their health (missed heartbeats make dead zones, on a timer in the database), and the correlation of a sector's
 * alarms into one incident with the posts and counts around it.
 */
export class SensorsService {
  private readonly cache = new Map<string, SensorInfo>();
  private correlation: CorrelationSettings = DEFAULT_CORRELATION;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  /** Batches are stored one after another: the correlation of a sector sees what the batch before it stored. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  /** The correlation rule in force in this process (window, weight that opens an incident). */
  settings(): CorrelationSettings {
    return this.correlation;
  }

  configure(settings: Partial<CorrelationSettings>): void {
    this.correlation = { ...this.correlation, ...settings };
  }

  // --- registry ------------------------------------------------------------------------------------------------------

  async create(actor: Actor, input: CreateSensorInput): Promise<SensorView> {
    requireSensorsManage(actor, input.facilityId);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      if (!(await facilityById(tx, input.facilityId))) throw new NotFoundError('facilities.not_found', `No facility ${input.facilityId}`);
      const unitIds = await this.unitsNearby(tx, input.facilityId, input.unitIds);
      if (await sensorByCode(tx, input.facilityId, input.code))
        throw new ConflictError('sensors.code_taken', `This facility already has a sensor ${input.code}`);
      const row: SensorRow = {
        id: this.ids.next(),
        facilityId: input.facilityId,
        code: input.code,
        name: input.name,
        kind: input.kind,
        sector: input.sector,
        unitIds,
        x: input.x,
        y: input.y,
        heartbeatSeconds: input.heartbeatSeconds,
        state: 'online',
        stateSince: now,
        // a sensor never heard from is a dead zone once it misses its first heartbeats after being placed
        silentAfter: silentAfter(now, input.heartbeatSeconds),
        lastHeardAt: null,
        lastEventAt: null,
        lastEventType: null,
        createdAt: now,
      };
      await insertSensor(tx, row);
      await this.audit.record(tx, actor, {
        action: 'sensors.create',
        subjectType: 'sensor',
        subjectId: row.id,
        details: { code: row.code, kind: row.kind, sector: row.sector },
      });
      return row;
    });
    return sensorView(row);
  }

  /** Moves or renames a sensor, or changes its heartbeat interval (the health timer restarts from now). */
  async update(actor: Actor, id: string, input: UpdateSensorInput): Promise<SensorView> {
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const before = await this.lockInScope(tx, actor, id);
      if (before.state === 'decommissioned') throw new ConflictError('sensors.decommissioned', `Sensor ${before.code} is decommissioned`, { sensorId: id });
      const patch: Partial<SensorRow> = { ...input };
      if (input.unitIds) patch.unitIds = await this.unitsNearby(tx, before.facilityId, input.unitIds);
      if (input.heartbeatSeconds !== undefined) patch.silentAfter = silentAfter(now, input.heartbeatSeconds);
      const after = await updateSensor(tx, id, patch);
      await this.audit.record(tx, actor, { action: 'sensors.update', subjectType: 'sensor', subjectId: id, details: { code: before.code, changed: input } });
      return after;
    });
    this.forget(row.id);
    return sensorView(row);
  }

  /** Takes a sensor out of service: kept with its events as evidence, no longer a dead zone, what it still sends dead-lettered. */
  async decommission(actor: Actor, id: string, reason: string): Promise<SensorView> {
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const before = await this.lockInScope(tx, actor, id);
      if (before.state === 'decommissioned')
        throw new ConflictError('sensors.decommissioned', `Sensor ${before.code} is already decommissioned`, { sensorId: id });
      const after = await updateSensor(tx, id, { state: 'decommissioned', stateSince: now });
      await this.audit.record(tx, actor, { action: 'sensors.decommission', subjectType: 'sensor', subjectId: id, details: { code: before.code, reason } });
      return after;
    });
    this.forget(row.id);
    return sensorView(row);
  }

  /** The units named as near a sensor, each once; every one must be a unit of the sensor's facility. */
  private async unitsNearby(tx: Db, facilityId: string, named: readonly string[]): Promise<string[]> {
    const unitIds = [...new Set(named)];
    const found = await unitsOfFacility(tx, facilityId, unitIds);
    if (found.length !== unitIds.length) {
      const known = new Set(found.map((u) => u.id));
      throw new ValidationError('sensors.unit_outside_facility', 'A unit named is not a unit of this facility', {
        unitIds: unitIds.filter((u) => !known.has(u)),
      });
    }
    return unitIds;
  }

  private async lockInScope(tx: Db, actor: Actor, id: string): Promise<SensorRow> {
    const row = await lockSensor(tx, id);
    if (!row) throw new NotFoundError('sensors.not_found', `No sensor ${id}`);
    requireSensorsManage(actor, row.facilityId);
    return row;
  }

  /** The ingest's cache of topic -> sensor drops a changed sensor; the next message reads it again. */
  private forget(id: string): void {
    for (const [key, info] of this.cache) if (info.id === id) this.cache.delete(key);
  }

  async list(actor: Actor, f: { facilityId?: string; sector?: string; limit: number; offset: number }): Promise<Out<typeof SensorPageResponse>> {
    requireSensorsRead(actor, f.facilityId);
    const page = await listSensors(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    return { total: page.total, rows: page.rows.map(sensorView) };
  }

  async deadLetters(actor: Actor, f: { limit: number; offset: number }): Promise<Out<typeof DeadLettersResponse>> {
    requirePermission(actor, 'sensors.manage');
    // dead letters may name any site (an unknown sensor has no facility): only those unnarrowed to facilities see them
    if (isFacilityScoped(actor)) return { total: 0, byReason: [], rows: [] };
    return deadLetters(this.db, f);
  }

  // --- ingest --------------------------------------------------------------------------------------------------------

  /** The webhook: the same checks and the same batch as MQTT, for the facilities in the caller's scope. */
  async ingestWebhook(actor: Actor, input: WebhookInput): Promise<IngestResult> {
    requirePermission(actor, 'sensors.ingest');
    const sites = [...new Set(input.messages.map((m) => m.site))];
    for (const site of sites) {
      const facility = await facilityByCode(this.db, site);
      // a device account posts for its own facilities only (an unknown site is dead-lettered like over MQTT)
      if (facility) requireFacility(actor, facility.id);
    }
    return this.ingest(
      input.messages.map((m) => ({ source: 'webhook', topic: null, address: { site: m.site, sensor: m.sensor, channel: m.channel }, payload: m.payload })),
    );
  }

  /**
   * Stores one batch in one transaction: events once each (by device event id), the sensors heard, dead letters for
   * what cannot be taken, and the correlation of new alarms into incidents. Batches run one after another.
   */
  ingest(messages: readonly RawMessage[]): Promise<IngestResult> {
    // parsing and checking (work in this process) starts at once, while the batch before may still be in the
    // database; the writes run one batch after another, in the order the batches came
    const prepared = this.prepare(messages);
    const run = this.chain.then(async () => this.store(await prepared));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async resolve(db: Db, keys: { site: string; sensor: string }[]): Promise<void> {
    const missing = keys.filter((k) => !this.cache.has(`${k.site}/${k.sensor}`));
    if (missing.length === 0) return;
    const unique = [...new Map(missing.map((k) => [`${k.site}/${k.sensor}`, k])).values()];
    for (const s of await sensorsByKeys(db, unique)) {
      this.cache.set(`${s.site}/${s.code}`, {
        id: s.id,
        facilityId: s.facilityId,
        kind: s.kind as SensorKind,
        sector: s.sector,
        unitIds: s.unitIds,
        decommissioned: s.state === 'decommissioned',
      });
    }
  }

  /** Parses and checks a batch: the events to insert, the dead letters, the sensors heard. No writes. */
  private async prepare(messages: readonly RawMessage[]): Promise<Prepared> {
    const now = this.clock.now();
    const dead: DeadLetterRow[] = [];
    const deadLetter = (m: RawMessage, reason: string, detail?: string) => {
      let text: string;
      if (Buffer.isBuffer(m.payload)) text = m.payload.subarray(0, DEAD_PAYLOAD_CHARS * 2).toString('utf8');
      else if (typeof m.payload === 'string') text = m.payload;
      else text = JSON.stringify(m.payload) ?? String(m.payload);
      dead.push({
        id: uuidV7Ids.next(),
        receivedAt: now,
        source: m.source,
        topic: m.topic ?? (m.address ? `${m.address.site}/sensors/${m.address.sensor}/${m.address.channel}` : null),
        reason,
        detail: detail?.slice(0, 500) ?? null,
        // NUL cannot be stored in PostgreSQL text
        payload: text.replaceAll('\u0000', '\uFFFD').slice(0, DEAD_PAYLOAD_CHARS),
      });
    };
    await this.resolve(
      this.db,
      messages.flatMap((m) => (m.address ? [{ site: m.address.site, sensor: m.address.sensor }] : [])),
    );
    const events: SensorEventRow[] = [];
    const seen = new Set<string>();
    const heard = new Map<string, { id: string; eventAt: Date | null; eventType: string | null }>();
    let heartbeats = 0;
    let duplicates = 0;
    for (const m of messages) {
      if (!m.address) {
        deadLetter(m, 'bad_topic', 'expected <prefix>/<site>/sensors/<sensor>/<event|heartbeat>');
        continue;
      }
      let body: unknown = m.payload;
      if (Buffer.isBuffer(body) || typeof body === 'string') {
        const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
        if (size > MAX_PAYLOAD_BYTES) {
          deadLetter(m, 'too_large', `${size} bytes; at most ${MAX_PAYLOAD_BYTES}`);
          continue;
        }
        try {
          body = JSON.parse(body.toString());
        } catch (err) {
          deadLetter(m, 'not_json', (err as Error).message);
          continue;
        }
      }
      const sensor = this.cache.get(`${m.address.site}/${m.address.sensor}`);
      if (!sensor) {
        deadLetter(m, 'unknown_sensor', `no sensor ${m.address.sensor} at site ${m.address.site}`);
        continue;
      }
      if (sensor.decommissioned) {
        deadLetter(m, 'decommissioned_sensor', `sensor ${m.address.sensor} at site ${m.address.site} is decommissioned`);
        continue;
      }
      if (m.address.channel === 'heartbeat') {
        const hb = HeartbeatPayload.safeParse(body);
        if (!hb.success) {
          deadLetter(m, 'bad_payload', hb.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
          continue;
        }
        heartbeats += 1;
        if (!heard.has(sensor.id)) heard.set(sensor.id, { id: sensor.id, eventAt: null, eventType: null });
        continue;
      }
      const ev = EventPayload.safeParse(body);
      if (!ev.success) {
        deadLetter(m, 'bad_payload', ev.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
        continue;
      }
      const kind = classify(sensor.kind, ev.data.type, ev.data.value);
      if (!kind) {
        deadLetter(m, 'unknown_event_type', `a ${sensor.kind} does not send ${ev.data.type}`);
        continue;
      }
      const key = `${sensor.id}/${ev.data.id}`;
      if (seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      const at = ev.data.at ? new Date(ev.data.at) : now;
      events.push({
        id: uuidV7Ids.next(),
        sensorId: sensor.id,
        facilityId: sensor.facilityId,
        sector: sensor.sector,
        deviceEventId: ev.data.id,
        type: ev.data.type,
        alarm: kind.alarm,
        weight: kind.weight,
        occurredAt: at,
        receivedAt: now,
        value: ev.data.value ?? null,
        incidentId: null,
      });
      const h = heard.get(sensor.id);
      if (!h || h.eventAt === null || h.eventAt <= at) heard.set(sensor.id, { id: sensor.id, eventAt: at, eventType: ev.data.type });
    }

    return { received: messages.length, now, events, dead, heard, heartbeats, duplicates };
  }

  private async store(p: Prepared): Promise<IngestResult> {
    const { now, events, dead, heard } = p;
    let duplicates = p.duplicates;
    const result = await this.outbox.transaction(async (tx) => {
      const inserted = await insertEvents(tx, events);
      const fresh = events.filter((e) => inserted.has(e.id));
      const restored = await deadAmong(tx, [...heard.keys()]);
      await markHeard(tx, now, MISSED_HEARTBEATS + 0.5, [...heard.values()]);
      if (restored.length) {
        const byFacility = new Map<string, string[]>();
        for (const r of restored) byFacility.set(r.facilityId, [...(byFacility.get(r.facilityId) ?? []), r.id]);
        for (const [facilityId, sensorIds] of byFacility) {
          this.outbox.emit(tx, SensorsRestored, { facilityId, sensorIds, at: now.toISOString() }, { occurredAt: now, subjects: { facilityIds: [facilityId] } });
        }
      }
      await insertDeadLetters(tx, dead);
      const opened = await this.correlate(tx, fresh, now);
      return { inserted: fresh.length, opened };
    });
    duplicates += events.length - result.inserted;
    return {
      received: p.received,
      accepted: result.inserted,
      duplicates,
      heartbeats: p.heartbeats,
      deadLettered: dead.length,
      incidentsOpened: result.opened,
    };
  }

  /** New alarms, sector by sector, against each sector's live incident and its alarms still pending. */
  private async correlate(tx: Db, fresh: readonly SensorEventRow[], now: Date): Promise<string[]> {
    const alarms = fresh.filter((e) => e.alarm);
    if (alarms.length === 0) return [];
    const bySector = new Map<string, SensorEventRow[]>();
    for (const a of alarms) {
      const k = `${a.facilityId}\u0000${a.sector}`;
      const list = bySector.get(k);
      if (list) list.push(a);
      else bySector.set(k, [a]);
    }
    await lockSectors(tx, [...bySector.keys()]);
    const window = this.correlation.windowSeconds * 1000;
    const pairs = [...bySector.values()].map((list) => ({
      facilityId: list[0]!.facilityId,
      sector: list[0]!.sector,
      since: new Date(Math.min(...list.map((a) => a.occurredAt.getTime())) - window),
    }));
    const liveBySector = await liveIncidents(tx, pairs);
    const pending = await pendingAlarms(tx, pairs, new Set(alarms.map((a) => a.id)));
    const links: { eventId: string; incidentId: string }[] = [];
    const added: { id: string; n: number; last: Date; heavy: boolean }[] = [];
    const newIncidents: IncidentRow[] = [];
    const sensorOf = new Map(fresh.map((e) => [e.id, e.sensorId]));
    for (const [key, list] of bySector) {
      const { facilityId, sector } = list[0]!;
      const live = liveBySector.get(key);
      const before = pending
        .filter((p) => p.facilityId === facilityId && p.sector === sector)
        .map((p) => ({ eventId: p.id, at: p.at, weight: p.weight, type: p.type }));
      const out = correlateSector(
        { incident: live ? { id: live } : null, pending: before },
        list.map((a): Alarm => ({ eventId: a.id, at: a.occurredAt, weight: a.weight, type: a.type })),
        this.correlation,
        () => this.ids.next(),
      );
      for (const j of out.joined) {
        for (const a of j.alarms) links.push({ eventId: a.eventId, incidentId: j.incidentId });
        added.push({
          id: j.incidentId,
          n: j.alarms.length,
          last: j.alarms.reduce((m, a) => (a.at > m ? a.at : m), j.alarms[0]!.at),
          heavy: j.alarms.some((a) => a.weight >= 3),
        });
      }
      for (const o of out.opened) {
        for (const a of o.alarms) links.push({ eventId: a.eventId, incidentId: o.id });
        newIncidents.push(await this.draftIncident(tx, o.id, facilityId, sector, o.alarms, sensorOf, now));
      }
    }
    await insertIncidents(tx, newIncidents);
    await linkEvents(tx, links);
    await addIncidentAlarms(tx, added);
    const system = systemActor('sensor correlation');
    await insertActions(
      tx,
      newIncidents.map((i) => ({ id: this.ids.next(), incidentId: i.id, at: now, actorId: null, actorName: system.username, kind: 'opened', note: i.title })),
    );
    for (const i of newIncidents) {
      const facility = await facilityById(tx, i.facilityId);
      this.outbox.emit(
        tx,
        IncidentOpened,
        {
          incidentId: i.id,
          facilityId: i.facilityId,
          facilityCode: facility?.code ?? i.facilityId,
          sector: i.sector,
          severity: i.severity as 'warning' | 'critical',
          title: i.title,
          firstAlarmAt: i.firstAlarmAt.toISOString(),
          alarmCount: i.alarmCount,
          openedAt: i.openedAt.toISOString(),
        },
        { occurredAt: now, subjects: { facilityIds: [i.facilityId], unitIds: i.unitIds } },
      );
    }
    return newIncidents.map((i) => i.id);
  }

  private async draftIncident(
    tx: Db,
    id: string,
    facilityId: string,
    sector: string,
    alarms: Alarm[],
    sensorOf: Map<string, string>,
    now: Date,
  ): Promise<IncidentRow> {
    const sensorIds = new Set(alarms.map((a) => sensorOf.get(a.eventId)).filter((s): s is string => !!s));
    const sensorsHere = (await sensorsOfFacility(tx, facilityId)).filter((s) => s.sector === sector);
    const involved = sensorsHere.filter((s) => sensorIds.has(s.id));
    const unitIds = [...new Set((involved.length ? involved : sensorsHere).flatMap((s) => s.unitIds))].sort();
    const [posts, rollcalls, facility] = await Promise.all([postsNear(tx, facilityId, unitIds), lastRollcalls(tx, unitIds), facilityById(tx, facilityId)]);
    const types = [...new Set(alarms.map((a) => a.type))].sort();
    const first = alarms.reduce((m, a) => (a.at < m ? a.at : m), alarms[0]!.at);
    const last = alarms.reduce((m, a) => (a.at > m ? a.at : m), alarms[0]!.at);
    const unmanned = posts.filter((p) => p.present < Math.max(1, p.minStaff)).length;
    return {
      id,
      facilityId,
      sector,
      unitIds,
      status: 'open',
      severity: incidentSeverity(alarms),
      title:
        `${facility?.code ?? ''} sector ${sector}: ${alarms.length} alarm${alarms.length === 1 ? '' : 's'} (${types.join(', ')})${unmanned ? `, ${unmanned} post${unmanned === 1 ? '' : 's'} unmanned` : ''}`.slice(
          0,
          300,
        ),
      firstAlarmAt: first,
      lastAlarmAt: last,
      alarmCount: alarms.length,
      openedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
      respondingAt: null,
      respondingBy: null,
      containedAt: null,
      containedBy: null,
      closedAt: null,
      closedBy: null,
      context: { posts, rollcalls, sensors: involved.map((s) => s.code).sort() } satisfies IncidentContext,
      headcountRollcallId: null,
    };
  }

  // --- health --------------------------------------------------------------------------------------------------------

  /**
   * One pass of the health timer at `now`: sensors past their `silent_after` become dead zones; those of one sector
   * that went silent together are one fact (a sector losing power is one alert, naming how many of its sensors).
   */
  async tick(now: Date = this.clock.now()): Promise<{ at: Date; dead: number }> {
    while (this.ticking) await this.ticking.catch(() => undefined);
    const run = this.outbox.transaction(async (tx) => {
      const silent = await claimSilent(tx, now, 10_000);
      if (silent.length === 0) return 0;
      const groups = groupDead(silent);
      const totals = await sectorTotals(tx, groups);
      for (const g of groups) {
        const code = g.sensors[0]!.facilityCode;
        this.outbox.emit(
          tx,
          SensorsWentDark,
          {
            facilityId: g.facilityId,
            facilityCode: code,
            sector: g.sector,
            at: now.toISOString(),
            sensors: g.sensors.map((s) => ({ id: s.id, code: s.code, lastHeardAt: s.lastHeardAt?.toISOString() ?? null })),
            sectorTotal: totals.get(`${g.facilityId}\u0000${g.sector}`) ?? g.sensors.length,
          },
          { occurredAt: now, subjects: { facilityIds: [g.facilityId] } },
        );
      }
      return silent.length;
    });
    this.ticking = run;
    try {
      return { at: now, dead: await run };
    } finally {
      this.ticking = undefined;
    }
  }

  start(opts: { intervalMs?: number } = {}): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.logger.error({ err }, 'sensor health tick failed'));
    }, opts.intervalMs ?? 15_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
    await this.chain.catch(() => undefined);
  }

  // --- the operations room -------------------------------------------------------------------------------------------

  async operations(actor: Actor, facilityId: string): Promise<Out<typeof OperationsResponse>> {
    requireSensorsRead(actor, facilityId);
    const facility = await facilityById(this.db, facilityId);
    if (!facility) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
    const now = this.clock.now();
    const [list, live, recent, alarms] = await Promise.all([
      sensorsOfFacility(this.db, facilityId).then((all) => all.filter((x) => x.state !== 'decommissioned')),
      listIncidents(this.db, { facilityId, status: 'live', limit: 200, offset: 0 }),
      incidentsSince(this.db, facilityId, new Date(now.getTime() - 30 * 86_400_000)),
      alarmsPerSector(this.db, facilityId, new Date(now.getTime() - 86_400_000)),
    ]);
    const liveBySector = new Map<string, string>();
    for (const i of live.rows) if (!liveBySector.has(i.sector) && i.status !== 'contained') liveBySector.set(i.sector, i.id);
    const sectors = [...new Set(list.map((s) => s.sector))].sort();
    const online = list.filter((s) => s.state === 'online').length;
    const views = recent.map(incidentView);
    return {
      facilityId,
      facilityCode: facility.code,
      at: now,
      online: { total: list.length, online, share: onlineShare(online, list.length) },
      sensors: list.map((s) => ({ ...sensorView(s), incidentId: liveBySector.get(s.sector) ?? null })),
      sectors: sectors.map((sector) => {
        const here = list.filter((s) => s.sector === sector);
        return {
          sector,
          total: here.length,
          online: here.filter((s) => s.state === 'online').length,
          alarms24h: alarms.get(sector) ?? 0,
          liveIncidents: live.rows.filter((i) => i.sector === sector).length,
        };
      }),
      incidents: live.rows.map(incidentView),
      timing: {
        incidents30d: views.length,
        medianSecondsToAcknowledge: median(views.map((v) => v.secondsToAcknowledge).filter((v): v is number => v !== null)),
        medianSecondsToClose: median(views.map((v) => v.secondsToClose).filter((v): v is number => v !== null)),
      },
    };
  }
}
