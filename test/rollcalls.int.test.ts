import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';
import type { Services } from '../src/services';
import { Outbox } from '../src/platform/outbox';
import { openDatabase } from '../src/platform/db/database';
import { silentLogger } from '../src/platform/logger';
import { AlertsService, type AlertMessage } from '../src/modules/alerts';

/** Enrols and admits `n` persons spread over the units, in two batches (fast enough for 1,000). */
async function populate(s: Services, facilityId: string, unitIds: string[], n: number): Promise<Map<string, string>> {
  const ids = await s.registry.createMany(
    adminActor,
    Array.from({ length: n }, () => personInput({ facilityId } as never)),
  );
  await s.custody.appendMany(
    adminActor,
    ids.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: unitIds[i % unitIds.length] })),
  );
  return new Map(ids.map((id, i) => [id, unitIds[i % unitIds.length]!]));
}

for (const target of await targets()) {
  describe(`roll calls and alerts on ${target}`, () => {
    let app: TestApp;
    let token: string;
    const clock = () => app.clock as FakeClock;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('commander');
    });
    afterAll(async () => app?.close());
    // The fake clock jumps days ahead in some tests: a fresh session each time.
    beforeEach(async () => {
      token = await app.tokenFor('commander');
    });

    const post = (url: string, body?: unknown, t = token) =>
      app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(t), ...(body !== undefined ? { payload: body as object } : {}) });
    const get = (url: string, t = token) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(t) });

    it('closes a facility of 1,000 with 17 absent: delta 17, 17 UNACCOUNTED events and one alert', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'HOL1K', capacity: 2000 }, 4);
      const persons = await populate(
        app.services,
        facility.id,
        units.map((u) => u.id),
        1000,
      );
      clock().advance(60_000);
      const opened = await post('/rollcalls', { facilityId: facility.id });
      expect(opened.statusCode, opened.body).toBe(201);
      const rc = opened.json() as { id: string; expected: number };
      expect(rc.expected).toBe(1000);

      const all = [...persons.keys()];
      const absent = new Set(all.slice(0, 17));
      const marks = all.map((personId) => ({
        id: uuidv7(),
        personId,
        result: absent.has(personId) ? 'absent' : 'present',
        method: 'face',
        unitId: persons.get(personId),
      }));
      for (let i = 0; i < marks.length; i += 250) {
        const res = await post(`/rollcalls/${rc.id}/marks`, { marks: marks.slice(i, i + 250) });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().recorded).toBe(Math.min(250, marks.length - i));
      }
      const live = (await get(`/rollcalls/${rc.id}?limit=5`)).json();
      expect(live.live).toMatchObject({ expected: 1000, present: 983, delta: 17, marks: 1000 });
      expect(live.persons).toHaveLength(5);
      expect(live.persons[0].name).toMatch(/al-Test/);

      clock().advance(60_000);
      const closed = await post(`/rollcalls/${rc.id}/close`);
      expect(closed.statusCode, closed.body).toBe(200);
      const body = closed.json();
      expect(body).toMatchObject({ expected: 1000, present: 983, excused: 0, delta: 17 });
      expect([...body.unaccounted].sort()).toEqual([...absent].sort());
      expect(body.misplaced).toEqual([]);
      expect(body.alerts).toHaveLength(1);
      expect(body.alerts[0]).toMatchObject({ rule: 'rollcall.delta', severity: 'warning' });

      const events = await queryRows<{ n: number }>(
        app.services.database.db,
        sql`select count(*)::int as n from custody_events where type = 'UNACCOUNTED' and evidence->>'rollcallId' = ${rc.id}`,
      );
      expect(events[0]!.n).toBe(17);
      const open = (await get(`/alerts?status=open&facilityId=${facility.id}`)).json() as { rule: string; details: { delta: number; personIds: string[] } }[];
      expect(open).toHaveLength(1);
      expect(open[0]!.details.delta).toBe(17);
      expect(open[0]!.details.personIds).toHaveLength(17);
      const detail = (await get(`/facilities/${facility.id}`)).json();
      expect(detail.openAlerts).toHaveLength(1);
      expect(detail.openAlerts[0]).toMatchObject({ rule: 'rollcall.delta', severity: 'warning', status: 'open' });
      expect(detail.openAlerts[0]).not.toHaveProperty('details');
      expect(detail.roll).toMatchObject({ current: 1000, unaccounted: 17 });
      expect((await app.services.custody.verify(null)).ok).toBe(true);

      // Closing twice is refused with the rule named; the ledger is unchanged.
      const again = await post(`/rollcalls/${rc.id}/close`);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('rollcall.already_closed');

      // The next roll call: those 17 are absent again (consecutive), except 2 found present, who are ACCOUNTED.
      clock().advance(3600_000);
      const rc2 = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string; expected: number };
      expect(rc2.expected).toBe(1000);
      const found = [...absent].slice(0, 2);
      const res = await post(`/rollcalls/${rc2.id}/marks`, {
        marks: all.filter((p) => !absent.has(p) || found.includes(p)).map((personId) => ({ personId, result: 'present', method: 'visual' })),
      });
      expect(res.statusCode, res.body).toBe(200);
      const statuses = await queryRows<{ status: string }>(app.services.database.db, sql`select status from placements where person_id = ${found[0]!}`);
      expect(statuses[0]!.status).toBe('in_custody');
      clock().advance(60_000);
      const closed2 = (await post(`/rollcalls/${rc2.id}/close`)).json();
      expect(closed2).toMatchObject({ expected: 1000, present: 985, delta: 15 });
      expect(closed2.ledger).toMatchObject({ unaccountedEvents: 0 });
      // One alert for the one situation (the same people missing again): the first one updated, its rule raised to the
      // repeated absence, not a second alert beside it.
      const rules = closed2.alerts.map((a: { rule: string }) => a.rule).sort();
      expect(rules).toEqual(['person.repeated_absence']);
      expect(closed2.alerts[0].id).toBe(body.alerts[0].id);
      const repeated = (await get(`/alerts?rule=person.repeated_absence`)).json()[0];
      expect(repeated).toMatchObject({ occurrences: 2, severity: 'critical' });
      expect(repeated.details.personIds).toHaveLength(15);
      expect(repeated.details.repeatedPersonIds).toHaveLength(15);

      const history = await get(`/reports/delta?facilityId=${facility.id}`);
      expect(history.statusCode, history.body).toBe(200);
      const rows = history.json().rows as { rollcallId: string; delta: number }[];
      expect(rows.filter((r) => r.rollcallId === rc.id).reduce((n, r) => n + r.delta, 0)).toBe(17);
      expect(rows.filter((r) => r.rollcallId === rc2.id).reduce((n, r) => n + r.delta, 0)).toBe(15);
      const csv = await get(`/reports/delta?facilityId=${facility.id}&format=csv`);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.body.split('\n')[0]).toMatch(/^closed_at,facility_code,unit_code/);

      // The status table: 15 still unaccounted, by facility and down to units, in JSON and CSV.
      const status = (await get('/reports/status')).json() as {
        facilities: {
          code: string;
          onRoll: number;
          byStatus: { unaccounted: number };
          units: { code: string; onRoll: number; byStatus: { unaccounted: number } }[];
        }[];
      };
      const hol = status.facilities.find((f) => f.code === 'HOL1K')!;
      expect(hol.byStatus.unaccounted).toBe(15);
      expect(hol.onRoll).toBe(1000);
      expect(hol.units.map((u) => u.code)).toEqual(['B1', 'B2', 'B3', 'B4']);
      expect(hol.units.reduce((n, u) => n + u.byStatus.unaccounted, 0)).toBe(15);
      expect(hol.units.reduce((n, u) => n + u.onRoll, 0)).toBe(1000);
      const unitCsv = (await get('/reports/status?format=csv&level=unit')).body.split('\n');
      expect(unitCsv[0]).toMatch(/^facility_code,unit_code,on_roll,in_custody/);
      expect(unitCsv.filter((l) => l.startsWith('HOL1K,'))).toHaveLength(4);
    });

    it('counts excused and misplaced persons right, and marks of persons off the manifest are refused', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'EXC' }, 3);
      const [b1, b2, b3] = units.map((u) => u.id) as [string, string, string];
      const inB1 = await Promise.all(Array.from({ length: 6 }, () => buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: b1 })));
      const inB2 = await Promise.all(Array.from({ length: 3 }, () => buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: b2 })));
      const inB3 = await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: b3 });
      clock().advance(60_000);
      // One person of B1 is at hospital (temporarily out) when the roll call opens: excused unless seen.
      await app.services.custody.append(adminActor, { personId: inB1[5]!, type: 'TEMPORARY_OUT', reason: 'hospital' });
      const stranger = await buildAdmittedPerson(app.services, { facilityId: (await buildFacility(app.services, { code: 'ELSE' }, 1)).facility.id });
      clock().advance(60_000);

      const rc = (await post('/rollcalls', { facilityId: facility.id, unitIds: [b1, b2] })).json() as { id: string; expected: number };
      expect(rc.expected).toBe(9);

      const refused = await post(`/rollcalls/${rc.id}/marks`, {
        marks: [
          { personId: inB1[0], result: 'present' },
          { personId: stranger, result: 'present' },
        ],
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'rollcall.not_on_manifest', details: { personIds: [stranger] } });
      const bad = await post(`/rollcalls/${rc.id}/marks`, { marks: [{ personId: inB1[0], result: 'excused' }] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('rollcall.excuse_needs_reason');

      const res = await post(`/rollcalls/${rc.id}/marks`, {
        unitId: b1,
        marks: [
          { personId: inB1[0], result: 'present', method: 'document', verificationRef: 'camp card 4471' },
          { personId: inB1[1], result: 'present' },
          { personId: inB1[2], result: 'excused', reason: 'court', note: 'hearing 14' },
          { personId: inB1[3], result: 'absent' },
          // Seen in B1 though on B2's list: present but misplaced; the B3 person (not on this roll call) likewise.
          { personId: inB2[0], result: 'present', method: 'face' },
          { personId: inB3, result: 'present', method: 'face' },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().misplaced.sort()).toEqual([inB2[0], inB3].sort());
      // inB1[4] unmarked (unaccounted), inB1[5] at hospital (excused), inB2[1] present in B2, inB2[2] absent then present elsewhere.
      await post(`/rollcalls/${rc.id}/marks`, {
        unitId: b2,
        marks: [
          { personId: inB2[1], result: 'present' },
          { personId: inB2[2], result: 'absent' },
        ],
      });
      await post(`/rollcalls/${rc.id}/marks`, { unitId: b1, marks: [{ personId: inB2[2], result: 'present' }] });

      // inB1[4], never marked, is released while the roll call is open: a lawful departure, excused by the ledger.
      clock().advance(60_000);
      await app.services.custody.append(adminActor, { personId: inB1[4]!, type: 'RELEASED', authority: 'Court order 9' });

      const closed = (await post(`/rollcalls/${rc.id}/close`)).json();
      expect(closed).toMatchObject({ expected: 9, present: 5, excused: 3, delta: 1 });
      expect(closed.expected).toBe(closed.present + closed.excused + closed.delta);
      expect(closed.unaccounted).toEqual([inB1[3]]);
      expect(closed.departed).toEqual([{ personId: inB1[4], status: 'released' }]);
      const misplaced = closed.misplaced as { personId: string; onList: boolean; seenUnitId: string; expectedUnitId: string }[];
      expect(misplaced.map((m) => m.personId).sort()).toEqual([inB2[0], inB2[2], inB3].sort());
      expect(misplaced.find((m) => m.personId === inB3)).toMatchObject({ onList: false, seenUnitId: b1, expectedUnitId: b3 });
      const byUnit = new Map((closed.byUnit as { unitId: string }[]).map((u) => [u.unitId, u]));
      expect(byUnit.get(b1)).toMatchObject({ expected: 6, present: 2, excused: 3, delta: 1, misplacedIn: 3, misplacedOut: 0 });
      expect(byUnit.get(b2)).toMatchObject({ expected: 3, present: 3, excused: 0, delta: 0, misplacedIn: 0, misplacedOut: 2 });
      // The hospital case stays temporarily out (no ledger event); the one unaccounted got UNACCOUNTED.
      expect(closed.ledger).toEqual({ unaccountedEvents: 1, accountedEvents: 0 });
    });

    it('treats a retried batch as a no-op and refuses a reused mark id', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'RETRY' }, 1);
      const people = await Promise.all(Array.from({ length: 5 }, () => buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id })));
      clock().advance(60_000);
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      const withIds = { marks: people.slice(0, 3).map((personId) => ({ id: uuidv7(), personId, result: 'present' })) };
      const withoutIds = { marks: people.slice(3).map((personId) => ({ personId, result: 'absent' })) };
      const audits = async () =>
        (
          await queryRows<{ n: number }>(
            app.services.database.db,
            sql`select count(*)::int as n from audit_log where action = 'rollcall.mark' and subject_id = ${rc.id}`,
          )
        )[0]!.n;

      const first = [await post(`/rollcalls/${rc.id}/marks`, withIds), await post(`/rollcalls/${rc.id}/marks`, withoutIds)];
      expect(first.map((r) => r.json().recorded)).toEqual([3, 2]);
      const before = { live: (await get(`/rollcalls/${rc.id}`)).json().live, audits: await audits() };
      const retry = [await post(`/rollcalls/${rc.id}/marks`, withIds), await post(`/rollcalls/${rc.id}/marks`, withoutIds)];
      expect(retry.map((r) => r.json())).toMatchObject([
        { received: 3, recorded: 0, duplicates: 3 },
        { received: 2, recorded: 0, duplicates: 2 },
      ]);
      expect((await get(`/rollcalls/${rc.id}`)).json().live).toEqual(before.live);
      expect(await audits()).toBe(before.audits);
      expect(before.live).toMatchObject({ marks: 5, present: 3, delta: 2 });

      const reused = await post(`/rollcalls/${rc.id}/marks`, { marks: [{ id: withIds.marks[0]!.id, personId: people[4], result: 'present' }] });
      expect(reused.statusCode).toBe(409);
      expect(reused.json().error.code).toBe('rollcall.mark_id_reused');

      const overlapping = await post('/rollcalls', { facilityId: facility.id, unitIds: [units[0]!.id] });
      expect(overlapping.statusCode).toBe(409);
      expect(overlapping.json().error.code).toBe('rollcall.already_open');
      await post(`/rollcalls/${rc.id}/close`);
      const late = await post(`/rollcalls/${rc.id}/marks`, withIds);
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('rollcall.not_open');
    });

    it('cancels a roll call opened by mistake: reason audited, no ledger events, units free again, no close or marks after', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'OOPS' }, 2);
      const people = await Promise.all(Array.from({ length: 4 }, () => buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id })));
      clock().advance(60_000);
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      expect((await post(`/rollcalls/${rc.id}/marks`, { marks: [{ personId: people[0], result: 'present' }] })).statusCode).toBe(200);
      const events = async () =>
        (
          await queryRows<{ n: number }>(
            app.services.database.db,
            sql`select count(*)::int as n from custody_events where person_id = any(${`{${people.join(',')}}`}::uuid[])`,
          )
        )[0]!.n;
      const eventsBefore = await events();

      for (const bad of [{}, { reason: '' }, { reason: 'x' }, { reason: 42 }]) {
        const refused = await post(`/rollcalls/${rc.id}/cancel`, bad);
        expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      }
      const monitor = await app.tokenFor('monitor');
      expect((await post(`/rollcalls/${rc.id}/cancel`, { reason: 'wrong block' }, monitor)).statusCode).toBe(403);
      expect((await post(`/rollcalls/${uuidv7()}/cancel`, { reason: 'wrong block' })).statusCode).toBe(404);

      const cancelled = await post(`/rollcalls/${rc.id}/cancel`, { reason: 'opened on the wrong block' });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', result: null, cancelled: { reason: 'opened on the wrong block' } });
      expect(await events()).toBe(eventsBefore);
      const [audit] = await queryRows<{ details: { reason: string } }>(
        app.services.database.db,
        sql`select details from audit_log where action = 'rollcall.cancel' and subject_id = ${rc.id}`,
      );
      expect(audit?.details.reason).toBe('opened on the wrong block');

      const again = await post(`/rollcalls/${rc.id}/cancel`, { reason: 'twice' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('rollcall.not_open');
      const close = await post(`/rollcalls/${rc.id}/close`);
      expect(close.statusCode).toBe(409);
      expect(close.json().error.code).toBe('rollcall.cancelled');
      const mark = await post(`/rollcalls/${rc.id}/marks`, { marks: [{ personId: people[1], result: 'present' }] });
      expect(mark.statusCode).toBe(409);
      expect((await get(`/rollcalls?facilityId=${facility.id}&status=cancelled`)).json().map((r: { id: string }) => r.id)).toEqual([rc.id]);

      // the units are free: a new roll call opens, and a closed one cannot be cancelled
      const next = await post('/rollcalls', { facilityId: facility.id });
      expect(next.statusCode, next.body).toBe(201);
      await post(`/rollcalls/${next.json().id}/marks`, { marks: people.map((personId) => ({ personId, result: 'present' })) });
      expect((await post(`/rollcalls/${next.json().id}/close`)).statusCode).toBe(200);
      const late = await post(`/rollcalls/${next.json().id}/cancel`, { reason: 'too late' });
      expect(late.statusCode).toBe(409);
      expect(late.json().error).toMatchObject({ code: 'rollcall.not_open', details: { status: 'closed' } });
    });

    it('counts every mark accepted while a close races with marks in flight, and refuses the rest', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'RACE' }, 2);
      const persons = [
        ...(
          await populate(
            app.services,
            facility.id,
            units.map((u) => u.id),
            200,
          )
        ).keys(),
      ];
      clock().advance(60_000);
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      const batches = Array.from({ length: 10 }, (_, i) => persons.slice(i * 20, i * 20 + 20));
      const marking = batches.map((b) => post(`/rollcalls/${rc.id}/marks`, { marks: b.map((personId) => ({ personId, result: 'present' })) }));
      const closing = post(`/rollcalls/${rc.id}/close`);
      const [marks, closed] = [await Promise.all(marking), await closing];
      expect(closed.statusCode, closed.body).toBe(200);
      const accepted = marks.filter((m) => m.statusCode === 200).reduce((n, m) => n + (m.json() as { recorded: number }).recorded, 0);
      expect(marks.filter((m) => m.statusCode !== 200).every((m) => m.json().error.code === 'rollcall.not_open')).toBe(true);
      expect(closed.json().present).toBe(accepted);
      expect(closed.json().delta).toBe(200 - accepted);
    });

    it('raises a missed roll call from the schedule on a fake clock, once, and escalates it when not acknowledged', async () => {
      const { facility } = await buildFacility(app.services, { code: 'SCHED' }, 1);
      clock().set('2026-01-11T03:00:00Z');
      token = await app.tokenFor('commander');
      const set = await app.http.inject({
        method: 'PUT',
        url: `/api/v1/facilities/${facility.id}/rollcall-schedule`,
        headers: auth(token),
        payload: { times: ['06:00', '18:00'], graceMinutes: 30, durationMinutes: 60 },
      });
      expect(set.statusCode, set.body).toBe(200);
      await app.http.inject({
        method: 'PUT',
        url: `/api/v1/facilities/${facility.id}/alert-rules`,
        headers: auth(token),
        payload: { escalateAfterMinutes: 10 },
      });
      const mine = async () =>
        (await get(`/alerts?facilityId=${facility.id}`)).json() as { id: string; rule: string; status: string; escalationLevel: number; severity: string }[];

      clock().set('2026-01-11T06:29:00Z');
      await app.services.alerts.tick();
      expect(await mine()).toHaveLength(0);
      clock().set('2026-01-11T06:31:00Z');
      const report = await app.services.alerts.tick();
      expect(report.missed).toBe(1);
      await app.services.alerts.tick();
      const alerts = await mine();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ rule: 'rollcall.missed', severity: 'critical', status: 'open', escalationLevel: 0 });

      clock().set('2026-01-11T06:42:00Z');
      expect((await app.services.alerts.tick()).escalated).toBeGreaterThanOrEqual(1);
      token = await app.tokenFor('commander');
      expect((await mine())[0]!.escalationLevel).toBe(1);

      const ack = await post(`/alerts/${alerts[0]!.id}/acknowledge`, { note: 'on it' });
      expect(ack.statusCode, ack.body).toBe(200);
      expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledged: { note: 'on it' } });
      expect((await post(`/alerts/${alerts[0]!.id}/acknowledge`, {})).statusCode).toBe(409);
      expect((await post(`/alerts/${alerts[0]!.id}/resolve`, {})).statusCode).toBe(400);
      const resolved = await post(`/alerts/${alerts[0]!.id}/resolve`, { note: 'count done at 07:10' });
      expect(resolved.json()).toMatchObject({ status: 'resolved', resolved: { note: 'count done at 07:10' } });
      await app.services.alerts.tick();
      expect(await mine()).toHaveLength(1);

      // 18:00 kept: opened at 17:50 and closed at 18:20; no alert. Then an unclosed one at the next 06:00 is late.
      clock().set('2026-01-11T17:50:00Z');
      token = await app.tokenFor('commander');
      const kept = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      clock().set('2026-01-11T18:20:00Z');
      await post(`/rollcalls/${kept.id}/close`);
      clock().set('2026-01-12T06:05:00Z');
      token = await app.tokenFor('commander');
      await post('/rollcalls', { facilityId: facility.id });
      clock().set('2026-01-12T07:31:00Z');
      const r2 = await app.services.alerts.tick();
      expect(r2).toMatchObject({ missed: 0, late: 1 });
      expect((await mine()).map((a) => a.rule).sort()).toEqual(['rollcall.late', 'rollcall.missed']);
    });

    it('a cancelled roll call does not hold its scheduled slot: the slot is still missed', async () => {
      const { facility } = await buildFacility(app.services, { code: 'CANSLOT' }, 1);
      clock().set('2026-01-20T03:00:00Z');
      token = await app.tokenFor('commander');
      await app.http.inject({
        method: 'PUT',
        url: `/api/v1/facilities/${facility.id}/rollcall-schedule`,
        headers: auth(token),
        payload: { times: ['06:00'], graceMinutes: 30, durationMinutes: 60 },
      });
      clock().set('2026-01-20T05:55:00Z');
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      clock().set('2026-01-20T06:10:00Z');
      expect((await post(`/rollcalls/${rc.id}/cancel`, { reason: 'opened before the guards changed' })).statusCode).toBe(200);
      clock().set('2026-01-20T06:31:00Z');
      await app.services.alerts.tick();
      token = await app.tokenFor('commander');
      const alerts = (await get(`/alerts?facilityId=${facility.id}`)).json() as { rule: string }[];
      expect(alerts.map((a) => a.rule)).toEqual(['rollcall.missed']);
    });

    it('streams alerts over SSE to a user in scope and not to one out of scope', async () => {
      const a = await buildFacility(app.services, { code: 'SSE-A' }, 1);
      const b = await buildFacility(app.services, { code: 'SSE-B' }, 1);
      const inScope = await app.tokenFor('officer', { facilityIds: [a.facility.id] });
      const outOfScope = await app.tokenFor('officer', { facilityIds: [b.facility.id] });
      const address = await app.http.listen({ port: 0, host: '127.0.0.1' });

      const open = async (t: string) => {
        const controller = new AbortController();
        const res = await fetch(`${address}/api/v1/alerts/stream`, { headers: auth(t), signal: controller.signal });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
        const reader = res.body!.getReader();
        let buffer = '';
        const next = async (): Promise<{ event: string; data: { facilityId: string; rule: string } }> => {
          for (;;) {
            const end = buffer.indexOf('\n\n');
            if (end >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (event && data) return { event, data: JSON.parse(data) };
              continue;
            }
            const { value, done } = await reader.read();
            if (done) throw new Error('stream ended');
            buffer += new TextDecoder().decode(value);
          }
        };
        return { next, close: () => controller.abort() };
      };
      const streamIn = await open(inScope);
      const streamOut = await open(outOfScope);

      const closeWithAbsence = async (facilityId: string, unitId: string) => {
        await buildAdmittedPerson(app.services, { facilityId, unitId });
        clock().advance(60_000);
        const rc = (await post('/rollcalls', { facilityId })).json() as { id: string };
        return (await post(`/rollcalls/${rc.id}/close`)).json();
      };
      const closedA = await closeWithAbsence(a.facility.id, a.units[0]!.id);
      expect(closedA.delta).toBe(1);
      const got = await streamIn.next();
      expect(got.event).toBe('alert.raised');
      expect(got.data).toMatchObject({ facilityId: a.facility.id, rule: 'rollcall.delta' });

      // The out-of-scope stream's first alert is B's, raised after A's: A's never reached it.
      await closeWithAbsence(b.facility.id, b.units[0]!.id);
      const first = await streamOut.next();
      expect(first.data.facilityId).toBe(b.facility.id);
      streamIn.close();
      streamOut.close();

      const denied = await fetch(`${address}/api/v1/alerts/stream`);
      expect(denied.status).toBe(401);
      const registrar = await app.tokenFor('registrar');
      expect((await fetch(`${address}/api/v1/alerts/stream`, { headers: auth(registrar) })).status).toBe(403);
    });

    it('raises over-capacity once as the roll grows past capacity, and hides person lists from monitors', async () => {
      const { facility, units } = await buildFacility(app.services, { code: 'CAP', capacity: 2 }, 1);
      for (let i = 0; i < 2; i++) await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id });
      await app.services.alerts.tick();
      const capacity = async () => (await get(`/alerts?facilityId=${facility.id}&rule=facility.over_capacity`)).json() as { details: { onRoll: number } }[];
      expect(await capacity()).toHaveLength(0);
      await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id });
      // the capacity rule reacts to the ledger's events
      await app.services.settle();
      await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id });
      await app.services.alerts.tick();
      const alerts = await capacity();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.details.onRoll).toBeGreaterThanOrEqual(3);

      clock().advance(60_000);
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      await post(`/rollcalls/${rc.id}/close`);
      const monitor = await app.tokenFor('monitor');
      const delta = (await get(`/alerts?facilityId=${facility.id}&rule=rollcall.delta`, monitor)).json() as { details: Record<string, unknown> }[];
      expect(delta).toHaveLength(1);
      expect(delta[0]!.details.delta).toBe(4);
      expect(delta[0]!.details).not.toHaveProperty('personIds');
      expect((await post(`/alerts/${(delta[0] as unknown as { id: string }).id}/acknowledge`, {}, monitor)).statusCode).toBe(403);
      // A monitor sees the roll call's figures but not the names on its sheet.
      const sheet = (await get(`/rollcalls/${rc.id}`, monitor)).json();
      expect(sheet.live.delta).toBe(4);
      expect(sheet.persons).toBeUndefined();
      // A liaison (nationality scope) sees no roll-call figures, Delta history or alerts: they count every nationality.
      const liaison = await app.tokenFor('liaison', { nationalities: ['FRA'] });
      expect((await get(`/rollcalls/${rc.id}`, liaison)).statusCode).toBe(403);
      expect((await get(`/rollcalls?facilityId=${facility.id}`, liaison)).json()).toEqual([]);
      expect((await get(`/reports/delta?facilityId=${facility.id}`, liaison)).json().rows).toEqual([]);
    });

    // Across processes only on a server: one process owns an embedded database, which neither notifies nor listens.
    it.skipIf(target === 'pglite')('relays alerts to another process through the outbox and NOTIFY (LISTEN in the other process)', async () => {
      // The other process: its own connections, its own outbox reader and alerts service, listening.
      const other = await openDatabase({ url: app.databaseUrl! });
      const otherOutbox = new Outbox(other, app.services.clock, app.services.ids, 'hq', silentLogger);
      const otherAlerts = new AlertsService(other, app.services.clock, app.services.ids, app.services.audit, otherOutbox, silentLogger);
      await otherOutbox.listen();
      try {
        let hear: (m: AlertMessage) => void = () => undefined;
        const heard = new Promise<AlertMessage>((resolve) => {
          hear = resolve;
        });
        await otherAlerts.subscribe(adminActor, (m) => hear(m));
        const { facility } = await buildFacility(app.services, { code: 'NOTIFY' }, 0);
        const [raised] = await app.services.alerts.raise(adminActor, [
          { facilityId: facility.id, rule: 'facility.over_capacity', severity: 'warning', title: 'test', details: {}, dedupeKey: `test:${facility.id}` },
        ]);
        const msg = await heard;
        expect(msg).toMatchObject({ change: 'raised', alert: { id: raised!.id, facilityId: facility.id } });
        expect(msg.alert.raisedAt).toBeInstanceOf(Date);
      } finally {
        await otherOutbox.stop();
        await other.close();
      }
    });

    it('refuses bad input with 4xx in the contract shape', async () => {
      const { facility } = await buildFacility(app.services, { code: 'BADRC' }, 1);
      const unknown = '01900000-0000-7000-8000-000000000000';
      const cases: [string, string, unknown, number][] = [
        ['POST', '/rollcalls', {}, 400],
        ['POST', '/rollcalls', { facilityId: 'nope' }, 400],
        ['POST', '/rollcalls', { facilityId: unknown }, 404],
        ['POST', '/rollcalls', { facilityId: facility.id, unitIds: [unknown] }, 400],
        ['POST', `/rollcalls/${unknown}/marks`, { marks: [{ personId: unknown, result: 'present' }] }, 404],
        ['POST', `/rollcalls/${unknown}/close`, undefined, 404],
        ['GET', `/rollcalls/${unknown}`, undefined, 404],
        ['GET', '/rollcalls/not-a-uuid', undefined, 400],
        ['POST', `/alerts/${unknown}/acknowledge`, {}, 404],
        ['POST', `/alerts/${unknown}/resolve`, { note: 'x' }, 404],
        ['GET', '/alerts?status=burning', undefined, 400],
        ['PUT', `/facilities/${facility.id}/rollcall-schedule`, { times: ['25:00'] }, 400],
        ['PUT', `/facilities/${facility.id}/alert-rules`, { massAbsencePercent: -1 }, 400],
        ['PUT', `/facilities/${facility.id}/alert-rules`, { unknownRule: 1 }, 400],
      ];
      for (const [method, url, body, status] of cases) {
        const res = await app.http.inject({
          method: method as 'GET',
          url: `/api/v1${url}`,
          headers: auth(token),
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
        expect(res.json().error.code).toEqual(expect.any(String));
      }
      const rc = (await post('/rollcalls', { facilityId: facility.id })).json() as { id: string };
      const marks = [
        { marks: [] },
        { marks: [{ personId: unknown, result: 'sleeping' }] },
        { marks: [{ personId: unknown, result: 'present', method: 'telepathy' }] },
        { marks: [{ personId: unknown, result: 'absent', reason: 'hospital' }] },
        { marks: [{ personId: unknown, result: 'excused', reason: 'other' }] },
        { marks: [{ personId: unknown, result: 'present', unitId: unknown }] },
        { marks: [{ personId: unknown, result: 'present', markedAt: 'yesterday' }] },
      ];
      for (const body of marks) {
        const res = await post(`/rollcalls/${rc.id}/marks`, body);
        expect(res.statusCode, res.body).toBe(400);
      }
      const raw = await app.http.inject({
        method: 'POST',
        url: `/api/v1/rollcalls/${rc.id}/marks`,
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: '{"marks": [',
      });
      expect(raw.statusCode).toBe(400);
      const monitor = await app.tokenFor('monitor');
      expect((await post('/rollcalls', { facilityId: facility.id }, monitor)).statusCode).toBe(403);
      const other = await app.tokenFor('officer', { facilityIds: [(await buildFacility(app.services, { code: 'BADRC2' }, 0)).facility.id] });
      expect((await post(`/rollcalls/${rc.id}/close`, undefined, other)).statusCode).toBe(403);
    });
  });
}
