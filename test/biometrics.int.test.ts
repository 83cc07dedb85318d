/**
 * Biometrics over the HTTP API with real fingerprints (FVC2002 DB2_B, read in place from ../shared/data/fingerprints):
 * per-finger enrolment into encrypted templates, 1:1 and 1:N, duplicate cases decided by a registrar, erasure, a
 * gallery rebuilt from the database by a fresh service, and bad input refused with a reason. No timings asserted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, buildPerson } from './factories';
import { queryRows } from '../src/platform/db/database';
import { BiometricsService, extractFingerprint, serializeTemplate } from '../src/modules/biometrics';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { silentLogger } from '../src/platform/logger';
import { openApp } from '../src/main';

const DPI = 569; // FVC2002 DB2
const list = await targets();
const KEY = randomBytes(32).toString('base64');

describe.each(list)('fingerprint biometrics on %s', (target) => {
  let app: TestApp;
  let registrar: string;
  let monitor: string;
  let officer: string;
  let savedKey: string | undefined;
  let personA: string;
  let personB: string;
  let personC: string;
  const img: Record<string, Buffer> = {};

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    for (const n of ['101_1', '101_2', '101_3', '101_4', '102_1', '103_1']) img[n] = await readSample('fvc2002-db2b', n);
    app = await createTestApp(target);
    registrar = await app.tokenFor('registrar');
    monitor = await app.tokenFor('monitor');
    // An officer scoped to a facility where none of these persons is registered.
    const { facility } = await buildFacility(app.services, {}, 1);
    officer = await app.tokenFor('officer', { facilityIds: [facility.id] });
    personA = await buildPerson(app.services, { names: [{ full: 'Khalid bin Omar al-Finger' }] });
    personB = await buildPerson(app.services);
    personC = await buildPerson(app.services);
  }, 120_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const enrol = (personId: string, position: number | string, body: Buffer | string, contentType = 'image/tiff', dpi: number | null = DPI) =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${personId}/biometrics/fingerprints/${position}${dpi ? `?dpi=${dpi}` : ''}`,
      headers: { ...auth(registrar), 'content-type': contentType },
      payload: body,
    });

  const verify = (personId: string, image: Buffer, token = registrar, extra = '') =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/verify?personId=${personId}&modality=fingerprint&dpi=${DPI}${extra}`,
      headers: { ...auth(token), 'content-type': 'application/octet-stream' },
      payload: image,
    });

  let templateA = '';
  let caseId = '';

  it('enrols a finger into an encrypted template and never returns template bytes', async () => {
    const res = await enrol(personA, 2, img['101_1']!);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.template).toMatchObject({ personId: personA, modality: 'fingerprint', fingerPosition: 2, model: 'custos.fingerprint.minutiae@1' });
    expect(body.template.quality).toBeGreaterThan(0);
    expect(body.duplicates).toEqual([]);
    expect(res.body).not.toMatch(/envelope|minutiae"|descriptor/);
    templateA = body.template.id;

    const [row] = await queryRows<{ envelope: Uint8Array; model: string; model_version: string }>(
      app.services.database.db,
      sql`select envelope, model, model_version from biometric_templates where id = ${templateA}`,
    );
    const stored = Buffer.from(row!.envelope);
    const plain = Buffer.from(serializeTemplate((await extractFingerprint(img['101_1']!, { dpi: DPI })).template));
    expect(stored.subarray(0, 4).toString('ascii')).toBe('CTPL');
    expect(stored.includes(plain.subarray(12, 60))).toBe(false);
    expect(stored.includes(plain.subarray(0, 4))).toBe(false);
    expect(row!.model_version).toBe('1');

    const listed = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personA}/biometrics`, headers: auth(registrar) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().templates).toHaveLength(1);
    expect(listed.body).not.toMatch(/envelope/);
  });

  it('verifies 1:1: another impression of the same finger matches, another finger does not', async () => {
    const same = await verify(personA, img['101_2']!);
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({
      kind: 'verify',
      personId: personA,
      modality: 'fingerprint',
      result: 'match',
      match: true,
      threshold: 30,
      targetFmr: 1e-3,
    });
    const other = await verify(personA, img['102_1']!);
    expect(other.json()).toMatchObject({ result: 'no_match', match: false });
    expect(other.json().score).toBeLessThan(30);

    // The verification is a record: its id is what a custody event cites as evidence.
    const ref = same.json().id as string;
    const got = await app.http.inject({ method: 'GET', url: `/api/v1/biometrics/verifications/${ref}`, headers: auth(registrar) });
    expect(got.json()).toMatchObject({ id: ref, result: 'match' });
    expect(await app.services.biometrics.isMatchFor(app.services.database.db, ref, personA)).toBe(true);
    expect(await app.services.biometrics.isMatchFor(app.services.database.db, other.json().id, personA)).toBe(false);
    const { facility } = await buildFacility(app.services, {}, 1);
    const admin = await app.tokenFor('admin');
    const event = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${personA}/events`,
      headers: auth(admin),
      payload: { type: 'ADMITTED', facilityId: facility.id, evidence: { biometricVerificationId: ref, method: 'fingerprint' } },
    });
    expect(event.statusCode, event.body).toBe(201);
    const events = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personA}/events`, headers: auth(admin) });
    expect(JSON.stringify(events.json())).toContain(ref);

    // A roll-call mark that claims a fingerprint check must cite a matching verification of that person, in that
    // modality; a failed one, a made-up reference or another modality's claim is refused and records nothing.
    const rc = await app.http.inject({ method: 'POST', url: '/api/v1/rollcalls', headers: auth(admin), payload: { facilityId: facility.id } });
    expect(rc.statusCode, rc.body).toBe(201);
    const mark = (m: object) =>
      app.http.inject({
        method: 'POST',
        url: `/api/v1/rollcalls/${rc.json().id}/marks`,
        headers: auth(admin),
        payload: { marks: [{ personId: personA, result: 'present', ...m }] },
      });
    for (const [claim, why] of [
      [{ method: 'fingerprint', verificationRef: other.json().id }, /did not match/],
      [{ method: 'fingerprint', verificationRef: 'fp-1' }, /not the id of a recorded verification/],
      [{ method: 'fingerprint', verificationRef: '0190a000-0000-7000-8000-00000000abcd' }, /not the id of a recorded verification/],
      [{ method: 'face', verificationRef: ref }, /fingerprint verification, not face/],
    ] as const) {
      const refused = await mark(claim);
      expect(refused.statusCode, JSON.stringify(claim)).toBe(400);
      expect(refused.json().error.code).toBe('rollcall.verification_not_valid');
      expect(refused.json().error.message).toMatch(why);
    }
    const none = await app.http.inject({ method: 'GET', url: `/api/v1/rollcalls/${rc.json().id}`, headers: auth(admin) });
    expect(JSON.stringify(none.json())).not.toMatch(/"present":1/);
    const accepted = await mark({ method: 'fingerprint', verificationRef: ref });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().recorded).toBe(1);
  });

  it('a second record with the same finger opens a duplicate case; nothing is merged automatically', async () => {
    const res = await enrol(personB, 7, img['101_3']!); // labelled as another finger: de-duplication compares all fingers
    expect(res.statusCode, res.body).toBe(201);
    const dups = res.json().duplicates;
    expect(dups).toHaveLength(1);
    expect(dups[0]).toMatchObject({ existingPersonId: personA });
    caseId = dups[0].caseId;

    const open = await app.http.inject({ method: 'GET', url: '/api/v1/biometrics/duplicates?status=open', headers: auth(registrar) });
    expect(open.json().map((c: { id: string }) => c.id)).toContain(caseId);
    expect(open.headers['x-total-count']).toBe(String(open.json().length)); // the queue says how many
    const theCase = open.json().find((c: { id: string }) => c.id === caseId);
    expect(theCase).toMatchObject({ status: 'open', modality: 'fingerprint', newPersonId: personB, existingPersonId: personA, threshold: 40, targetFmr: 1e-4 });
    // The officer sees neither person, so not the case either (no count leaks).
    const hidden = await app.http.inject({ method: 'GET', url: '/api/v1/biometrics/duplicates', headers: auth(officer) });
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json()).toEqual([]);
    expect(hidden.headers['x-total-count']).toBe('0');
    const forbidden = await app.http.inject({ method: 'GET', url: `/api/v1/biometrics/duplicates/${caseId}`, headers: auth(officer) });
    expect(forbidden.statusCode).toBe(403);
    // The case's own page fuses its fingerprint score with the other evidence between the two persons: a suggestion
    // with its parts, never a decision (the case stays open).
    const one = await app.http.inject({ method: 'GET', url: `/api/v1/biometrics/duplicates/${caseId}`, headers: auth(registrar) });
    expect(one.statusCode, one.body).toBe(200);
    const evidence = one.json().evidence;
    expect(evidence.contributions.map((c: { evidence: string }) => c.evidence)).toContain('finger');
    expect(evidence.contributions.find((c: { evidence: string }) => c.evidence === 'finger').score).toBe(theCase.score);
    expect(evidence.log10Lr).toBeCloseTo(
      evidence.contributions.reduce((sum: number, c: { log10Lr: number }) => sum + c.log10Lr, 0),
      9,
    );
    expect(evidence.targetFmr).toBe(1e-4);
    expect(one.json().status).toBe('open');

    // Re-enrolling the same pair does not reopen the case.
    const again = await enrol(personB, 7, img['101_4']!);
    expect(again.statusCode).toBe(201);
    expect(again.json().duplicates).toEqual([]);
    expect(again.json().replacedTemplateId).toBe(res.json().template.id);
  });

  it('identifies 1:N with scores, only among persons the caller may see', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(registrar), 'content-type': 'image/tiff' },
      payload: img['101_2']!,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'identify', result: 'candidates', threshold: 40, targetFmr: 1e-4 });
    const ids = body.candidates.map((c: { personId: string }) => c.personId);
    expect(ids).toContain(personA);
    expect(ids).toContain(personB);
    expect(ids).not.toContain(personC);
    expect(body.candidates.find((c: { personId: string }) => c.personId === personA).name).toBe('Khalid bin Omar al-Finger');
    expect(res.body).not.toMatch(/envelope|descriptor/);

    const scoped = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(officer), 'content-type': 'image/tiff' },
      payload: img['101_2']!,
    });
    expect(scoped.statusCode).toBe(200);
    expect(scoped.json()).toMatchObject({ result: 'no_candidates', candidates: [] });
  });

  it('a registrar decides the case: same person links both records, deletes neither, and is audited', async () => {
    const bad = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/duplicates/${caseId}/decide`,
      headers: auth(registrar),
      payload: { decision: 'same_person' },
    });
    expect(bad.statusCode).toBe(400);
    const notTheirs = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/duplicates/${caseId}/decide`,
      headers: auth(registrar),
      payload: { decision: 'same_person', reason: 'same prints', survivingPersonId: personC },
    });
    expect(notTheirs.statusCode).toBe(400);
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/duplicates/${caseId}/decide`,
      headers: auth(registrar),
      payload: { decision: 'same_person', reason: 'Same prints and the same family book; registered twice at intake', reviewOn: '2026-06-01' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'same_person', decision: { survivingPersonId: personA, reviewOn: '2026-06-01' } });
    const twice = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/duplicates/${caseId}/decide`,
      headers: auth(registrar),
      payload: { decision: 'different_persons', reason: 'changed my mind' },
    });
    expect(twice.statusCode).toBe(409);

    const b = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personB}/biometrics`, headers: auth(registrar) });
    expect(b.json().samePersonAs).toEqual([{ personId: personA, caseId, survivingPersonId: personA }]);
    for (const p of [personA, personB]) {
      const person = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${p}`, headers: auth(registrar) });
      expect(person.statusCode).toBe(200);
    }
    const audit = await app.services.audit.list(adminActor, { action: 'biometrics.duplicate_decided', limit: 100 });
    const subjects = audit.filter((e) => (e.details as { caseId?: string })?.caseId === caseId).map((e) => e.subjectId);
    expect(subjects.sort()).toEqual([personA, personB].sort());
  });

  it('a fresh service (a restart) rebuilds the gallery from the encrypted templates', async () => {
    const s = app.services;
    const fresh = new BiometricsService(s.database.db, s.clock, s.ids, s.audit, s.outbox, s.registry, silentLogger, {});
    await fresh.start();
    const status = await fresh.status(adminActor);
    expect(status.fingerprint.templates).toBe(2);
    expect(status.unreadableTemplates).toBe(0);
    const v = await fresh.verify(adminActor, { personId: personA, modality: 'fingerprint', image: img['101_2']!, dpi: DPI });
    expect(v.match).toBe(true);
    // Kept current across processes: an enrolment and an erasure by the other service are seen at the next search.
    const enrolled = await s.biometrics.enrolFingerprint(adminActor, personC, 3, img['103_1']!, DPI);
    const seen = await fresh.verify(adminActor, { personId: personC, modality: 'fingerprint', fingerPosition: 3, image: img['103_1']!, dpi: DPI });
    expect(seen.match).toBe(true);
    await s.biometrics.erase(adminActor, personC, enrolled.template.id, 'test of the re-sync');
    await expect(fresh.verify(adminActor, { personId: personC, modality: 'fingerprint', image: img['103_1']!, dpi: DPI })).rejects.toMatchObject({
      code: 'biometrics.not_enrolled',
    });
    // Another key cannot open them: they are left out, never shown.
    const wrong = new BiometricsService(s.database.db, s.clock, s.ids, s.audit, s.outbox, s.registry, silentLogger, {
      env: { CUSTOS_TEMPLATE_KEY: randomBytes(32).toString('base64') },
    });
    const ws = await wrong.status(adminActor);
    expect(ws.fingerprint.templates).toBe(0);
    expect(ws.unreadableTemplates).toBe(2);
    await fresh.close();
    await wrong.close();
  }, 60_000);

  it('erases a template: envelope overwritten, out of the gallery, audited', async () => {
    const noReason = await app.http.inject({ method: 'DELETE', url: `/api/v1/persons/${personA}/biometrics/${templateA}`, headers: auth(registrar) });
    expect(noReason.statusCode).toBe(400);
    const wrongPerson = await app.http.inject({
      method: 'DELETE',
      url: `/api/v1/persons/${personC}/biometrics/${templateA}?reason=consent%20withdrawn`,
      headers: auth(registrar),
    });
    expect(wrongPerson.statusCode).toBe(404);
    const res = await app.http.inject({
      method: 'DELETE',
      url: `/api/v1/persons/${personA}/biometrics/${templateA}?reason=consent%20withdrawn`,
      headers: auth(registrar),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: templateA, eraseReason: 'consent withdrawn' });
    expect(res.json().erasedAt).toBeTruthy();
    const [row] = await queryRows<{ envelope: Uint8Array | null }>(
      app.services.database.db,
      sql`select envelope from biometric_templates where id = ${templateA}`,
    );
    expect(row!.envelope).toBeNull();
    const again = await app.http.inject({ method: 'DELETE', url: `/api/v1/persons/${personA}/biometrics/${templateA}?reason=again`, headers: auth(registrar) });
    expect(again.statusCode).toBe(409);

    const v = await verify(personA, img['101_2']!);
    expect(v.statusCode).toBe(404);
    expect(v.json().error.code).toBe('biometrics.not_enrolled');
    const idf = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/identify?modality=fingerprint&dpi=${DPI}`,
      headers: { ...auth(registrar), 'content-type': 'image/tiff' },
      payload: img['101_2']!,
    });
    expect(idf.json().candidates.map((c: { personId: string }) => c.personId)).not.toContain(personA);
    const audit = await app.services.audit.list(adminActor, { action: 'biometrics.erased', limit: 100 });
    expect(audit.some((e) => e.subjectId === personA)).toBe(true);
  });

  it('refuses bad input with a reason and never a 500', async () => {
    const cases: [string, Awaited<ReturnType<typeof enrol>>, number, RegExp][] = [
      ['empty body', await enrol(personC, 1, Buffer.alloc(0), 'application/octet-stream'), 400, /biometrics\.(empty_image|no_image)/],
      ['corrupt bytes', await enrol(personC, 1, randomBytes(4000)), 400, /^fingerprint\./],
      ['truncated TIFF', await enrol(personC, 1, img['103_1']!.subarray(0, 3000)), 400, /^fingerprint\./],
      ['oversized body', await enrol(personC, 1, Buffer.alloc(15 * 1024 * 1024, 1)), 413, /too_large/],
      ['unsupported content type', await enrol(personC, 1, 'hello', 'text/plain'), 415, /unsupported_media_type/],
      ['finger position 11', await enrol(personC, 11, img['103_1']!), 400, /request\.invalid/],
      ['finger position 0', await enrol(personC, 0, img['103_1']!), 400, /request\.invalid/],
      ['bad dpi', await enrol(personC, 1, img['103_1']!, 'image/tiff', 20), 400, /request\.invalid/],
      ['not base64', await enrol(personC, 1, JSON.stringify({ image: '***' }), 'application/json'), 400, /biometrics\.bad_base64/],
      ['JSON without image', await enrol(personC, 1, JSON.stringify({ dpi: 500 }), 'application/json'), 400, /request\.invalid/],
      ['malformed JSON', await enrol(personC, 1, '{"image": ', 'application/json'), 400, /malformed_json/],
      ['unknown person', await enrol('0190c0de-0000-7000-8000-000000000000', 1, img['103_1']!), 404, /person_not_found/],
    ];
    for (const [what, res, status, code] of cases) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.json().error.code, what).toMatch(code);
      expect(res.json().error.message.length, what).toBeGreaterThan(5);
    }
    const blank = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${personC}/biometrics/fingerprints/1`,
      headers: { ...auth(registrar), 'content-type': 'application/json' },
      payload: { image: Buffer.alloc(300 * 300, 255).toString('base64') },
    });
    expect(blank.statusCode).toBe(400);
    const noRole = await enrol(personC, 1, img['103_1']!).then(() =>
      app.http.inject({
        method: 'POST',
        url: `/api/v1/biometrics/verify?personId=${personC}&modality=fingerprint`,
        headers: { ...auth(monitor), 'content-type': 'image/tiff' },
        payload: img['103_1']!,
      }),
    );
    expect(noRole.statusCode).toBe(403);
    const noModality = await app.http.inject({
      method: 'POST',
      url: `/api/v1/biometrics/verify?personId=${personC}`,
      headers: { ...auth(registrar), 'content-type': 'image/tiff' },
      payload: img['103_1']!,
    });
    expect(noModality.statusCode).toBe(400);
    const badCase = await app.http.inject({ method: 'GET', url: '/api/v1/biometrics/duplicates/not-a-uuid', headers: auth(registrar) });
    expect(badCase.statusCode).toBe(400);
    const unknownCase = await app.http.inject({
      method: 'GET',
      url: '/api/v1/biometrics/duplicates/0190c0de-0000-7000-8000-000000000000',
      headers: auth(registrar),
    });
    expect(unknownCase.statusCode).toBe(404);
  });

  it('asks for a retake when the capture is poor, says why, and stores nothing', async () => {
    // A real print (FVC DB4_B 102_1) drowned in strong noise: still a fingerprint, but its quality (57) is below
    // the enrolment bar (RETAKE_QUALITY, 70).
    const raw = await sharp(await readSample('fvc-db4b', '102_1'))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let seed = 7;
    const noisy = Buffer.from(
      raw.data.map((v) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return Math.max(0, Math.min(255, Math.round(v + (seed / 2 ** 32 - 0.5) * 360)));
      }),
    );
    const png = await sharp(noisy, { raw: { width: raw.info.width, height: raw.info.height, channels: 1 } })
      .png()
      .toBuffer();
    const before = (await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personB}/biometrics`, headers: auth(registrar) })).body;
    const res = await enrol(personB, 7, png, 'image/png', 500);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('fingerprint.retake');
    expect(res.json().error.message).toMatch(/poor quality \(\d+ of 100, at least 70 needed to enrol\): .*Take it again/);
    const after = (await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personB}/biometrics`, headers: auth(registrar) })).body;
    expect(after).toBe(before);
    // the same print without the noise enrols
    const clean = await sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: 1 } })
      .png()
      .toBuffer();
    expect((await enrol(personB, 7, clean, 'image/png', 500)).statusCode).toBe(201);
  });
});

describe('template key and lazy face engine', () => {
  it('openApp keeps the key in the data folder (mode 0600), reopens templates after a restart, and never starts the face engine for fingerprints', async () => {
    requireFingerprintData();
    const saved = process.env.CUSTOS_TEMPLATE_KEY;
    delete process.env.CUSTOS_TEMPLATE_KEY;
    const dir = mkdtempSync(join(tmpdir(), 'custos-bio-'));
    try {
      const first = await openApp({ dataDir: dir });
      const person = await buildPerson(first, {});
      await first.biometrics.enrolFingerprint(adminActor, person, 1, await readSample('fvc2002-db2b', '101_1'), DPI);
      const st = statSync(join(dir, 'template.key'));
      expect(st.mode & 0o777).toBe(0o600);
      // the engine is held by the service's galleries (biometrics.galleries.ts), next to the template key
      expect((first.biometrics as unknown as { galleries: { engine?: unknown } }).galleries.engine).toBeUndefined();
      await first.close();

      const second = await openApp({ dataDir: dir });
      await second.biometrics.start();
      const v = await second.biometrics.verify(adminActor, {
        personId: person,
        modality: 'fingerprint',
        image: await readSample('fvc2002-db2b', '101_2'),
        dpi: DPI,
      });
      expect(v.match).toBe(true);
      await second.close();
    } finally {
      if (saved !== undefined) process.env.CUSTOS_TEMPLATE_KEY = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
