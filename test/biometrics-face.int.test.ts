/**
 * Faces through the HTTP API on real photographs of the LFW development set (read in place from
 * ../shared/data/faces/lfw-dev): enrolment into an encrypted template, 1:1 verification of the same and of a different
 * person, 1:N identification, a duplicate enrolment opening a case, and refused images. One face worker, PGlite only
 * (face extraction is the expensive part and does not depend on the database). No timings asserted.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, type TestApp } from './harness';
import { adminActor, buildFacility, buildPerson } from './factories';
import { queryRows } from '../src/platform/db/database';
import { loadFaceModule, templateKeyFromBytes } from '../src/modules/biometrics';
import { descriptorToBytes, openDescriptor } from '../src/modules/biometrics/template-crypto';

const LFW = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/faces/lfw-dev');
const img = (person: string, n: number) => join(LFW, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
const KEY = randomBytes(32);

describe('face biometrics on pglite', () => {
  let app: TestApp;
  let registrar: string;
  let savedKey: string | undefined;
  let p1: string;
  let p2: string;
  let p3: string;
  const photo: Record<string, Buffer> = {};

  beforeAll(async () => {
    if (!existsSync(join(LFW, 'pairs.tsv'))) {
      throw new Error(`The LFW development set is missing: expected ${LFW}/pairs.tsv (shared data beside the project, ../shared/data/faces/lfw-dev)`);
    }
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY.toString('base64');
    const boltonFiles = readdirSync(join(LFW, 'images_deepfunneled', 'John_Bolton')).sort();
    expect(boltonFiles.length).toBeGreaterThanOrEqual(3);
    photo.greenspan1 = await readFile(img('Alan_Greenspan', 1));
    photo.greenspan5 = await readFile(img('Alan_Greenspan', 5));
    photo.jubeir1 = await readFile(img('Adel_Al-Jubeir', 1));
    const bolton = (i: number) => readFile(join(LFW, 'images_deepfunneled', 'John_Bolton', boltonFiles[i]!));
    photo.bolton1 = await bolton(0);
    photo.bolton2 = await bolton(1);
    photo.bolton3 = await bolton(2);
    app = await createTestApp('pglite');
    registrar = await app.tokenFor('registrar');
    p1 = await buildPerson(app.services, { names: [{ full: 'Yusuf bin Hamid al-Face' }] });
    p2 = await buildPerson(app.services);
    p3 = await buildPerson(app.services);
  }, 120_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const enrol = (personId: string, body: Buffer | object, contentType = 'image/jpeg') =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${personId}/biometrics/face`,
      headers: { ...auth(registrar), 'content-type': contentType },
      payload: Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });

  const verify = (personId: string, image: Buffer) =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/verify?personId=${personId}&modality=face`,
      headers: { ...auth(registrar), 'content-type': 'image/jpeg' },
      payload: image,
    });

  it('enrols a real photo; another photo of the same person verifies, a different person does not', async () => {
    const face = await loadFaceModule();
    const res = await enrol(p1, photo.greenspan1!);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.template).toMatchObject({ personId: p1, modality: 'face', fingerPosition: null, model: face.FACE_MODEL.tag, modelVersion: '1.7.15/p2' });
    expect(body.duplicates).toEqual([]);
    expect(res.body).not.toMatch(/descriptor|envelope/);

    // At rest: an envelope under the key, bound to the person and row; not the plain descriptor.
    const [row] = await queryRows<{ envelope: Uint8Array }>(
      app.services.database.db,
      sql`select envelope from biometric_templates where id = ${body.template.id}`,
    );
    const stored = Buffer.from(row!.envelope);
    const key = templateKeyFromBytes(KEY);
    const { descriptor } = openDescriptor(key, stored, { expectModel: face.FACE_MODEL.tag, bindTo: `custos.template:${p1}:${body.template.id}` });
    expect(descriptor).toHaveLength(128);
    const plain = descriptorToBytes(descriptor);
    expect(stored.includes(plain)).toBe(false);
    expect(stored.includes(plain.subarray(0, 16))).toBe(false);
    expect(() => openDescriptor(key, stored, { bindTo: `custos.template:${p2}:${body.template.id}` })).toThrow();

    const same = await verify(p1, photo.greenspan5!);
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ kind: 'verify', personId: p1, modality: 'face', result: 'match', match: true });
    expect(same.json()).toMatchObject({ threshold: face.FACE_THRESHOLDS.verify.threshold, targetFmr: face.FACE_THRESHOLDS.verify.targetFmr });
    const other = await verify(p1, photo.jubeir1!);
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ result: 'no_match', match: false });

    // The verification's id is the reference a roll-call mark carries.
    const ref = same.json().id as string;
    const admin = await app.tokenFor('admin');
    const { facility } = await buildFacility(app.services, {}, 1);
    const admitted = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${p1}/events`,
      headers: auth(admin),
      payload: { type: 'ADMITTED', facilityId: facility.id, evidence: { faceVerificationId: ref } },
    });
    expect(admitted.statusCode, admitted.body).toBe(201);
    const rc = await app.http.inject({ method: 'POST', url: '/api/v1/rollcalls', headers: auth(admin), payload: { facilityId: facility.id } });
    expect(rc.statusCode, rc.body).toBe(201);
    const marked = await app.http.inject({
      method: 'POST',
      url: `/api/v1/rollcalls/${rc.json().id}/marks`,
      headers: auth(admin),
      payload: { marks: [{ personId: p1, result: 'present', method: 'face', verificationRef: ref }] },
    });
    expect(marked.statusCode, marked.body).toBeLessThan(300);
    const [mark] = await queryRows<{ verification_ref: string; method: string }>(
      app.services.database.db,
      sql`select verification_ref, method from rollcall_marks where person_id = ${p1}`,
    );
    expect(mark).toEqual({ verification_ref: ref, method: 'face' });
    expect(await app.services.biometrics.isMatchFor(app.services.database.db, mark!.verification_ref, p1)).toBe(true);
  });

  it('a duplicate enrolment opens a case for a registrar instead of merging', async () => {
    const first = await enrol(p2, photo.bolton1!);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().duplicates).toEqual([]);
    // The same man enrolled again under another record (JSON with base64 this time).
    const second = await enrol(p3, { image: photo.bolton2!.toString('base64') }, 'application/json');
    expect(second.statusCode, second.body).toBe(201);
    const dups = second.json().duplicates;
    expect(dups).toHaveLength(1);
    expect(dups[0]).toMatchObject({ existingPersonId: p2 });
    const theCase = await app.http.inject({ method: 'GET', url: `/api/v1/biometrics/duplicates/${dups[0].caseId}`, headers: auth(registrar) });
    expect(theCase.json()).toMatchObject({ status: 'open', modality: 'face', newPersonId: p3, existingPersonId: p2 });
    const decided = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/duplicates/${dups[0].caseId}/decide`,
      headers: auth(registrar),
      payload: { decision: 'different_persons', reason: 'Brothers: different birth dates and fathers, documents checked' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'different_persons', decision: { survivingPersonId: null } });
  });

  it('identifies 1:N: the enrolled persons most like a probe, with scores and names', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/biometrics/identify',
      headers: auth(registrar),
      payload: { modality: 'face', image: photo.bolton3!.toString('base64'), limit: 3 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().candidates.map((c: { personId: string }) => c.personId);
    expect(ids).toContain(p2);
    expect(ids).not.toContain(p1);
    for (const c of res.json().candidates) expect(c.score).toBeGreaterThanOrEqual(res.json().threshold);
    const status = await app.services.biometrics.status(adminActor);
    expect(status.face.templates).toBe(3);
    expect(status.face.identify.targetFmr).toBe(1e-4);
  });

  it('refuses a corrupt, empty, huge or faceless image with a reason', async () => {
    const faceless = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 180, b: 160 } } })
      .jpeg()
      .toBuffer();
    const hugePixels = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const cases: [string, Awaited<ReturnType<typeof enrol>>, number, RegExp][] = [
      ['empty', await enrol(p1, Buffer.alloc(0), 'application/octet-stream'), 400, /empty_image|no_image/],
      ['corrupt', await enrol(p1, randomBytes(5000)), 400, /face\.corrupt_image/],
      ['truncated', await enrol(p1, photo.greenspan1!.subarray(0, 4000)), 400, /face\.corrupt_image/],
      ['faceless', await enrol(p1, faceless), 400, /face\.no_face/],
      ['huge in pixels', await enrol(p1, hugePixels, 'image/png'), 400, /face\.image_too_large/],
      ['huge in bytes', await enrol(p1, Buffer.alloc(15 * 1024 * 1024, 7)), 413, /too_large/],
      ['huge in base64', await enrol(p1, { image: Buffer.alloc(11 * 1024 * 1024, 7).toString('base64') }, 'application/json'), 413, /too_large/],
    ];
    for (const [what, res, status, code] of cases) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.json().error.code, what).toMatch(code);
      expect(res.json().error.message.length, what).toBeGreaterThan(5);
    }
    // A faceless probe is refused too; nothing was enrolled by any of these.
    const probe = await verify(p1, faceless);
    expect(probe.statusCode).toBe(400);
    const listed = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${p1}/biometrics`, headers: auth(registrar) });
    expect(listed.json().templates.filter((t: { erasedAt: string | null }) => t.erasedAt === null)).toHaveLength(1);
  });
});
