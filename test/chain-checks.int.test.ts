// Tail checks (the monitor view) rest on the last full walk of a chain: what they catch, what they leave to the next
// full walk, and that they say which is which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import type { FakeClock } from '../src/platform/clock';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';

for (const target of await targets()) {
  describe(`ledger and audit tail checks on ${target}`, () => {
    let app: TestApp;
    let monitor: string;
    let at: { facilityId: string; unitId: string };
    const persons: string[] = [];

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'HOL', kind: 'camp' });
      at = { facilityId: facility.id, unitId: units[0]!.id };
      for (let i = 0; i < 8; i++) persons.push(await buildAdmittedPerson(app.services, at));
      monitor = await app.tokenFor('monitor');
    });
    afterAll(async () => app?.close());

    const asSuperuser = (statement: ReturnType<typeof sql>) =>
      app.services.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(statement);
      });
    const verifyOver = async (path: string, scope: 'full' | 'tail') => {
      const res = await app.http.inject({ method: 'GET', url: `/api/v1${path}?scope=${scope}`, headers: auth(monitor) });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const eventAt = async (seq: number) =>
      (await queryRows<{ id: string }>(app.services.database.db, sql`select id from custody_events where site_id = 'hq' and seq = ${seq}`))[0]!.id;

    it('a tail check with no full walk behind it walks the whole ledger, and says so', async () => {
      const first = await verifyOver('/ledger/verify', 'tail');
      expect(first).toMatchObject({ ok: true, scope: 'full', events: 8, checkedEvents: 8 });
      expect(first.fullCheckedAt).toBe(first.checkedAt);
    });

    it('then re-checks the checkpoint event and verifies only the newer events, naming the full walk it rests on', async () => {
      const full = await verifyOver('/ledger/verify', 'full');
      (app.clock as FakeClock).advance(60_000);
      await app.services.custody.append(adminActor, { personId: persons[1]!, type: 'TEMPORARY_OUT', reason: 'court' });
      const tail = await verifyOver('/ledger/verify', 'tail');
      expect(tail).toMatchObject({ ok: true, scope: 'tail', events: 9, checkedEvents: 2, fullCheckedAt: full.checkedAt, tailFrom: [{ siteId: 'hq', seq: 8 }] });
      expect(tail.head).toBe(tail.heads[0].hash);
      // The next tail check goes on from where this one ended, still resting on the same full walk.
      expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({
        ok: true,
        scope: 'tail',
        checkedEvents: 1,
        fullCheckedAt: full.checkedAt,
        tailFrom: [{ seq: 9 }],
      });
    });

    it('catches an altered event after the checkpoint and an altered checkpoint event', async () => {
      await app.services.custody.verify(null);
      await app.services.custody.append(adminActor, { personId: persons[2]!, type: 'TEMPORARY_OUT', reason: 'hospital' });
      const newer = await eventAt(10);
      await asSuperuser(sql`update custody_events set reason = 'court' where id = ${newer}`);
      try {
        expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: false, scope: 'tail', firstBad: { id: newer, problem: 'hash_mismatch' } });
      } finally {
        await asSuperuser(sql`update custody_events set reason = 'hospital' where id = ${newer}`);
      }
      await app.services.custody.verify(null);
      const checkpointEvent = await eventAt(10);
      await asSuperuser(sql`update custody_events set authority = 'edited' where id = ${checkpointEvent}`);
      try {
        const tail = await verifyOver('/ledger/verify', 'tail');
        expect(tail).toMatchObject({ ok: false, scope: 'tail', fullCheckedAt: expect.any(String), firstBad: { id: checkpointEvent, seq: 10 } });
        // A broken result drops the checkpoint: the next tail check walks everything again.
        expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: false, scope: 'full', fullCheckedAt: null, firstBad: { id: checkpointEvent } });
      } finally {
        await asSuperuser(sql`update custody_events set authority = null where id = ${checkpointEvent}`);
      }
      expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: true, scope: 'full' });
    });

    it('leaves an older event to the next full walk, which catches it; and a stale checkpoint means a full walk', async () => {
      const full = await app.services.custody.verify(null);
      const older = await eventAt(3);
      await asSuperuser(sql`update custody_events set authority = 'edited' where id = ${older}`);
      try {
        // What the monitor view shows: intact as of the full walk of `fullCheckedAt`, tail verified now.
        expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: true, scope: 'tail', fullCheckedAt: full.checkedAt.toISOString() });
        expect(await verifyOver('/ledger/verify', 'full')).toMatchObject({ ok: false, scope: 'full', firstBad: { id: older } });
        expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: false, scope: 'full', firstBad: { id: older } });
      } finally {
        await asSuperuser(sql`update custody_events set authority = null where id = ${older}`);
      }
      expect((await app.services.custody.verify(null)).ok).toBe(true);
      (app.clock as FakeClock).advance(2 * 60 * 60_000);
      expect(await verifyOver('/ledger/verify', 'tail')).toMatchObject({ ok: true, scope: 'full' });
    });

    it('a full walk with events appended meanwhile verifies them too instead of reporting the head as moved', async () => {
      const walking = app.services.custody.verify(null, { pageSize: 1 });
      const appends = Promise.all(
        persons.slice(3, 7).map((personId) => app.services.custody.append(adminActor, { personId, type: 'TEMPORARY_OUT', reason: 'court' })),
      );
      const [result] = await Promise.all([walking, appends]);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      const audit = app.services.audit.verify(null, { pageSize: 1 });
      await Promise.all(persons.slice(3, 7).map((personId) => app.services.custody.append(adminActor, { personId, type: 'RETURNED' })));
      expect((await audit).ok).toBe(true);
    });

    it('the audit chain: tail checks on a full walk, catching a changed checkpoint entry and newer entries', async () => {
      const full = await verifyOver('/audit/verify', 'full');
      expect(full).toMatchObject({ ok: true, scope: 'full' });
      await app.services.custody.append(adminActor, { personId: persons[7]!, type: 'TEMPORARY_OUT', reason: 'court' });
      const tail = await verifyOver('/audit/verify', 'tail');
      expect(tail).toMatchObject({ ok: true, scope: 'tail', fullCheckedAt: full.checkedAt, tailFrom: { seq: full.head.seq } });
      expect(tail.checkedEntries).toBeGreaterThan(1);
      expect(tail.entries).toBe(tail.head.seq);
      const seq = tail.head.seq as number;
      const [original] = await queryRows<{ purpose: string | null }>(app.services.database.db, sql`select purpose from audit_log where seq = ${seq}`);
      await asSuperuser(sql`update audit_log set purpose = 'curiosity' where seq = ${seq}`);
      try {
        expect(await verifyOver('/audit/verify', 'tail')).toMatchObject({ ok: false, scope: 'tail', firstBad: { seq } });
        expect(await verifyOver('/audit/verify', 'tail')).toMatchObject({ ok: false, scope: 'full', firstBad: { seq } });
      } finally {
        await asSuperuser(sql`update audit_log set purpose = ${original!.purpose} where seq = ${seq}`);
      }
      const after = await verifyOver('/audit/verify', 'tail');
      expect(after.ok, JSON.stringify(after)).toBe(true);
    });

    it('a broken chain raises one critical alert per break, whoever ran the check', async () => {
      const commander = await app.tokenFor('commander');
      const chainAlerts = async () =>
        (
          (await app.http.inject({ method: 'GET', url: '/api/v1/alerts?status=open', headers: auth(commander) })).json() as {
            rule: string;
            severity: string;
            title: string;
            details: { chain: string; firstBad: { id: string } };
          }[]
        ).filter((a) => a.rule === 'integrity.chain_broken');
      // the alert is raised after the check answers: wait for it to land
      const eventually = async (n: number) => {
        for (let i = 0; i < 100 && (await chainAlerts()).length < n; i++) await new Promise((r) => setTimeout(r, 20));
        return chainAlerts();
      };
      const before = (await chainAlerts()).length;
      const victim = await eventAt(5);
      const [original] = await queryRows<{ reason: string | null }>(app.services.database.db, sql`select reason from custody_events where id = ${victim}`);
      await asSuperuser(sql`update custody_events set reason = 'edited' where id = ${victim}`);
      try {
        expect((await verifyOver('/ledger/verify', 'full')).ok).toBe(false);
        const raised = await eventually(before + 1);
        const mine = raised.filter((a) => a.details.chain === 'ledger' && a.details.firstBad.id === victim);
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ severity: 'critical', title: expect.stringContaining('does not verify') });
        // the same break found again (the periodic walk, another monitor) does not raise a second alert
        await app.services.custody.verify(null);
        await new Promise((r) => setTimeout(r, 100));
        expect((await chainAlerts()).filter((a) => a.details.firstBad.id === victim)).toHaveLength(1);
      } finally {
        await asSuperuser(sql`update custody_events set reason = ${original!.reason} where id = ${victim}`);
      }
      expect((await app.services.custody.verify(null)).ok).toBe(true);
    });
  });
}
