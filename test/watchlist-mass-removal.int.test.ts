import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMassRemoval } from '../src/modules/screening/screening.domain';
import { adminActor } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

// Issue 14: a UN list cut to 1 of its 1,000 entries was imported silently, removing 999 entries and withdrawing every
// pending hit. A release that removes most of a list is now held until it is confirmed.
const DATA = process.env.CUSTOS_WATCHLISTS ?? fileURLToPath(new URL('../../shared/data/watchlists/', import.meta.url));
const FULL = `${DATA}/un-consolidated/2026-02-27_watchman/UN_consolidated.xml`;

/** The list with only its first `keep` individuals and no entities (still well-formed XML). */
function cut(xml: string, keep: number): string {
  let seen = 0;
  return xml.replace(/<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>\s*/g, (m) => (++seen <= keep ? m : '')).replace(/<ENTITY>[\s\S]*?<\/ENTITY>\s*/g, '');
}

/** The list without its last `drop` individuals. */
function withoutLast(xml: string, drop: number): string {
  const total = xml.match(/<INDIVIDUAL>/g)!.length;
  let seen = 0;
  return xml.replace(/<INDIVIDUAL>[\s\S]*?<\/INDIVIDUAL>\s*/g, (m) => (++seen <= total - drop ? m : ''));
}

describe('the mass-removal rule', () => {
  it('holds a release removing most of a list or very many entries, not ordinary churn or small lists', () => {
    expect(isMassRemoval(1003, 1002)).toBe(true);
    expect(isMassRemoval(12_000, 600)).toBe(true);
    expect(isMassRemoval(1003, 5)).toBe(false);
    expect(isMassRemoval(4, 3)).toBe(false);
  });
});

for (const target of await targets()) {
  describe(`watchlist import of a cut file on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let xml: string;

    beforeAll(async () => {
      if (!existsSync(FULL)) throw new Error(`Watchlist test data missing: ${FULL}`);
      xml = readFileSync(FULL, 'utf8');
      app = await createTestApp(target);
      token = await app.tokenFor('screening');
    }, 60_000);
    afterAll(async () => {
      await app?.services.settle();
      await app?.close();
    });

    const post = (body: string, query = '') =>
      app.http.inject({
        method: 'POST',
        url: `/api/v1/watchlists/import?fileName=un.xml${query}`,
        headers: { ...auth(token), 'content-type': 'application/xml' },
        body,
      });

    it('refuses a release that would remove most of the list with 409, and imports it once confirmed (audited)', async () => {
      expect((await post(xml)).statusCode).toBe(201);
      const ordinary = await post(withoutLast(xml, 5));
      expect(ordinary.statusCode).toBe(201);
      expect(ordinary.json().diff.removed).toBe(5);

      const refused = await post(cut(xml, 1));
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('watchlist.mass_removal');
      expect(refused.json().error.message).toContain('remove 997 of its 998 current entries');
      expect(refused.json().error.message).toContain('confirmRemoval=true');
      const versions = await app.http.inject({ method: 'GET', url: '/api/v1/watchlists', headers: auth(token) });
      expect(versions.json()).toHaveLength(2);

      const confirmed = await post(cut(xml, 1), '&confirmRemoval=true');
      expect(confirmed.statusCode).toBe(201);
      expect(confirmed.json().diff.removed).toBe(997);
      const audit = await app.services.audit.list(adminActor, { action: 'watchlist.mass_removal_confirmed', limit: 5 });
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toMatchObject({ removed: 997, current: 998, entries: 1 });
    });
  });
}
