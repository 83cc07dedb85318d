import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import { queryRows } from '../src/platform/db/database';

for (const target of await targets()) {
  describe(`lists say how many, page through all and export on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let facilityId: string;
    let unitIds: string[];
    let unaccounted: string[];
    const hostile = `=HYPERLINK("http://evil","click")`;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('commander');
      const { facility, units } = await buildFacility(app.services, { code: 'HOLL' }, 2);
      facilityId = facility.id;
      unitIds = units.map((u) => u.id);
      const ids = await app.services.registry.createMany(adminActor, [
        ...Array.from({ length: 129 }, () => personInput({ facilityId } as never)),
        personInput({ facilityId, names: [{ full: hostile }] } as never),
      ]);
      await app.services.custody.appendMany(
        adminActor,
        ids.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: unitIds[i % 2] })),
      );
      // 75 walk out (the hostile name among them), recorded unaccounted.
      unaccounted = ids.slice(-75);
      await app.services.custody.appendMany(
        adminActor,
        unaccounted.map((personId) => ({ personId, type: 'UNACCOUNTED', facilityId })),
      );
    });
    afterAll(async () => app?.close());

    const get = (url: string, t = token, headers: Record<string, string> = {}) =>
      app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...auth(t), ...headers } });

    it('the unaccounted of a facility: a total, pages that reach every one, no overlap', async () => {
      const base = `/persons?facilityId=${facilityId}&status=unaccounted&limit=50`;
      const first = await get(base);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['x-total-count']).toBe('75');
      const second = await get(`${base}&offset=50`);
      expect(second.headers['x-total-count']).toBe('75');
      const a = (first.json() as { id: string }[]).map((p) => p.id);
      const b = (second.json() as { id: string }[]).map((p) => p.id);
      expect(a).toHaveLength(50);
      expect(b).toHaveLength(25);
      expect(new Set([...a, ...b]).size).toBe(75);
      expect([...a, ...b].sort()).toEqual([...unaccounted].sort());
      // Past the end: an empty page, the same total.
      const past = await get(`${base}&offset=100`);
      expect(past.json()).toEqual([]);
      expect(past.headers['x-total-count']).toBe('75');
    });

    it("a block's manifest: who is on the roll in that unit now, with a total", async () => {
      const res = await get(`/persons?facilityId=${facilityId}&unitId=${unitIds[0]}&status=on_roll&limit=10`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-total-count']).toBe('65');
      const rows = res.json() as { unitId: string; status: string }[];
      expect(rows).toHaveLength(10);
      expect(rows.every((r) => r.unitId === unitIds[0] && ['in_custody', 'unaccounted'].includes(r.status))).toBe(true);
    });

    it('exports every name as CSV, formulas defused, audited with the purpose; refused to roles without person records', async () => {
      const res = await get(`/persons?facilityId=${facilityId}&status=unaccounted&format=csv`, token, { 'x-custos-purpose': 'police: persons who walked out' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="custos-persons.csv"/);
      const lines = res.body.trimEnd().split('\n');
      expect(lines[0]).toBe('person_id,name,other_names,sex,birth,birth_date,birth_precision,nationalities,status,facility,unit');
      expect(lines).toHaveLength(76);
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
      ).toEqual([...unaccounted].sort());
      const bad = lines.find((l) => l.includes('HYPERLINK'))!;
      expect(bad.split(',')[1]).toBe(`"'=HYPERLINK(""http://evil""`);
      expect(lines[1]).toMatch(/,unaccounted,HOLL,B[12]$/);

      const audit = await queryRows<{ purpose: string; details: { count: number; resultIds: string[] } }>(
        app.services.database.db,
        sql`select purpose, details from audit_log where action = 'person.export' order by seq desc limit 1`,
      );
      expect(audit[0]).toMatchObject({ purpose: 'police: persons who walked out', details: { count: 75 } });
      expect(audit[0]!.details.resultIds).toHaveLength(75);

      const monitor = await app.tokenFor('monitor');
      expect((await get(`/persons?facilityId=${facilityId}&format=csv`, monitor)).statusCode).toBe(403);
    });

    it('refuses bad paging with 400 and a code', async () => {
      for (const q of ['offset=-1', 'offset=abc', 'format=xml', 'unitId=nope', 'limit=0']) {
        const res = await get(`/persons?facilityId=${facilityId}&${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.code).toBeTruthy();
      }
    });

    it('alerts say how many there are and page', async () => {
      await app.services.alerts.raise(
        adminActor,
        Array.from({ length: 3 }, (_, i) => ({
          facilityId,
          rule: 'rollcall.late' as const,
          severity: 'warning' as const,
          title: `late ${i}`,
          details: {},
          dedupeKey: `t:${i}`,
        })),
      );
      const res = await get(`/alerts?facilityId=${facilityId}&limit=2&offset=2`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-total-count']).toBe('3');
      expect(res.json()).toHaveLength(1);
    });
  });
}
