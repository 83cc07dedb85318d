// The interface language kept on the user's account (issue 16 item 7): PATCH /auth/me/preferences, returned by /auth/me.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor } from './factories';

for (const target of await targets()) {
  describe(`interface preferences on ${target}`, () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await createTestApp(target);
    });
    afterAll(async () => app?.close());

    const me = async (token: string) => (await app.http.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(token) })).json();
    const patch = (token: string | null, payload: unknown) =>
      app.http.inject({ method: 'PATCH', url: '/api/v1/auth/me/preferences', headers: token ? auth(token) : {}, payload: payload as object });

    it('a user has no language until they choose; the choice is kept on the account, audited, and returned to every session', async () => {
      await app.services.access.createUser(adminActor, { username: 'arabic-reader', password: 'long enough password', role: 'monitor' });
      const first = (await app.services.access.login('arabic-reader', 'long enough password', '127.0.0.1')).token;
      expect((await me(first)).locale).toBeNull();
      const res = await patch(first, { locale: 'ar' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ locale: 'ar' });
      expect((await me(first)).locale).toBe('ar');
      // a sign-in on another device finds it
      const second = (await app.services.access.login('arabic-reader', 'long enough password', '127.0.0.2')).token;
      expect((await me(second)).locale).toBe('ar');
      expect((await patch(second, { locale: 'en' })).json()).toEqual({ locale: 'en' });
      expect((await me(first)).locale).toBe('en');
      const audited = await queryRows<{ n: number }>(
        app.services.database.db,
        sql`select count(*)::int as n from audit_log where action = 'user.preferences' and actor_username = 'arabic-reader'`,
      );
      expect(audited[0]!.n).toBe(2);
    });

    it('refuses an unknown language, an unknown field, an empty body and an anonymous caller, changing nothing', async () => {
      const token = await app.tokenFor('commander');
      expect((await patch(token, { locale: 'ar' })).statusCode).toBe(200);
      for (const bad of [{ locale: 'fr' }, { locale: 'AR' }, { locale: null }, { locale: 'ar', role: 'admin' }, {}, { locale: ['ar'] }]) {
        const res = await patch(token, bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(res.json().error.code).toBeTruthy();
      }
      expect((await me(token)).locale).toBe('ar');
      expect((await patch(null, { locale: 'en' })).statusCode).toBe(401);
    });

    it('a session with a one-time password may still choose its language (the change-password page is translated too)', async () => {
      await app.services.access.createUser(adminActor, { username: 'pref-new', password: 'one time password', role: 'monitor', mustChangePassword: true });
      const token = (await app.services.access.login('pref-new', 'one time password', '127.0.0.1')).token;
      expect((await patch(token, { locale: 'ar' })).statusCode).toBe(200);
      expect(await me(token)).toMatchObject({ mustChangePassword: true, locale: 'ar' });
    });
  });
}
