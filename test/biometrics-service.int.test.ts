/**
 * The biometrics service's own rules with a stand-in face engine (no TensorFlow): descriptors come from the image's
 * first two bytes, so a test decides who resembles whom. Scope filtering of identification and duplicate cases,
 * galleries separated by model tag, re-enrolment of a slot, audit rows, and the refusals that happen before any
 * engine runs.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { FakeClock } from '../src/platform/clock';
import { createServices, type Services } from '../src/services';
import { systemActor, type Actor } from '../src/modules/access';
import { templateKeyFromBytes, type FaceEngine } from '../src/modules/biometrics';
import { sealDescriptor } from '../src/modules/biometrics/template-crypto';
import { sql } from 'drizzle-orm';

/** Image [a, b] -> unit vector along axis a, tilted a little towards axis b: same `a` means the same person. */
function fakeDescriptor(image: Uint8Array): Float32Array {
  const d = new Float32Array(128);
  d[image[0]! % 128] = 1;
  d[image[1]! % 128]! += 0.1;
  const n = Math.hypot(...d);
  return d.map((x) => x / n);
}

const fakeEngine: FaceEngine = {
  workers: 0,
  ready: async () => undefined,
  close: async () => undefined,
  extract: async (image, { purpose }) => {
    if (image[0] === 255) {
      const { ValidationError } = await import('../src/platform/errors');
      throw new ValidationError('face.no_face', `No face found (${purpose})`);
    }
    return {
      descriptor: fakeDescriptor(image),
      quality: { ok: true, issues: [], score: 0.9, measures: {} } as never,
      box: { x: 0, y: 0, width: 100, height: 100 },
      model: 'face-api.faceRecognitionNet@1.7.15/p2',
    };
  },
};

const face = (a: number, b: number) => new Uint8Array([a, b, 0, 0]);

describe('biometrics service rules (stand-in face engine)', () => {
  let services: Services;
  let close: () => Promise<void>;
  const key = templateKeyFromBytes(randomBytes(32));
  let officer: Actor;
  let inScope: string;
  let outOfScope: string;

  beforeAll(async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database);
    services = createServices(database, { clock: new FakeClock('2026-02-01T10:00:00Z'), biometrics: { templateKey: key, faceEngine: () => fakeEngine } });
    close = () => database.close();
    const { facility } = await buildFacility(services, {}, 1);
    inScope = await buildAdmittedPerson(services, { facilityId: facility.id });
    outOfScope = await buildPerson(services);
    officer = { ...systemActor('officer'), role: 'officer', username: 'officer-1', facilityIds: [facility.id] };
  });

  afterAll(async () => {
    await services?.screening.idle();
    await services?.biometrics.close();
    await close?.();
  });

  it('identification and duplicate lists leave out persons outside the caller scope', async () => {
    await services.biometrics.enrolFace(adminActor, inScope, face(1, 2));
    await services.biometrics.enrolFace(adminActor, outOfScope, face(5, 2));
    const admin = await services.biometrics.identify(adminActor, { modality: 'face', image: face(5, 3) });
    expect(admin.candidates.map((c) => c.personId)).toEqual([outOfScope]);
    const scoped = await services.biometrics.identify(officer, { modality: 'face', image: face(5, 3) });
    expect(scoped.candidates).toEqual([]);
    expect(scoped.result).toBe('no_candidates');
    const mine = await services.biometrics.identify(officer, { modality: 'face', image: face(1, 9) });
    expect(mine.candidates.map((c) => c.personId)).toEqual([inScope]);
    expect(mine.candidates[0]!.name).toBeTruthy(); // officers may read person records

    // A new record resembling the hidden person: the registrar's enrolment opens the case, without naming the person.
    const { facility } = await buildFacility(services, {}, 1);
    const registrar: Actor = { ...systemActor('registrar'), role: 'registrar', username: 'reg-1', facilityIds: [facility.id] };
    const newcomer = await buildAdmittedPerson(services, { facilityId: facility.id });
    const r = await services.biometrics.enrolFace(registrar, newcomer, face(5, 4));
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]!.existingPersonId).toBeNull();
    expect(await services.biometrics.duplicates(registrar, { limit: 10, offset: 0 })).toEqual([]);
    const all = await services.biometrics.duplicates(adminActor, { status: 'open', limit: 10, offset: 0 });
    expect(all.map((c) => [c.newPersonId, c.existingPersonId])).toEqual([[newcomer, outOfScope]]);
    await expect(services.biometrics.decide(registrar, r.duplicates[0]!.caseId, { decision: 'different_persons', reason: 'not visible' })).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });

  it('re-enrolling a face replaces the template; the old one is erased, not deleted', async () => {
    const p = await buildPerson(services);
    const a = await services.biometrics.enrolFace(adminActor, p, face(20, 1));
    const b = await services.biometrics.enrolFace(adminActor, p, face(20, 2));
    expect(b.replacedTemplateId).toBe(a.template.id);
    expect(b.duplicates).toEqual([]); // never a case against oneself
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
    const envelope = sealDescriptor(key, fakeDescriptor(face(40, 1)), { model: 'old-face-model@0.9', bindTo: `custos.template:${p}:${id}` });
    await services.database.db.execute(
      sql`insert into biometric_templates (id, person_id, modality, model, model_version, envelope, quality, created_at)
          values (${id}, ${p}, 'face', 'old-face-model@0.9', '0.9', ${envelope}, 50, now())`,
    );
    const status = await services.biometrics.status(adminActor);
    expect(status.face.otherModels).toEqual({ 'old-face-model@0.9': 1 });
    const found = await services.biometrics.identify(adminActor, { modality: 'face', image: face(40, 1) });
    expect(found.candidates).toEqual([]);
    await expect(services.biometrics.verify(adminActor, { personId: p, modality: 'face', image: face(40, 1) })).rejects.toMatchObject({
      code: 'biometrics.not_enrolled',
      message: expect.stringMatching(/another model/),
    });
  });

  it('refuses before any extraction: empty, too large, wrong role, unknown person', async () => {
    const p = await buildPerson(services);
    await expect(services.biometrics.enrolFace(adminActor, p, new Uint8Array(0))).rejects.toMatchObject({ code: 'biometrics.empty_image' });
    await expect(services.biometrics.enrolFace(adminActor, p, new Uint8Array(10 * 1024 * 1024 + 1))).rejects.toMatchObject({ kind: 'too_large' });
    const monitor: Actor = { ...systemActor('monitor'), role: 'monitor', username: 'mon' };
    await expect(services.biometrics.identify(monitor, { modality: 'face', image: face(1, 1) })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(services.biometrics.enrolFace(adminActor, '0190c0de-0000-7000-8000-000000000000', face(1, 1))).rejects.toMatchObject({
      code: 'registry.person_not_found',
    });
    await expect(services.biometrics.enrolFace(adminActor, p, new Uint8Array([255, 0]))).rejects.toMatchObject({ code: 'face.no_face' });
  });
});

describe('biometrics through the default harness', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp('pglite');
  });
  afterAll(async () => {
    await app?.services.biometrics.close();
    await app?.close();
  });

  it('works with a process-lifetime key when no data folder is given', async () => {
    const status = await app.services.biometrics.status(adminActor);
    expect(status.fingerprint.templates).toBe(0);
    expect(status.keyId).toMatch(/^[0-9a-f]{16}$/);
  });
});
