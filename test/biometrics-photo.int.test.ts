/**
 * Record photos (issue 16, item 8) over the HTTP API on real LFW photographs: a face enrolment keeps the portrait as
 * the record photo, sealed at rest like a template; readers of the record get the JPEG (full or thumbnail), audited with
 * their purpose; a photo can be set on its own, replaced and erased with a reason; lists get thumbnails in one audited
 * request; bad input and wrong roles are refused with 4xx and change nothing. Missing-finger codes (XX/UP) per position.
 * PGlite only (the face engine is the expensive part and does not depend on the database).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, type TestApp } from './harness';
import { buildPerson } from './factories';
import { queryRows } from '../src/platform/db/database';
import { templateKeyFromBytes } from '../src/modules/biometrics';
import { openTemplate } from '../src/modules/biometrics/template-crypto';
import { readSample } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';

/** An 8-bit grey BMP (palette, bottom-up), as fingerprint scanners write them, from any image sharp reads. */
async function toBmp(image: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const stride = Math.ceil(info.width / 4) * 4;
  const offset = 14 + 40 + 1024;
  const out = Buffer.alloc(offset + stride * info.height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(info.width, 18);
  out.writeInt32LE(info.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(8, 28);
  out.writeUInt32LE(256, 46);
  for (let i = 0; i < 256; i++) out.writeUInt32LE((i << 16) | (i << 8) | i, 54 + i * 4);
  for (let y = 0; y < info.height; y++) data.copy(out, offset + (info.height - 1 - y) * stride, y * info.width, (y + 1) * info.width);
  return out;
}

const LFW = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/faces/lfw-dev');
const img = (person: string, n: number) => join(LFW, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
const KEY = randomBytes(32);

describe('record photos on pglite', () => {
  let app: TestApp;
  let registrar: string;
  let officer: string;
  let monitor: string;
  let commander: string;
  let savedKey: string | undefined;
  let p1: string;
  let p2: string;
  const photo: Record<string, Buffer> = {};

  beforeAll(async () => {
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY.toString('base64');
    photo.greenspan1 = await readFile(img('Alan_Greenspan', 1));
    photo.greenspan5 = await readFile(img('Alan_Greenspan', 5));
    app = await createTestApp('pglite');
    registrar = await app.tokenFor('registrar');
    officer = await app.tokenFor('officer');
    monitor = await app.tokenFor('monitor');
    commander = await app.tokenFor('commander');
    p1 = await buildPerson(app.services, { names: [{ full: 'Photo Person One' }] });
    p2 = await buildPerson(app.services, { names: [{ full: 'Photo Person Two' }] });
  }, 120_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const get = (token: string, url: string) => app.http.inject({ method: 'GET', url, headers: auth(token) });
  const putPhoto = (token: string, personId: string, body: Buffer, contentType = 'image/jpeg') =>
    app.http.inject({ method: 'PUT', url: `/api/v1/persons/${personId}/photo`, headers: { ...auth(token), 'content-type': contentType }, payload: body });
  const photoRows = (personId: string) =>
    queryRows<{ id: string; full_envelope: Uint8Array | null; thumb_envelope: Uint8Array | null; erased_at: unknown; erase_reason: string | null }>(
      app.services.database.db,
      sql`select id, full_envelope, thumb_envelope, erased_at, erase_reason from person_photos where person_id = ${personId} order by created_at, id`,
    );
  const auditOf = (personId: string, action: string) =>
    queryRows<{ action: string; purpose: string; details: unknown }>(
      app.services.database.db,
      sql`select action, purpose, details from audit_log where subject_id = ${personId} and action = ${action} order by seq`,
    );

  it('a face enrolment keeps its portrait as the record photo, sealed at rest, served to readers with an audited purpose', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${p1}/biometrics/face`,
      headers: { ...auth(registrar), 'content-type': 'image/jpeg' },
      payload: photo.greenspan1!,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.photo).toMatchObject({ personId: p1, source: 'face_enrolment', templateId: body.template.id, erasedAt: null });
    expect(body.photo.width).toBeLessThanOrEqual(480);
    expect(body.photo.height).toBeLessThanOrEqual(640);

    // At rest: envelopes under the template key bound to person, row and size; no JPEG in the row.
    const [row] = await photoRows(p1);
    const full = Buffer.from(row!.full_envelope!);
    expect(full.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    const key = templateKeyFromBytes(KEY);
    const opened = openTemplate(key, full, { bindTo: `custos.photo:${p1}:${row!.id}:full` }).data;
    expect(opened.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(() => openTemplate(key, full, { bindTo: `custos.photo:${p2}:${row!.id}:full` })).toThrow();
    expect(() => openTemplate(key, Buffer.from(row!.thumb_envelope!), { bindTo: `custos.photo:${p1}:${row!.id}:full` })).toThrow();

    const thumb = await get(commander, `/api/v1/persons/${p1}/photo?size=thumb&purpose=family%20tracing`);
    expect(thumb.statusCode, thumb.body).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['cache-control']).toContain('no-store');
    const tm = await sharp(thumb.rawPayload).metadata();
    expect(tm.format).toBe('jpeg');
    expect(tm.width!).toBeLessThanOrEqual(120);
    expect(tm.height!).toBeLessThanOrEqual(160);
    const fullRes = await get(registrar, `/api/v1/persons/${p1}/photo`);
    expect(fullRes.statusCode).toBe(200);
    const fm = await sharp(fullRes.rawPayload).metadata();
    expect([fm.width, fm.height]).toEqual([body.photo.width, body.photo.height]);
    expect(fm.exif).toBeUndefined();

    const reads = await auditOf(p1, 'person.photo_read');
    expect(reads.map((r) => r.purpose)).toEqual(['family tracing', 'registration']);

    const record = await get(registrar, `/api/v1/persons/${p1}/biometrics`);
    expect(record.json().photo).toMatchObject({ id: body.photo.id, source: 'face_enrolment' });
  }, 60_000);

  it("gives the face engine's quality verdict on a frame without storing anything", async () => {
    const q = (token: string, body: Buffer, purpose = 'enrol') =>
      app.http.inject({
        method: 'POST',
        url: `/api/v1/biometrics/face/quality?purpose=${purpose}`,
        headers: { ...auth(token), 'content-type': 'image/jpeg' },
        payload: body,
      });
    const good = await q(officer, photo.greenspan5!);
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ ok: true, issues: [] });
    expect(good.json().box.width).toBeGreaterThan(20);
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#777' } })
      .jpeg()
      .toBuffer();
    const none = await q(officer, blank);
    expect(none.json()).toMatchObject({ ok: false, box: null, issues: [{ code: 'face.no_face' }] });
    expect((await q(officer, Buffer.from('garbage'))).statusCode).toBe(400);
    expect((await q(officer, photo.greenspan5!, 'forever')).statusCode).toBe(400);
    expect((await q(commander, photo.greenspan5!)).statusCode).toBe(403);
  }, 30_000);

  it('lists get thumbnails in one request: only persons with a photo in scope, each audited', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    const batch = (token: string) =>
      app.http.inject({ method: 'POST', url: '/api/v1/persons/photos?purpose=roll%20call', headers: auth(token), payload: { personIds: [p2, unknown, p1] } });
    // The officer's scope is one facility where neither person is held: nothing, like persons without a photo.
    const scoped = await batch(officer);
    expect(scoped.statusCode, scoped.body).toBe(200);
    expect(scoped.json().photos).toEqual([]);
    const res = await batch(commander);
    expect(res.statusCode, res.body).toBe(200);
    const photos = res.json().photos;
    expect(photos.map((p: { personId: string }) => p.personId)).toEqual([p1]);
    expect(photos[0].dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect((await auditOf(p1, 'person.photo_read')).at(-1)).toMatchObject({ purpose: 'roll call' });

    for (const payload of [
      { personIds: [] },
      { personIds: ['nope'] },
      { personIds: Array.from({ length: 201 }, () => p1) },
      { personIds: [p1], size: 'huge' },
    ]) {
      const bad = await app.http.inject({ method: 'POST', url: '/api/v1/persons/photos', headers: auth(officer), payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await app.http.inject({ method: 'POST', url: '/api/v1/persons/photos', headers: auth(monitor), payload: { personIds: [p1] } })).statusCode).toBe(
      403,
    );
  });

  it('a photo set on its own replaces the previous one; erasure needs a reason and clears both sizes', async () => {
    const res = await putPhoto(registrar, p1, photo.greenspan5!);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ personId: p1, source: 'upload', templateId: null });
    let rows = await photoRows(p1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ full_envelope: null, thumb_envelope: null, erase_reason: 'replaced by another photo' });
    expect(rows[1]!.id).toBe(res.json().id);

    const noReason = await app.http.inject({ method: 'DELETE', url: `/api/v1/persons/${p1}/photo`, headers: auth(registrar) });
    expect(noReason.statusCode).toBe(400);
    const byOfficer = await app.http.inject({ method: 'DELETE', url: `/api/v1/persons/${p1}/photo?reason=not%20needed`, headers: auth(officer) });
    expect(byOfficer.statusCode).toBe(403);
    const erased = await app.http.inject({
      method: 'DELETE',
      url: `/api/v1/persons/${p1}/photo`,
      headers: auth(registrar),
      payload: { reason: 'request of the person, checked' },
    });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json()).toMatchObject({ eraseReason: 'request of the person, checked' });
    expect(erased.json().erasedAt).not.toBeNull();
    rows = await photoRows(p1);
    expect(rows.every((r) => r.full_envelope === null && r.thumb_envelope === null)).toBe(true);
    const gone = await get(registrar, `/api/v1/persons/${p1}/photo`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('biometrics.no_photo');
    expect((await app.http.inject({ method: 'DELETE', url: `/api/v1/persons/${p1}/photo?reason=again%20please`, headers: auth(registrar) })).statusCode).toBe(
      404,
    );
    expect((await auditOf(p1, 'biometrics.photo_erased')).length).toBe(1);
    expect((await get(registrar, `/api/v1/persons/${p1}/biometrics`)).json().photo).toBeNull();
  }, 60_000);

  it('refuses bad images, unknown persons and wrong roles with 4xx, storing nothing', async () => {
    const corrupt = Buffer.concat([photo.greenspan1!.subarray(0, 2000), Buffer.alloc(500, 7)]);
    const cases: [Buffer, string, number, string | undefined][] = [
      [Buffer.from('not an image at all'), 'image/jpeg', 400, 'face.corrupt_image'],
      [corrupt, 'image/jpeg', 400, undefined],
      [Buffer.alloc(0), 'image/jpeg', 400, undefined],
      [
        await sharp({ create: { width: 200, height: 200, channels: 3, background: '#888' } })
          .jpeg()
          .toBuffer(),
        'image/jpeg',
        400,
        'face.no_face',
      ],
      [Buffer.alloc(11 * 1024 * 1024, 1), 'image/jpeg', 413, undefined],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await putPhoto(registrar, p2, body, type);
      expect(res.statusCode, res.body).toBe(status);
      if (code) expect(res.json().error.code).toBe(code);
    }
    expect((await putPhoto(registrar, p2, photo.greenspan1!, 'text/plain')).statusCode).toBe(415);
    expect((await putPhoto(registrar, '01900000-0000-7000-8000-000000000001', photo.greenspan1!)).statusCode).toBe(404);
    expect((await putPhoto(registrar, 'not-a-uuid', photo.greenspan1!)).statusCode).toBe(400);
    expect((await putPhoto(officer, p2, photo.greenspan1!)).statusCode).toBe(403);
    expect((await putPhoto(commander, p2, photo.greenspan1!)).statusCode).toBe(403);
    expect(await photoRows(p2)).toEqual([]);

    expect((await get(monitor, `/api/v1/persons/${p2}/photo`)).statusCode).toBe(403);
    expect((await get(registrar, `/api/v1/persons/${p2}/photo?size=poster`)).statusCode).toBe(400);
    expect((await get(registrar, `/api/v1/persons/${p2}/photo`)).statusCode).toBe(404);
    // A liaison (French nationals only) is told the same as for a person that does not exist.
    const liaison = await app.tokenFor('liaison');
    const outside = await get(liaison, `/api/v1/persons/${p2}/photo`);
    expect([403, 404]).toContain(outside.statusCode);
    expect(outside.body).not.toContain('Photo Person Two');
  }, 60_000);

  it('records missing fingers with ANSI/NIST-ITL codes per position, who and when', async () => {
    const url = (pos: number | string) => `/api/v1/persons/${p2}/biometrics/fingerprints/${pos}/exception`;
    const put = (pos: number | string, payload: object, token = registrar) => app.http.inject({ method: 'PUT', url: url(pos), headers: auth(token), payload });
    const bandaged = await put(3, { kind: 'bandaged', note: 'burn, dressing until next week' });
    expect(bandaged.statusCode, bandaged.body).toBe(200);
    expect(bandaged.json()).toMatchObject({ fingerPosition: 3, kind: 'bandaged', ansiCode: 'UP', temporary: true, endedAt: null });
    expect(bandaged.json().createdBy).toMatch(/^registrar-/);
    const amputated = await put(6, { kind: 'amputated' });
    expect(amputated.json()).toMatchObject({ ansiCode: 'XX', temporary: false });
    const again = await put(3, { kind: 'unable_to_print' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('biometrics.finger_exception_exists');
    expect((await put(11, { kind: 'amputated' })).statusCode).toBe(400);
    expect((await put(0, { kind: 'amputated' })).statusCode).toBe(400);
    expect((await put(4, { kind: 'lost' })).statusCode).toBe(400);
    expect((await put(4, {})).statusCode).toBe(400);
    expect((await put(4, { kind: 'amputated' }, officer)).statusCode).toBe(403);

    const ended = await app.http.inject({ method: 'DELETE', url: url(3), headers: auth(registrar), payload: { reason: 'dressing removed' } });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ endReason: 'dressing removed' });
    expect((await app.http.inject({ method: 'DELETE', url: url(3), headers: auth(registrar), payload: { reason: 'dressing removed' } })).statusCode).toBe(404);
    expect((await app.http.inject({ method: 'DELETE', url: url(6), headers: auth(registrar) })).statusCode).toBe(400);

    const record = (await get(registrar, `/api/v1/persons/${p2}/biometrics`)).json();
    expect(record.fingerExceptions.map((e: { fingerPosition: number; endedAt: string | null }) => [e.fingerPosition, e.endedAt === null])).toEqual([
      [3, false],
      [6, true],
    ]);
    expect((await auditOf(p2, 'biometrics.finger_exception_recorded')).length).toBe(2);

    // A finger recorded as bandaged, then enrolled from a scanner's BMP file: the enrolment ends the record.
    expect((await put(4, { kind: 'bandaged' })).statusCode).toBe(200);
    const bmp = await toBmp(await readSample('fvc2002-db2b', '101_1'));
    const enrolled = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${p2}/biometrics/fingerprints/4?dpi=569`,
      headers: { ...auth(registrar), 'content-type': 'image/bmp' },
      payload: bmp,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    expect(enrolled.json().endedFingerException).toBe(
      (await get(registrar, `/api/v1/persons/${p2}/biometrics`)).json().fingerExceptions.find((e: { fingerPosition: number }) => e.fingerPosition === 4).id,
    );
    const after = (await get(registrar, `/api/v1/persons/${p2}/biometrics`)).json();
    expect(after.fingerExceptions.find((e: { fingerPosition: number }) => e.fingerPosition === 4)).toMatchObject({ endReason: 'finger enrolled' });
    // With a live print the finger cannot be recorded missing.
    const refused = await put(4, { kind: 'amputated' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('biometrics.finger_enrolled');
    const corrupt = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${p2}/biometrics/fingerprints/5`,
      headers: { ...auth(registrar), 'content-type': 'image/bmp' },
      payload: bmp.subarray(0, 4000),
    });
    expect(corrupt.statusCode).toBe(400);
    expect(corrupt.json().error.code).toBe('fingerprint.unreadable');
  });
});
