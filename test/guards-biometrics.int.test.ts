/**
 * A guard's biometric 1:1 check-in (issue 17) on real photographs of the LFW development set, read in place from
 * ../shared/data/faces/lfw-dev: a guard's face enrolled through the biometrics module's engine into the guards' own
 * table (never the persons' templates), a 1:1 verification recorded apart, and a check-in by method "biometric" that
 * refuses a verification of another guard, a no-match, one older than 2 minutes and one already used, each with its
 * stable code and nothing written. Three photographs, five face extractions per database. No timings asserted.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';

const LFW = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/faces/lfw-dev');
const img = (person: string, n: number) => join(LFW, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);
const photo: Record<string, Buffer> = {};

beforeAll(async () => {
  if (!existsSync(join(LFW, 'pairs.tsv'))) {
    throw new Error(`The LFW development set is missing: expected ${LFW}/pairs.tsv (shared data beside the project, ../shared/data/faces/lfw-dev)`);
  }
  photo.greenspan1 = await readFile(img('Alan_Greenspan', 1));
  photo.greenspan5 = await readFile(img('Alan_Greenspan', 5));
  photo.jubeir1 = await readFile(img('Adel_Al-Jubeir', 1));
});

for (const target of await targets()) {
  describe(`a guard's biometric check-in on ${target}`, () => {
    let app: TestApp;
    let commander: string;
    let officer: string;
    let registrar: string;
    let gate: string;
    let facilityId: string;
    const staff: Record<string, string> = {};
    const clock = () => app.clock as FakeClock;
    const req = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, body?: unknown) =>
      app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });
    const raw = (url: string, token: string, image: Buffer) =>
      app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...auth(token), 'content-type': 'image/jpeg' }, payload: image });
    const tables = async () =>
      (
        await queryRows<Record<string, number>>(
          app.services.database.db,
          sql`select (select count(*)::int from guard_attendance) as attendance, (select count(*)::int from guard_ratio_history) as history,
                   (select count(*)::int from guard_staff_verifications where used_by_attendance_id is not null) as used`,
        )
      )[0]!;
    const checkIn = (badge: string, evidence: string) =>
      req('POST', '/guards/attendance/check-in', officer, { badge, postId: gate, method: 'biometric', evidence });

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'GBIO' }, 1);
      facilityId = facility.id;
      commander = await app.tokenFor('commander');
      officer = await app.tokenFor('officer', { facilityIds: [facility.id] });
      registrar = await app.tokenFor('registrar');
      const ids = await app.services.registry.createMany(
        adminActor,
        Array.from({ length: 20 }, () => personInput({ facilityId: facility.id } as never)),
      );
      await app.services.custody.appendMany(
        adminActor,
        ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: facility.id, unitId: units[0]!.id })),
      );
      const post = await req('POST', '/guards/posts', commander, { facilityId: facility.id, code: 'GATE', name: 'Main gate', kind: 'gate', minStaff: 1 });
      expect(post.statusCode, post.body).toBe(201);
      gate = post.json().id;
      for (const [key, badge] of [
        ['greenspan', 'SDF-B1'],
        ['jubeir', 'SDF-B2'],
        ['noface', 'SDF-B3'],
      ] as const) {
        const res = await req('POST', '/guards/staff', commander, { badge, fullName: `Guard ${badge}`, organisation: 'sdf', facilityId: facility.id });
        expect(res.statusCode, res.body).toBe(201);
        staff[key] = res.json().id;
      }
    }, 300_000);
    afterAll(async () => app?.close());

    it('enrols a guard face into the guards table, sealed, never into the persons templates', async () => {
      // JSON with a data: URL (as the web app sends it) and a raw JPEG body
      const a = await req('POST', `/guards/staff/${staff.greenspan}/face`, commander, {
        image: `data:image/jpeg;base64,${photo.greenspan1!.toString('base64')}`,
      });
      expect(a.statusCode, a.body).toBe(201);
      expect(a.json()).toMatchObject({ staffId: staff.greenspan, enrolled: true });
      const b = await raw(`/guards/staff/${staff.jubeir}/face`, commander, photo.jubeir1!);
      expect(b.statusCode, b.body).toBe(201);
      // an officer at the gate may not enrol (guards.manage)
      expect((await raw(`/guards/staff/${staff.noface}/face`, officer, photo.jubeir1!)).statusCode).toBe(403);
      const [row] = await queryRows<{ templates: number; persons: number; envelope: Buffer }>(
        app.services.database.db,
        sql`select (select count(*)::int from guard_staff_templates where envelope is not null) as templates,
                   (select count(*)::int from biometric_templates) as persons,
                   (select envelope from guard_staff_templates where staff_id = ${staff.greenspan}) as envelope`,
      );
      expect(row!.templates).toBe(2);
      expect(row!.persons).toBe(0);
      expect(Buffer.from(row!.envelope).subarray(0, 4).toString('ascii')).toBe('CTPL');
      expect((await req('GET', `/guards/staff/${staff.greenspan}/face`, officer)).json()).toMatchObject({ enrolled: true });
      expect((await req('GET', `/guards/staff/${staff.noface}/face`, officer)).json()).toMatchObject({ enrolled: false, templateId: null });
    }, 300_000);

    it('checks in on a fresh match of that guard, once', async () => {
      const v = await app.http.inject({
        method: 'POST',
        url: '/api/v1/guards/face/verify?badge=SDF-B1',
        headers: { ...auth(officer), 'content-type': 'image/jpeg' },
        payload: photo.greenspan5!,
      });
      expect(v.statusCode, v.body).toBe(201);
      expect(v.json()).toMatchObject({ staffId: staff.greenspan, badge: 'SDF-B1', result: 'match' });
      const verification = v.json().id as string;

      // another guard citing it, a malformed and an unknown id: refused, nothing written
      const before = await tables();
      const other = await checkIn('SDF-B2', verification);
      expect([other.statusCode, other.json().error.code]).toEqual([409, 'guards.verification_other_guard']);
      expect((await checkIn('SDF-B1', 'not-a-verification')).json().error.code).toBe('guards.verification_invalid');
      const unknown = await checkIn('SDF-B1', randomUUID());
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'guards.verification_not_found']);
      expect(await tables()).toEqual(before);

      const ok = await checkIn('SDF-B1', verification);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ staffId: staff.greenspan, method: 'biometric' });
      const [used] = await queryRows<{ used: string }>(
        app.services.database.db,
        sql`select used_by_attendance_id as used from guard_staff_verifications where id = ${verification}`,
      );
      expect(used!.used).toBe(ok.json().id);

      expect((await req('POST', '/guards/attendance/check-out', officer, { badge: 'SDF-B1' })).statusCode).toBe(200);
      const again = await tables();
      const reused = await checkIn('SDF-B1', verification);
      expect([reused.statusCode, reused.json().error.code]).toEqual([409, 'guards.verification_used']);
      expect(await tables()).toEqual(again);
    }, 300_000);

    it('refuses a no-match and a verification older than two minutes', async () => {
      const no = await req('POST', '/guards/face/verify', officer, { badge: 'SDF-B1', image: photo.jubeir1!.toString('base64') });
      expect(no.statusCode, no.body).toBe(201);
      expect(no.json().result).toBe('no_match');
      const before = await tables();
      const refused = await checkIn('SDF-B1', no.json().id);
      expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'guards.verification_no_match']);

      const yes = await req('POST', '/guards/face/verify', officer, { staffId: staff.jubeir, image: photo.jubeir1!.toString('base64') });
      expect(yes.json().result).toBe('match');
      clock().advance(2 * 60_000 + 1_000);
      // sessions follow the fake clock: sign in again
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      const late = await checkIn('SDF-B2', yes.json().id);
      expect([late.statusCode, late.json().error.code]).toEqual([409, 'guards.verification_expired']);
      expect(await tables()).toEqual(before);
    }, 300_000);

    it('needs an enrolled face, and the gate roles', async () => {
      const none = await req('POST', '/guards/face/verify', officer, { badge: 'SDF-B3', image: photo.jubeir1!.toString('base64') });
      expect([none.statusCode, none.json().error.code]).toEqual([404, 'guards.face_not_enrolled']);
      expect((await req('POST', '/guards/face/verify', registrar, { badge: 'SDF-B1', image: photo.jubeir1!.toString('base64') })).statusCode).toBe(403);
      const badBody = await req('POST', '/guards/face/verify', officer, { image: photo.jubeir1!.toString('base64') });
      expect([badBody.statusCode, badBody.json().error.code]).toEqual([400, 'guards.bad_face_request']);
      // erasure with a reason: the envelope goes, a verification then finds no face
      const erased = await req('DELETE', `/guards/staff/${staff.jubeir}/face`, commander, { reason: 'left the force' });
      expect(erased.statusCode, erased.body).toBe(200);
      expect((await req('POST', '/guards/face/verify', officer, { badge: 'SDF-B2', image: photo.jubeir1!.toString('base64') })).json().error.code).toBe(
        'guards.face_not_enrolled',
      );
    }, 300_000);
  });
}
