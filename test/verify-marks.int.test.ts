/**
 * A roll call verified biometrically (issue 16): a present mark citing a 1:1 verification is taken only when that
 * verification is a match of that very person in the mark's method (another person's, a failed one, an identification
 * or a forged id is a 400 that records nothing); the sheet shows which rows were verified; the close says how many of
 * the present were verified, by method, over HTTP. Real fingerprints (FVC2002 DB2_B), so no face engine is loaded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildAdmittedPerson, buildFacility } from './factories';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';

const DPI = 569;
const KEY = randomBytes(32).toString('base64');

describe.each(await targets())('biometric roll-call marks on %s', (target) => {
  let app: TestApp;
  let registrar: string;
  let officer: string;
  let savedKey: string | undefined;
  let facilityId: string;
  let unitId: string;
  let a: string;
  let b: string;
  let c: string;
  const img: Record<string, Buffer> = {};

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    for (const n of ['101_1', '101_2', '102_1', '102_2']) img[n] = await readSample('fvc2002-db2b', n);
    app = await createTestApp(target);
    const { facility, units } = await buildFacility(app.services, {}, 1);
    facilityId = facility.id;
    unitId = units[0]!.id;
    registrar = await app.tokenFor('registrar');
    officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
    a = await buildAdmittedPerson(app.services, { facilityId, unitId });
    b = await buildAdmittedPerson(app.services, { facilityId, unitId });
    c = await buildAdmittedPerson(app.services, { facilityId, unitId });
    for (const [person, sample] of [
      [a, '101_1'],
      [b, '102_1'],
    ] as const) {
      const res = await app.http.inject({
        method: 'POST',
        url: `/api/v1/persons/${person}/biometrics/fingerprints/1?dpi=${DPI}`,
        headers: { ...auth(registrar), 'content-type': 'image/tiff' },
        payload: img[sample],
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const verify = (personId: string, image: Buffer) =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/verify?personId=${personId}&modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(officer), 'content-type': 'application/octet-stream' },
      payload: image,
    });

  it('takes a mark only with a matching verification of that person, and the close counts the verified', async () => {
    const opened = await app.http.inject({ method: 'POST', url: '/api/v1/rollcalls', headers: auth(officer), payload: { facilityId } });
    expect(opened.statusCode, opened.body).toBe(201);
    const rc = opened.json().id as string;
    const mark = (m: object) =>
      app.http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rc}/marks`, headers: auth(officer), payload: { marks: [{ result: 'present', ...m }] } });

    const ofA = await verify(a, img['101_2']!);
    expect(ofA.json()).toMatchObject({ personId: a, result: 'match' });
    const ofB = await verify(b, img['102_2']!);
    expect(ofB.json()).toMatchObject({ personId: b, result: 'match' });
    const failed = await verify(b, img['101_2']!); // A's finger claimed as B
    expect(failed.json()).toMatchObject({ personId: b, result: 'no_match', match: false });
    const identified = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(officer), 'content-type': 'application/octet-stream' },
      payload: img['101_2'],
    });
    expect(identified.statusCode, identified.body).toBe(200);

    const refusals: [object, RegExp][] = [
      [{ personId: c, method: 'fingerprint', verificationRef: ofA.json().id }, /verified another person/],
      [{ personId: b, method: 'fingerprint', verificationRef: ofA.json().id }, /verified another person/],
      [{ personId: b, method: 'fingerprint', verificationRef: failed.json().id }, /did not match/],
      [{ personId: a, method: 'fingerprint', verificationRef: identified.json().id }, /identification/],
      [{ personId: a, method: 'face', verificationRef: ofA.json().id }, /not face/],
      [{ personId: a, method: 'fingerprint', verificationRef: '01900000-0000-7000-8000-000000000000' }, /not the id of a recorded verification/],
      [{ personId: a, method: 'fingerprint', verificationRef: "x' or 1=1 --" }, /not the id of a recorded verification/],
    ];
    for (const [m, why] of refusals) {
      const res = await mark(m);
      expect(res.statusCode, JSON.stringify(m)).toBe(400);
      expect(res.json().error.code).toBe('rollcall.verification_not_valid');
      expect(res.json().error.message).toMatch(why);
    }
    // A batch with one bad citation records none of its marks.
    const mixed = await app.http.inject({
      method: 'POST',
      url: `/api/v1/rollcalls/${rc}/marks`,
      headers: auth(officer),
      payload: {
        marks: [
          { personId: a, result: 'present', method: 'fingerprint', verificationRef: ofA.json().id },
          { personId: c, result: 'present', method: 'fingerprint', verificationRef: ofB.json().id },
        ],
      },
    });
    expect(mixed.statusCode).toBe(400);
    const before = await app.http.inject({ method: 'GET', url: `/api/v1/rollcalls/${rc}`, headers: auth(officer) });
    expect(before.json().live.marks).toBe(0);

    expect((await mark({ personId: a, method: 'fingerprint', verificationRef: ofA.json().id })).statusCode).toBe(200);
    // B seen by the verification, then marked again by eye on another tablet: still verified
    expect((await mark({ personId: b, method: 'fingerprint', verificationRef: ofB.json().id })).statusCode).toBe(200);
    expect((await mark({ personId: b, method: 'visual' })).statusCode).toBe(200);
    // C claimed "face" with no verification: present, but not verified
    expect((await mark({ personId: c, method: 'face' })).statusCode).toBe(200);

    const sheet = await app.http.inject({ method: 'GET', url: `/api/v1/rollcalls/${rc}`, headers: auth(officer) });
    const rows = new Map((sheet.json().persons as { personId: string; verification: unknown }[]).map((r) => [r.personId, r.verification]));
    expect(rows.get(a)).toEqual({ method: 'fingerprint', ref: ofA.json().id });
    expect(rows.get(b)).toEqual({ method: 'fingerprint', ref: ofB.json().id });
    expect(rows.get(c)).toBeNull();

    const closed = await app.http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rc}/close`, headers: auth(officer) });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ expected: 3, present: 3, delta: 0, biometric: { face: 0, fingerprint: 2, total: 2 } });
    // kept on the roll call as well
    const kept = await app.http.inject({ method: 'GET', url: `/api/v1/rollcalls/${rc}?limit=0`, headers: auth(officer) });
    expect(kept.json().result.biometric).toEqual({ face: 0, fingerprint: 2, total: 2 });
  });

  it('counts nobody verified when nobody was, and never an absent person', async () => {
    const opened = await app.http.inject({ method: 'POST', url: '/api/v1/rollcalls', headers: auth(officer), payload: { facilityId } });
    const rc = opened.json().id as string;
    const ofA = await verify(a, img['101_2']!);
    const marks = [
      { personId: a, result: 'absent' },
      { personId: b, result: 'present', method: 'document', verificationRef: 'camp card 12' },
    ];
    const res = await app.http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rc}/marks`, headers: auth(officer), payload: { marks } });
    expect(res.statusCode, res.body).toBe(200);
    expect(ofA.json().result).toBe('match'); // verified, but marked absent: not present, not counted
    const closed = await app.http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rc}/close`, headers: auth(officer) });
    expect(closed.json()).toMatchObject({ present: 1, delta: 2, biometric: { face: 0, fingerprint: 0, total: 0 } });
  });

  it("records an officer's decision on a verification; overruling the score needs a reason", async () => {
    const failed = await verify(a, img['102_2']!);
    expect(failed.json().result).toBe('no_match');
    const decide = (id: string, body: object, token = officer) =>
      app.http.inject({ method: 'POST', url: `/api/v1/biometrics/verifications/${id}/decision`, headers: auth(token), payload: body });
    const bare = await decide(failed.json().id, { decision: 'confirmed' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.code).toBe('biometrics.decision_needs_reason');
    for (const bad of [{ decision: 'maybe' }, {}, { decision: 'confirmed', reason: 7 }]) expect((await decide(failed.json().id, bad)).statusCode).toBe(400);
    expect((await decide('01900000-0000-7000-8000-000000000000', { decision: 'not_confirmed' })).statusCode).toBe(404);
    const identified = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(officer), 'content-type': 'application/octet-stream' },
      payload: img['101_2'],
    });
    expect((await decide(identified.json().id, { decision: 'confirmed', reason: 'looks like him' })).json().error.code).toBe('biometrics.not_a_verification');
    const outsider = await app.tokenFor('officer', { facilityIds: [(await buildFacility(app.services, {}, 1)).facility.id] });
    expect((await decide(failed.json().id, { decision: 'not_confirmed' }, outsider)).statusCode).toBe(403);
    const monitor = await app.tokenFor('monitor');
    expect((await decide(failed.json().id, { decision: 'not_confirmed' }, monitor)).statusCode).toBe(403);

    const agreed = await decide(failed.json().id, { decision: 'not_confirmed' });
    expect(agreed.statusCode, agreed.body).toBe(200);
    expect(agreed.json()).toMatchObject({ verificationId: failed.json().id, personId: a, result: 'no_match', decision: 'not_confirmed', reason: null });
    const overruled = await decide(failed.json().id, { decision: 'confirmed', reason: 'Camp card 4471 and his brother identified him' });
    expect(overruled.json()).toMatchObject({ decision: 'confirmed', reason: 'Camp card 4471 and his brother identified him' });
    const audit = await app.http.inject({ method: 'GET', url: `/api/v1/audit?subjectId=${a}&limit=200`, headers: auth(await app.tokenFor('admin')) });
    const decisions = (audit.json() as { action: string; details: { decision?: string } }[]).filter((e) => e.action === 'biometrics.verification_decided');
    expect(decisions.map((d) => d.details.decision).sort()).toEqual(['confirmed', 'not_confirmed']);
  });
});
