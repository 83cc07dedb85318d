import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';

for (const target of await targets()) {
  describe(`audit chain on ${target}`, () => {
    let app: TestApp;
    let monitorToken: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'HOL', kind: 'camp' });
      const commander = await app.tokenFor('commander');
      for (let i = 0; i < 5; i++) {
        const personId = await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id });
        await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personId}`, headers: { ...auth(commander), 'x-custos-purpose': 'family tracing' } });
      }
      monitorToken = await app.tokenFor('monitor');
    });
    afterAll(async () => app?.close());

    it('GET /audit/verify reports ok with the head, in any page size', async () => {
      const res = await app.http.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth(monitorToken) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ ok: true, head: { hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      expect(body.entries).toBeGreaterThan(5);
      for (const pageSize of [1, 2, 7]) expect((await app.services.audit.verify(adminActor, { pageSize })).ok).toBe(true);
    });

    it("reading a facility's event feed and the screening queue is audited with the purpose and the persons shown", async () => {
      const db = app.services.database.db;
      const [facility] = await queryRows<{ id: string }>(db, sql`select id from facilities where code = 'HOL'`);
      const commander = await app.tokenFor('commander');
      const headers = { ...auth(commander), 'x-custos-purpose': 'morning briefing' };
      const feed = await app.http.inject({ method: 'GET', url: `/api/v1/facilities/${facility!.id}/events?limit=3`, headers });
      expect(feed.statusCode).toBe(200);
      const shown = [...new Set((feed.json() as { personId: string }[]).map((e) => e.personId))].sort();
      const [feedRead] = await queryRows<{ purpose: string; details: { personIds: string[]; total: number } }>(
        db,
        sql`select purpose, details from audit_log where action = 'custody.facility_feed_read' order by seq desc limit 1`,
      );
      expect(feedRead?.purpose).toBe('morning briefing');
      expect([...feedRead!.details.personIds].sort()).toEqual(shown);
      expect(feedRead!.details.total).toBe(Number(feed.headers['x-total-count']));

      const screener = await app.tokenFor('screening');
      const queue = await app.http.inject({ method: 'GET', url: '/api/v1/screening/hits', headers: { ...auth(screener), 'x-custos-purpose': 'review' } });
      expect(queue.statusCode).toBe(200);
      const [queueRead] = await queryRows<{ purpose: string; details: { total: number } }>(
        db,
        sql`select purpose, details from audit_log where action = 'screening.queue_read' order by seq desc limit 1`,
      );
      expect(queueRead).toMatchObject({ purpose: 'review', details: { total: Number(queue.headers['x-total-count']) } });
    });

    const COLUMNS = [
      ['purpose', sql`purpose = 'curiosity'`],
      ['actor_username', sql`actor_username = 'someone-else'`],
      ['at', sql`at = at + interval '1 second'`],
      ['details', sql`details = '{"forged": true}'::jsonb`],
      ['subject_id', sql`subject_id = 'another-person'`],
      ['hash', sql`hash = repeat('b', 64)`],
    ] as const;

    it.each(COLUMNS.map(([c, s]) => [c, s]))('tampering with %s of an audit entry is caught through the monitor endpoint', async (_column, set) => {
      const db = app.services.database.db;
      const [victim] = await queryRows<{ seq: number }>(db, sql`select seq from audit_log order by seq offset 3 limit 1`);
      const seq = Number(victim!.seq);
      const [original] = await queryRows<Record<string, unknown>>(db, sql`select * from audit_log where seq = ${seq}`);
      const asSuperuser = (statement: ReturnType<typeof sql>) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(statement);
        });
      await asSuperuser(sql`update audit_log set ${set} where seq = ${seq}`);
      try {
        const res = await app.http.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth(monitorToken) });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ ok: false, firstBad: { seq } });
        for (const pageSize of [2, 4]) expect(await app.services.audit.verify(adminActor, { pageSize })).toMatchObject({ ok: false, firstBad: { seq } });
      } finally {
        const o = original!;
        await asSuperuser(sql`update audit_log set purpose = ${o.purpose}, actor_username = ${o.actor_username}, at = ${o.at},
          details = ${o.details === null ? null : JSON.stringify(o.details)}::jsonb, subject_id = ${o.subject_id}, hash = ${o.hash}
          where seq = ${seq}`);
      }
      expect((await app.services.audit.verify(adminActor)).ok).toBe(true);
    });
  });
}
