import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

/**
 * Families and children (issue 23 part C): the best-interests step before a move that separates a child from their
 * carer, the alert for a child left without a carer, the family view's scope and audit, tracing with consent.
 */
describe.each(await targets())('families and children on %s', (target) => {
  let app: TestApp;
  let F: string;
  let G: string;
  let commander: string;
  let legal: string;
  let registrar: string;
  let monitor: string;

  beforeAll(async () => {
    app = await createTestApp(target);
    F = (await buildFacility(app.services, { code: 'FAM-F', name: 'Camp F' }, 1)).facility.id;
    G = (await buildFacility(app.services, { code: 'FAM-G', name: 'Camp G' }, 1)).facility.id;
    [commander, legal, registrar, monitor] = await Promise.all([
      app.tokenFor('commander'),
      app.tokenFor('legal'),
      app.tokenFor('registrar'),
      app.tokenFor('monitor'),
    ]);
  });
  afterAll(async () => app?.close());

  const n = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(app.services.database.db, q))[0]!.n;
  const statusOf = async (id: string) =>
    (await queryRows<{ status: string }>(app.services.database.db, sql`select status from placements where person_id = ${id}`))[0]!.status;
  const events = (id: string) => n(sql`select count(*)::int as n from custody_events where person_id = ${id}`);

  /** A mother (and optionally a father) with a child of 8, all held at F. */
  async function family(tag: string, opts: { father?: boolean } = {}) {
    const mother = await buildAdmittedPerson(app.services, { facilityId: F }, { names: [{ full: `Umm ${tag} al-Family` }], sex: 'F', birthDate: '1990' });
    const child = await buildAdmittedPerson(app.services, { facilityId: F }, { names: [{ full: `${tag} bint Family` }], sex: 'F', birthDate: '2018' });
    await app.services.registry.addRelation(adminActor, mother, 'mother_of', child, 'registered together');
    let father: string | undefined;
    if (opts.father) {
      father = await buildAdmittedPerson(app.services, { facilityId: F }, { names: [{ full: `Abu ${tag} al-Family` }], sex: 'M', birthDate: '1985' });
      await app.services.registry.addRelation(adminActor, father, 'father_of', child, 'registered together');
    }
    return { mother, child, father };
  }

  it('refuses a transfer that separates a child from their carer without a best-interests determination, and allows it with one', async () => {
    const { mother, child } = await family('Amal');
    const before = await events(mother);
    const refused = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${mother}/events`,
      headers: auth(commander),
      payload: { type: 'TRANSFER_DEPARTED', facilityId: G, authority: 'Convoy 7' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'families.best_interests_required' } });
    expect(await events(mother)).toBe(before);
    expect(await statusOf(mother)).toBe('in_custody');

    // a determination for another destination does not open this move
    const elsewhere = await app.http.inject({
      method: 'POST',
      url: `/api/v1/families/${child}/best-interests`,
      headers: auth(legal),
      payload: { moverId: mother, toFacilityId: F, decision: 'separation_approved', reason: 'medical care for the mother' },
    });
    expect(elsewhere.statusCode).toBe(201);
    await expect(app.services.custody.append(adminActor, { personId: mother, type: 'TRANSFER_DEPARTED', facilityId: G })).rejects.toMatchObject({
      code: 'families.best_interests_required',
    });

    const recorded = await app.http.inject({
      method: 'POST',
      url: `/api/v1/families/${child}/best-interests`,
      headers: auth(legal),
      payload: { moverId: mother, toFacilityId: G, decision: 'separation_approved', reason: 'the mother goes to trial at G; the child stays with her aunt' },
    });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ childId: child, moverId: mother, toFacilityId: G, decision: 'separation_approved' });
    const ok = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${mother}/events`,
      headers: auth(commander),
      payload: { type: 'TRANSFER_DEPARTED', facilityId: G, authority: 'Convoy 7' },
    });
    expect(ok.statusCode).toBe(201);
    expect(await statusOf(mother)).toBe('in_transit');
  });

  it('lets a family leave together without any determination, and refuses the whole batch when the child stays behind', async () => {
    const { mother, child } = await family('Huda');
    await app.services.custody.appendMany(adminActor, [
      { personId: mother, type: 'TRANSFER_DEPARTED', facilityId: G },
      { personId: child, type: 'TRANSFER_DEPARTED', facilityId: G },
    ]);
    expect([await statusOf(mother), await statusOf(child)]).toEqual(['in_transit', 'in_transit']);

    const other = await family('Rana');
    const stranger = await buildAdmittedPerson(app.services, { facilityId: F });
    const before = (await events(other.mother)) + (await events(stranger));
    await expect(
      app.services.custody.appendMany(adminActor, [
        { personId: stranger, type: 'TRANSFER_DEPARTED', facilityId: G },
        { personId: other.mother, type: 'TRANSFER_DEPARTED', facilityId: G },
      ]),
    ).rejects.toMatchObject({ code: 'families.best_interests_required', details: { separations: [{ childId: other.child }] } });
    expect((await events(other.mother)) + (await events(stranger))).toBe(before);
  });

  it('refuses to approve a manifest that takes a carer without the child (or the child without the carer) until a best-interests determination is recorded', async () => {
    const post = (url: string, payload: object = {}) => app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(commander), payload });
    const op = (await post('/transfers/operations', { name: 'Convoy to G' })).json().id as string;
    const movement = async (code: string) =>
      (await post(`/transfers/operations/${op}/movements`, { code, kind: 'convoy', capacity: 20, escorts: 2, fromFacilityId: F, toFacilityId: G })).json()
        .id as string;
    const moveStatuses = async (id: string) =>
      (await queryRows<{ status: string }>(app.services.database.db, sql`select status from transfer_moves where movement_id = ${id} order by person_id`)).map(
        (r) => r.status,
      );
    const movementStatus = async (id: string) =>
      (await queryRows<{ status: string }>(app.services.database.db, sql`select status from transfer_movements where id = ${id}`))[0]!.status;

    // the mother alone on the manifest: the child would stay behind
    const { mother, child } = await family('Mariam');
    const stranger = await buildAdmittedPerson(app.services, { facilityId: F });
    const m1 = await movement('BI-1');
    expect((await post(`/transfers/movements/${m1}/persons`, { personId: mother })).statusCode).toBe(200);
    expect((await post(`/transfers/movements/${m1}/persons`, { personId: stranger })).statusCode).toBe(200);
    const refused = await post(`/transfers/movements/${m1}/approve`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'families.best_interests_required', details: { separations: [{ childId: child, moverId: mother, toFacilityId: G }] } },
    });
    expect(await movementStatus(m1)).toBe('planned');
    expect(await moveStatuses(m1)).toEqual(['proposed', 'proposed']);

    // the same record the ledger's departure reads opens the approval
    const decided = await app.http.inject({
      method: 'POST',
      url: `/api/v1/families/${child}/best-interests`,
      headers: auth(legal),
      payload: { moverId: mother, toFacilityId: G, decision: 'separation_approved', reason: 'the mother is tried at G; the child stays with her grandmother' },
    });
    expect(decided.statusCode).toBe(201);
    expect((await post(`/transfers/movements/${m1}/approve`)).statusCode).toBe(200);
    expect(await movementStatus(m1)).toBe('approved');

    // the child alone on an approved manifest (added after approval): refused, nothing added
    const other = await family('Zaynab');
    const m2 = await movement('BI-2');
    await post(`/transfers/movements/${m2}/persons`, { personId: other.mother });
    await post(`/transfers/movements/${m2}/persons`, { personId: other.child });
    // a family on the manifest together passes without any determination
    expect((await post(`/transfers/movements/${m2}/approve`)).statusCode).toBe(200);
    const third = await family('Ruqayya');
    const added = await post(`/transfers/movements/${m2}/persons`, { personId: third.child });
    expect([added.statusCode, added.json().error.code]).toEqual([409, 'families.best_interests_required']);
    expect(await moveStatuses(m2)).toHaveLength(2);

    // a refusal recorded later than an approval blocks again
    const m3 = await movement('BI-3');
    const fourth = await family('Khadija');
    await post(`/transfers/movements/${m3}/persons`, { personId: fourth.child });
    for (const decision of ['separation_approved', 'separation_refused']) {
      const r = await app.http.inject({
        method: 'POST',
        url: `/api/v1/families/${fourth.child}/best-interests`,
        headers: auth(legal),
        payload: { moverId: fourth.child, toFacilityId: G, decision, reason: `decided: ${decision}` },
      });
      expect(r.statusCode).toBe(201);
      (app.clock as FakeClock).advance(60_000);
    }
    expect((await post(`/transfers/movements/${m3}/approve`)).json().error.code).toBe('families.best_interests_required');
    expect(await movementStatus(m3)).toBe('planned');
  });

  it("refuses a carer's release while the child stays held until a best-interests determination approves the release; nothing changes", async () => {
    const { mother, child } = await family('Sana');
    const pending = () => n(sql`select count(*)::int as n from custody_confirmations where person_id = ${mother}`);
    const before = await events(mother);
    // a release takes two officers: the first one's request is where it is decided, and where it is refused
    const release = () =>
      app.http.inject({
        method: 'POST',
        url: `/api/v1/persons/${mother}/events/requests`,
        headers: auth(commander),
        payload: { type: 'RELEASED', authority: 'Court order 41', reason: 'acquitted' },
      });
    const refused = await release();
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'families.best_interests_required', details: { separations: [{ childId: child, moverId: mother, move: 'release', toFacilityId: null }] } },
    });
    expect(refused.json().error.message).toContain('release');
    // the ledger refuses it too (the second officer's confirmation, a batch)
    await expect(app.services.custody.appendMany(adminActor, [{ personId: mother, type: 'RELEASED' }])).rejects.toMatchObject({
      code: 'families.best_interests_required',
    });
    expect(await events(mother)).toBe(before);
    expect(await statusOf(mother)).toBe('in_custody');
    expect(await pending()).toBe(0);

    // a determination for a transfer does not open a release; one for the release does
    const decide = (payload: Record<string, unknown>) =>
      app.http.inject({ method: 'POST', url: `/api/v1/families/${child}/best-interests`, headers: auth(legal), payload });
    expect((await decide({ moverId: mother, toFacilityId: G, decision: 'separation_approved', reason: 'a transfer to G' })).statusCode).toBe(201);
    expect((await release()).statusCode).toBe(409);
    // a release names no facility, a transfer names one: both refused with a clear code, nothing recorded
    const count = () => n(sql`select count(*)::int as n from family_best_interests where child_person_id = ${child}`);
    const recorded = await count();
    for (const payload of [
      { moverId: mother, move: 'release', toFacilityId: G, decision: 'separation_approved', reason: 'r' },
      { moverId: mother, move: 'transfer', decision: 'separation_approved', reason: 'r' },
    ]) {
      const bad = await decide(payload);
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'families.destination_invalid']);
    }
    expect(await count()).toBe(recorded);
    const approved = await decide({
      moverId: mother,
      move: 'release',
      decision: 'separation_approved',
      reason: 'acquitted; the child stays with her aunt in the camp until the family collects her',
    });
    expect(approved.statusCode).toBe(201);
    expect(approved.json()).toMatchObject({ move: 'release', toFacilityId: null, decision: 'separation_approved' });
    const ok = await release();
    expect(ok.statusCode, ok.body).toBe(201);
    const confirmed = await app.http.inject({
      method: 'POST',
      url: `/api/v1/custody/confirmations/${ok.json().id}/confirm`,
      headers: auth(await app.tokenFor('commander')),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await statusOf(mother)).toBe('released');
    // the family view shows the determination as one for a release
    const view = (await app.http.inject({ method: 'GET', url: `/api/v1/families/${child}?purpose=family_reunification`, headers: auth(registrar) })).json();
    expect(view.determinations.map((d: { move: string }) => d.move).sort()).toEqual(['release', 'transfer']);
    // the alert still tells the facility that the child is now without a carer there (escapes cannot be gated: alert only)
    await app.services.settle();
    const alerts = (await app.services.alerts.list(adminActor, { rule: 'family.child_separated', limit: 200 })).filter(
      (a) => (a.details as { childId?: string }).childId === child,
    );
    expect(alerts).toHaveLength(1);
  });

  it('lets a family be released together, and a child released alone to relatives, without a determination; an escape is never refused', async () => {
    const together = await family('Hiba');
    await app.services.custody.appendMany(adminActor, [
      { personId: together.mother, type: 'RELEASED' },
      { personId: together.child, type: 'RELEASED' },
    ]);
    expect([await statusOf(together.mother), await statusOf(together.child)]).toEqual(['released', 'released']);
    const alone = await family('Dina');
    await app.services.custody.append(adminActor, { personId: alone.child, type: 'RELEASED', reason: 'handed to her grandparents' });
    expect(await statusOf(alone.child)).toBe('released');
    const escaped = await family('Maha');
    await app.services.custody.append(adminActor, { personId: escaped.mother, type: 'ESCAPED' });
    expect(await statusOf(escaped.mother)).toBe('escaped');
  });

  it('refuses to hand a mother over to her state without her child (or the child without her) until a determination approves it; together they pass', async () => {
    const { mother, child } = await family('Inas');
    const other = await family('Ruba');
    const call = (url: string, payload: object) => app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(legal), payload });
    // each person's request accepted by Iraq (the factory's nationality; a child on evidence)
    const accepted = async (personId: string) => {
      const req = await call('/repatriation/requests', { personId, state: 'IRQ' });
      expect(req.statusCode, req.body).toBe(201);
      const id = req.json().id as string;
      await call(`/repatriation/requests/${id}/nationality`, { status: 'verified' });
      await call(`/repatriation/requests/${id}/evidence`, { kind: 'birth_certificate', reference: 'Consulate file 12' });
      await call(`/repatriation/requests/${id}/steps`, { action: 'schedule_interview' });
      expect((await call(`/repatriation/requests/${id}/steps`, { action: 'accept' })).statusCode).toBe(200);
      expect((await call(`/repatriation/requests/${id}/steps`, { action: 'issue_documents' })).statusCode).toBe(200);
      return id;
    };
    const [rm, rc, om, oc] = [await accepted(mother), await accepted(child), await accepted(other.mother), await accepted(other.child)];
    const stageOf = async (id: string) =>
      (await app.http.inject({ method: 'GET', url: `/api/v1/repatriation/requests/${id}`, headers: auth(legal) })).json().stage as string;
    const before = (await events(mother)) + (await events(child));

    // the mother alone, then the child alone: refused, nothing written, the requests stay accepted
    for (const [id, mover] of [
      [rm, mother],
      [rc, child],
    ] as const) {
      const refused = await call(`/repatriation/requests/${id}/handover`, { representative: 'Consul of Iraq' });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'families.best_interests_required',
        details: { separations: [{ childId: child, moverId: mover, move: 'repatriation', toFacilityId: null }] },
      });
      expect(refused.json().error.message).toContain('handover');
    }
    expect((await events(mother)) + (await events(child))).toBe(before);
    expect([await stageOf(rm), await stageOf(rc)]).toEqual(['travel_documents', 'travel_documents']);
    // a determination for her release does not open her repatriation
    await call(`/families/${child}/best-interests`, { moverId: mother, move: 'release', decision: 'separation_approved', reason: 'r' });
    expect((await call(`/repatriation/requests/${rm}/handover`, { representative: 'Consul of Iraq' })).statusCode).toBe(409);

    // handed over together (one act): no determination needed
    const together = await call(`/repatriation/requests/${rm}/handover`, { representative: 'Consul of Iraq', withRequestIds: [rc] });
    expect(together.statusCode, together.body).toBe(200);
    expect([await statusOf(mother), await statusOf(child), await stageOf(rm), await stageOf(rc)]).toEqual([
      'repatriated',
      'repatriated',
      'handed_over',
      'handed_over',
    ]);

    // the other mother alone, with a determination approving her repatriation without the child
    const decided = await call(`/families/${other.child}/best-interests`, {
      moverId: other.mother,
      move: 'repatriation',
      decision: 'separation_approved',
      reason: 'the child stays with the father’s family until the court in Paris rules',
    });
    expect([decided.statusCode, decided.json().move, decided.json().toFacilityId]).toEqual([201, 'repatriation', null]);
    expect((await call(`/repatriation/requests/${om}/handover`, { representative: 'Consul of Iraq' })).statusCode).toBe(200);
    expect(await stageOf(oc)).toBe('travel_documents');
    // an unknown request in the act: 404, nothing handed over
    expect((await call(`/repatriation/requests/${oc}/handover`, { representative: 'Consul', withRequestIds: [randomUUID()] })).statusCode).toBe(404);
    expect(await stageOf(oc)).toBe('travel_documents');
  });

  it('raises an alert when a child is left without a carer, and not while another carer remains', async () => {
    const { mother, child, father } = await family('Noor', { father: true });
    const alertsFor = async () =>
      (await app.services.alerts.list(adminActor, { rule: 'family.child_separated', limit: 200 })).filter(
        (a) => (a.details as { childId?: string }).childId === child,
      );

    await app.services.custody.append(adminActor, { personId: mother, type: 'RELEASED', reason: 'court order' });
    await app.services.settle();
    expect(await alertsFor()).toEqual([]);

    await app.services.custody.append(adminActor, { personId: father!, type: 'DECEASED', reason: 'illness' });
    await app.services.settle();
    const raised = await alertsFor();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ facilityId: F, severity: 'warning' });
    expect(JSON.stringify(raised[0])).not.toContain('Noor');

    const figure = await app.http.inject({ method: 'GET', url: '/api/v1/families/separated-children', headers: auth(commander) });
    expect(figure.statusCode).toBe(200);
    expect(figure.json().byFacility.find((r: { facilityId: string }) => r.facilityId === F)?.children).toBeGreaterThanOrEqual(1);
    // the same figure as CSV (the figures screen's export): one line per facility, the same counts
    const csv = await app.http.inject({ method: 'GET', url: '/api/v1/families/separated-children?format=csv', headers: auth(commander) });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('facility,separated_children');
    const json = figure.json() as { byFacility: { children: number }[] };
    expect(lines.slice(1).map((l) => Number(l.split(',').at(-1)))).toEqual(json.byFacility.map((r) => r.children));
    const bad = await app.http.inject({ method: 'GET', url: '/api/v1/families/separated-children?format=xml', headers: auth(commander) });
    expect(bad.statusCode).toBe(400);
  });

  it('answers bad input with a clear 4xx and records nothing', async () => {
    const { mother, child } = await family('Salma');
    const stranger = await buildAdmittedPerson(app.services, { facilityId: F });
    const count = () => n(sql`select count(*)::int as n from family_best_interests`);
    const before = await count();
    const post = (person: string, payload: Record<string, unknown>) =>
      app.http.inject({ method: 'POST', url: `/api/v1/families/${person}/best-interests`, headers: auth(legal), payload });
    const base = { moverId: mother, toFacilityId: G, decision: 'separation_approved', reason: 'test' };

    const adult = await post(mother, base);
    expect([adult.statusCode, adult.json().error.code]).toEqual([400, 'families.not_a_child']);
    const notCarer = await post(child, { ...base, moverId: stranger });
    expect([notCarer.statusCode, notCarer.json().error.code]).toEqual([400, 'families.mover_not_carer']);
    const past = await post(child, { ...base, validUntil: '2020-01-01T00:00:00Z' });
    expect([past.statusCode, past.json().error.code]).toEqual([400, 'families.validity_in_past']);
    const noReason = await post(child, { ...base, reason: '' });
    expect(noReason.statusCode).toBe(400);
    const unknownFacility = await post(child, { ...base, toFacilityId: '0190a000-0000-7000-8000-00000000dead' });
    expect(unknownFacility.statusCode).toBe(404);
    const asRegistrar = await app.http.inject({ method: 'POST', url: `/api/v1/families/${child}/best-interests`, headers: auth(registrar), payload: base });
    expect(asRegistrar.statusCode).toBe(403);
    expect(await count()).toBe(before);

    const tracingBefore = await n(sql`select count(*)::int as n from tracing_requests`);
    const noConsent = await app.http.inject({
      method: 'POST',
      url: '/api/v1/tracing-requests',
      headers: auth(registrar),
      payload: { requesterKind: 'relative_outside', requesterName: 'Khalid', soughtName: 'Salma', relationship: 'brother' },
    });
    expect(noConsent.statusCode).toBe(400);
    const noRequester = await app.http.inject({
      method: 'POST',
      url: '/api/v1/tracing-requests',
      headers: auth(registrar),
      payload: { requesterKind: 'person_in_custody', soughtName: 'Salma', relationship: 'sister', consent: { givenBy: 'herself' } },
    });
    expect(noRequester.statusCode).toBe(400);
    expect(await n(sql`select count(*)::int as n from tracing_requests`)).toBe(tracingBefore);
  });

  it('shows the family across facilities with places; audits the read with its purpose; a monitor sees no names', async () => {
    const { mother, child } = await family('Layla');
    const decided = await app.services.families.recordBestInterests(adminActor, child, {
      moverId: mother,
      toFacilityId: G,
      decision: 'separation_approved',
      reason: 'hospital care at G',
    });
    expect(decided.decision).toBe('separation_approved');
    await app.services.custody.append(adminActor, { personId: mother, type: 'TRANSFER_DEPARTED', facilityId: G });

    const res = await app.http.inject({ method: 'GET', url: `/api/v1/families/${child}?purpose=family_reunification`, headers: auth(registrar) });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({ personId: child, child: true, separated: true, place: { status: 'in_custody', facilityId: F, facility: 'Camp F' } });
    expect(view.relatives).toEqual([
      expect.objectContaining({
        kind: 'mother',
        carer: true,
        personId: mother,
        name: 'Umm Layla al-Family',
        sameFacility: false,
        place: expect.objectContaining({ status: 'in_transit', destination: 'Camp G' }),
      }),
    ]);
    expect(view.determinations).toHaveLength(1);
    const audited = await queryRows<{ action: string; purpose: string | null }>(
      app.services.database.db,
      sql`select action, details->>'purpose' as purpose from audit_log where subject_id in (${child}, ${mother}) and action like 'family.read%' order by seq`,
    );
    expect(audited.map((a) => a.action)).toEqual(['family.read', 'family.read_relative']);

    const asMonitor = await app.http.inject({ method: 'GET', url: `/api/v1/families/${child}`, headers: auth(monitor) });
    expect(asMonitor.statusCode).toBe(200);
    expect(asMonitor.body).not.toContain('Layla');
    expect(asMonitor.body).not.toContain(mother);
    expect(asMonitor.json().relatives[0]).toMatchObject({ kind: 'mother', name: null, personId: null, place: { status: 'in_transit' } });
  });

  it('traces a relative with consent: proposals by name decide nothing; a person confirms; withdrawn consent stops the work', async () => {
    const { child } = await family('Yasmin');
    const created = await app.http.inject({
      method: 'POST',
      url: '/api/v1/tracing-requests',
      headers: auth(registrar),
      payload: {
        requesterKind: 'relative_outside',
        requesterName: 'Omar Family',
        soughtName: 'Yasmin bint Family',
        relationship: 'uncle',
        facilityId: F,
        consent: { givenBy: 'Omar Family' },
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'open', matches: [] });

    const proposed = await app.http.inject({ method: 'POST', url: `/api/v1/tracing-requests/${id}/matches`, headers: auth(registrar) });
    expect(proposed.statusCode).toBe(200);
    const match = proposed.json().matches.find((m: { personId: string }) => m.personId === child);
    expect(match).toMatchObject({ status: 'proposed' });
    expect(proposed.json().status).toBe('open');

    const decide = (payload: Record<string, unknown>) =>
      app.http.inject({ method: 'POST', url: `/api/v1/tracing-requests/${id}/matches/${match.id}/decision`, headers: auth(registrar), payload });
    const confirmed = await decide({ decision: 'confirmed', reason: 'the uncle recognised her photo and birth year' });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'located', locatedPersonId: child });
    const again = await decide({ decision: 'rejected', reason: 'second thoughts' });
    expect(again.statusCode).toBe(409);

    const list = await app.http.inject({ method: 'GET', url: '/api/v1/tracing-requests?limit=1', headers: auth(monitor) });
    expect(list.statusCode).toBe(200);
    expect(Number(list.headers['x-total-count'])).toBeGreaterThanOrEqual(1);
    expect(list.body).not.toContain('Omar');

    const second = await app.services.families.createTracing(adminActor, {
      requesterKind: 'person_in_custody',
      requesterPersonId: child,
      soughtName: 'Someone Else',
      relationship: 'brother',
      consent: { givenBy: 'her guardian' },
    });
    const withdrawn = await app.http.inject({
      method: 'POST',
      url: `/api/v1/tracing-requests/${second.id}/withdraw-consent`,
      headers: auth(registrar),
      payload: { reason: 'the family asked to stop' },
    });
    expect(withdrawn.json()).toMatchObject({ status: 'closed', closedReason: 'consent_withdrawn' });
    const after = await app.http.inject({ method: 'POST', url: `/api/v1/tracing-requests/${second.id}/matches`, headers: auth(registrar) });
    expect([after.statusCode, after.json().error.code]).toEqual([409, 'tracing.consent_withdrawn']);
  });
});
