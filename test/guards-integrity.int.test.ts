import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { queryRows } from '../src/platform/db/database';

/** Integrity controls of issue 17: the rotation rule and the two-person rule (and the guards' biometric check-in). */
for (const target of await targets()) {
  describe(`integrity controls on ${target}`, () => {
    let app: TestApp;
    let commander: string;
    let officerA: string;
    let officerB: string;
    let otherOfficer: string;
    let registrar: string;
    let facilityId: string;
    let unitId: string;
    const req = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown) =>
      app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });
    const ledgerCount = async () => (await queryRows<{ n: number }>(app.services.database.db, sql`select count(*)::int as n from custody_events`))[0]!.n;

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'INTG' }, 1);
      facilityId = facility.id;
      unitId = units[0]!.id;
      const other = await buildFacility(app.services, { code: 'INTO' }, 1);
      commander = await app.tokenFor('commander');
      officerA = await app.tokenFor('officer', { facilityIds: [facilityId] });
      officerB = await app.tokenFor('officer', { facilityIds: [facilityId] });
      otherOfficer = await app.tokenFor('officer', { facilityIds: [other.facility.id] });
      registrar = await app.tokenFor('registrar');
    });
    afterAll(async () => app?.close());

    it('the rotation rule: at most N shifts in a row at one post, single or imported, reported on the board', async () => {
      const post = async (code: string) =>
        (await req('POST', '/guards/posts', commander, { facilityId, code, name: code, kind: 'tower', minStaff: 1 })).json().id as string;
      const t1 = await post('RT1');
      await post('RT2');
      const g = (await req('POST', '/guards/staff', commander, { badge: 'ROT-1', fullName: 'Rot One', organisation: 'sdf', facilityId })).json().id;
      await req('POST', '/guards/staff', commander, { badge: 'ROT-2', fullName: 'Rot Two', organisation: 'sdf', facilityId });
      const day = (d: number, h = 6) => new Date(Date.UTC(2026, 0, d, h)).toISOString();
      expect((await req('GET', `/guards/facilities/${facilityId}/threshold`, commander)).json().maxShiftsInRow).toBe(3);
      expect((await req('PUT', `/guards/facilities/${facilityId}/threshold`, commander, { maxShiftsInRow: 2 })).statusCode).toBe(200);
      for (const d of [11, 12]) {
        const ok = await req('POST', '/guards/shifts', commander, { staffId: g, postId: t1, startsAt: day(d), endsAt: day(d, 14) });
        expect(ok.statusCode, ok.body).toBe(201);
      }
      const third = await req('POST', '/guards/shifts', commander, { staffId: g, postId: t1, startsAt: day(13), endsAt: day(13, 14) });
      expect(third.statusCode).toBe(409);
      expect(third.json().error.code).toBe('guards.rotation_rule');
      expect(third.json().error.message).toContain('ROT-1');
      expect(third.json().error.message).toContain('RT1');
      expect(third.json().error.message).toContain('at most 2');
      // planned in front of the row, it is refused too
      expect((await req('POST', '/guards/shifts', commander, { staffId: g, postId: t1, startsAt: day(10), endsAt: day(10, 14) })).statusCode).toBe(409);
      // the board names the guard at the limit
      const board = (await req('GET', `/guards/facilities/${facilityId}/board`, officerA)).json();
      expect(board.rotation).toEqual([expect.objectContaining({ staffId: g, badge: 'ROT-1', postId: t1, run: 2, overLimit: false })]);

      const csv = (lines: string[]) => ({ csv: ['badge,post,starts_at,ends_at', ...lines].join('\n') });
      const before = (await req('GET', `/guards/facilities/${facilityId}/roster`, commander)).json().total;
      const bad = await req(
        'POST',
        `/guards/facilities/${facilityId}/roster/import`,
        commander,
        csv([
          `ROT-2,RT1,${day(13)},${day(13, 14)}`,
          `ROT-1,RT2,${day(13)},${day(13, 14)}`,
          `ROT-2,RT1,${day(14)},${day(14, 14)}`,
          `ROT-2,RT1,${day(15)},${day(15, 14)}`,
        ]),
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('guards.roster_rotation');
      expect(bad.json().error.message).toMatch(/^Line 2: guard ROT-2 would stand at post RT1 3 shifts in a row/);
      expect((await req('GET', `/guards/facilities/${facilityId}/roster`, commander)).json().total).toBe(before);
      // another post breaks the row; 0 turns the rule off
      const ok = await req(
        'POST',
        `/guards/facilities/${facilityId}/roster/import`,
        commander,
        csv([`ROT-1,RT2,${day(13)},${day(13, 14)}`, `ROT-1,RT1,${day(14)},${day(14, 14)}`]),
      );
      expect(ok.statusCode, ok.body).toBe(201);
      await req('PUT', `/guards/facilities/${facilityId}/threshold`, commander, { maxShiftsInRow: 0 });
      expect((await req('POST', '/guards/shifts', commander, { staffId: g, postId: t1, startsAt: day(10), endsAt: day(10, 14) })).statusCode).toBe(201);
      expect((await req('GET', `/guards/facilities/${facilityId}/board`, officerA)).json().rotation).toEqual([]);
    });

    it('the two-person rule: a release waits for a second, different officer, then the ledger cites both', async () => {
      const person = await buildAdmittedPerson(app.services, { facilityId, unitId });
      const events = await ledgerCount();
      // by hand at once: refused, to be requested
      const direct = await req('POST', `/persons/${person}/events`, officerA, { type: 'RELEASED', authority: 'Court order 7' });
      expect(direct.statusCode).toBe(409);
      expect(direct.json().error.code).toBe('custody.second_officer_required');
      const allowed = (await req('GET', `/persons/${person}/events/allowed`, officerA)).json();
      expect(allowed.events.find((e: { type: string }) => e.type === 'RELEASED').secondOfficer).toBe(true);
      expect(allowed.events.find((e: { type: string }) => e.type === 'MOVED').secondOfficer).toBeUndefined();

      const asked = await req('POST', `/persons/${person}/events/requests`, officerA, { type: 'RELEASED', authority: 'Court order 7' });
      expect(asked.statusCode, asked.body).toBe(201);
      const id = asked.json().id;
      expect(asked.json().status).toBe('pending');
      // nothing in the ledger, the person still in custody
      expect(await ledgerCount()).toBe(events);
      expect((await app.services.registry.get(adminActor, person, { audit: false })).placement?.status).toBe('in_custody');
      // a second request for the same person, a registrar, an officer of another facility, a bad type
      expect((await req('POST', `/persons/${person}/events/requests`, officerB, { type: 'RELEASED' })).json().error.code).toBe('custody.confirmation_pending');
      expect((await req('POST', `/persons/${person}/events/requests`, registrar, { type: 'RELEASED' })).statusCode).toBe(403);
      expect((await req('POST', `/persons/${person}/events/requests`, otherOfficer, { type: 'RELEASED' })).statusCode).toBe(403);
      expect((await req('POST', `/persons/${person}/events/requests`, officerA, { type: 'MOVED' })).statusCode).toBe(400);

      const queue = (await req('GET', `/custody/confirmations?status=pending&facilityId=${facilityId}`, officerB)).json();
      expect(queue.total).toBe(1);
      expect(queue.items[0]).toMatchObject({ id, personId: person, type: 'RELEASED' });
      expect((await req('GET', '/custody/confirmations', otherOfficer)).json().total).toBe(0);
      expect((await req('POST', `/custody/confirmations/${id}/confirm`, otherOfficer)).statusCode).toBe(403);

      // the same officer: 409, and nothing written
      const same = await req('POST', `/custody/confirmations/${id}/confirm`, officerA);
      expect(same.statusCode).toBe(409);
      expect(same.json().error.code).toBe('custody.same_officer');
      expect(await ledgerCount()).toBe(events);

      const done = await req('POST', `/custody/confirmations/${id}/confirm`, officerB);
      expect(done.statusCode, done.body).toBe(200);
      const event = done.json().event;
      expect(event.type).toBe('RELEASED');
      expect(event.authority).toBe('Court order 7');
      expect(event.evidence).toMatchObject({
        confirmationId: id,
        requestedBy: asked.json().requestedByUsername,
        confirmedBy: done.json().confirmation.decidedByUsername,
      });
      expect(event.evidence.requestedBy).not.toBe(event.evidence.confirmedBy);
      expect(done.json().confirmation.status).toBe('confirmed');
      expect(await ledgerCount()).toBe(events + 1);
      expect((await app.services.registry.get(adminActor, person, { audit: false })).placement?.status).toBe('released');
      expect((await req('POST', `/custody/confirmations/${id}/confirm`, commander)).json().error.code).toBe('custody.confirmation_decided');
      expect((await app.services.custody.verify(null)).ok).toBe(true);
    });

    it('a correction of an escape waits too, and a rejection with a reason leaves the ledger as it was', async () => {
      const person = await buildAdmittedPerson(app.services, { facilityId, unitId });
      await app.services.custody.append(adminActor, { personId: person, type: 'ESCAPED' });
      const events = await ledgerCount();
      expect((await req('POST', `/persons/${person}/events`, officerA, { type: 'RECAPTURED', facilityId })).json().error.code).toBe(
        'custody.second_officer_required',
      );
      // a transition the state machine refuses is refused at the request already
      expect((await req('POST', `/persons/${person}/events/requests`, officerA, { type: 'ACCOUNTED' })).json().error.code).toBe('custody.invalid_transition');
      const asked = await req('POST', `/persons/${person}/events/requests`, officerA, { type: 'RECAPTURED', facilityId, reason: 'found in block C' });
      expect(asked.statusCode, asked.body).toBe(201);
      const id = asked.json().id;
      expect((await req('POST', `/custody/confirmations/${id}/reject`, officerB, { reason: '' })).statusCode).toBe(400);
      const rejected = await req('POST', `/custody/confirmations/${id}/reject`, officerB, { reason: 'no identity check at the gate' });
      expect(rejected.statusCode, rejected.body).toBe(200);
      expect(rejected.json()).toMatchObject({ status: 'rejected', decisionReason: 'no identity check at the gate', eventId: null });
      expect(await ledgerCount()).toBe(events);
      expect((await app.services.registry.get(adminActor, person, { audit: false })).placement?.status).toBe('escaped');
      // asked again and confirmed by a commander
      const again = await req('POST', `/persons/${person}/events/requests`, officerA, { type: 'RECAPTURED', facilityId });
      const ok = await req('POST', `/custody/confirmations/${again.json().id}/confirm`, commander);
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await app.services.registry.get(adminActor, person, { audit: false })).placement?.status).toBe('in_custody');
      const history = (await req('GET', `/custody/confirmations?personId=${person}`, officerB)).json();
      expect(history.items.map((c: { status: string }) => c.status)).toEqual(['rejected', 'confirmed']);
    });
  });
}
