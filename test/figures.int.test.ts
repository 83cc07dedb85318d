import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';

for (const target of await targets()) {
  describe(`a facility's figures from the counts of its units on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let facilityId: string;
    let unitIds: string[];
    let byUnit: Map<string, string[]>;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('commander');
      const { facility, units } = await buildFacility(app.services, { code: 'HOLF' }, 3);
      facilityId = facility.id;
      unitIds = units.map((u) => u.id);
      const ids = await app.services.registry.createMany(
        adminActor,
        Array.from({ length: 30 }, () => personInput({ facilityId } as never)),
      );
      await app.services.custody.appendMany(
        adminActor,
        ids.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: unitIds[i % 3] })),
      );
      byUnit = new Map(unitIds.map((u, k) => [u, ids.filter((_, i) => i % 3 === k)]));
    });
    afterAll(async () => app?.close());

    const post = (url: string, body?: unknown) =>
      app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });
    const get = (url: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });

    /** Opens a roll call (of some units, or the whole facility), marks these persons present and closes it. */
    async function rollcall(present: string[], units?: string[]) {
      const opened = await post('/rollcalls', { facilityId, unitIds: units });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = (opened.json() as { id: string }).id;
      const marked = await post(`/rollcalls/${id}/marks`, { marks: present.map((personId) => ({ personId, result: 'present', method: 'visual' })) });
      expect(marked.statusCode, marked.body).toBe(200);
      (app.clock as FakeClock).advance(60_000);
      const closed = await post(`/rollcalls/${id}/close`);
      expect(closed.statusCode, closed.body).toBe(200);
      return { id, closedAt: app.clock.now().toISOString(), result: closed.json() as { expected: number; delta: number } };
    }

    it('a one-block roll call after a whole-camp roll call keeps the camp totals and says how old they are', async () => {
      const [b1, b2] = unitIds as [string, string];
      const everyone = [...byUnit.values()].flat();
      const away = byUnit.get(b2)!.slice(0, 5);
      const camp = await rollcall(everyone.filter((p) => !away.includes(p)));
      expect(camp.result).toMatchObject({ expected: 30, delta: 5 });

      (app.clock as FakeClock).advance(3600_000);
      const block = await rollcall(byUnit.get(b1)!, [b1]);
      expect(block.result).toMatchObject({ expected: 10, delta: 0 });

      const res = await get(`/reports/figures?facilityId=${facilityId}`);
      expect(res.statusCode, res.body).toBe(200);
      const [f] = res.json().facilities as { facilityId: string; latest: Record<string, unknown>; series: Record<string, unknown>[] }[];
      expect(f!.facilityId).toBe(facilityId);
      // The camp is still 30 with 5 unaccounted: the block's count replaced only the block's part.
      expect(f!.latest).toMatchObject({
        rollcallId: block.id,
        expected: 30,
        present: 25,
        delta: 5,
        unitsCounted: 3,
        at: block.closedAt,
        oldestCountAt: camp.closedAt,
      });
      expect(f!.series.map((p) => [p.expected, p.delta])).toEqual([
        [30, 5],
        [30, 5],
      ]);

      // The facility list (no filter) carries the same; `from` trims the history, not the sum.
      const all = (await get('/reports/figures')).json().facilities as { facilityId: string; latest: { expected: number } }[];
      expect(all.find((x) => x.facilityId === facilityId)?.latest.expected).toBe(30);
      const later = (await get(`/reports/figures?facilityId=${facilityId}&from=${encodeURIComponent(block.closedAt)}`)).json();
      expect(later.facilities[0].series).toHaveLength(1);
      expect(later.facilities[0].series[0]).toMatchObject({ expected: 30, delta: 5 });
    });

    it('refuses a bad query with 400 and answers nothing to a nationality scope', async () => {
      const bad = await get('/reports/figures?facilityId=nope');
      expect(bad.statusCode).toBe(400);
      const liaison = await app.tokenFor('liaison', { nationalities: ['IRQ'] });
      const res = await app.http.inject({ method: 'GET', url: '/api/v1/reports/figures', headers: auth(liaison) });
      if (res.statusCode === 200) expect(res.json().facilities).toEqual([]);
      else expect(res.statusCode).toBe(403);
    });
  });
}
