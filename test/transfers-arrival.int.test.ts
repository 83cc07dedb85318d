/**
 * Transfers at arrival and on the way (issue 18, points 4 and 5) over HTTP on both databases: each person off a
 * movement identified by a real 1:N fingerprint search against the movement's gallery and confirmed by an officer
 * (the right person proposed; someone of another manifest and an unknown probe flagged), the count closed from the
 * confirmations with the CountDiscrepancy alert naming who is missing and extra; bad input refused with nothing
 * changed; the in-transit timer (late fires once, on time never); lodging and diversion allowed and refused, the
 * diverted receipt's TRANSFER_ARRIVED at the new facility; the printable page's data.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import type { FakeClock } from '../src/platform/clock';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

const DPI = 569;
const KEY = randomBytes(32).toString('base64');

describe.each(await targets())('transfers arrival on %s', (target) => {
  let app: TestApp;
  let commander: string;
  let officerA: string;
  let officerB: string;
  let registrar: string;
  const f: Record<string, string> = {};
  const p: Record<string, string> = {};
  const img: Record<string, Buffer> = {};
  const mv: Record<string, string> = {};
  let savedKey: string | undefined;

  const post = (token: string, url: string, payload: object = {}) => app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), payload });
  const get = (token: string, url: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
  const identify = (token: string, movementId: string, image: Buffer) =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/transfers/movements/${movementId}/arrival/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(token), 'content-type': 'image/tiff' },
      payload: image,
    });
  const movement = async (code: string, persons: string[], opts: { to?: string; limit?: number } = {}) => {
    const m = await post(commander, `/transfers/operations/${mv.op}/movements`, {
      code,
      capacity: 10,
      escorts: 2,
      fromFacilityId: f.A,
      toFacilityId: opts.to ?? f.B,
      transitLimitMinutes: opts.limit ?? 600,
    });
    expect(m.statusCode, m.body).toBe(201);
    const id = m.json().id as string;
    for (const personId of persons) expect((await post(commander, `/transfers/movements/${id}/persons`, { personId })).statusCode).toBe(200);
    expect((await post(commander, `/transfers/movements/${id}/approve`)).statusCode).toBe(200);
    for (const personId of persons) {
      const b = await post(commander, `/transfers/movements/${id}/board`, { personId, override: { reason: 'checked at the door by the escort lead' } });
      expect(b.statusCode, b.body).toBe(200);
    }
    const d = await post(officerA, `/transfers/movements/${id}/depart`);
    expect(d.statusCode, d.body).toBe(200);
    return id;
  };

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    for (const n of ['101_1', '101_2', '102_1', '103_1', '103_2', '104_1']) img[n] = await readSample('fvc2002-db2b', n);
    app = await createTestApp(target);
    f.A = (await buildFacility(app.services, { name: 'Camp of departure' }, 1)).facility.id;
    f.B = (await buildFacility(app.services, { name: 'Prison of arrival', kind: 'prison' }, 1)).facility.id;
    f.C = (await buildFacility(app.services, { name: 'Diversion airfield prison', kind: 'prison' }, 1)).facility.id;
    f.L = (await buildFacility(app.services, { name: 'Lodging barracks', kind: 'prison' }, 1)).facility.id;
    commander = await app.tokenFor('commander');
    officerA = await app.tokenFor('officer', { facilityIds: [f.A] });
    officerB = await app.tokenFor('officer', { facilityIds: [f.B] });
    registrar = await app.tokenFor('registrar');
    for (const k of ['a', 'b', 'c', 'x', 'd', 'e', 'g']) {
      p[k] = await buildAdmittedPerson(app.services, { facilityId: f.A }, { names: [{ full: `Person ${k.toUpperCase()} al-Arrival` }] } as never);
    }
    for (const [k, n] of [
      ['a', '101_1'],
      ['b', '102_1'],
      ['x', '103_1'],
    ] as const) {
      const enrol = await app.http.inject({
        method: 'POST',
        url: `/api/v1/persons/${p[k]!}/biometrics/fingerprints/1?dpi=${DPI}`,
        headers: { ...auth(registrar), 'content-type': 'image/tiff' },
        payload: img[n],
      });
      expect(enrol.statusCode, enrol.body).toBe(201);
    }
    mv.op = (await post(commander, '/transfers/operations', { name: 'Airlift arrivals' })).json().id;
    mv.f1 = await movement('F1', [p.a!, p.b!, p.c!], { limit: 60 });
    mv.f2 = await movement('F2', [p.x!], { limit: 600 });
  }, 180_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  it("identifies the right person against the movement's gallery; an officer confirms; counts move live", async () => {
    const notHere = await identify(officerA, mv.f1!, img['101_2']!);
    expect(notHere.statusCode).toBe(403);
    expect(notHere.json().error.code).toBe('transfers.not_custodian');
    const check = await identify(officerB, mv.f1!, img['101_2']!);
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({ outcome: 'on_manifest', candidate: { personId: p.a!, name: 'Person A al-Arrival' }, decision: null });
    const before = (await get(officerB, `/transfers/movements/${mv.f1}/arrival`)).json();
    expect(before).toMatchObject({ countOn: 3, countOff: 0, pending: [{ id: check.json().id }] });
    // a score never decides alone: nothing counted until the officer confirms
    const ok = await post(officerB, `/transfers/movements/${mv.f1}/arrival/checks/${check.json().id}/decision`, { decision: 'confirmed' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ countOn: 3, countOff: 1, identified: [{ personId: p.a!, identificationId: check.json().identificationId }] });
    expect(
      ok
        .json()
        .notYet.map((x: { personId: string }) => x.personId)
        .sort(),
    ).toEqual([p.b!, p.c!].sort());
    const again = await post(officerB, `/transfers/movements/${mv.f1}/arrival/checks/${check.json().id}/decision`, { decision: 'rejected', reason: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('transfers.check_decided');
  }, 60_000);

  it('flags a person of another manifest and an unknown probe; bad decisions are refused and change nothing', async () => {
    const other = await identify(officerB, mv.f1!, img['103_2']!);
    expect(other.json()).toMatchObject({ outcome: 'other_manifest', candidate: { personId: p.x! }, otherMovement: { id: mv.f2!, code: 'F2' } });
    const unknown = await identify(officerB, mv.f1!, img['104_1']!);
    expect(unknown.json()).toMatchObject({ outcome: 'unknown', candidate: null });
    const twice = await identify(officerB, mv.f1!, img['101_2']!);
    expect(twice.json()).toMatchObject({ outcome: 'on_manifest', alreadyIdentified: true });
    const decide = (id: string, body: object) => post(officerB, `/transfers/movements/${mv.f1}/arrival/checks/${id}/decision`, body);
    expect((await decide(unknown.json().id, { decision: 'confirmed' })).json().error.code).toBe('transfers.nobody_proposed');
    expect((await decide(unknown.json().id, { decision: 'rejected' })).json().error.code).toBe('transfers.reason_required');
    expect((await decide(twice.json().id, { decision: 'confirmed' })).json().error.code).toBe('transfers.already_identified');
    expect((await decide(twice.json().id, { decision: 'confirmed', personId: p.b! })).json().error.code).toBe('transfers.reason_required');
    expect((await decide(twice.json().id, { decision: 'maybe' })).statusCode).toBe(400);
    expect((await decide('01900000-0000-7000-8000-000000000001', { decision: 'rejected', reason: 'r' })).statusCode).toBe(404);
    const garbage = await app.http.inject({
      method: 'POST',
      url: `/api/v1/transfers/movements/${mv.f1}/arrival/identify?modality=fingerprint`,
      headers: { ...auth(officerB), 'content-type': 'image/png' },
      payload: Buffer.from('not an image at all'),
    });
    expect(garbage.statusCode).toBeGreaterThanOrEqual(400);
    expect(garbage.statusCode).toBeLessThan(500);
    expect((await get(officerB, `/transfers/movements/${mv.f1}/arrival`)).json()).toMatchObject({ countOff: 1, checks: 4 });
    // every probe is decided by a person before the count closes
    const early = await post(officerB, `/transfers/movements/${mv.f1}/arrival/close`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('transfers.checks_pending');
    expect((await decide(twice.json().id, { decision: 'rejected', reason: 'the same man, fingerprinted twice' })).statusCode).toBe(200);
    expect((await decide(unknown.json().id, { decision: 'rejected', reason: 'escort soldier, not a detainee' })).statusCode).toBe(200);
    const extra = await decide(other.json().id, { decision: 'confirmed' });
    expect(extra.json()).toMatchObject({ countOff: 2, extra: [{ personId: p.x!, movementCode: 'F2' }], flagged: 2 });
  }, 60_000);

  it('closes the count: the CountDiscrepancy names who is missing and who is extra; F1 arrived in time raises no transit alert', async () => {
    (app.clock as FakeClock).advance(30 * 60_000);
    const closed = await post(officerB, `/transfers/movements/${mv.f1}/arrival/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'arrived', countOn: 3, countOff: 2, extra: [p.x!] });
    expect([...closed.json().missing].sort()).toEqual([p.b!, p.c!].sort());
    await app.services.settle();
    const [alert] = (await get(commander, '/alerts?rule=transfer.count_discrepancy')).json();
    expect(alert.title).toMatch(/Person B al-Arrival/);
    expect(alert.title).toMatch(/Person C al-Arrival/);
    expect(alert.title).toMatch(/extra: Person X al-Arrival/);
    expect((await identify(officerB, mv.f1!, img['102_1']!)).json().error.code).toBe('transfers.not_arriving');
  }, 60_000);

  it('the in-transit timer fires once for a late movement and never for one that arrived in time', async () => {
    const clock = app.clock as FakeClock;
    expect((await app.services.transfersArrival.tick()).alerted).toBe(0); // F2 within its 600 minutes
    clock.advance(10 * 3_600_000);
    expect((await app.services.transfersArrival.tick()).alerted).toBe(1); // F2 late; F1 arrived in time
    // ten hours later the sessions have expired: sign in again
    commander = await app.tokenFor('commander');
    officerA = await app.tokenFor('officer', { facilityIds: [f.A!] });
    officerB = await app.tokenFor('officer', { facilityIds: [f.B!] });
    expect((await app.services.transfersArrival.tick()).alerted).toBe(0);
    await app.services.settle();
    const alerts = (await get(commander, '/alerts?rule=transfer.transit_overdue')).json();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', facilityId: f.B });
    expect(alerts[0].title).toMatch(/^F2: 1 person in transit longer than 600 min/);
  });

  it('lodging and diversion: allowed and refused; the diverted receipt lands the persons at the new facility', async () => {
    const f3 = await movement('F3', [p.d!, p.e!], { limit: 2880 });
    const at = (url: string, body: object, token = officerA) => post(token, `/transfers/movements/${f3}/${url}`, body);
    expect((await at('lodge', { facilityId: f.A, reason: 'night stop' })).json().error.code).toBe('transfers.lodge_not_intermediate');
    expect((await at('lodge', { facilityId: f.L, reason: 'night stop' }, officerB)).json().error.code).toBe('transfers.not_custodian');
    expect((await at('lodge', { facilityId: f.L })).statusCode).toBe(400);
    const lodged = await at('lodge', { facilityId: f.L, reason: 'night stop, the road closes at dark' });
    expect(lodged.statusCode, lodged.body).toBe(200);
    expect(lodged.json().status).toBe('lodged');
    // custody stays with the sender: the ledger still says in transit
    expect((await app.services.custody.personEvents(adminActor, p.d!)).at(-1)!.type).toBe('TRANSFER_DEPARTED');
    expect((await at('divert', { facilityId: f.C, reason: 'weather' })).json().error.code).toBe('transfers.invalid_transition');
    expect((await post(commander, `/transfers/movements/${f3}/arrive`, { identified: [p.d!] })).statusCode).toBe(409);
    expect((await at('collect', { personIds: [p.d!] })).json().error.code).toBe('transfers.reason_required');
    expect((await at('collect', { personIds: [p.a!] })).json().error.code).toBe('transfers.not_lodged');
    const collected = await at('collect', {});
    expect(collected.json().status).toBe('departed');
    expect((await at('collect', {})).json().error.code).toBe('transfers.invalid_transition');
    expect((await at('divert', { facilityId: f.B, reason: 'weather' })).json().error.code).toBe('transfers.divert_same');
    expect((await at('divert', { facilityId: f.A, reason: 'weather' })).json().error.code).toBe('transfers.divert_to_origin');
    const diverted = await at('divert', { facilityId: f.C, reason: 'sandstorm over the destination' });
    expect(diverted.statusCode, diverted.body).toBe(200);
    expect(diverted.json().toFacilityId).toBe(f.C);
    const stops = (await get(commander, `/transfers/movements/${f3}/stops`)).json();
    expect(stops.map((s: { kind: string }) => s.kind)).toEqual(['lodging', 'diversion']);
    expect(stops[0]).toMatchObject({ persons: 2, facility: { id: f.L } });
    // officer B no longer receives it; a commander at the new facility does
    expect((await post(officerB, `/transfers/movements/${f3}/arrive`, { identified: [p.d!, p.e!] })).statusCode).toBe(403);
    expect((await post(commander, `/transfers/movements/${f3}/arrive`, { identified: [p.d!, p.e!] })).json().missing).toEqual([]);
    const hash = (await get(commander, `/transfers/movements/${f3}`)).json().movement.manifestHash;
    const rec = await post(commander, `/transfers/movements/${f3}/receipt`, { manifestHash: hash });
    expect(rec.statusCode, rec.body).toBe(200);
    const last = (await app.services.custody.personEvents(adminActor, p.d!)).at(-1)!;
    expect(last).toMatchObject({ type: 'TRANSFER_ARRIVED', toFacilityId: f.C });
    expect(last.reason).toMatch(/diverted/);
    expect((await at('divert', { facilityId: f.L, reason: 'late' })).json().error.code).toBe('transfers.invalid_transition');
    const verify = await get(commander, '/ledger/verify');
    if (verify.statusCode === 200) expect(verify.json().ok).toBe(true);
  }, 60_000);

  it("prints the movement's page: manifest, counts, signatures with public keys and the handover's fingerprint", async () => {
    const page = await get(officerB, `/transfers/movements/${mv.f1}/printable`);
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json();
    expect(body).toMatchObject({ movement: { code: 'F1' }, total: 3, counts: { on: 3, off: 2, missing: 2, extra: 1 }, receiver: null });
    expect(body.sender.publicKey).toMatch(/BEGIN PUBLIC KEY/);
    expect(body.handoverSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body.manifest.find((x: { personId: string }) => x.personId === p.a!)).toMatchObject({ identifiedOff: true, boardingCheck: 'override' });
    expect((await get(await app.tokenFor('registrar'), `/transfers/movements/${mv.f1}/printable`)).statusCode).toBe(403);
  });
});
