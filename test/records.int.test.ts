/**
 * Issue 16, the person page's record work over the HTTP API: the custody events a caller may record now
 * (GET /persons/:id/events/allowed, the state machine's rule shared with the screen), family links added and ended
 * with a reason (POST /persons/:id/relations, POST /persons/:id/relations/:relationId/end), and bad input refused
 * with a 4xx that changes nothing: unknown ids, wrong roles, an impossible transition, a missing reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';

const UNKNOWN = '0190a000-0000-7000-8000-00000000dead';

for (const target of await targets()) {
  describe(`record work on ${target}`, () => {
    let app: TestApp;
    let admin: string;
    let registrar: string;
    let officer: string;
    let monitor: string;
    let outsider: string;
    let facilityId: string;
    let units: string[];
    let otherFacility: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      const f = await buildFacility(app.services, { code: 'HOL' }, 2);
      facilityId = f.facility.id;
      units = f.units.map((u) => u.id);
      otherFacility = (await buildFacility(app.services, { code: 'ROJ' }, 1)).facility.id;
      admin = await app.tokenFor('admin');
      registrar = await app.tokenFor('registrar');
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      monitor = await app.tokenFor('monitor');
      outsider = await app.tokenFor('officer', { facilityIds: [otherFacility] });
    });
    afterAll(async () => app?.close());

    const get = (url: string, token: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
    const post = (url: string, token: string, payload: unknown) =>
      app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), payload: payload as object });
    const timeline = async (id: string) => (await app.services.custody.personEvents(adminActor, id)).length;

    describe('the events allowed now', () => {
      it('offers the transitions of the state machine from the current status, with the fields each needs', async () => {
        const registered = await buildPerson(app.services, { facilityId });
        const none = await get(`/persons/${registered}/events/allowed`, officer);
        expect(none.statusCode, none.body).toBe(200);
        expect(none.json()).toMatchObject({ personId: registered, status: 'registered', facilityId: null });
        expect(none.json().events.map((e: { type: string }) => e.type)).toEqual(['ADMITTED']);
        expect(none.json().events[0]).toMatchObject({ required: ['facilityId'], place: 'any' });

        const held = await buildAdmittedPerson(app.services, { facilityId, unitId: units[0] });
        const res = await get(`/persons/${held}/events/allowed`, officer);
        expect(res.json()).toMatchObject({ status: 'in_custody', facilityId, unitId: units[0] });
        const types = res.json().events.map((e: { type: string }) => e.type);
        expect(types).toEqual(['MOVED', 'TRANSFER_DEPARTED', 'TEMPORARY_OUT', 'RELEASED', 'REPATRIATED', 'ESCAPED', 'DECEASED', 'UNACCOUNTED']);
        const out = res.json().events.find((e: { type: string }) => e.type === 'TEMPORARY_OUT');
        expect(out).toMatchObject({ required: ['reason'], reasons: ['hospital', 'court', 'transfer', 'other'] });

        // Each offered type is accepted with its required fields; after a move, the offer follows the new state.
        const moved = await post(`/persons/${held}/events`, officer, { type: 'MOVED', unitId: units[1], reason: 'medical block' });
        expect(moved.statusCode, moved.body).toBe(201);
        const esc = await post(`/persons/${held}/events`, officer, { type: 'ESCAPED' });
        expect(esc.statusCode, esc.body).toBe(201);
        expect((await get(`/persons/${held}/events/allowed`, officer)).json().events.map((e: { type: string }) => e.type)).toEqual(['RECAPTURED', 'DECEASED']);
        // The read of the record's custody state is audited.
        const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: held, limit: 20 });
        expect(audit.some((e) => e.action === 'person.read_allowed_events')).toBe(true);
      });

      it('a registrar is offered the admission only', async () => {
        const registered = await buildPerson(app.services);
        expect((await get(`/persons/${registered}/events/allowed`, registrar)).json().events.map((e: { type: string }) => e.type)).toEqual(['ADMITTED']);
        const held = await buildAdmittedPerson(app.services, { facilityId });
        expect((await get(`/persons/${held}/events/allowed`, registrar)).json().events).toEqual([]);
        const refused = await post(`/persons/${held}/events`, registrar, { type: 'RELEASED' });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error.code).toBe('custody.role_may_not');
      });

      it('refuses an unknown person, a malformed id, a role without custody.append and a person outside the scope', async () => {
        const held = await buildAdmittedPerson(app.services, { facilityId });
        expect((await get(`/persons/${UNKNOWN}/events/allowed`, officer)).statusCode).toBe(404);
        expect((await get('/persons/not-a-uuid/events/allowed', officer)).statusCode).toBe(400);
        expect((await get(`/persons/${held}/events/allowed`, monitor)).statusCode).toBe(403);
        const hidden = await get(`/persons/${held}/events/allowed`, outsider);
        expect(hidden.statusCode).toBe(403);
        expect(hidden.body).not.toContain('in_custody');
      });

      it('an impossible transition is a 409 naming the rule, a missing field a 400; neither records anything', async () => {
        const registered = await buildPerson(app.services, { facilityId });
        const move = await post(`/persons/${registered}/events`, officer, { type: 'MOVED', unitId: units[0] });
        expect(move.statusCode).toBe(409);
        expect(move.json().error).toMatchObject({ code: 'custody.invalid_transition', details: { rule: 'invalid_transition', allowedFrom: ['in_custody'] } });
        expect(move.json().error.message).toMatch(/MOVED requires status in_custody/);
        const held = await buildAdmittedPerson(app.services, { facilityId, unitId: units[0] });
        const before = await timeline(held);
        const noUnit = await post(`/persons/${held}/events`, officer, { type: 'MOVED' });
        expect(noUnit.statusCode).toBe(400);
        expect(noUnit.json().error.code).toBe('custody.missing_field');
        const noReason = await post(`/persons/${held}/events`, officer, { type: 'TEMPORARY_OUT' });
        expect(noReason.statusCode).toBe(400);
        const elsewhere = await post(`/persons/${held}/events`, admin, { type: 'MOVED', unitId: (await buildFacility(app.services, {}, 1)).units[0]!.id });
        expect(elsewhere.statusCode).toBe(409);
        expect(elsewhere.json().error.code).toBe('custody.move_across_facilities');
        expect(await timeline(held)).toBe(before);
      });
    });

    describe('family links', () => {
      it('adds a link with a reason, ends it with a reason (kept, shown as ended, audited on both records) and may add it again', async () => {
        const mother = await buildPerson(app.services, { names: [{ full: 'Umm Khalid' }], sex: 'F', facilityId });
        const child = await buildPerson(app.services, { names: [{ full: 'Khalid' }], birthDate: '2015', facilityId });
        const added = await post(`/persons/${mother}/relations`, registrar, { kind: 'mother_of', personId: child, reason: 'family book seen' });
        expect(added.statusCode, added.body).toBe(201);
        const link = added.json().relations[0];
        expect(link).toMatchObject({ kind: 'mother_of', personId: child, name: 'Khalid', inScope: true, reason: 'family book seen' });
        expect((await get(`/persons/${child}`, registrar)).json().relations).toEqual([
          expect.objectContaining({ id: link.id, kind: 'child_of', personId: mother }),
        ]);

        // Ended from the child's side: the link is the same.
        const ended = await post(`/persons/${child}/relations/${link.id}/end`, registrar, { reason: 'recorded on the wrong child' });
        expect(ended.statusCode, ended.body).toBe(200);
        expect(ended.json().relations).toEqual([]);
        expect(ended.json().endedRelations).toEqual([
          expect.objectContaining({
            id: link.id,
            kind: 'child_of',
            personId: mother,
            ended: expect.objectContaining({ reason: 'recorded on the wrong child' }),
          }),
        ]);
        const motherView = (await get(`/persons/${mother}`, admin)).json();
        expect(motherView.relations).toEqual([]);
        expect(motherView.endedRelations[0].ended.by).toMatch(/^registrar-/);
        for (const id of [mother, child]) {
          const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: id, limit: 50 });
          expect(audit.find((e) => e.action === 'person.end_relation')?.details).toMatchObject({ relationId: link.id, reason: 'recorded on the wrong child' });
        }

        const again = await post(`/persons/${child}/relations/${link.id}/end`, registrar, { reason: 'twice' });
        expect(again.statusCode).toBe(409);
        expect(again.json().error.code).toBe('registry.relation_ended');

        const readded = await post(`/persons/${mother}/relations`, registrar, { kind: 'mother_of', personId: child, reason: 'confirmed after all' });
        expect(readded.statusCode).toBe(201);
        expect(readded.json().relations).toHaveLength(1);
        expect(readded.json().endedRelations).toHaveLength(1);
      });

      it('refuses a missing or short reason, an unknown link, a link of another record, a wrong role and a relative outside the scope', async () => {
        const a = await buildPerson(app.services, { facilityId });
        const b = await buildPerson(app.services, { facilityId });
        const c = await buildPerson(app.services, { facilityId });
        const link = (await post(`/persons/${a}/relations`, admin, { kind: 'sibling_of', personId: b, reason: 'same tent' })).json().relations[0];
        const end = (person: string, rel: string, token: string, body: unknown) => post(`/persons/${person}/relations/${rel}/end`, token, body);

        expect((await end(a, link.id, registrar, {})).statusCode).toBe(400);
        expect((await end(a, link.id, registrar, { reason: '  ' })).statusCode).toBe(400);
        expect((await end(a, link.id, registrar, { reason: 'no' })).statusCode).toBe(400);
        expect((await end(a, 'nope', registrar, { reason: 'wrong id' })).statusCode).toBe(400);
        const unknown = await end(a, UNKNOWN, registrar, { reason: 'no such link' });
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().error.code).toBe('registry.relation_not_found');
        const notTheirs = await end(c, link.id, registrar, { reason: 'not a link of c' });
        expect(notTheirs.statusCode).toBe(404);
        expect((await end(UNKNOWN, link.id, registrar, { reason: 'no such person' })).statusCode).toBe(404);
        expect((await end(a, link.id, officer, { reason: 'officers may not' })).statusCode).toBe(403);
        expect((await end(a, link.id, monitor, { reason: 'monitors may not' })).statusCode).toBe(403);

        const badAdd = await post(`/persons/${a}/relations`, registrar, { kind: 'cousin_of', personId: c });
        expect(badAdd.statusCode).toBe(400);
        expect((await post(`/persons/${a}/relations`, registrar, { kind: 'sibling_of', personId: UNKNOWN })).statusCode).toBe(404);
        expect((await post(`/persons/${a}/relations`, registrar, { kind: 'sibling_of', personId: a })).statusCode).toBe(400);

        // A registrar scoped elsewhere cannot end a link whose relative is outside the scope.
        const scoped = await app.tokenFor('registrar', { facilityIds: [otherFacility] });
        expect((await end(a, link.id, scoped, { reason: 'out of scope' })).statusCode).toBe(403);

        // Nothing of the above changed the link.
        const view = (await get(`/persons/${a}`, admin)).json();
        expect(view.relations).toEqual([expect.objectContaining({ id: link.id, kind: 'sibling_of', personId: b })]);
        expect(view.endedRelations).toEqual([]);
        const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: a, limit: 50 });
        expect(audit.filter((e) => e.action === 'person.end_relation')).toEqual([]);
      });
    });
  });
}
