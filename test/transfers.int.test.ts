/**
 * Transfers (issue 18) over HTTP on both databases: plan (a hold and a together group), bad input refused with nothing
 * changed (over capacity, already on a movement or in transit, a receipt for another manifest, a signature by a user
 * who is not a custodian there, a cancel after departure), boarding with a real 1:1 fingerprint verification or a
 * supervisor's override, departure (TRANSFER_DEPARTED, custody still the sender's), the arrival count with a
 * CountDiscrepancy alert naming who is missing and who is extra, the receipt (TRANSFER_ARRIVED for those identified),
 * the disputed handover, and a clean handover that verifies offline while a tampered one does not.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { verifyHandover, type HandoverDocument } from '../src/modules/transfers';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

const DPI = 569;
const KEY = randomBytes(32).toString('base64');

describe.each(await targets())('transfers on %s', (target) => {
  let app: TestApp;
  let commander: string;
  let officerA: string;
  let officerB: string;
  let registrar: string;
  let A: string;
  let B: string;
  const p: Record<string, string> = {};
  const img: Record<string, Buffer> = {};
  let savedKey: string | undefined;

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    for (const n of ['101_1', '101_2', '102_1']) img[n] = await readSample('fvc2002-db2b', n);
    app = await createTestApp(target);
    A = (await buildFacility(app.services, { name: 'Camp in the north-east' }, 1)).facility.id;
    B = (await buildFacility(app.services, { name: 'Prison at the destination', kind: 'prison' }, 1)).facility.id;
    commander = await app.tokenFor('commander');
    officerA = await app.tokenFor('officer', { facilityIds: [A] });
    officerB = await app.tokenFor('officer', { facilityIds: [B] });
    registrar = await app.tokenFor('registrar');
    for (const k of ['a', 'b', 'c', 'd', 'e']) {
      p[k] = await buildAdmittedPerson(app.services, { facilityId: A }, { names: [{ full: `Person ${k.toUpperCase()} al-Transfer` }] } as never);
    }
    const enrol = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${p.a!}/biometrics/fingerprints/1?dpi=${DPI}`,
      headers: { ...auth(registrar), 'content-type': 'image/tiff' },
      payload: img['101_1'],
    });
    expect(enrol.statusCode, enrol.body).toBe(201);
  }, 120_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const post = (token: string, url: string, payload: object = {}) => app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), payload });
  const get = (token: string, url: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
  const placement = async (id: string) => (await app.services.custody.personEvents(adminActor, id)).at(-1)!;

  let op: string;
  let f1: string;
  let f2: string;

  it('plans: a hold stays, a together group travels whole, nothing past capacity', async () => {
    const o = await post(commander, '/transfers/operations', { name: 'Airlift' });
    expect(o.statusCode, o.body).toBe(201);
    op = o.json().id;
    const m1 = await post(commander, `/transfers/operations/${op}/movements`, { code: 'F1', capacity: 3, escorts: 1, fromFacilityId: A, toFacilityId: B });
    expect(m1.statusCode, m1.body).toBe(201);
    f1 = m1.json().id;
    expect(
      (await post(commander, `/transfers/operations/${op}/movements`, { code: 'F1', capacity: 3, escorts: 1, fromFacilityId: A, toFacilityId: B })).statusCode,
    ).toBe(409);
    expect(
      (await post(commander, `/transfers/operations/${op}/movements`, { code: 'F9', capacity: 0, escorts: 1, fromFacilityId: A, toFacilityId: B })).statusCode,
    ).toBe(400);
    expect(
      (await post(commander, `/transfers/operations/${op}/movements`, { code: 'F9', capacity: 3, escorts: 1, fromFacilityId: A, toFacilityId: A })).statusCode,
    ).toBe(400);
    const plan = await post(commander, `/transfers/operations/${op}/plan`, {
      criteria: { personIds: [p.a!, p.b!, p.c!, p.d!] },
      constraints: { together: [[p.a!, p.b!]] },
      holds: [{ personId: p.d!, reason: 'open case 17' }],
    });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json()).toMatchObject({ placed: 3, unplaced: [{ personId: p.d!, reason: 'legal_hold', detail: 'open case 17' }] });
    const manifest = await get(commander, `/transfers/movements/${f1}`);
    expect(
      manifest
        .json()
        .moves.map((m: { personId: string }) => m.personId)
        .sort(),
    ).toEqual([p.a!, p.b!, p.c!].sort());
  });

  it('refuses a person over capacity and one already on a movement, changing nothing', async () => {
    const over = await post(commander, `/transfers/movements/${f1}/persons`, { personId: p.d! });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('transfers.over_capacity');
    const m2 = await post(commander, `/transfers/operations/${op}/movements`, { code: 'F2', capacity: 5, escorts: 2, fromFacilityId: A, toFacilityId: B });
    f2 = m2.json().id;
    const twice = await post(commander, `/transfers/movements/${f2}/persons`, { personId: p.a! });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('transfers.already_on_movement');
    expect((await get(commander, `/transfers/movements/${f2}`)).json().total).toBe(0);
    expect((await get(commander, `/transfers/movements/${f1}`)).json().total).toBe(3);
  });

  it('boards with a passed verification of that person, or a supervisor override with a reason', async () => {
    expect(
      (await post(officerA, `/transfers/movements/${f1}/board`, { personId: p.a!, verificationId: '01900000-0000-7000-8000-000000000001' })).statusCode,
    ).toBe(409); // not approved yet
    expect((await post(officerA, `/transfers/movements/${f1}/approve`)).statusCode).toBe(403);
    const ok = await post(commander, `/transfers/movements/${f1}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
    const v = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/verify?personId=${p.a!}&modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(officerA), 'content-type': 'application/octet-stream' },
      payload: img['101_2'],
    });
    expect(v.json(), v.body).toMatchObject({ personId: p.a!, result: 'match' });
    const wrong = await post(officerA, `/transfers/movements/${f1}/board`, { personId: p.b!, verificationId: v.json().id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('transfers.verification_not_valid');
    const notSupervisor = await post(officerA, `/transfers/movements/${f1}/board`, { personId: p.b!, override: { reason: 'fingers bandaged' } });
    expect(notSupervisor.statusCode).toBe(403);
    const boardedA = await post(officerA, `/transfers/movements/${f1}/board`, { personId: p.a!, verificationId: v.json().id });
    expect(boardedA.statusCode, boardedA.body).toBe(200);
    expect(boardedA.json().byStatus).toMatchObject({ boarded: 1, approved: 2 });
    const boardedB = await post(commander, `/transfers/movements/${f1}/board`, {
      personId: p.b!,
      override: { reason: 'fingers bandaged, face checked by the escort lead' },
    });
    expect(boardedB.json().byStatus).toMatchObject({ boarded: 2, approved: 1 });
    expect((await post(officerA, `/transfers/movements/${f1}/board`, { personId: p.a!, verificationId: v.json().id })).statusCode).toBe(409);
    // the boarding on a match is the person's last verified presence in the after-action timeline; the override is not
    const timelineOf = async (personId: string) =>
      (
        await app.http.inject({ method: 'GET', url: `/api/v1/reviews/timeline?personId=${personId}&kinds=presence.last_verified`, headers: auth(commander) })
      ).json() as { items: { kind: string; source: string; refs: Record<string, unknown>; facilityId: string }[] };
    const presenceA = (await timelineOf(p.a!)).items;
    expect(presenceA).toHaveLength(1);
    expect(presenceA[0]).toMatchObject({ source: 'biometrics', refs: { verificationId: v.json().id, method: 'boarding' } });
    expect((await timelineOf(p.b!)).items.every((i) => i.refs.method !== 'boarding')).toBe(true);
  });

  it('departs: only a custodian of the departure signs; TRANSFER_DEPARTED, custody still the sender’s', async () => {
    const byReceiver = await post(officerB, `/transfers/movements/${f1}/depart`);
    expect(byReceiver.statusCode).toBe(403);
    expect(byReceiver.json().error.code).toBe('transfers.not_custodian');
    const dep = await post(officerA, `/transfers/movements/${f1}/depart`);
    expect(dep.statusCode, dep.body).toBe(200);
    expect(dep.json()).toMatchObject({ status: 'departed', countOn: 2, senderSigned: true, receiverSigned: false, byStatus: { departed: 2, cancelled: 1 } });
    const last = await placement(p.a!);
    expect(last).toMatchObject({ type: 'TRANSFER_DEPARTED', fromFacilityId: A, toFacilityId: B });
    const cancel = await post(commander, `/transfers/movements/${f1}/cancel`, { personId: p.a!, reason: 'changed mind' });
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error.message).toMatch(/only before departure/);
    const again = await post(commander, `/transfers/movements/${f2}/persons`, { personId: p.a! });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/in transit/);
  });

  it('counts off against on: the CountDiscrepancy names who is missing and who is extra; custody stays with the sender', async () => {
    const arr = await post(officerB, `/transfers/movements/${f1}/arrive`, { identified: [p.a!, p.e!] });
    expect(arr.statusCode, arr.body).toBe(200);
    expect(arr.json()).toMatchObject({ status: 'arrived', countOn: 2, countOff: 2, missing: [p.b!], extra: [p.e!], byStatus: { arrived: 1, disputed: 1 } });
    await app.services.settle();
    const alerts = await get(commander, '/alerts?rule=transfer.count_discrepancy');
    expect(alerts.statusCode, alerts.body).toBe(200);
    const [alert] = alerts.json();
    expect(alert).toMatchObject({ severity: 'critical', facilityId: B });
    expect(alert.title).toMatch(/missing: Person B al-Transfer; extra: Person E al-Transfer/);
    // arrived and counted, not yet received: still in transit, in the sender's custody
    const events = await app.services.custody.personEvents(adminActor, p.a!);
    expect(events.at(-1)!.type).toBe('TRANSFER_DEPARTED');
  });

  it('refuses a receipt for another manifest or by a non-custodian; a receipt contradicting the manifest is disputed', async () => {
    const wrong = await post(officerB, `/transfers/movements/${f1}/receipt`, { manifestHash: 'a'.repeat(64) });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.code).toBe('transfers.receipt_other_manifest');
    const hash = (await get(commander, `/transfers/movements/${f1}`)).json().movement.manifestHash;
    const notThere = await post(officerA, `/transfers/movements/${f1}/receipt`, { manifestHash: hash });
    expect(notThere.statusCode).toBe(403);
    expect((await get(commander, `/transfers/movements/${f1}`)).json().movement.receiverSigned).toBe(false);
    const rec = await post(officerB, `/transfers/movements/${f1}/receipt`, { manifestHash: hash });
    expect(rec.statusCode, rec.body).toBe(200);
    expect(rec.json()).toMatchObject({ status: 'disputed', receiverSigned: true, byStatus: { completed: 1, disputed: 1 } });
    const ofA = await app.services.custody.personEvents(adminActor, p.a!);
    expect(ofA.at(-1)).toMatchObject({ type: 'TRANSFER_ARRIVED', toFacilityId: B });
    const ofB = await app.services.custody.personEvents(adminActor, p.b!);
    expect(ofB.at(-1)!.type).toBe('TRANSFER_DEPARTED');
    const doc = (await get(commander, `/transfers/movements/${f1}/handover`)).json() as HandoverDocument;
    expect(verifyHandover(doc).problems.join()).toMatch(/contradicts the manifest/);
    const resolved = await post(officerB, `/transfers/movements/${f1}/resolve`, { personId: p.b!, reason: 'found in the hold, identified by face' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ missing: [], byStatus: { completed: 2 } });
  });

  it('a clean handover verifies offline; a tampered one fails; the manifest exports as CSV', async () => {
    expect((await post(commander, `/transfers/movements/${f2}/persons`, { personId: p.c! })).statusCode).toBe(200);
    expect((await post(commander, `/transfers/movements/${f2}/approve`)).statusCode).toBe(200);
    expect((await post(commander, `/transfers/movements/${f2}/board`, { personId: p.c!, override: { reason: 'not enrolled yet' } })).statusCode).toBe(200);
    expect((await post(officerA, `/transfers/movements/${f2}/depart`)).statusCode).toBe(200);
    expect((await post(officerB, `/transfers/movements/${f2}/arrive`, { identified: [p.c!] })).json().missing).toEqual([]);
    const hash = (await get(commander, `/transfers/movements/${f2}`)).json().movement.manifestHash;
    expect((await post(officerB, `/transfers/movements/${f2}/receipt`, { manifestHash: hash })).json().status).toBe('received');
    const doc = (await get(commander, `/transfers/movements/${f2}/handover`)).json() as HandoverDocument;
    expect(verifyHandover(doc)).toEqual({ ok: true, problems: [] });
    expect(doc.sender!.part.signer.facilityId).toBe(A);
    expect(doc.receiver!.part.signer.facilityId).toBe(B);
    const tampered = structuredClone(doc);
    tampered.sender!.part.personIds = [p.d!];
    expect(verifyHandover(tampered).ok).toBe(false);
    if (target === 'pglite') {
      // offline, as a monitor would: `custos transfer verify FILE`, with and without the expected keys
      const dir = mkdtempSync(join(tmpdir(), 'custos-handover-'));
      try {
        writeFileSync(join(dir, 'good.json'), JSON.stringify(doc));
        writeFileSync(join(dir, 'bad.json'), JSON.stringify(tampered));
        writeFileSync(join(dir, 'sender.pem'), doc.sender!.publicKey);
        writeFileSync(join(dir, 'receiver.pem'), doc.receiver!.publicKey);
        const bin = new URL('../bin/custos.js', import.meta.url).pathname;
        const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'transfer', 'verify', ...args], { encoding: 'utf8', timeout: 60_000 });
        const good = run(join(dir, 'good.json'), '--key', join(dir, 'sender.pem'), join(dir, 'receiver.pem'));
        expect(good.status, good.stderr).toBe(0);
        expect(good.stdout).toMatch(/Handover verified/);
        const bad = run(join(dir, 'bad.json'));
        expect(bad.status).toBe(1);
        expect(bad.stdout).toMatch(/sender's signature does not match/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const csv = await get(commander, `/transfers/movements/${f2}/handover?format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(p.c!);
    const dash = (await get(commander, `/transfers/operations/${op}`)).json();
    expect(dash).toMatchObject({ movements: 2, discrepancies: 1 });
  }, 120_000);
});
