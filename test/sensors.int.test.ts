import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';
import { MqttIngest } from '../src/modules/sensors';

const BROKER = process.env.CUSTOS_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

for (const target of await targets()) {
  describe(`perimeter sensors over MQTT on ${target}`, () => {
    let app: TestApp;
    let ingest: MqttIngest;
    let pub: MqttClient;
    let prefix: string;
    let site: string;
    let facilityId: string;
    let unitIds: string[];
    let commander: string;
    let officer: string;
    let monitor: string;
    const held: string[] = [];
    let published = 0;

    const send = async (sensor: string, channel: 'event' | 'heartbeat' | 'status', payload: unknown, topicSite = site) => {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      await pub.publishAsync(`${prefix}/${topicSite}/sensors/${sensor}/${channel}`, body, { qos: 1 });
      published += 1;
    };
    /** Waits until the consumer has received and stored everything published, and the alert rules have run. */
    const drained = async () => {
      for (let i = 0; i < 500 && ingest.counters.received < published; i++) await new Promise((r) => setTimeout(r, 10));
      expect(ingest.counters.received).toBe(published);
      await ingest.idle();
      await app.services.settle();
    };
    const incidentsOf = async (sector: string) =>
      (await app.services.incidents.list(adminActor, { facilityId, limit: 100, offset: 0 })).rows.filter((i) => i.sector === sector);

    beforeAll(async () => {
      app = await createTestApp(target);
      site = `HOL${randomBytes(2).toString('hex').toUpperCase()}`;
      const built = await buildFacility(app.services, { code: site, name: 'al-Hol' }, 3);
      facilityId = built.facility.id;
      unitIds = built.units.map((u) => u.id);
      for (const u of [0, 0, 1]) held.push(await buildAdmittedPerson(app.services, { facilityId, unitId: unitIds[u] }));
      await app.services.guards.createPost(adminActor, { facilityId, unitId: unitIds[0], code: 'T-N1', name: 'North tower', kind: 'tower', minStaff: 1 });
      const place = (code: string, kind: string, sector: string, units: string[], x: number, heartbeatSeconds = 60) =>
        app.services.sensors.create(adminActor, { facilityId, code, name: code, kind: kind as never, sector, unitIds: units, x, y: 100, heartbeatSeconds });
      await place('N-F1', 'fence_vibration', 'north', [unitIds[0]!], 100);
      await place('N-F2', 'fence_vibration', 'north', [unitIds[0]!], 200);
      await place('N-C1', 'camera_line', 'north', [unitIds[0]!], 300);
      await place('N-M1', 'motion', 'north', [unitIds[0]!], 400);
      await place('W-G1', 'gate_contact', 'west', [unitIds[1]!], 500);
      for (const i of [1, 2, 3]) await place(`E-F${i}`, 'fence_vibration', 'east', [unitIds[2]!], 600 + i * 10);
      commander = await app.tokenFor('commander');
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      monitor = await app.tokenFor('monitor');
      prefix = `custos-test-${randomBytes(4).toString('hex')}`;
      ingest = new MqttIngest(app.services.sensors, app.services.logger, { url: BROKER, prefix, lingerMs: 5 });
      await ingest.start();
      pub = await mqtt.connectAsync(BROKER, { clientId: `${prefix}-pub` });
    });
    afterAll(async () => {
      await pub?.endAsync().catch(() => undefined);
      await ingest?.stop();
      await app?.close();
    });

    it('opens ONE incident for a breach pattern, not one per alarm, and wind alone opens none', async () => {
      for (let i = 0; i < 6; i++) await send('N-F1', 'event', { id: `wind-${i}`, type: 'vibration', value: { intensity: 0.2 } });
      await drained();
      expect(await incidentsOf('north')).toHaveLength(0);

      await send('N-F1', 'event', { id: 'b-1', type: 'vibration', value: { intensity: 0.9 } });
      await send('N-F2', 'event', { id: 'b-2', type: 'vibration', value: { intensity: 0.95 } });
      await send('N-F2', 'event', { id: 'b-3', type: 'cut' });
      await send('N-C1', 'event', { id: 'b-4', type: 'line_crossing' });
      await send('N-M1', 'event', { id: 'b-5', type: 'motion' });
      await drained();
      const list = await incidentsOf('north');
      expect(list).toHaveLength(1);
      const [incident] = list;
      expect(incident).toMatchObject({ status: 'open', severity: 'critical', alarmCount: 5, unitIds: [unitIds[0]] });
      expect(incident!.context.posts.map((p) => [p.code, p.present])).toEqual([['T-N1', 0]]);
      const alerts = await app.services.alerts.list(adminActor, { facilityId, rule: 'sensors.incident', limit: 10 });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.severity).toBe('critical');

      // the operations room shows it, with the sensors and the alarms per sector
      const ops = await app.http.inject({ method: 'GET', url: `/api/v1/sensors/facilities/${facilityId}/operations`, headers: auth(monitor) });
      expect(ops.statusCode).toBe(200);
      const body = ops.json();
      expect(body.incidents.map((i: { id: string }) => i.id)).toEqual([incident!.id]);
      expect(body.sectors.find((s: { sector: string }) => s.sector === 'north')).toMatchObject({ total: 4, alarms24h: 5, liveIncidents: 1 });
      expect(body.sensors.find((s: { code: string }) => s.code === 'N-F2')).toMatchObject({ lastEventType: 'cut', incidentId: incident!.id });
    });

    it('ignores duplicates by the device event id', async () => {
      const before = ingest.counters.duplicates;
      for (let i = 0; i < 3; i++) await send('W-G1', 'event', { id: 'dup-1', type: 'open', value: { authorised: true } });
      await drained();
      const [row] = await queryRows<{ n: number }>(app.services.database.db, sql`select count(*)::int as n from sensor_events where device_event_id = 'dup-1'`);
      expect(row!.n).toBe(1);
      expect(ingest.counters.duplicates - before).toBe(2);
      // an earlier event id again, in a later batch: still once
      await send('N-F2', 'event', { id: 'b-3', type: 'cut' });
      await drained();
      expect((await incidentsOf('north'))[0]!.alarmCount).toBe(5);
    });

    it('dead-letters malformed payloads and unknown sensors, and keeps consuming', async () => {
      const accepted = ingest.counters.accepted;
      await send('N-F1', 'event', '{not json');
      await send('N-F1', 'event', { type: 'cut' });
      await send('N-F1', 'event', { id: 'x', type: 'panic' });
      await send('NOPE', 'event', { id: 'y', type: 'cut' });
      await send('N-F1', 'status', { id: 'z' });
      await send('W-G1', 'event', { id: 'after-bad', type: 'close' });
      await drained();
      expect(ingest.counters.accepted - accepted).toBe(1);
      const res = await app.http.inject({ method: 'GET', url: '/api/v1/sensors/dead-letters', headers: auth(commander) });
      expect(res.statusCode).toBe(200);
      const byReason = Object.fromEntries(res.json().byReason.map((r: { reason: string; count: number }) => [r.reason, r.count]));
      expect(byReason).toEqual({ not_json: 1, bad_payload: 1, unknown_event_type: 1, unknown_sensor: 1, bad_topic: 1 });
      expect(ingest.counters.failedBatches).toBe(0);
    });

    it('takes the same payloads from the webhook, within the caller scope', async () => {
      const ok = await app.http.inject({
        method: 'POST',
        url: '/api/v1/sensors/webhook',
        headers: auth(officer),
        payload: {
          messages: [
            { site, sensor: 'W-G1', payload: { id: 'wh-1', type: 'close' } },
            { site, sensor: 'W-G1', channel: 'heartbeat', payload: {} },
          ],
        },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ received: 2, accepted: 1, heartbeats: 1, deadLettered: 0 });
      const other = await buildFacility(app.services, {}, 0);
      const outside = await app.http.inject({
        method: 'POST',
        url: '/api/v1/sensors/webhook',
        headers: auth(officer),
        payload: { messages: [{ site: other.facility.code, sensor: 'W-G1', payload: { id: 'wh-2', type: 'close' } }] },
      });
      expect(outside.statusCode).toBe(403);
    });

    it('walks the incident through its life and opens the emergency headcount of its units', async () => {
      const [incident] = await incidentsOf('north');
      (app.clock as FakeClock).advance(45_000);
      const ack = await app.http.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident!.id}/status`,
        headers: auth(officer),
        payload: { to: 'acknowledged' },
      });
      expect(ack.statusCode).toBe(200);
      expect(ack.json()).toMatchObject({ status: 'acknowledged', secondsToAcknowledge: 45 });
      const head = await app.http.inject({ method: 'POST', url: `/api/v1/incidents/${incident!.id}/headcount`, headers: auth(officer) });
      expect(head.statusCode).toBe(201);
      const rollcall = await app.services.rollcalls.get(adminActor, head.json().rollcallId, { offset: 0, limit: 100 });
      expect(rollcall.unitIds).toEqual([unitIds[0]]);
      expect(rollcall.expected).toBe(2);
      const again = await app.http.inject({ method: 'POST', url: `/api/v1/incidents/${incident!.id}/headcount`, headers: auth(officer) });
      expect(again.statusCode).toBe(409);
      const back = await app.http.inject({ method: 'POST', url: `/api/v1/incidents/${incident!.id}/status`, headers: auth(officer), payload: { to: 'open' } });
      expect(back.statusCode).toBe(400);
      const noNote = await app.http.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident!.id}/status`,
        headers: auth(officer),
        payload: { to: 'closed' },
      });
      expect(noNote.statusCode).toBe(400);
      expect(noNote.json().error.code).toBe('incidents.note_required');
      await app.http.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident!.id}/evidence`,
        headers: auth(officer),
        payload: { kind: 'video', ref: 'cam N-C1 02:14-02:19' },
      });
      const closed = await app.http.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident!.id}/status`,
        headers: auth(officer),
        payload: { to: 'closed', note: 'fence cut, two persons stopped at the wire' },
      });
      expect(closed.json()).toMatchObject({ status: 'closed', secondsToClose: 45 });
      const detail = await app.http.inject({ method: 'GET', url: `/api/v1/incidents/${incident!.id}`, headers: auth(monitor) });
      expect(detail.json().actions.map((a: { kind: string }) => a.kind)).toEqual(['opened', 'acknowledged', 'headcount', 'evidence', 'closed']);
      expect(detail.json().alarms).toHaveLength(5);
    });

    it('files staff incident reports linked to persons held there', async () => {
      const filed = await app.http.inject({
        method: 'POST',
        url: '/api/v1/staff-reports',
        headers: auth(officer),
        payload: {
          facilityId,
          type: 'intimidation',
          severity: 'high',
          summary: 'Hisbah members threatened a family in block B1',
          personIds: [held[0]],
          unitIds: [unitIds[0]],
        },
      });
      expect(filed.statusCode).toBe(201);
      const stray = await app.http.inject({
        method: 'POST',
        url: '/api/v1/staff-reports',
        headers: auth(officer),
        payload: { facilityId, type: 'riot', severity: 'critical', summary: 'x', personIds: ['0190aaaa-0000-7000-8000-000000000001'] },
      });
      expect(stray.statusCode).toBe(400);
      expect(stray.json().error.code).toBe('staff_reports.person_not_held');
      const seenByMonitor = await app.http.inject({ method: 'GET', url: `/api/v1/staff-reports?facilityId=${facilityId}`, headers: auth(monitor) });
      expect(seenByMonitor.json().rows[0]).toMatchObject({ personIds: null, personCount: 1, type: 'intimidation' });
    });

    it('opens the emergency headcount and links it in one transaction: a refused roll call leaves no link, two requests open one', async () => {
      // a forced gate in the west sector: one incident on unit 1
      await send('W-G1', 'event', { id: 'hc-forced', type: 'forced' });
      await drained();
      const [incident] = (await incidentsOf('west')).filter((i) => i.status === 'open');
      expect(incident?.unitIds).toEqual([unitIds[1]]);
      // a roll call already open on the unit: the headcount is refused and the incident keeps no link, no log line
      const blocking = await app.services.rollcalls.open(adminActor, { facilityId, unitIds: [unitIds[1]!] });
      const refused = await app.http.inject({ method: 'POST', url: `/api/v1/incidents/${incident!.id}/headcount`, headers: auth(officer) });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('rollcall.already_open');
      let detail = (await app.http.inject({ method: 'GET', url: `/api/v1/incidents/${incident!.id}`, headers: auth(commander) })).json();
      expect(detail.headcountRollcallId).toBeNull();
      expect(detail.actions.map((a: { kind: string }) => a.kind)).not.toContain('headcount');
      await app.services.rollcalls.cancel(adminActor, blocking.id, { reason: 'opened to test the headcount' });
      // two officers at once: one roll call, linked; the other request is refused
      const [a, b] = await Promise.all(
        [0, 1].map(() => app.http.inject({ method: 'POST', url: `/api/v1/incidents/${incident!.id}/headcount`, headers: auth(officer) })),
      );
      expect([a!.statusCode, b!.statusCode].sort()).toEqual([201, 409]);
      const won = (a!.statusCode === 201 ? a : b)!.json();
      detail = (await app.http.inject({ method: 'GET', url: `/api/v1/incidents/${incident!.id}`, headers: auth(commander) })).json();
      expect(detail.headcountRollcallId).toBe(won.rollcallId);
      expect(detail.actions.filter((x: { kind: string }) => x.kind === 'headcount')).toHaveLength(1);
      const open = (await app.services.rollcalls.list(adminActor, { facilityId, status: 'open', limit: 50 })).filter((r) => r.unitIds.includes(unitIds[1]!));
      expect(open.map((r) => r.id)).toEqual([won.rollcallId]);
      await app.services.rollcalls.cancel(adminActor, won.rollcallId, { reason: 'test over' });
    });

    it('makes silent sensors a dead zone on the timer: a sector going dark is one alert', async () => {
      for (const s of ['E-F1', 'E-F2', 'E-F3', 'W-G1']) await send(s, 'heartbeat', {});
      await drained();
      (app.clock as FakeClock).advance(60_000 * 2.5 + 1000);
      await send('W-G1', 'heartbeat', { battery: 80 });
      await drained();
      const tick = await app.services.sensors.tick();
      expect(tick.dead).toBeGreaterThanOrEqual(3);
      await app.services.settle();
      const alerts = await app.services.alerts.list(adminActor, { facilityId, rule: 'sensors.dead_zone', limit: 20 });
      const east = alerts.filter((a) => a.title.includes('sector east'));
      expect(east).toHaveLength(1);
      expect(east[0]).toMatchObject({ severity: 'critical' });
      expect(east[0]!.title).toContain('3 of 3');
      const sensors = (await app.services.sensors.list(adminActor, { facilityId, limit: 100, offset: 0 })).rows;
      expect(sensors.find((s) => s.code === 'W-G1')!.state).toBe('online');
      expect(sensors.find((s) => s.code === 'E-F1')!.state).toBe('dead');
      // heard again: online
      await send('E-F1', 'heartbeat', {});
      await drained();
      expect((await app.services.sensors.list(adminActor, { facilityId, sector: 'east', limit: 10, offset: 0 })).rows.map((s) => s.state)).toEqual([
        'online',
        'dead',
        'dead',
      ]);
      const ops = (await app.http.inject({ method: 'GET', url: `/api/v1/sensors/facilities/${facilityId}/operations`, headers: auth(commander) })).json();
      expect(ops.online.total).toBe(8);
    });

    it('moves a sensor and takes one out of service: kept with its events, no longer counted, what it sends dead-lettered', async () => {
      const list = async () => (await app.services.sensors.list(adminActor, { facilityId, limit: 100, offset: 0 })).rows;
      const e2 = (await list()).find((s) => s.code === 'E-F2')!;
      const patch = (id: string, payload: unknown, token = commander) =>
        app.http.inject({ method: 'PATCH', url: `/api/v1/sensors/${id}`, headers: auth(token), payload: payload as object });
      // bad input changes nothing: a unit of another facility, an empty patch, the code (identity on the wire), unknown id, a monitor
      const other = await buildFacility(app.services, {}, 1);
      const refused = [
        [await patch(e2.id, { unitIds: [other.units[0]!.id] }), 400],
        [await patch(e2.id, {}), 400],
        [await patch(e2.id, { code: 'E-F9' }), 400],
        [await patch('01900000-0000-7000-8000-000000000000', { name: 'x' }), 404],
        [await patch(e2.id, { name: 'x' }, monitor), 403],
      ] as const;
      for (const [res, status] of refused) expect(res.statusCode, res.body).toBe(status);
      expect((await list()).find((s) => s.id === e2.id)).toEqual(e2);
      const moved = await patch(e2.id, { name: 'East fence 2 (moved)', x: 650, heartbeatSeconds: 120 });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ code: 'E-F2', name: 'East fence 2 (moved)', x: 650, heartbeatSeconds: 120 });

      const before = (await app.http.inject({ method: 'GET', url: `/api/v1/sensors/facilities/${facilityId}/operations`, headers: auth(commander) })).json();
      const noReason = await app.http.inject({ method: 'POST', url: `/api/v1/sensors/${e2.id}/decommission`, headers: auth(commander), payload: {} });
      expect(noReason.statusCode).toBe(400);
      const off = await app.http.inject({
        method: 'POST',
        url: `/api/v1/sensors/${e2.id}/decommission`,
        headers: auth(commander),
        payload: { reason: 'fence section rebuilt' },
      });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().state).toBe('decommissioned');
      const again = await app.http.inject({
        method: 'POST',
        url: `/api/v1/sensors/${e2.id}/decommission`,
        headers: auth(commander),
        payload: { reason: 'twice' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('sensors.decommissioned');
      expect((await patch(e2.id, { name: 'y' })).statusCode).toBe(409);
      // still listed (evidence), no longer in the operations room's figures
      expect((await list()).find((s) => s.id === e2.id)!.state).toBe('decommissioned');
      const after = (await app.http.inject({ method: 'GET', url: `/api/v1/sensors/facilities/${facilityId}/operations`, headers: auth(commander) })).json();
      expect(after.online.total).toBe(before.online.total - 1);
      // what it still sends is dead-lettered, and it stays out of service
      await send('E-F2', 'heartbeat', {});
      await send('E-F2', 'event', { id: 'after-off', type: 'vibration', value: { intensity: 0.9 } });
      await drained();
      const letters = (await app.http.inject({ method: 'GET', url: '/api/v1/sensors/dead-letters', headers: auth(commander) })).json();
      expect(letters.byReason.find((r: { reason: string }) => r.reason === 'decommissioned_sensor')?.count).toBe(2);
      expect((await list()).find((s) => s.id === e2.id)!.state).toBe('decommissioned');
      expect((await app.services.sensors.tick()).dead).toBe(0);
    });
  });
}
