/**
 * Escaped persons (issue 19) over the HTTP API, on real photographs (LFW) and real fingerprints (FVC2002 DB2_B): a
 * person marked escaped is found at a checkpoint by face and by fingerprint; the answer never carries a name; a child's
 * hit routes to child protection; bad input says what to retake and is logged; the sighting raises alerts, is
 * confirmed, and the recapture takes the person out of the gallery; a notice leaves only with two approvals.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { FACE_DATA, readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { loadFaceModule, type FaceEngine, type FaceTemplate } from '../src/modules/biometrics';
import { verifyNotice } from '../src/modules/sightings';

const DPI = 569;
const KEY = randomBytes(32).toString('base64');
const face = (person: string, n: number) => readFile(join(FACE_DATA, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`));
const b64 = (b: Buffer) => b.toString('base64');

// One real face engine for both databases, on the test's thread: the models load once, no worker starts per target,
// and each image is extracted once for each purpose (the same bytes give the same template or the same refusal, so the
// second database is given the first one's real extraction instead of running the detector again).
let engine: FaceEngine | undefined;
let real: FaceEngine | undefined;
const extracted = new Map<string, Promise<FaceTemplate>>();
const sharedEngine = async (): Promise<FaceEngine> => {
  if (!engine) {
    const face = (await loadFaceModule()).createFaceEngine({ workers: 0 });
    real = face;
    await face.ready();
    engine = {
      workers: face.workers,
      ready: () => face.ready(),
      close: async () => undefined, // closed once, after both databases
      extract: (image, opts) => {
        const key = `${opts.purpose}:${createHash('sha256').update(image).digest('hex')}`;
        let t = extracted.get(key);
        if (!t) extracted.set(key, (t = face.extract(image, opts)));
        return t;
      },
    };
  }
  return engine;
};
afterAll(async () => {
  await real?.close();
});

describe.each(await targets())('sightings on %s', (target) => {
  let app: TestApp;
  let savedKey: string | undefined;
  let checkpoint: string;
  let investigator: string;
  let officer: string;
  let legal1: string;
  let legal2: string;
  let facilityId: string;
  let adult: string;
  let child: string;
  let inCustody: string;
  const img: Record<string, Buffer> = {};

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    img.greenspan1 = await face('Alan_Greenspan', 1);
    img.greenspan5 = await face('Alan_Greenspan', 5);
    img.jubeir1 = await face('Ali_Naimi', 1);
    img.jubeir2 = await face('Ali_Naimi', 3);
    img.bush1 = await face('Bill_Frist', 1);
    img.bush2 = await face('Bill_Frist', 2);
    img.fp1 = await readSample('fvc2002-db2b', '101_1');
    img.fp2 = await readSample('fvc2002-db2b', '101_2');
    const faceEngine = await sharedEngine();
    app = await createTestApp(target, { biometrics: { faceEngine: () => faceEngine } });
    const s = app.services;
    const { facility } = await buildFacility(s, { kind: 'prison' }, 1);
    facilityId = facility.id;
    adult = await buildAdmittedPerson(s, { facilityId }, { names: [{ full: 'Yusuf bin Hamid al-Escapee' }], birthDate: '1985-03-01' } as never);
    child = await buildAdmittedPerson(s, { facilityId }, { names: [{ full: 'Omar bin Yusuf al-Young' }], birthDate: '2016-05-01', sex: 'M' } as never);
    inCustody = await buildAdmittedPerson(s, { facilityId }, { names: [{ full: 'Hassan bin Ali al-Present' }] });
    await s.biometrics.enrolFace(adminActor, adult, img.greenspan1!);
    await s.biometrics.enrolFingerprint(adminActor, adult, 2, img.fp1!, DPI);
    await s.biometrics.enrolFace(adminActor, child, img.jubeir1!);
    await s.biometrics.enrolFace(adminActor, inCustody, img.bush1!);
    await s.registry.addDocument(adminActor, adult, { type: 'passport', number: 'A1234567', issuingCountry: 'IRQ' } as never);
    checkpoint = await app.tokenFor('checkpoint');
    investigator = await app.tokenFor('investigator');
    officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
    legal1 = await app.tokenFor('legal');
    legal2 = await app.tokenFor('legal');
    await s.custody.append(adminActor, { personId: adult, type: 'ESCAPED' });
    await s.custody.append(adminActor, { personId: child, type: 'ESCAPED' });
    await s.settle();
  }, 180_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const check = (body: Record<string, unknown>, token = checkpoint) =>
    app.http.inject({
      method: 'POST',
      url: '/api/v1/sightings/checks',
      headers: auth(token),
      payload: { place: 'Rabia crossing', latitude: 36.8, longitude: 42.1, ...body },
    });

  it('keeps the escaped persons in the wanted gallery, the child flagged', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/api/v1/sightings/wanted', headers: auth(investigator) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('2');
    const rows = res.json() as { personId: string; minor: boolean; status: string }[];
    expect(rows.find((r) => r.personId === adult)).toMatchObject({ status: 'ESCAPED', minor: false });
    expect(rows.find((r) => r.personId === child)).toMatchObject({ status: 'ESCAPED', minor: true });
  });

  it('finds the escaped person by face and by fingerprint; the answer is an instruction, never a name', async () => {
    const byFace = await check({ face: b64(img.greenspan5!) });
    expect(byFace.statusCode).toBe(200);
    expect(byFace.json()).toMatchObject({ outcome: 'detain', instruction: 'detain', retake: [] });
    expect(byFace.json().reference).toMatch(/^CK-\d{8}-[0-9A-F]{6}$/);
    const text = byFace.body;
    for (const secret of [adult, 'Yusuf', 'Escapee', facilityId]) expect(text).not.toContain(secret);
    const byFinger = await check({ fingerprints: [{ image: b64(img.fp2!), dpi: DPI }] });
    expect(byFinger.json()).toMatchObject({ outcome: 'detain', instruction: 'detain' });
    expect(byFinger.body).not.toContain(adult);
    const byDocument = await check({ document: { number: 'a123-4567', name: 'Yousef bin Hamed al-Escapee' } });
    expect(byDocument.json()).toMatchObject({ instruction: 'detain' });
  });

  it("routes a child's hit to child protection, never to detention; a person in custody is no match", async () => {
    const res = await check({ face: b64(img.jubeir2!) });
    expect(res.json()).toMatchObject({ outcome: 'refer_child_protection', instruction: 'refer_child_protection' });
    const none = await check({ face: b64(img.bush2!) });
    expect(none.json()).toMatchObject({ outcome: 'no_match', instruction: 'no_match' });
    // the checkpoint role may not search the whole registry
    expect((await check({ face: b64(img.bush2!), scope: 'registry' })).statusCode).toBe(403);
  });

  it('says what to retake on bad input, and logs it', async () => {
    const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const res = await check({ face: b64(blank), fingerprints: [{ image: b64(Buffer.from('not an image at all')) }], document: { number: '12' } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { outcome: string; instruction: null; retake: { input: string; code: string; message: string }[] };
    expect(body.outcome).toBe('retake');
    expect(body.instruction).toBeNull();
    expect(body.retake.map((r) => r.input).sort()).toEqual(['document', 'face', 'fingerprint']);
    expect(body.retake.find((r) => r.input === 'face')!.code).toBe('face.no_face');
    expect(body.retake.find((r) => r.input === 'fingerprint')!.code).toBe('fingerprint.unreadable');
    expect(body.retake.find((r) => r.input === 'document')!.code).toBe('sightings.document_number_format');
    const empty = await check({});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('sightings.nothing_to_check');
    const log = await app.http.inject({ method: 'GET', url: '/api/v1/sightings/checks', headers: auth(investigator) });
    const rows = log.json() as { outcome: string; place: string; retake: { code: string }[] }[];
    const logged = rows.find((r) => r.outcome === 'retake' && r.place === 'Rabia crossing');
    expect(logged?.retake.map((r) => r.code).sort()).toEqual(['face.no_face', 'fingerprint.unreadable', 'sightings.document_number_format']);
    expect(rows.some((r) => r.outcome === 'no_match')).toBe(true);
    expect(log.body).not.toContain('Yusuf');
  });

  it('alerts the facility and headquarters; an investigator confirms; the recapture takes the person out of the gallery', async () => {
    await app.services.settle();
    const list = await app.http.inject({ method: 'GET', url: `/api/v1/sightings?personId=${adult}`, headers: auth(investigator) });
    const sightings = list.json() as { id: string; status: string; source: string; latitude: number }[];
    expect(sightings.length).toBeGreaterThanOrEqual(2);
    expect(sightings[0]).toMatchObject({ status: 'reported', source: 'check', latitude: 36.8 });
    const alerts = await app.services.alerts.list(adminActor, { rule: 'sighting.reported', limit: 100 });
    const forFirst = alerts.filter((a) => (a.details as { sightingId?: string }).sightingId === sightings[0]!.id);
    expect(forFirst.map((a) => a.facilityId ?? 'hq').sort()).toEqual([facilityId, 'hq'].sort());
    expect(JSON.stringify(forFirst)).not.toContain('Yusuf');

    const early = await app.http.inject({
      method: 'POST',
      url: `/api/v1/sightings/${sightings[0]!.id}/recapture`,
      headers: auth(officer),
      payload: { facilityId },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('sightings.not_confirmed');
    const confirmed = await app.http.inject({ method: 'POST', url: `/api/v1/sightings/${sightings[0]!.id}/confirm`, headers: auth(investigator), payload: {} });
    expect(confirmed.json()).toMatchObject({ status: 'confirmed' });
    const rejected = await app.http.inject({ method: 'POST', url: `/api/v1/sightings/${sightings[1]!.id}/reject`, headers: auth(investigator), payload: {} });
    expect(rejected.statusCode).toBe(400);
    // an officer of the facility (no sightings.read) records it and gets the sighting back
    const back = await app.http.inject({
      method: 'POST',
      url: `/api/v1/sightings/${sightings[0]!.id}/recapture`,
      headers: auth(officer),
      payload: { facilityId },
    });
    expect(back.statusCode).toBe(200);
    expect(back.json().sighting.status).toBe('recaptured');
    const events = await app.services.custody.personEvents(adminActor, adult);
    expect(events.at(-1)).toMatchObject({ type: 'RECAPTURED', toFacilityId: facilityId, evidence: { sightingId: sightings[0]!.id } });
    await app.services.settle();
    const wanted = await app.http.inject({ method: 'GET', url: '/api/v1/sightings/wanted', headers: auth(investigator) });
    expect((wanted.json() as { personId: string }[]).map((w) => w.personId)).toEqual([child]);
    expect((await check({ face: b64(img.greenspan5!) })).json()).toMatchObject({ outcome: 'no_match' });
    const figures = await app.http.inject({ method: 'GET', url: '/api/v1/sightings/figures', headers: auth(investigator) });
    expect(figures.json()).toMatchObject({ wanted: 1, minors: 1, recaptured: 1, recapturedAfterSighting: 1 });
  });

  it('refuses a notice without two approvals by different people; a child only to child protection', async () => {
    const draft = (recipientKind: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/v1/sightings/notices',
        headers: auth(investigator),
        payload: {
          personId: child,
          recipient: 'Iraqi child protection liaison',
          recipientKind,
          recipientCountry: 'irq',
          fields: ['names', 'birth', 'escape'],
          legalBasis: 'Bilateral protocol on unaccompanied minors, art. 4',
        },
      });
    const refused = await draft('state_liaison');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('sightings.minor_recipient');
    const created = await draft('child_protection');
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const exportIt = () => app.http.inject({ method: 'POST', url: `/api/v1/sightings/notices/${id}/export`, headers: auth(investigator) });
    const approve = (token: string) => app.http.inject({ method: 'POST', url: `/api/v1/sightings/notices/${id}/approve`, headers: auth(token) });
    expect((await exportIt()).json().error.code).toBe('sightings.notice_not_approved');
    expect((await approve(legal1)).statusCode).toBe(200);
    expect((await exportIt()).statusCode).toBe(409);
    const twice = await approve(legal1);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('sightings.notice_approval_refused');
    expect((await approve(legal2)).json()).toMatchObject({ status: 'approved' });
    const doc = await exportIt();
    expect(doc.statusCode).toBe(200);
    const signed = doc.json();
    expect(verifyNotice(signed)).toBe(true);
    expect(Object.keys(signed.notice.subject).sort()).toEqual(['birth', 'escape', 'names', 'reference']);
    expect(signed.notice.approvedBy).toHaveLength(2);
    expect(verifyNotice({ ...signed, notice: { ...signed.notice, legalBasis: 'none' } })).toBe(false);
  });
});
