import { and, asc, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { facilities, units } from '../facilities';
import { guardAttendance, guardPosts } from '../guards';
import { rollcallUnitResults } from '../rollcalls';
import { placements } from '../custody';
import { incidentActions, incidentEvidence, incidents, sensorDeadLetters, sensorEvents, sensors, staffReports } from './sensors.schema';
import { LIVE_STATUSES } from './sensors.domain';

export type SensorRow = typeof sensors.$inferSelect;
export type SensorEventRow = typeof sensorEvents.$inferSelect;
export type DeadLetterRow = typeof sensorDeadLetters.$inferSelect;
export type IncidentRow = typeof incidents.$inferSelect;
export type ActionRow = typeof incidentActions.$inferSelect;
export type EvidenceRow = typeof incidentEvidence.$inferSelect;
export type StaffReportRow = typeof staffReports.$inferSelect;

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;
const live = sql.raw(`(${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`);
const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

export async function facilityByCode(db: Db, code: string): Promise<{ id: string; code: string } | undefined> {
  const [row] = await db.select({ id: facilities.id, code: facilities.code }).from(facilities).where(eq(facilities.code, code));
  return row;
}

export async function facilityById(db: Db, id: string): Promise<{ id: string; code: string; name: string } | undefined> {
  const [row] = await db.select({ id: facilities.id, code: facilities.code, name: facilities.name }).from(facilities).where(eq(facilities.id, id));
  return row;
}

/** The units among `unitIds` that belong to the facility. */
export async function unitsOfFacility(db: Db, facilityId: string, unitIds: readonly string[]): Promise<{ id: string; code: string }[]> {
  if (unitIds.length === 0) return [];
  return db
    .select({ id: units.id, code: units.code })
    .from(units)
    .where(and(eq(units.facilityId, facilityId), inArray(units.id, [...unitIds])));
}

// --- sensors -------------------------------------------------------------------------------------------------------

export async function insertSensor(tx: Db, row: SensorRow): Promise<void> {
  await tx.insert(sensors).values(row);
}

export async function sensorByCode(db: Db, facilityId: string, code: string): Promise<SensorRow | undefined> {
  const [row] = await db
    .select()
    .from(sensors)
    .where(and(eq(sensors.facilityId, facilityId), eq(sensors.code, code)));
  return row;
}

/** Sensors by `<facility code>/<sensor code>` keys: what the ingest resolves topics with. */
export async function sensorsByKeys(db: Db, keys: readonly { site: string; sensor: string }[]): Promise<(SensorRow & { site: string })[]> {
  if (keys.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select s.id, f.code as site from ${sensors} s join ${facilities} f on f.id = s.facility_id
        join unnest(${sql.param(keys.map((k) => k.site))}::text[], ${sql.param(keys.map((k) => k.sensor))}::text[]) as k(site, sensor)
          on k.site = f.code and k.sensor = s.code`,
  );
  if (rows.length === 0) return [];
  const site = new Map(rows.map((r) => [String(r.id), String(r.site)]));
  const full = await db
    .select()
    .from(sensors)
    .where(inArray(sensors.id, [...site.keys()]));
  return full.map((s) => ({ ...s, site: site.get(s.id)! }));
}

export async function listSensors(
  db: Db,
  f: { facilityIds?: readonly string[]; facilityId?: string; sector?: string; limit: number; offset: number },
): Promise<{ total: number; rows: SensorRow[] }> {
  const where: SQL[] = [];
  if (f.facilityId) where.push(eq(sensors.facilityId, f.facilityId));
  if (f.facilityIds) where.push(inArray(sensors.facilityId, [...f.facilityIds]));
  if (f.sector) where.push(eq(sensors.sector, f.sector));
  const cond = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(sensors).where(cond).orderBy(asc(sensors.sector), asc(sensors.code)).limit(f.limit).offset(f.offset),
    db.select({ n: count() }).from(sensors).where(cond),
  ]);
  return { total: total?.n ?? 0, rows };
}

export async function sensorsOfFacility(db: Db, facilityId: string): Promise<SensorRow[]> {
  return db.select().from(sensors).where(eq(sensors.facilityId, facilityId)).orderBy(asc(sensors.sector), asc(sensors.code));
}

/**
 * Inserts the events, skipping those already taken (same sensor and device event id); returns the ids inserted. The
 * rows travel as one JSON parameter per 5,000 (one statement, no limit on parameters, little work in the process).
 */
export async function insertEvents(tx: Db, rows: SensorEventRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(
      rows.slice(i, i + 5000).map((r) => ({
        id: r.id,
        sensor_id: r.sensorId,
        facility_id: r.facilityId,
        sector: r.sector,
        device_event_id: r.deviceEventId,
        type: r.type,
        alarm: r.alarm,
        weight: r.weight,
        occurred_at: r.occurredAt.toISOString(),
        received_at: r.receivedAt.toISOString(),
        value: r.value,
        incident_id: r.incidentId,
      })),
    );
    const got = await queryRows<{ id: string }>(
      tx,
      sql`insert into ${sensorEvents} (id, sensor_id, facility_id, sector, device_event_id, type, alarm, weight, occurred_at, received_at, value, incident_id)
          select x.id, x.sensor_id, x.facility_id, x.sector, x.device_event_id, x.type, x.alarm, x.weight, x.occurred_at, x.received_at, x.value, x.incident_id
          from jsonb_to_recordset(${json}::jsonb) as x(id uuid, sensor_id uuid, facility_id uuid, sector text, device_event_id text, type text,
            alarm boolean, weight integer, occurred_at timestamptz, received_at timestamptz, value jsonb, incident_id uuid)
          on conflict (sensor_id, device_event_id) do nothing
          returning id`,
    );
    for (const r of got) inserted.add(String(r.id));
  }
  return inserted;
}

/** The sensors among `ids` that were dead zones (being heard now brings them back). */
export async function deadAmong(tx: Db, ids: readonly string[]): Promise<{ id: string; facilityId: string }[]> {
  if (ids.length === 0) return [];
  return tx
    .select({ id: sensors.id, facilityId: sensors.facilityId })
    .from(sensors)
    .where(and(inArray(sensors.id, [...ids]), eq(sensors.state, 'dead')));
}

/**
 * Marks sensors heard at `now`: online, the health timer pushed on by their heartbeat interval, and the last event
 * each sent (the latest of the batch, when newer than what is known).
 */
export async function markHeard(
  tx: Db,
  now: Date,
  missed: number,
  heard: readonly { id: string; eventAt: Date | null; eventType: string | null }[],
): Promise<void> {
  if (heard.length === 0) return;
  const at = now.toISOString();
  await tx.execute(sql`
    update ${sensors} s set
      last_heard_at = ${at}::timestamptz,
      silent_after = ${at}::timestamptz + s.heartbeat_seconds * ${missed}::float8 * interval '1 second',
      state_since = case when s.state = 'online' then s.state_since else ${at}::timestamptz end,
      state = 'online',
      last_event_at = case when v.ev_at is not null and (s.last_event_at is null or v.ev_at >= s.last_event_at) then v.ev_at else s.last_event_at end,
      last_event_type = case when v.ev_at is not null and (s.last_event_at is null or v.ev_at >= s.last_event_at) then v.ev_type else s.last_event_type end
    from unnest(${uuids(heard.map((h) => h.id))}, ${sql.param(heard.map((h) => h.eventAt?.toISOString() ?? null))}::timestamptz[],
                ${sql.param(heard.map((h) => h.eventType))}::text[]) as v(id, ev_at, ev_type)
    where s.id = v.id and s.state <> 'decommissioned'`);
}

export async function lockSensor(tx: Db, id: string): Promise<SensorRow | undefined> {
  const [row] = await tx.select().from(sensors).where(eq(sensors.id, id)).for('update');
  return row;
}

export async function updateSensor(tx: Db, id: string, patch: Partial<SensorRow>): Promise<SensorRow> {
  const [row] = await tx.update(sensors).set(patch).where(eq(sensors.id, id)).returning();
  return row!;
}

/** Sensors whose health timer ran out (still online): they become dead zones now. Locked against a concurrent scan. */
export async function claimSilent(tx: Db, now: Date, limit: number): Promise<(SensorRow & { facilityCode: string })[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select id from ${sensors} where state = 'online' and silent_after <= ${now.toISOString()}::timestamptz
        order by silent_after limit ${limit} for update skip locked`,
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await tx.update(sensors).set({ state: 'dead', stateSince: now }).where(inArray(sensors.id, ids));
  const full = await tx
    .select({ s: sensors, facilityCode: facilities.code })
    .from(sensors)
    .innerJoin(facilities, eq(facilities.id, sensors.facilityId))
    .where(inArray(sensors.id, ids));
  return full.map((r) => ({ ...r.s, facilityCode: r.facilityCode }));
}

export async function sectorTotals(tx: Db, pairs: readonly { facilityId: string; sector: string }[]): Promise<Map<string, number>> {
  if (pairs.length === 0) return new Map();
  const rows = await queryRows<{ facility_id: string; sector: string; n: number }>(
    tx,
    sql`select s.facility_id, s.sector, count(*)::int as n from ${sensors} s
        join unnest(${uuids(pairs.map((p) => p.facilityId))}, ${sql.param(pairs.map((p) => p.sector))}::text[]) as k(f, sector)
          on k.f = s.facility_id and k.sector = s.sector
        group by s.facility_id, s.sector`,
  );
  return new Map(rows.map((r) => [`${r.facility_id}\u0000${r.sector}`, Number(r.n)]));
}

// --- dead letters --------------------------------------------------------------------------------------------------

export async function insertDeadLetters(tx: Db, rows: DeadLetterRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const json = JSON.stringify(rows.slice(i, i + 2000).map((r) => ({ ...r, received_at: r.receivedAt.toISOString(), receivedAt: undefined })));
    await tx.execute(sql`
      insert into ${sensorDeadLetters} (id, received_at, source, topic, reason, detail, payload)
      select x.id, x.received_at, x.source, x.topic, x.reason, x.detail, x.payload
      from jsonb_to_recordset(${json}::jsonb) as x(id uuid, received_at timestamptz, source text, topic text, reason text, detail text, payload text)`);
  }
}

export async function deadLetters(db: Db, f: { limit: number; offset: number }) {
  const [rows, byReason] = await Promise.all([
    db.select().from(sensorDeadLetters).orderBy(desc(sensorDeadLetters.receivedAt), desc(sensorDeadLetters.id)).limit(f.limit).offset(f.offset),
    db
      .select({ reason: sensorDeadLetters.reason, count: count() })
      .from(sensorDeadLetters)
      .groupBy(sensorDeadLetters.reason)
      .orderBy(asc(sensorDeadLetters.reason)),
  ]);
  return { total: byReason.reduce((n, r) => n + r.count, 0), byReason, rows };
}

// --- correlation ---------------------------------------------------------------------------------------------------

/** Serialises the correlation of one sector (two ingest processes must not open two incidents for one breach). */
export async function lockSectors(tx: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  // one statement, the locks taken in a fixed order (two batches locking the same sectors cannot deadlock)
  const names = [...new Set(keys)].sort().map((k) => `sensors:${k.replace('\u0000', '/')}`);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(k.name)) from (select unnest(${sql.param(names)}::text[]) as name order by 1) k`);
}

/** The live incident (newest) of each sector asked for. */
export async function liveIncidents(tx: Db, pairs: readonly { facilityId: string; sector: string }[]): Promise<Map<string, string>> {
  if (pairs.length === 0) return new Map();
  const rows = await queryRows<{ id: string; facility_id: string; sector: string }>(
    tx,
    sql`select distinct on (i.facility_id, i.sector) i.id, i.facility_id, i.sector from ${incidents} i
        join unnest(${uuids(pairs.map((p) => p.facilityId))}, ${sql.param(pairs.map((p) => p.sector))}::text[]) as k(f, sector)
          on k.f = i.facility_id and k.sector = i.sector
        where i.status in ${live}
        order by i.facility_id, i.sector, i.opened_at desc`,
  );
  return new Map(rows.map((r) => [`${r.facility_id}\u0000${r.sector}`, r.id]));
}

/** Alarms of these sectors since `since` not joined to any incident (earlier batches' pending alarms). */
export async function pendingAlarms(
  tx: Db,
  pairs: readonly { facilityId: string; sector: string; since: Date }[],
  exclude: ReadonlySet<string>,
): Promise<{ id: string; facilityId: string; sector: string; at: Date; weight: number; type: string }[]> {
  if (pairs.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select e.id, e.facility_id, e.sector, e.occurred_at, e.weight, e.type from ${sensorEvents} e
        join unnest(${uuids(pairs.map((p) => p.facilityId))}, ${sql.param(pairs.map((p) => p.sector))}::text[],
                    ${sql.param(pairs.map((p) => p.since.toISOString()))}::timestamptz[]) as k(f, sector, since)
          on k.f = e.facility_id and k.sector = e.sector and e.occurred_at >= k.since
        where e.alarm and e.incident_id is null`,
  );
  return rows
    .filter((r) => !exclude.has(String(r.id)))
    .map((r) => ({
      id: String(r.id),
      facilityId: String(r.facility_id),
      sector: String(r.sector),
      at: asDate(r.occurred_at),
      weight: Number(r.weight),
      type: String(r.type),
    }));
}

export async function linkEvents(tx: Db, links: readonly { eventId: string; incidentId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await tx.execute(sql`
    update ${sensorEvents} e set incident_id = v.incident_id
    from unnest(${uuids(links.map((l) => l.eventId))}, ${uuids(links.map((l) => l.incidentId))}) as v(id, incident_id)
    where e.id = v.id`);
}

/**
 * Alarms joined a live incident: its count grows by them, its last alarm and severity follow (critical with a weight-3
 * alarm or 6+ alarms). Incremental: a storm's long incident is not counted again on every batch.
 */
export async function addIncidentAlarms(tx: Db, added: readonly { id: string; n: number; last: Date; heavy: boolean }[]): Promise<void> {
  if (added.length === 0) return;
  const json = JSON.stringify(added.map((a) => ({ id: a.id, n: a.n, last: a.last.toISOString(), heavy: a.heavy })));
  await tx.execute(sql`
    update ${incidents} i set alarm_count = i.alarm_count + v.n, last_alarm_at = greatest(i.last_alarm_at, v.last),
      severity = case when i.severity = 'critical' or v.heavy or i.alarm_count + v.n >= 6 then 'critical' else i.severity end
    from jsonb_to_recordset(${json}::jsonb) as v(id uuid, n integer, last timestamptz, heavy boolean)
    where i.id = v.id`);
}

/** The posts near a sector (its units', or the facility's gates and towers) and how many guards are on each now. */
export async function postsNear(db: Db, facilityId: string, unitIds: readonly string[]) {
  const rows = await queryRows<{ post_id: string; code: string; kind: string; min_staff: number; present: number }>(
    db,
    sql`select p.id as post_id, p.code, p.kind, p.min_staff, count(a.id)::int as present
        from ${guardPosts} p left join ${guardAttendance} a on a.post_id = p.id and a.checked_out_at is null
        where p.facility_id = ${facilityId} and p.active
          and ${unitIds.length ? sql`p.unit_id = any(${uuids(unitIds)})` : sql`p.kind in ('gate', 'tower', 'patrol')`}
        group by p.id, p.code, p.kind, p.min_staff order by p.code`,
  );
  return rows.map((r) => ({ postId: r.post_id, code: r.code, kind: r.kind, minStaff: Number(r.min_staff), present: Number(r.present) }));
}

/** The last closed roll call of each unit, with its figures. */
export async function lastRollcalls(db: Db, unitIds: readonly string[]) {
  if (unitIds.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select distinct on (r.unit_id) r.unit_id, u.code, r.rollcall_id, r.closed_at, r.expected, r.present, r.delta
        from ${rollcallUnitResults} r join ${units} u on u.id = r.unit_id
        where r.unit_id = any(${uuids(unitIds)})
        order by r.unit_id, r.closed_at desc`,
  );
  return rows.map((r) => ({
    unitId: String(r.unit_id),
    unitCode: String(r.code),
    rollcallId: String(r.rollcall_id),
    closedAt: asDate(r.closed_at).toISOString(),
    expected: Number(r.expected),
    present: Number(r.present),
    delta: Number(r.delta),
  }));
}

// --- incidents -----------------------------------------------------------------------------------------------------

export async function insertIncidents(tx: Db, rows: IncidentRow[]): Promise<void> {
  if (rows.length) await tx.insert(incidents).values(rows);
}

export async function findIncident(db: Db, id: string, lock = false): Promise<IncidentRow | undefined> {
  const q = db.select().from(incidents).where(eq(incidents.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function updateIncident(tx: Db, id: string, patch: Partial<IncidentRow>): Promise<IncidentRow> {
  const [row] = await tx.update(incidents).set(patch).where(eq(incidents.id, id)).returning();
  return row!;
}

export async function listIncidents(
  db: Db,
  f: { facilityIds?: readonly string[]; facilityId?: string; status?: string; limit: number; offset: number },
): Promise<{ total: number; rows: IncidentRow[] }> {
  const where: SQL[] = [];
  if (f.facilityId) where.push(eq(incidents.facilityId, f.facilityId));
  if (f.facilityIds) where.push(inArray(incidents.facilityId, [...f.facilityIds]));
  if (f.status === 'live') where.push(ne(incidents.status, 'closed'));
  else if (f.status) where.push(eq(incidents.status, f.status));
  const cond = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(incidents).where(cond).orderBy(desc(incidents.openedAt), desc(incidents.id)).limit(f.limit).offset(f.offset),
    db.select({ n: count() }).from(incidents).where(cond),
  ]);
  return { total: total?.n ?? 0, rows };
}

export async function incidentsSince(db: Db, facilityId: string, since: Date): Promise<IncidentRow[]> {
  return db
    .select()
    .from(incidents)
    .where(and(eq(incidents.facilityId, facilityId), sql`${incidents.openedAt} >= ${since.toISOString()}::timestamptz`));
}

export async function insertActions(tx: Db, rows: ActionRow[]): Promise<void> {
  if (rows.length) await tx.insert(incidentActions).values(rows);
}

export async function actionsOf(db: Db, incidentId: string): Promise<ActionRow[]> {
  return db.select().from(incidentActions).where(eq(incidentActions.incidentId, incidentId)).orderBy(asc(incidentActions.at), asc(incidentActions.id));
}

export async function insertEvidence(tx: Db, row: EvidenceRow): Promise<void> {
  await tx.insert(incidentEvidence).values(row);
}

export async function evidenceOf(db: Db, incidentId: string): Promise<EvidenceRow[]> {
  return db.select().from(incidentEvidence).where(eq(incidentEvidence.incidentId, incidentId)).orderBy(asc(incidentEvidence.addedAt), asc(incidentEvidence.id));
}

export async function alarmsOf(db: Db, incidentId: string, limit = 500) {
  return db
    .select({ id: sensorEvents.id, sensorCode: sensors.code, type: sensorEvents.type, weight: sensorEvents.weight, occurredAt: sensorEvents.occurredAt })
    .from(sensorEvents)
    .innerJoin(sensors, eq(sensors.id, sensorEvents.sensorId))
    .where(eq(sensorEvents.incidentId, incidentId))
    .orderBy(asc(sensorEvents.occurredAt), asc(sensorEvents.id))
    .limit(limit);
}

/** Alarms per sector of a facility since `since`. */
export async function alarmsPerSector(db: Db, facilityId: string, since: Date): Promise<Map<string, number>> {
  const rows = await queryRows<{ sector: string; n: number }>(
    db,
    sql`select sector, count(*)::int as n from ${sensorEvents}
        where facility_id = ${facilityId} and alarm and occurred_at >= ${since.toISOString()}::timestamptz group by sector`,
  );
  return new Map(rows.map((r) => [r.sector, Number(r.n)]));
}

// --- staff reports -------------------------------------------------------------------------------------------------

export async function insertStaffReport(tx: Db, row: StaffReportRow): Promise<void> {
  await tx.insert(staffReports).values(row);
}

export async function findStaffReport(db: Db, id: string): Promise<StaffReportRow | undefined> {
  const [row] = await db.select().from(staffReports).where(eq(staffReports.id, id));
  return row;
}

export async function updateStaffReport(tx: Db, id: string, patch: Partial<StaffReportRow>): Promise<StaffReportRow> {
  const [row] = await tx.update(staffReports).set(patch).where(eq(staffReports.id, id)).returning();
  return row!;
}

export async function listStaffReports(
  db: Db,
  f: { facilityIds?: readonly string[]; facilityId?: string; type?: string; status?: string; limit: number; offset: number },
): Promise<{ total: number; rows: StaffReportRow[] }> {
  const where: SQL[] = [];
  if (f.facilityId) where.push(eq(staffReports.facilityId, f.facilityId));
  if (f.facilityIds) where.push(inArray(staffReports.facilityId, [...f.facilityIds]));
  if (f.type) where.push(eq(staffReports.type, f.type));
  if (f.status) where.push(eq(staffReports.status, f.status));
  const cond = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(staffReports).where(cond).orderBy(desc(staffReports.occurredAt), desc(staffReports.id)).limit(f.limit).offset(f.offset),
    db.select({ n: count() }).from(staffReports).where(cond),
  ]);
  return { total: total?.n ?? 0, rows };
}

/** The persons among `ids` held in the facility now. */
export async function personsHeldIn(db: Db, facilityId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: placements.personId })
    .from(placements)
    .where(and(eq(placements.facilityId, facilityId), inArray(placements.personId, [...ids])));
  return new Set(rows.map((r) => r.id));
}

/** The persons the staff reports filed against an incident name (what an after-action timeline of it concerns). */
export async function personsReportedFor(db: Db, incidentId: string): Promise<string[]> {
  const rows = await db.select({ personIds: staffReports.personIds }).from(staffReports).where(eq(staffReports.incidentId, incidentId));
  return [...new Set(rows.flatMap((r) => r.personIds))];
}
