// Repatriation (issue 23, part B) over real HTTP on both databases: a request from its opening to the handover that
// puts REPATRIATED on the ledger; REPATRIATED refused on every path without an accepted request; a state's liaison
// confined to their own state's requests (lists, totals, figures, direct ids); bad input refused with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FakeClock } from '../src/platform/clock';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';

const DAY = 24 * 3600_000;

describe.each(await targets())('repatriation on %s', (target) => {
  let app: TestApp;
  let facilityId: string;
  let otherFacilityId: string;
  let legal: string;
  let liaisonFr: string;
  let liaisonDe: string;
  let officer: string;
  let commanderB: string;

  beforeAll(async () => {
    app = await createTestApp(target);
    facilityId = (await buildFacility(app.services, { kind: 'prison' })).facility.id;
    otherFacilityId = (await buildFacility(app.services, { kind: 'camp' })).facility.id;
    legal = await app.tokenFor('legal');
    liaisonFr = await app.tokenFor('liaison', { nationalities: ['FRA'] });
    liaisonDe = await app.tokenFor('liaison', { nationalities: ['DEU'] });
    officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
    commanderB = await app.tokenFor('commander', { facilityIds: [otherFacilityId] });
  });
  afterAll(async () => app?.close());

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(payload ? { payload } : {}) });
  const held = (nationalities: string[], extra: { birthDate?: string; at?: string } = {}) =>
    buildAdmittedPerson(app.services, { facilityId: extra.at ?? facilityId }, { nationalities, birthDate: extra.birthDate ?? '1988' } as never);
  const ledgerTypes = async (personId: string) => (await app.services.custody.personEvents(adminActor, personId)).map((e) => e.type);
  const requestsOf = async (personId: string) => (await call('GET', `/repatriation/requests?personId=${personId}`, legal)).json() as { id: string }[];
  const step = (id: string, token: string, body: object) => call('POST', `/repatriation/requests/${id}/steps`, token, body);

  it('walks a request from the state being asked to the handover, REPATRIATED on the ledger with the request as evidence', async () => {
    const person = await held(['FRA']);
    const opened = await call('POST', '/repatriation/requests', legal, { personId: person, state: 'fra', note: 'Consulate asked by note verbale' });
    expect(opened.statusCode, opened.body).toBe(201);
    const req = opened.json();
    expect(req).toMatchObject({
      state: 'FRA',
      stage: 'requested',
      nationalityStatus: 'claimed',
      overdue: false,
      actions: expect.arrayContaining(['schedule_interview']),
    });
    expect(new Date(req.dueAt).getTime() - app.clock.now().getTime()).toBe(30 * DAY);

    // the state's side, by its liaison
    expect((await call('POST', `/repatriation/requests/${req.id}/nationality`, liaisonFr, { status: 'verified' })).statusCode).toBe(200);
    const interview = await step(req.id, liaisonFr, { action: 'schedule_interview', note: 'Interview at the consulate in Erbil' });
    expect(interview.statusCode, interview.body).toBe(200);
    expect(interview.json().stage).toBe('consular_interview');
    expect((await step(req.id, liaisonFr, { action: 'accept' })).json().stage).toBe('accepted');
    const docs = await step(req.id, liaisonFr, { action: 'issue_documents', dueAt: new Date(app.clock.now().getTime() + 10 * DAY).toISOString() });
    expect(docs.json()).toMatchObject({ stage: 'travel_documents', actions: expect.arrayContaining(['hand_over']) });

    // a liaison does not hand over: that is the detaining side's act
    expect((await call('POST', `/repatriation/requests/${req.id}/handover`, liaisonFr, { representative: 'Consul' })).statusCode).toBe(403);
    const done = await call('POST', `/repatriation/requests/${req.id}/handover`, legal, { representative: 'M. Dupont, consul of France in Erbil' });
    expect(done.statusCode, done.body).toBe(200);
    const final = done.json();
    expect(final).toMatchObject({ stage: 'handed_over', representative: 'M. Dupont, consul of France in Erbil', dueAt: null, actions: [] });
    expect(final.steps.map((s: { toStage: string | null }) => s.toStage)).toEqual([
      'requested',
      null,
      'consular_interview',
      'accepted',
      'travel_documents',
      'handed_over',
    ]);

    const events = await app.services.custody.personEvents(adminActor, person);
    const last = events.at(-1)!;
    expect(last.type).toBe('REPATRIATED');
    expect(last.id).toBe(final.handoverEventId);
    expect(last.evidence).toMatchObject({ repatriationRequestId: req.id, state: 'FRA' });
    // the reads of the record are audited with the reader's purpose
    const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: person, limit: 50 });
    expect(audit.filter((a) => a.action === 'repatriation.read').map((a) => a.purpose)).toContain('consular_liaison');
  });

  it('refuses REPATRIATED on the ledger without a request the state has accepted, on every path, changing nothing', async () => {
    const person = await held(['FRA']);
    const commander = await app.tokenFor('commander');
    const direct = await call('POST', `/persons/${person}/events`, commander, { type: 'REPATRIATED' });
    expect(direct.statusCode, direct.body).toBe(409);
    expect(direct.json().error.code).toBe('custody.repatriation_not_accepted');
    const batch = await call('POST', '/events/batch', commander, { events: [{ personId: person, type: 'REPATRIATED' }] });
    expect(batch.statusCode).toBe(409);
    await expect(app.services.custody.append(adminActor, { personId: person, type: 'REPATRIATED' })).rejects.toMatchObject({
      code: 'custody.repatriation_not_accepted',
    });

    // a request the state has not accepted yet backs nothing either
    const req = (await call('POST', '/repatriation/requests', legal, { personId: person, state: 'FRA' })).json();
    await call('POST', `/repatriation/requests/${req.id}/nationality`, legal, { status: 'verified' });
    await step(req.id, legal, { action: 'schedule_interview' });
    expect((await call('POST', `/persons/${person}/events`, commander, { type: 'REPATRIATED' })).statusCode).toBe(409);
    // nor may the handover skip the state's acceptance
    const early = await call('POST', `/repatriation/requests/${req.id}/handover`, legal, { representative: 'Consul' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('repatriation.invalid_transition');
    expect(await ledgerTypes(person)).toEqual(['ADMITTED']);

    // once accepted, the ledger takes it (by hand too), naming the request as evidence
    await step(req.id, legal, { action: 'accept' });
    const ok = await call('POST', `/persons/${person}/events`, commander, { type: 'REPATRIATED', authority: 'Handed to the consul at the border' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().evidence).toMatchObject({ repatriationRequestId: req.id });
  });

  it("confines a liaison to their own state's requests: lists, totals, figures and direct ids", async () => {
    const french = await held(['FRA']);
    const german = await held(['DEU']);
    const dual = await held(['FRA', 'DEU']);
    const fr = (await call('POST', '/repatriation/requests', liaisonFr, { personId: french, state: 'FRA' })).json();
    const de = (await call('POST', '/repatriation/requests', legal, { personId: german, state: 'DEU' })).json();
    const dualDe = (await call('POST', '/repatriation/requests', liaisonDe, { personId: dual, state: 'DEU' })).json();
    expect(de.id && dualDe.id && fr.id).toBeTruthy();

    const frList = await call('GET', '/repatriation/requests?limit=500', liaisonFr);
    const frIds = frList.json().map((r: { id: string }) => r.id);
    expect(frIds).toContain(fr.id);
    expect(frIds).not.toContain(de.id);
    // a French national's request to Germany is Germany's business
    expect(frIds).not.toContain(dualDe.id);
    expect(frList.json().every((r: { state: string }) => r.state === 'FRA')).toBe(true);
    expect(Number(frList.headers['x-total-count'])).toBe(frIds.length);
    expect(frList.body).not.toContain(german);
    // asking for the other state by filter shows nothing, and no count
    const asked = await call('GET', '/repatriation/requests?state=DEU', liaisonFr);
    expect(asked.json()).toEqual([]);
    expect(asked.headers['x-total-count']).toBe('0');

    const figures = (await call('GET', '/repatriation/figures', liaisonFr)).json();
    expect(figures.states.map((s: { state: string }) => s.state)).toEqual(['FRA']);
    const all = (await call('GET', '/repatriation/figures', legal)).json();
    const deAll = all.states.find((s: { state: string }) => s.state === 'DEU');
    expect(deAll.requested).toBeGreaterThanOrEqual(2);
    expect(figures.totals.requested).toBe(all.states.find((s: { state: string }) => s.state === 'FRA').requested);
    const csv = await call('GET', '/repatriation/figures?format=csv', liaisonFr);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('state,held,requested,consular_interview,accepted,travel_documents,handed_over,refused,withdrawn,overdue');
    expect(csv.body).not.toContain('DEU');

    // another state's request answers exactly as an unknown one, to reads and to changes
    const hidden = await call('GET', `/repatriation/requests/${de.id}`, liaisonFr);
    const unknown = await call('GET', `/repatriation/requests/${randomUUID()}`, liaisonFr);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe(unknown.json().error.code);
    expect(hidden.body).not.toContain(german);
    for (const [url, body] of [
      [`/repatriation/requests/${de.id}/steps`, { action: 'withdraw', reason: 'x' }],
      [`/repatriation/requests/${de.id}/nationality`, { status: 'disputed' }],
      [`/repatriation/requests/${de.id}/evidence`, { kind: 'dna', reference: 'LAB-1' }],
    ] as const) {
      const res = await call('POST', url, liaisonFr, body);
      expect(res.statusCode, url).toBe(404);
    }
    expect((await call('GET', `/repatriation/requests/${de.id}`, legal)).json().stage).toBe('requested');
    // nor may a liaison open a request to another state, or for a person outside their nationals
    expect((await call('POST', '/repatriation/requests', liaisonFr, { personId: await held(['FRA', 'BEL']), state: 'BEL' })).statusCode).toBe(403);
    expect((await call('POST', '/repatriation/requests', liaisonFr, { personId: await held(['DEU']), state: 'FRA' })).statusCode).toBe(403);
    // the German liaison sees Germany's and not France's
    const deIds = (await call('GET', '/repatriation/requests?limit=500', liaisonDe)).json().map((r: { id: string }) => r.id);
    expect(deIds).toEqual(expect.arrayContaining([de.id, dualDe.id]));
    expect(deIds).not.toContain(fr.id);

    // a commander bound to another facility sees none of these either
    const other = await call('GET', '/repatriation/requests?limit=500', commanderB);
    expect(other.json().map((r: { id: string }) => r.id)).not.toContain(fr.id);
    expect((await call('GET', `/repatriation/requests/${fr.id}`, commanderB)).statusCode).toBe(404);
    // roles without the permission: 403
    expect((await call('GET', '/repatriation/requests', officer)).statusCode).toBe(403);
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const french = await held(['FRA']);
    const before = Number((await call('GET', '/repatriation/requests', legal)).headers['x-total-count']);
    const refused = async (payload: object, status: number, code: string) => {
      const res = await call('POST', '/repatriation/requests', legal, payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
    };
    // a person of another nationality than the state's
    await refused({ personId: french, state: 'DEU' }, 400, 'repatriation.nationality_mismatch');
    await refused({ personId: french, state: 'FRA', dueAt: new Date(app.clock.now().getTime() - DAY).toISOString() }, 400, 'repatriation.deadline_in_past');
    await refused({ personId: french, state: 'FRANCE' }, 400, 'request.invalid');
    await refused({ personId: 'not-a-uuid', state: 'FRA' }, 400, 'request.invalid');
    await refused({ personId: randomUUID(), state: 'FRA' }, 404, 'registry.person_not_found');
    const released = await held(['FRA']);
    await app.services.custody.appendMany(adminActor, [{ personId: released, type: 'ESCAPED' }]);
    await refused({ personId: released, state: 'FRA' }, 409, 'repatriation.person_not_held');
    expect(Number((await call('GET', '/repatriation/requests', legal)).headers['x-total-count'])).toBe(before);
    expect(await requestsOf(french)).toEqual([]);

    const req = (await call('POST', '/repatriation/requests', legal, { personId: french, state: 'FRA' })).json();
    await refused({ personId: french, state: 'FRA' }, 409, 'repatriation.request_open');
    const bad = async (body: object, status: number, code: string) => {
      const res = await step(req.id, legal, body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
    };
    await bad({ action: 'accept' }, 409, 'repatriation.invalid_transition');
    await bad({ action: 'fly_away' }, 400, 'request.invalid');
    await bad({ action: 'refuse' }, 400, 'request.invalid');
    await bad({ action: 'schedule_interview', dueAt: new Date(app.clock.now().getTime() - 1000).toISOString() }, 400, 'repatriation.deadline_in_past');
    await bad({ action: 'schedule_interview', dueAt: 'tomorrow' }, 400, 'request.invalid');
    await step(req.id, legal, { action: 'schedule_interview' });
    // the state accepts a verified national only
    await bad({ action: 'accept' }, 409, 'repatriation.nationality_not_verified');
    const view = (await call('GET', `/repatriation/requests/${req.id}`, legal)).json();
    expect(view).toMatchObject({ stage: 'consular_interview', nationalityStatus: 'claimed' });
    expect(view.steps).toHaveLength(2);
    expect((await call('POST', `/repatriation/requests/${req.id}/evidence`, legal, { kind: 'dna', reference: '' })).statusCode).toBe(400);
    expect((await call('POST', `/repatriation/requests/${req.id}/handover`, legal, { representative: '' })).statusCode).toBe(400);
    expect((await call('GET', '/repatriation/requests/not-a-uuid', legal)).statusCode).toBe(400);
    expect((await call('GET', '/repatriation/requests?limit=100000', legal)).statusCode).toBe(400);
    // a refusal closes it with its reason; nothing moves it after
    const refusal = await step(req.id, legal, { action: 'refuse', reason: 'The state contests the nationality' });
    expect(refusal.json()).toMatchObject({ stage: 'refused', reason: 'The state contests the nationality', actions: [] });
    await bad({ action: 'withdraw', reason: 'x' }, 409, 'repatriation.invalid_transition');
    expect((await call('POST', `/repatriation/requests/${req.id}/evidence`, legal, { kind: 'dna', reference: 'LAB-9' })).json().error.code).toBe(
      'repatriation.closed',
    );
  });

  it('accepts a child only on recorded evidence (its record, not the data), and counts an overdue stage in the figures', async () => {
    const child = await held(['FRA'], { birthDate: '2017-03-01' });
    const req = (await call('POST', '/repatriation/requests', liaisonFr, { personId: child, state: 'FRA' })).json();
    expect(req.minor).toBe(true);
    await call('POST', `/repatriation/requests/${req.id}/nationality`, liaisonFr, { status: 'verified' });
    await step(req.id, liaisonFr, { action: 'schedule_interview' });
    const refused = await step(req.id, liaisonFr, { action: 'accept' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('repatriation.child_evidence_required');
    const ev = await call('POST', `/repatriation/requests/${req.id}/evidence`, liaisonFr, {
      kind: 'dna',
      reference: 'Institut Pasteur case 2026-118',
      note: 'Filiation to the mother',
    });
    expect(ev.statusCode, ev.body).toBe(200);
    expect(ev.json().evidence).toEqual([expect.objectContaining({ kind: 'dna', reference: 'Institut Pasteur case 2026-118' })]);
    // the state gives itself an hour for the travel documents
    const accepted = await step(req.id, liaisonFr, { action: 'accept', dueAt: new Date(app.clock.now().getTime() + 3600_000).toISOString() });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().overdue).toBe(false);

    // two hours on, that deadline has passed: the request is overdue, in the list and in the figures
    const before = (await call('GET', '/repatriation/figures', liaisonFr)).json().totals.overdue;
    (app.clock as FakeClock).advance(2 * 3600_000);
    const page = await call('GET', '/repatriation/requests?overdue=true&limit=500', liaisonFr);
    expect(page.json().map((r: { id: string }) => r.id)).toContain(req.id);
    expect(page.json().find((r: { id: string }) => r.id === req.id).overdue).toBe(true);
    expect((await call('GET', '/repatriation/figures', liaisonFr)).json().totals.overdue).toBeGreaterThan(before);
  });

  it("shows a liaison no legal case work of any state, and counts only their own nationals' separated children", async () => {
    // legal cases, their summary, the stasis figures and reintegration cases are not a liaison's (403, no counts)
    for (const url of ['/cases/legal', '/cases/legal/summary', '/cases/figures/stasis', '/cases/figures/stasis?format=csv', '/cases/reintegration']) {
      const res = await call('GET', url, liaisonFr);
      expect([url, res.statusCode]).toEqual([url, 403]);
      expect(res.headers['x-total-count']).toBeUndefined();
    }
    // a child of each state left without their mother (she escaped): each liaison counts their own state's child only
    const separated = async (token: string) => (await call('GET', '/families/separated-children', token)).json().total as number;
    const [frBefore, deBefore, allBefore] = [await separated(liaisonFr), await separated(liaisonDe), await separated(legal)];
    const children: Record<string, string> = {};
    for (const state of ['FRA', 'DEU']) {
      const mother = await buildAdmittedPerson(app.services, { facilityId }, { nationalities: [state], sex: 'F', birthDate: '1990' } as never);
      const child = await held([state], { birthDate: '2019-05-01' });
      await app.services.registry.addRelation(adminActor, mother, 'mother_of', child, 'registered together');
      await app.services.custody.append(adminActor, { personId: mother, type: 'ESCAPED' });
      children[state] = child;
    }
    expect([await separated(liaisonFr), await separated(liaisonDe), await separated(legal)]).toEqual([frBefore + 1, deBefore + 1, allBefore + 2]);
    // and the other state's child's family is out of their sight (a person out of scope: 403, as the registry answers)
    const hidden = await call('GET', `/families/${children.DEU}`, liaisonFr);
    expect([hidden.statusCode, hidden.json().error.code]).toEqual([403, 'access.out_of_scope']);
    expect(hidden.body).not.toContain('relatives');
    expect((await call('GET', `/families/${children.FRA}`, liaisonFr)).statusCode).toBe(200);
  });

  it('pages through every request with the total', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/repatriation/requests', legal, { personId: await held(['NLD']), state: 'NLD' });
    const total = Number((await call('GET', '/repatriation/requests?limit=1', legal)).headers['x-total-count']);
    expect(total).toBeGreaterThan(3);
    const seen = new Set<string>();
    for (let offset = 0; offset < total; offset += 2) {
      for (const r of (await call('GET', `/repatriation/requests?limit=2&offset=${offset}`, legal)).json()) seen.add(r.id);
    }
    expect(seen.size).toBe(total);
  });
});
