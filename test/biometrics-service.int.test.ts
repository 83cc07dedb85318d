/**
 * The biometrics service's own rules with the real face engine (`createFaceEngine({workers: 0})`, TensorFlow on the
 * test's thread) on real photographs of the LFW development set, read in place from ../shared/data/faces/lfw-dev.
 * Scope filtering of identification and duplicate cases, galleries separated by model tag, re-enrolment of a slot,
 * audit rows, and the refusals that happen before any engine runs.
 *
 * Photos: same-person pairs from pairs.tsv (label 1), chosen so that each pair the rules rely on scores well above the
 * identification threshold (0.945) and the four persons are well below it against each other (measured once with this
 * engine: Lu 0001/0003 0.974, Bolton 0003/0010 0.966, Bolton 0003/0004 0.969, Affleck 0002/0006 0.975; no cross-person
 * pair above 0.89). Face extraction is the costly part (~0.5-1 s each here): the photos are read once, the engine loads
 * once for the whole file, and the tests make 12 extractions in all; a counting wrapper around the real engine shows
 * which refusals happen before any of them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { FakeClock } from '../src/platform/clock';
import { createServices, type Services } from '../src/services';
import { systemActor, type Actor } from '../src/modules/access';
import { loadFaceModule, templateKeyFromBytes, type FaceEngine } from '../src/modules/biometrics';
import { sealDescriptor } from '../src/modules/biometrics/template-crypto';
import { sql } from 'drizzle-orm';

const LFW = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/faces/lfw-dev');
const PHOTOS = {
  /** The in-scope person: enrolled, then probed with another photo. */
  lu1: 'Annette_Lu/Annette_Lu_0001.jpg',
  lu3: 'Annette_Lu/Annette_Lu_0003.jpg',
  /** The out-of-scope person: enrolled, probed, and enrolled again under a newcomer's record. */
  bolton3: 'John_Bolton/John_Bolton_0003.jpg',
  bolton10: 'John_Bolton/John_Bolton_0010.jpg',
  bolton4: 'John_Bolton/John_Bolton_0004.jpg',
  /** Re-enrolment of one slot with two photos of the same man. */
  affleck2: 'Ben_Affleck/Ben_Affleck_0002.jpg',
  affleck6: 'Ben_Affleck/Ben_Affleck_0006.jpg',
  /** The template of an older model, and the probe that would match it if the galleries were mixed. */
  bynes1: 'Amanda_Bynes/Amanda_Bynes_0001.jpg',
} as const;
type PhotoName = keyof typeof PHOTOS;

describe('biometrics service rules (real face engine, LFW photos)', () => {
  let services: Services;
  let close: () => Promise<void>;
  const key = templateKeyFromBytes(randomBytes(32));
  let face: Awaited<ReturnType<typeof loadFaceModule>>;
  let engine: FaceEngine;
  /** Extractions the service asked the engine for (each one a real extraction). */
  let extractions = 0;
  const photo = {} as Record<PhotoName, Buffer>;
  let officer: Actor;
  let inScope: string;
  let outOfScope: string;

  beforeAll(async () => {
    const missing = Object.values(PHOTOS)
      .map((p) => join(LFW, 'images_deepfunneled', p))
      .filter((p) => !existsSync(p));
    if (missing.length > 0) {
      throw new Error(
        `The LFW development set is missing or incomplete: expected ${missing.join(', ')} (shared data beside the project, ../shared/data/faces/lfw-dev)`,
      );
    }
    for (const [name, p] of Object.entries(PHOTOS)) photo[name as PhotoName] = await readFile(join(LFW, 'images_deepfunneled', p));

    face = await loadFaceModule();
    const real = face.createFaceEngine({ workers: 0 });
    await real.ready(); // loads the models once (not an extraction)
    engine = {
      workers: real.workers,
      ready: () => real.ready(),
      close: () => real.close(),
      extract: (image, opts) => {
        extractions++;
        return real.extract(image, opts);
      },
    };

    const database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database);
    services = createServices(database, { clock: new FakeClock('2026-02-01T10:00:00Z'), biometrics: { templateKey: key, faceEngine: () => engine } });
    close = () => services.close();
    const { facility } = await buildFacility(services, {}, 1);
    inScope = await buildAdmittedPerson(services, { facilityId: facility.id });
    outOfScope = await buildPerson(services);
    officer = { ...systemActor('officer'), role: 'officer', username: 'officer-1', facilityIds: [facility.id] };
  }, 180_000);

  afterAll(async () => {
    await close?.();
  });

  it('identification and duplicate lists leave out persons outside the caller scope', async () => {
    await services.biometrics.enrolFace(adminActor, inScope, photo.lu1);
    await services.biometrics.enrolFace(adminActor, outOfScope, photo.bolton3);
    const admin = await services.biometrics.identify(adminActor, { modality: 'face', image: photo.bolton10 });
    expect(admin.candidates.map((c) => c.personId)).toEqual([outOfScope]);
    const scoped = await services.biometrics.identify(officer, { modality: 'face', image: photo.bolton10 });
    expect(scoped.candidates).toEqual([]);
    expect(scoped.result).toBe('no_candidates');
    const mine = await services.biometrics.identify(officer, { modality: 'face', image: photo.lu3 });
    expect(mine.candidates.map((c) => c.personId)).toEqual([inScope]);
    expect(mine.candidates[0]!.name).toBeTruthy(); // officers may read person records

    // A new record of the hidden person: the registrar's enrolment opens the case, without naming the person.
    const { facility } = await buildFacility(services, {}, 1);
    const registrar: Actor = { ...systemActor('registrar'), role: 'registrar', username: 'reg-1', facilityIds: [facility.id] };
    const newcomer = await buildAdmittedPerson(services, { facilityId: facility.id });
    const r = await services.biometrics.enrolFace(registrar, newcomer, photo.bolton4);
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]!.existingPersonId).toBeNull();
    expect(await services.biometrics.duplicates(registrar, { limit: 10, offset: 0 })).toEqual([]);
    const all = await services.biometrics.duplicates(adminActor, { status: 'open', limit: 10, offset: 0 });
    expect(all.map((c) => [c.newPersonId, c.existingPersonId])).toEqual([[newcomer, outOfScope]]);
    await expect(
      services.biometrics.decide(registrar, r.duplicates[0]!.caseId, { decision: 'different_persons', reason: 'not visible' }),
    ).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });

  it('re-enrolling a face replaces the template; the old one is erased, not deleted', async () => {
    const p = await buildPerson(services);
    const a = await services.biometrics.enrolFace(adminActor, p, photo.affleck2);
    const b = await services.biometrics.enrolFace(adminActor, p, photo.affleck6);
    expect(b.replacedTemplateId).toBe(a.template.id);
    expect(b.duplicates).toEqual([]); // never a case against oneself
    // ... although the two photos resemble each other above the threshold that opens cases between two records.
    const again = await services.biometrics.verify(adminActor, { personId: p, modality: 'face', image: photo.affleck2 });
    expect(again.score).toBeGreaterThanOrEqual(face.FACE_THRESHOLDS.identify.threshold);
    const view = await services.biometrics.forPerson(adminActor, p);
    expect(view.templates.map((t) => [t.id, t.erasedAt !== null, t.eraseReason])).toEqual([
      [a.template.id, true, 're-enrolled'],
      [b.template.id, false, null],
    ]);
    const audit = await services.audit.list(adminActor, { subjectId: p, limit: 50 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['biometrics.enrolled', 'biometrics.read']));
  });

  it('templates of another model stay in their own gallery and are never compared', async () => {
    const p = await buildPerson(services);
    const id = services.ids.next();
    // A descriptor of this very photo, stored as an older model's template (data as an earlier release left it).
    const { descriptor } = await engine.extract(photo.bynes1, { purpose: 'enrol' });
    const envelope = sealDescriptor(key, descriptor, { model: 'old-face-model@0.9', bindTo: `custos.template:${p}:${id}` });
    await services.database.db.execute(
      sql`insert into biometric_templates (id, person_id, modality, model, model_version, envelope, quality, created_at)
          values (${id}, ${p}, 'face', 'old-face-model@0.9', '0.9', ${envelope}, 50, now())`,
    );
    const status = await services.biometrics.status(adminActor);
    expect(status.face.otherModels).toEqual({ 'old-face-model@0.9': 1 });
    const found = await services.biometrics.identify(adminActor, { modality: 'face', image: photo.bynes1 });
    expect(found.candidates).toEqual([]);
    await expect(services.biometrics.verify(adminActor, { personId: p, modality: 'face', image: photo.bynes1 })).rejects.toMatchObject({
      code: 'biometrics.not_enrolled',
      message: expect.stringMatching(/another model/),
    });
  });

  it('refuses before any extraction: empty, too large, wrong role, unknown person', async () => {
    const p = await buildPerson(services);
    const before = extractions;
    await expect(services.biometrics.enrolFace(adminActor, p, new Uint8Array(0))).rejects.toMatchObject({ code: 'biometrics.empty_image' });
    await expect(services.biometrics.enrolFace(adminActor, p, new Uint8Array(10 * 1024 * 1024 + 1))).rejects.toMatchObject({ kind: 'too_large' });
    const monitor: Actor = { ...systemActor('monitor'), role: 'monitor', username: 'mon' };
    await expect(services.biometrics.identify(monitor, { modality: 'face', image: photo.lu1 })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(services.biometrics.enrolFace(adminActor, '0190c0de-0000-7000-8000-000000000000', photo.lu1)).rejects.toMatchObject({
      code: 'registry.person_not_found',
    });
    expect(extractions).toBe(before);
    // A faceless image does reach the engine, which refuses it with its reason.
    const faceless = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 180, b: 160 } } })
      .jpeg()
      .toBuffer();
    await expect(services.biometrics.enrolFace(adminActor, p, faceless)).rejects.toMatchObject({ code: 'face.no_face' });
    expect(extractions).toBe(before + 1);
    expect((await services.biometrics.forPerson(adminActor, p)).templates).toEqual([]);
  });
});

describe('biometrics through the default harness', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp('pglite');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('works with a process-lifetime key when no data folder is given', async () => {
    const status = await app.services.biometrics.status(adminActor);
    expect(status.fingerprint.templates).toBe(0);
    expect(status.keyId).toMatch(/^[0-9a-f]{16}$/);
  });
});
