/**
 * Count discrepancies resolved by an officer (issue 18) over HTTP on both databases: a person recorded boarded who never
 * left (back at the origin on the ledger), a person who flew on the wrong movement (missing off one, extra off the
 * other: re-attributed, both cleared), an extra on no movement (sent back, ledger unchanged); every refusal a clear
 * 4xx that changes nothing; the ledger intact at the end. Also the plan's small fixes: the movement's own escort ratio
 * when the plan gives none, and every unplaced person reachable page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

describe.each(await targets())('transfer discrepancies on %s', (target) => {
  let app: TestApp;
  let commander: string;
  let officerA: string;
  let officerB: string;
  let A: string;
  let B: string;
  const p: string[] = [];
  let op: string;
  const f: Record<string, string> = {};

  const post = (token: string, url: string, payload: object = {}) => app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), payload });
  const get = (token: string, url: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
  const last = async (id: string) => (await app.services.custody.personEvents(adminActor, id)).at(-1)!;
  const resolve = (token: string, movement: string, body: object) => post(token, `/transfers/movements/${movement}/discrepancies/resolve`, body);
  const hashOf = async (movement: string) => {
    const r = await get(commander, `/transfers/movements/${movement}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().movement.manifestHash as string;
  };

  /** A movement from A to B with these persons, boarded (supervisor's override) and departed. */
  const flown = async (code: string, persons: string[]) => {
    const m = await post(commander, `/transfers/operations/${op}/movements`, { code, capacity: 10, escorts: 5, fromFacilityId: A, toFacilityId: B });
    expect(m.statusCode, m.body).toBe(201);
    const id = m.json().id as string;
    for (const personId of persons) expect((await post(commander, `/transfers/movements/${id}/persons`, { personId })).statusCode).toBe(200);
    expect((await post(commander, `/transfers/movements/${id}/approve`)).statusCode).toBe(200);
    for (const personId of persons) {
      const b = await post(commander, `/transfers/movements/${id}/board`, { personId, override: { reason: 'test: checked by the escort lead' } });
      expect(b.statusCode, b.body).toBe(200);
    }
    expect((await post(officerA, `/transfers/movements/${id}/depart`)).statusCode).toBe(200);
    return id;
  };

  beforeAll(async () => {
    app = await createTestApp(target);
    A = (await buildFacility(app.services, { name: 'Prison in the north-east', kind: 'prison' }, 1)).facility.id;
    B = (await buildFacility(app.services, { name: 'Receiving prison', kind: 'prison' }, 1)).facility.id;
    commander = await app.tokenFor('commander');
    officerA = await app.tokenFor('officer', { facilityIds: [A] });
    officerB = await app.tokenFor('officer', { facilityIds: [B] });
    for (let i = 0; i < 8; i++) {
      p.push(await buildAdmittedPerson(app.services, { facilityId: A }, { names: [{ full: `Detainee ${i} al-Dispute` }] } as never));
    }
    op = (await post(commander, '/transfers/operations', { name: 'Airlift with discrepancies' })).json().id;
    // F1: p2 recorded boarded, never left. F2: p4 on its manifest flies on F3. F3: p5, p6, with p4 and p7 (on no movement) extra.
    f.F1 = await flown('F1', [p[0]!, p[1]!, p[2]!]);
    f.F2 = await flown('F2', [p[3]!, p[4]!]);
    f.F3 = await flown('F3', [p[5]!, p[6]!]);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('refuses to resolve before the count is closed, and counts the discrepancies with their names', async () => {
    const early = await resolve(officerB, f.F3!, { kind: 'reattributed', personId: p[4]!, reason: 'too early' });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.code).toBe('transfers.count_not_closed');
    expect((await post(officerB, `/transfers/movements/${f.F1}/arrive`, { identified: [p[0]!, p[1]!] })).json()).toMatchObject({ missing: [p[2]!] });
    expect((await post(officerB, `/transfers/movements/${f.F2}/arrive`, { identified: [p[3]!] })).json()).toMatchObject({ missing: [p[4]!] });
    const three = await post(officerB, `/transfers/movements/${f.F3}/arrive`, { identified: [p[5]!, p[6]!, p[4]!, p[7]!] });
    expect(three.json()).toMatchObject({ missing: [], extra: [p[4]!, p[7]!].sort() });
    for (const id of [f.F1!, f.F3!])
      expect((await post(officerB, `/transfers/movements/${id}/receipt`, { manifestHash: await hashOf(id) })).statusCode).toBe(200);

    const d3 = await get(officerB, `/transfers/movements/${f.F3}/discrepancies`);
    expect(d3.statusCode, d3.body).toBe(200);
    const extra = d3.json().extra as { personId: string; name: string; ownMovement: { code: string; moveStatus: string } | null }[];
    expect(extra.find((x) => x.personId === p[4])).toMatchObject({ name: 'Detainee 4 al-Dispute', ownMovement: { code: 'F2', moveStatus: 'disputed' } });
    expect(extra.find((x) => x.personId === p[7])).toMatchObject({ ownMovement: null });
    const all = await get(commander, `/transfers/operations/${op}/discrepancies`);
    expect(all.json()).toMatchObject({ open: 4, resolved: 0 });
    expect((await get(commander, `/transfers/operations/${op}`)).json().discrepancies).toBe(3);
  });

  it('refuses a wrong resolution with a clear 4xx and changes nothing', async () => {
    const before = (await get(commander, `/transfers/operations/${op}/discrepancies`)).body;
    const cases: [string, string, object, number, string][] = [
      [officerB, f.F1!, { kind: 'found', personId: p[0]!, reason: 'was never missing' }, 409, 'transfers.not_missing'],
      [officerB, f.F1!, { kind: 'reattributed', personId: p[2]!, reason: 'not an extra here' }, 409, 'transfers.not_extra'],
      [officerB, f.F1!, { kind: 'not_boarded', personId: p[2]!, reason: 'the receiver cannot say so' }, 403, 'transfers.not_custodian'],
      [officerA, f.F3!, { kind: 'reattributed', personId: p[4]!, reason: 'the sender cannot receive' }, 403, 'transfers.not_custodian'],
      [officerB, f.F3!, { kind: 'reattributed', personId: p[7]!, reason: 'on no manifest' }, 409, 'transfers.no_manifest_elsewhere'],
      [officerB, f.F3!, { kind: 'sent_back', personId: p[4]!, reason: 'in transit on F2' }, 409, 'transfers.still_in_transit'],
      // F2's receipt is not signed yet: its missing person cannot be received on it
      [officerB, f.F3!, { kind: 'reattributed', personId: p[4]!, reason: 'F2 not signed' }, 409, 'transfers.receipt_first'],
    ];
    for (const [token, movement, body, status, code] of cases) {
      const r = await resolve(token, movement, body);
      expect([r.statusCode, r.json().error?.code], r.body).toEqual([status, code]);
    }
    for (const body of [
      { kind: 'found', personId: p[2]! },
      { kind: 'lost', personId: p[2]!, reason: 'x' },
      { kind: 'found', personId: 'x', reason: 'x' },
    ]) {
      expect((await resolve(officerB, f.F1!, body)).statusCode).toBe(400);
    }
    expect((await get(commander, `/transfers/operations/${op}/discrepancies`)).body).toBe(before);
    expect((await last(p[2]!)).type).toBe('TRANSFER_DEPARTED');
  });

  it('a person who never boarded: back at the origin on the ledger, the move cancelled with the reason', async () => {
    const r = await resolve(officerA, f.F1!, { kind: 'not_boarded', personId: p[2]!, reason: 'found in the holding cell after take-off' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ movement: { status: 'received' }, missing: [], resolved: [{ personId: p[2]!, side: 'missing', kind: 'not_boarded' }] });
    expect(await last(p[2]!)).toMatchObject({ type: 'TRANSFER_ARRIVED', toFacilityId: A });
    const manifest = (await get(commander, `/transfers/movements/${f.F1}`)).json();
    expect(manifest.moves.find((x: { personId: string }) => x.personId === p[2])).toMatchObject({
      status: 'cancelled',
      reason: expect.stringMatching(/holding cell/),
    });
    const again = await resolve(officerA, f.F1!, { kind: 'not_boarded', personId: p[2]!, reason: 'twice' });
    expect(again.json().error.code).toBe('transfers.not_missing');
  });

  it('a person on the wrong flight: re-attributed, received on their own manifest, both movements cleared', async () => {
    expect((await post(officerB, `/transfers/movements/${f.F2}/receipt`, { manifestHash: await hashOf(f.F2!) })).json().status).toBe('disputed');
    const r = await resolve(officerB, f.F3!, { kind: 'reattributed', personId: p[4]!, reason: 'boarded F3 by mistake at the airfield' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ movement: { status: 'disputed' }, extra: [{ personId: p[7]! }] });
    expect(r.json().resolved[0]).toMatchObject({ personId: p[4]!, side: 'extra', kind: 'reattributed', otherMovement: { code: 'F2' } });
    const two = (await get(commander, `/transfers/movements/${f.F2}`)).json();
    expect(two.movement).toMatchObject({ status: 'received', missing: [] });
    expect(two.moves.find((x: { personId: string }) => x.personId === p[4])).toMatchObject({
      status: 'completed',
      reason: expect.stringMatching(/flew on F3/),
    });
    expect(await last(p[4]!)).toMatchObject({ type: 'TRANSFER_ARRIVED', toFacilityId: B });
    expect((await get(commander, `/transfers/movements/${f.F2}/discrepancies`)).json().resolved).toMatchObject([
      { personId: p[4]!, side: 'missing', kind: 'reattributed', otherMovement: { code: 'F3' } },
    ]);
  });

  it('an extra on no movement: sent back, the ledger unchanged; the operation clear and the ledger intact', async () => {
    const r = await resolve(officerB, f.F3!, { kind: 'sent_back', personId: p[7]!, reason: 'a cleaner of the airfield, returned to the prison' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ movement: { status: 'received' }, extra: [] });
    expect(await last(p[7]!)).toMatchObject({ type: 'ADMITTED', toFacilityId: A });
    const all = (await get(commander, `/transfers/operations/${op}/discrepancies`)).json();
    expect(all).toMatchObject({ open: 0, resolved: 4 });
    expect((await get(commander, `/transfers/operations/${op}`)).json().discrepancies).toBe(0);
    const audited = await app.services.audit.list(adminActor, { action: 'transfers.discrepancy_resolved', limit: 10, offset: 0 });
    expect(JSON.stringify(audited)).toMatch(/holding cell/);
    expect((await app.services.custody.verify(null)).ok).toBe(true);
  });

  it('plans with the movement’s own escort ratio when the plan gives none; lists every unplaced person page by page', async () => {
    const o = (await post(commander, '/transfers/operations', { name: 'Second airlift' })).json().id;
    const m = await post(commander, `/transfers/operations/${o}/movements`, {
      code: 'R1',
      capacity: 10,
      escorts: 1,
      escortRatio: 2,
      fromFacilityId: A,
      toFacilityId: B,
    });
    const persons = [p[2]!, p[7]!];
    for (let i = 0; i < 3; i++) persons.push(await buildAdmittedPerson(app.services, { facilityId: A }));
    const plan = await post(commander, `/transfers/operations/${o}/plan`, { criteria: { personIds: persons } });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json()).toMatchObject({ placed: 2, unplacedTotal: 3, manifests: [{ movementId: m.json().id, added: 2, capacity: 2 }] });
    const planId = plan.json().planId as string;
    const page1 = await get(commander, `/transfers/operations/${o}/plans/${planId}/unplaced?limit=2&offset=0`);
    expect(page1.statusCode, page1.body).toBe(200);
    expect(page1.headers['x-total-count']).toBe('3');
    const page2 = await get(commander, `/transfers/operations/${o}/plans/${planId}/unplaced?limit=2&offset=2`);
    const listed = [...page1.json(), ...page2.json()];
    expect(listed.map((u: { personId: string }) => u.personId)).toEqual(plan.json().unplaced.map((u: { personId: string }) => u.personId));
    expect(listed.every((u: { reason: string }) => u.reason === 'no_room')).toBe(true);
    const outside = await app.tokenFor('commander', { facilityIds: [B] });
    expect((await get(outside, `/transfers/operations/${o}/plans/${planId}/unplaced`)).statusCode).toBe(403);
  });
  it('answers concurrent manifest reads and handover exports, each audited once in one unbroken audit chain', async () => {
    // each read is audited; on a pooled server, readers outside a transaction once took the same audit seq (a 500)
    const reads = await Promise.all([
      ...Array.from({ length: 8 }, () => get(commander, `/transfers/movements/${f.F1}`)),
      ...Array.from({ length: 4 }, () => get(commander, `/transfers/movements/${f.F2}/handover`)),
    ]);
    for (const r of reads) expect(r.statusCode, r.body).toBe(200);
    expect((await app.services.audit.verify(adminActor)).ok).toBe(true);
  });
});
