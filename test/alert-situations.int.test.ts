import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';

interface AlertJson {
  id: string;
  rule: string;
  severity: string;
  status: string;
  occurrences: number;
  escalationLevel: number;
  title: string;
  details: { personIds: string[]; repeatedPersonIds: string[]; count: number; rollcallIds: string[] };
}

for (const target of await targets()) {
  describe(`alerts grouped by situation on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let facilityId: string;
    let everyone: string[];
    const clock = () => app.clock as FakeClock;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('commander');
      const { facility, units } = await buildFacility(app.services, { code: 'HOLA' }, 2);
      facilityId = facility.id;
      everyone = await app.services.registry.createMany(
        adminActor,
        Array.from({ length: 40 }, () => personInput({ facilityId } as never)),
      );
      await app.services.custody.appendMany(
        adminActor,
        everyone.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: units[i % 2]!.id })),
      );
    });
    afterAll(async () => app?.close());

    const post = (url: string, body?: unknown) =>
      app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });
    const get = (url: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
    const openAlerts = async () => (await get(`/alerts?facilityId=${facilityId}&status=open`)).json() as AlertJson[];

    /** A whole-facility roll call where everyone but `away` is present; returns the close's answer. */
    async function rollcall(away: string[]) {
      const id = ((await post('/rollcalls', { facilityId })).json() as { id: string }).id;
      const marks = everyone.filter((p) => !away.includes(p)).map((personId) => ({ personId, result: 'present', method: 'visual' }));
      expect((await post(`/rollcalls/${id}/marks`, { marks })).statusCode).toBe(200);
      clock().advance(60_000);
      const closed = await post(`/rollcalls/${id}/close`);
      expect(closed.statusCode, closed.body).toBe(200);
      return closed.json() as { delta: number; alerts: { id: string; rule: string }[] };
    }

    it('two roll calls with the same absent persons make one open alert with 2 occurrences; it escalates by time, not by repetition', async () => {
      const away = everyone.slice(0, 3);
      const first = await rollcall(away);
      expect(first.delta).toBe(3);
      expect(first.alerts).toHaveLength(1);

      clock().advance(5 * 60_000);
      const second = await rollcall(away);
      expect(second.alerts.map((a) => a.id)).toEqual([first.alerts[0]!.id]);
      let open = await openAlerts();
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ id: first.alerts[0]!.id, occurrences: 2, rule: 'person.repeated_absence', severity: 'critical', escalationLevel: 0 });
      expect([...open[0]!.details.personIds].sort()).toEqual([...away].sort());
      expect(open[0]!.details.repeatedPersonIds).toHaveLength(3);
      expect(open[0]!.details.rollcallIds).toHaveLength(2);
      const updated = await queryRows<{ n: number }>(app.services.database.db, sql`select count(*)::int as n from outbox where type = 'alert.updated'`);
      expect(updated[0]!.n).toBe(1);

      // 7 minutes after it was raised: no escalation yet, however often the situation repeated.
      expect((await app.services.alerts.tick()).escalated).toBe(0);
      // 15 minutes (the default period) without acknowledgement: escalated once.
      clock().advance(9 * 60_000);
      expect((await app.services.alerts.tick()).escalated).toBe(1);
      open = await openAlerts();
      expect(open[0]!.escalationLevel).toBe(1);

      // Acknowledged: no further escalation, and a roll call finding the same people keeps it acknowledged.
      expect((await post(`/alerts/${open[0]!.id}/acknowledge`, { note: 'search under way' })).statusCode).toBe(200);
      clock().advance(60 * 60_000);
      expect((await app.services.alerts.tick()).escalated).toBe(0);
      await rollcall(away);
      let mine = (await get(`/alerts/${open[0]!.id}`)).json() as AlertJson;
      expect(mine).toMatchObject({ status: 'acknowledged', occurrences: 3, escalationLevel: 1 });

      // Two more walk out (one of the three came back): the same alert, open again, waiting anew; still one alert.
      const now = [...away.slice(1), everyone[5]!, everyone[6]!];
      const fourth = await rollcall(now);
      expect(fourth.alerts.map((a) => a.id)).toEqual([open[0]!.id]);
      mine = (await get(`/alerts/${open[0]!.id}`)).json() as AlertJson;
      expect(mine).toMatchObject({ status: 'open', occurrences: 4, escalationLevel: 0, acknowledged: null });
      expect([...mine.details.personIds].sort()).toEqual([...now].sort());
      expect(mine.title).toMatch(/^Repeated absence: 4 unaccounted \(latest roll call: 4 of 40; 4 roll calls\); 2 at 2 consecutive roll calls$/);
      expect(await openAlerts()).toHaveLength(1);

      // Resolved by a human, the next absence is a new situation: a new alert.
      expect((await post(`/alerts/${mine.id}/resolve`, { note: 'recorded' })).statusCode).toBe(200);
      clock().advance(60_000);
      const fifth = await rollcall(now);
      expect(fifth.alerts).toHaveLength(1);
      expect(fifth.alerts[0]!.id).not.toBe(mine.id);
      expect(await openAlerts()).toHaveLength(1);
    });
  });
}
