import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildAdmittedPerson, buildFacility } from './factories';

const UNKNOWN = '01900000-0000-7000-8000-000000000000';
const HOSTILE = [
  "Robert'); DROP TABLE persons;--",
  '<script>alert(1)</script>',
  '\u202Eevil\u202C',
  'a\u0000b',
  '🙂'.repeat(50),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile string, sent as it is
  '${process.exit(1)}',
  '\uD800',
  '../../../etc/passwd',
];

/** Lone surrogates cannot be URI-encoded; send the raw bytes of one instead. */
const enc = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};

interface Case {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
}

for (const target of await targets()) {
  describe(`bad input on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let facilityId: string;
    let personId: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      const f = await buildFacility(app.services, { code: 'BAD' });
      facilityId = f.facility.id;
      personId = await buildAdmittedPerson(app.services, { facilityId, unitId: f.units[0]!.id });
      token = await app.tokenFor('admin');
    });
    afterAll(async () => app?.close());

    const send = (c: Case, raw?: string) =>
      app.http.inject({
        method: c.method,
        url: c.url,
        headers: { ...auth(token), ...(raw !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(raw !== undefined ? { body: raw } : c.body !== undefined ? { payload: c.body as object } : {}),
      });

    const writeEndpoints = (): Case[] => [
      { method: 'POST', url: '/api/v1/auth/login' },
      { method: 'POST', url: '/api/v1/facilities' },
      { method: 'POST', url: `/api/v1/facilities/${facilityId}/units` },
      { method: 'POST', url: '/api/v1/persons' },
      { method: 'PATCH', url: `/api/v1/persons/${personId}` },
      { method: 'POST', url: `/api/v1/persons/${personId}/names` },
      { method: 'POST', url: `/api/v1/persons/${personId}/documents` },
      { method: 'POST', url: `/api/v1/persons/${personId}/nationalities` },
      { method: 'POST', url: `/api/v1/persons/${personId}/relations` },
      { method: 'POST', url: `/api/v1/persons/${personId}/events` },
      { method: 'POST', url: '/api/v1/events/batch' },
      { method: 'POST', url: '/api/v1/households' },
      { method: 'POST', url: '/api/v1/users' },
    ];

    async function snapshot() {
      const rows = (
        (await app.services.database.db.execute(sql`select
        (select count(*) from persons)::int as persons, (select count(*) from custody_events)::int as events,
        (select count(*) from facilities)::int as facilities, (select count(*) from units)::int as units,
        (select count(*) from person_names)::int as names, (select count(*) from users)::int as users`)) as unknown as { rows: unknown[] }
      ).rows;
      return rows[0];
    }

    it('malformed JSON, wrong types and empty bodies get 400 in the contract shape and change nothing', async () => {
      const before = await snapshot();
      for (const c of writeEndpoints()) {
        for (const raw of ['{bad', '[1,2', '"just a string"', '{"names": [}', '']) {
          const res = await send(c, raw);
          expect(res.statusCode, `${c.method} ${c.url} ${raw}`).toBe(400);
          expect(res.json().error.code).toMatch(/^request\./);
          expect(typeof res.json().error.message).toBe('string');
        }
        for (const body of [{}, { names: 42, sex: [], type: 7, code: null, full: {}, username: 1 }, [1, 2, 3]]) {
          const res = await send({ ...c, body });
          expect(res.statusCode, `${c.method} ${c.url} ${JSON.stringify(body)} ${res.body}`).toBe(400);
          expect(res.json().error).toHaveProperty('code');
        }
      }
      expect(await snapshot()).toEqual(before);
    });

    it('unknown ids answer 404, malformed ids 400', async () => {
      const cases: Case[] = [
        { method: 'GET', url: `/api/v1/persons/${UNKNOWN}` },
        { method: 'GET', url: `/api/v1/persons/${UNKNOWN}/events` },
        { method: 'POST', url: `/api/v1/persons/${UNKNOWN}/events`, body: { type: 'ADMITTED', facilityId } },
        { method: 'GET', url: `/api/v1/facilities/${UNKNOWN}` },
        { method: 'POST', url: `/api/v1/facilities/${UNKNOWN}/units`, body: { code: 'B9', name: 'b' } },
        { method: 'POST', url: `/api/v1/persons/${personId}/events`, body: { type: 'MOVED', unitId: UNKNOWN } },
        { method: 'GET', url: `/api/v1/households/${UNKNOWN}` },
        { method: 'GET', url: '/api/v1/no-such-route' },
      ];
      for (const c of cases) {
        const res = await send(c);
        expect(res.statusCode, `${c.method} ${c.url} ${res.body}`).toBe(404);
        expect(res.json().error.code).toBeTruthy();
      }
      for (const url of ['/api/v1/persons/123', '/api/v1/facilities/abc', "/api/v1/persons/'%20or%201=1"]) {
        expect((await send({ method: 'GET', url })).statusCode, url).toBe(400);
      }
      const unknownRefs = await send({ method: 'POST', url: '/api/v1/persons', body: { names: [{ full: 'X' }], sex: 'F', facilityId: UNKNOWN } });
      expect(unknownRefs.statusCode).toBe(400);
      expect(unknownRefs.json().error.code).toBe('registry.unknown_facility');
    });

    it('hostile strings are stored and returned verbatim or refused, never a 500', async () => {
      for (const h of HOSTILE) {
        const res = await send({ method: 'POST', url: '/api/v1/persons', body: { names: [{ full: h }], sex: 'F', placeOfBirth: h, distinguishingMarks: [h] } });
        expect([201, 400], `${JSON.stringify(h)} ${res.body}`).toContain(res.statusCode);
        if (res.statusCode === 201) expect(res.json().names[0].full).toBe(h.trim());
        const search = await send({ method: 'GET', url: `/api/v1/persons?q=${enc(h)}` });
        expect([200, 400], `${JSON.stringify(h)} ${search.body}`).toContain(search.statusCode);
        const purpose = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personId}`, headers: { ...auth(token), 'x-custos-purpose': enc(h) } });
        expect([200, 400]).toContain(purpose.statusCode);
      }
      expect((await app.services.custody.verify(null)).ok).toBe(true);
      expect((await app.services.audit.verify({ ...(await app.services.access.authenticate(token)) })).ok).toBe(true);
    });

    it('oversized payloads get 413, too many items 400', async () => {
      const huge = { names: [{ full: 'x'.repeat(3 * 1024 * 1024) }], sex: 'F' };
      const res = await send({ method: 'POST', url: '/api/v1/persons', body: huge });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('request.too_large');
      const many = await send({ method: 'POST', url: '/api/v1/persons', body: { names: Array.from({ length: 31 }, () => ({ full: 'n' })), sex: 'F' } });
      expect(many.statusCode).toBe(400);
      const long = await send({ method: 'POST', url: '/api/v1/persons', body: { names: [{ full: 'y'.repeat(301) }], sex: 'F' } });
      expect(long.statusCode).toBe(400);
    });

    it('wrong content types are refused', async () => {
      const res = await app.http.inject({
        method: 'POST',
        url: '/api/v1/persons',
        headers: { ...auth(token), 'content-type': 'application/xml' },
        body: '<person/>',
      });
      expect(res.statusCode).toBe(415);
    });

    it('invalid enum values and out-of-range numbers are 400 with the field named', async () => {
      const res = await send({ method: 'POST', url: `/api/v1/persons/${personId}/events`, body: { type: 'TELEPORTED' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain('type');
      const f = await send({
        method: 'POST',
        url: '/api/v1/facilities',
        body: { code: 'OK1', name: 'n', kind: 'camp', capacity: -5, location: { latitude: 200, longitude: 0 } },
      });
      expect(f.statusCode).toBe(400);
      expect(f.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['capacity', 'location.latitude']));
      const dup = await send({ method: 'POST', url: '/api/v1/facilities', body: { code: 'BAD', name: 'dup', kind: 'camp' } });
      expect(dup.statusCode).toBe(409);
    });
  });
}
