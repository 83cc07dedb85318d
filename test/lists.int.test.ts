import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import { queryRows } from '../src/platform/db/database';

/** Valid evidence for a hit put straight into the table (the queue's paging is under test, not the matcher). */
const evidence = {
  name: null,
  birth: { outcome: 'unknown', person: null, entry: null, gapDays: null },
  nationality: { outcome: 'unknown', shared: [], person: [], entry: [] },
  documents: [],
  strength: 0.9,
  threshold: 0.8,
};

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

    it('the screening review queue says how many hits there are (in scope only) and pages through all', async () => {
      // 7 hits on persons of this facility, 2 on persons of another: a screener scoped to this facility sees 7.
      const other = await buildFacility(app.services, { code: 'ELSE' }, 1);
      const here = unaccounted.slice(0, 7);
      const there = await app.services.registry.createMany(adminActor, [personInput({} as never), personInput({} as never)]);
      await app.services.custody.appendMany(
        adminActor,
        there.map((personId) => ({ personId, type: 'ADMITTED', facilityId: other.facility.id, unitId: other.units[0]!.id })),
      );
      const db = app.services.database.db;
      const version = crypto.randomUUID();
      const entry = crypto.randomUUID();
      await db.execute(sql`insert into watchlist_versions (id, source, imported_at, file_sha256, stats, added, removed, changed, unchanged, warnings)
        values (${version}::uuid, 'un-consolidated', now(), 'x', '{}'::jsonb, 1, 0, 0, 0, '[]'::jsonb)`);
      await db.execute(sql`insert into watchlist_entries (id, source, ref, kind, primary_name, data, content_hash, screen_hash, active, added_version_id, changed_version_id)
        values (${entry}::uuid, 'un-consolidated', 'QDi.1', 'individual', 'Someone Listed', '{}'::jsonb, 'h', 'h', true, ${version}::uuid, ${version}::uuid)`);
      for (const [i, personId] of [...here, ...there].entries()) {
        await db.execute(sql`insert into screening_hits (id, person_id, entry_id, source, ref, status, strength, evidence, person_hash, entry_hash, trigger, created_at, updated_at)
          values (${crypto.randomUUID()}::uuid, ${personId}::uuid, ${entry}::uuid, 'un-consolidated', 'QDi.1', 'pending', ${0.5 + i / 100},
                  ${JSON.stringify(evidence)}::jsonb, 'p', 'e', 'test', now(), now())`);
      }

      const scoped = await app.tokenFor('screening', { facilityIds: [facilityId] });
      const first = await get('/screening/hits?status=pending&limit=4', scoped);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['x-total-count']).toBe('7');
      const second = await get('/screening/hits?status=pending&limit=4&offset=4', scoped);
      expect(second.headers['x-total-count']).toBe('7');
      const ids = [...(first.json() as { personId: string }[]), ...(second.json() as { personId: string }[])].map((h) => h.personId);
      expect(ids).toHaveLength(7);
      expect([...ids].sort()).toEqual([...here].sort());

      // Unscoped: every hit; a status with none: 0.
      const all = await app.tokenFor('screening');
      expect((await get('/screening/hits?limit=1', all)).headers['x-total-count']).toBe('9');
      expect((await get('/screening/hits?status=confirmed', all)).headers['x-total-count']).toBe('0');
      // Several statuses at once (the "Decided" tab): the latest decision first.
      await db.execute(
        sql`update screening_hits set status = 'dismissed', decided_at = now() - interval '1 hour', reason = 'r' where person_id = ${here[0]}::uuid`,
      );
      await db.execute(sql`update screening_hits set status = 'confirmed', decided_at = now(), reason = 'r' where person_id = ${here[1]}::uuid`);
      const decided = await get('/screening/hits?status=confirmed,dismissed&limit=1', all);
      expect(decided.statusCode, decided.body).toBe(200);
      expect(decided.headers['x-total-count']).toBe('2');
      expect((decided.json() as { personId: string }[]).map((h) => h.personId)).toEqual([here[1]]);
      expect((await get('/screening/hits?status=pending', scoped)).headers['x-total-count']).toBe('5');

      for (const q of ['offset=-1', 'offset=abc', 'limit=0', 'status=nope', 'status=pending,nope', 'status=']) {
        const res = await get(`/screening/hits?${q}`, all);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.code).toBeTruthy();
      }
    });

    it('the audit log says how many entries there are, pages without overlap, and counts for a redacted reader only what they may find', async () => {
      // Five reads of one person's record: five audit entries with that person as subject.
      const person = unaccounted[10]!;
      for (let i = 0; i < 5; i++) expect((await get(`/persons/${person}`)).statusCode).toBe(200);
      const admin = await app.tokenFor('admin');
      const base = `/audit?subjectType=person&subjectId=${person}&action=person.read`;
      const first = await get(`${base}&limit=3`, admin);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['x-total-count']).toBe('5');
      const second = await get(`${base}&limit=3&offset=3`, admin);
      expect(second.headers['x-total-count']).toBe('5');
      const seqs = [...(first.json() as { seq: number }[]), ...(second.json() as { seq: number }[])].map((e) => e.seq);
      expect(seqs).toHaveLength(5);
      expect(new Set(seqs).size).toBe(5);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

      // A monitor never learns whose records were read: a person's id finds nothing, not even a total.
      const monitor = await app.tokenFor('monitor');
      const hidden = await get(base, monitor);
      expect(hidden.statusCode, hidden.body).toBe(200);
      expect(hidden.json()).toEqual([]);
      expect(hidden.headers['x-total-count']).toBe('0');
      // The whole log they do page through (redacted), with the same total as the admin.
      const all = await get('/audit?limit=1', monitor);
      const allAdmin = await get('/audit?limit=1', admin);
      expect(Number(all.headers['x-total-count'])).toBeGreaterThan(5);
      expect(Number(all.headers['x-total-count'])).toBeLessThanOrEqual(Number(allAdmin.headers['x-total-count']));

      for (const q of ['offset=-1', 'offset=abc', 'limit=0']) {
        const res = await get(`/audit?${q}`, admin);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.code).toBeTruthy();
      }
    });

    it("a facility's event feed says how many events there are and pages through all without overlap", async () => {
      // 130 admissions and 75 walk-outs (beforeAll), perhaps more from the tests before: the total is the ledger's count.
      const counted = await queryRows<{ n: number }>(
        app.services.database.db,
        sql`select count(*)::int as n from custody_events where to_facility_id = ${facilityId}::uuid or from_facility_id = ${facilityId}::uuid`,
      );
      const n = counted[0]!.n;
      expect(n).toBeGreaterThanOrEqual(205);
      const ids: string[] = [];
      for (let offset = 0; offset < n; offset += 100) {
        const res = await get(`/facilities/${facilityId}/events?limit=100&offset=${offset}`);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['x-total-count']).toBe(String(n));
        ids.push(...(res.json() as { id: string }[]).map((e) => e.id));
      }
      expect(ids).toHaveLength(n);
      expect(new Set(ids).size).toBe(n);
      // A liaison sees (and counts) only the events of persons of their nationality: none here.
      const liaison = await app.tokenFor('liaison', { nationalities: ['ZZZ'] });
      const scoped = await get(`/facilities/${facilityId}/events`, liaison);
      expect(scoped.statusCode, scoped.body).toBe(200);
      expect(scoped.headers['x-total-count']).toBe(String((scoped.json() as unknown[]).length));

      for (const q of ['offset=-1', 'offset=abc', 'limit=0']) {
        const res = await get(`/facilities/${facilityId}/events?${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.code).toBeTruthy();
      }
    });
  });
}
