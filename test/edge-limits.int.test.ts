import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildPerson } from './factories';

const UNKNOWN = '01900000-0000-7000-8000-000000000000';

/** JSON nested `levels` deep: [[[...]]] */
const deepJson = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

for (const target of await targets()) {
  describe(`limits at the edge on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let personId: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('admin');
      personId = await buildPerson(app.services);
    });
    afterAll(async () => app?.close());

    it('refuses a deeply nested body with 400 request.too_deep, without a session and with one', async () => {
      // Issue 14: about 2,650 levels overflowed the stack of the recursive text check (a 500).
      for (const levels of [3000, 50_000]) {
        const login = await app.http.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: `{"username":"x","password":${deepJson(levels)}}`,
        });
        expect(login.statusCode).toBe(400);
        expect(login.json().error.code).toBe('request.too_deep');
      }
      const facility = await app.http.inject({
        method: 'POST',
        url: '/api/v1/facilities',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: deepJson(40),
      });
      expect(facility.statusCode).toBe(400);
      expect(facility.json().error.code).toBe('request.too_deep');
    });

    it('still accepts ordinary nesting, and brackets inside strings do not count', async () => {
      const res = await app.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' }),
      });
      expect(res.statusCode).toBe(401);
    });

    it('refuses a raw body on DELETE of a template before reading it (415), and any body on GET (400)', async () => {
      const raw = await app.http.inject({
        method: 'DELETE',
        url: `/api/v1/persons/${personId}/biometrics/${UNKNOWN}`,
        headers: { ...auth(token), 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(1024 * 1024, 0x41),
      });
      expect(raw.statusCode).toBe(415);
      expect(raw.json().error.code).toBe('request.unsupported_media_type');

      const get = await app.http.inject({
        method: 'GET',
        url: '/api/v1/facilities',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(get.statusCode).toBe(400);
      expect(get.json().error.code).toBe('request.body_not_allowed');

      // The declared JSON {reason} of that DELETE still reaches the service (which does not know the template).
      const json = await app.http.inject({
        method: 'DELETE',
        url: `/api/v1/persons/${personId}/biometrics/${UNKNOWN}`,
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'enrolled in error' }),
      });
      expect(json.statusCode).toBe(404);
      const spread = await app.http.inject({
        method: 'DELETE',
        url: `/api/v1/persons/${personId}/biometrics/${UNKNOWN}`,
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: JSON.stringify('x'.repeat(100_000)),
      });
      expect(spread.statusCode).toBe(400);
    });

    it('refuses a body over its route class with 413 request.too_large, and too many values with 413', async () => {
      const big = await app.http.inject({
        method: 'POST',
        url: '/api/v1/facilities',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'BIG', name: 'x'.repeat(300 * 1024), kind: 'camp' }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('request.too_large');

      // Small in bytes, many values: an image route takes one image, not an object of thousands of keys.
      const many = await app.http.inject({
        method: 'POST',
        url: '/api/v1/biometrics/identify?modality=face',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: `[${new Array(5000).fill('0').join(',')}]`,
      });
      expect(many.statusCode).toBe(413);
      expect(many.json().error.code).toBe('request.too_many_values');
    });

    it('refuses a media type the route does not take (415), including text/plain on JSON routes', async () => {
      const res = await app.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'text/plain' },
        body: 'username=admin',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('request.unsupported_media_type');
      const xml = await app.http.inject({
        method: 'POST',
        url: '/api/v1/facilities',
        headers: { ...auth(token), 'content-type': 'application/xml' },
        body: '<a/>',
      });
      expect(xml.statusCode).toBe(415);
    });
  });
}
