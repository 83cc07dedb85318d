import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITER_CONFIG, systemActor } from '../src/modules/access';
import type { FakeClock } from '../src/platform/clock';
import { auth, createTestApp, targets, type TestApp } from './harness';

const admin = systemActor('test');
const PASSWORD = 'the right password';
// A low address threshold keeps the test short; the rules are the same as the defaults'.
const ADDRESS_MAX = 12;

for (const target of await targets()) {
  describe(`sign-in limits on ${target}`, () => {
    let app: TestApp;
    let n = 0;

    beforeAll(async () => {
      app = await createTestApp(target, { access: { login: { ...DEFAULT_LIMITER_CONFIG, addressMaxFailures: ADDRESS_MAX } } });
    });
    afterAll(async () => app?.close());

    const user = async (mustChangePassword = false) => {
      const username = `user-${++n}`;
      await app.services.access.createUser(admin, { username, password: PASSWORD, role: 'commander', mustChangePassword });
      return username;
    };
    const login = (username: string, password: string, from: string) =>
      app.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: from });

    it('failures from one address do not lock the named user out elsewhere; the guesser is slowed, not the user', async () => {
      const victim = await user();
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await login(victim, `guess ${i}`, '203.0.113.66')).statusCode);
      expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      const limited = await login(victim, 'guess again', '203.0.113.66');
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('auth.rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // The owner, at another address, signs in at once.
      expect((await login(victim, PASSWORD, '198.51.100.7')).statusCode).toBe(200);
      // Even the guesser's pair is only delayed: once the wait is over the right password works.
      (app.clock as FakeClock).advance(Number(limited.headers['retry-after']) * 1000);
      expect((await login(victim, PASSWORD, '203.0.113.66')).statusCode).toBe(200);
    });

    it('ten failures from a shared address (a proxy) do not stop other users behind it', async () => {
      const proxy = '192.0.2.10';
      const colleague = await user();
      for (let i = 0; i < 10; i++) expect((await login(`nobody-${i}`, 'wrong', proxy)).statusCode).toBe(401);
      expect((await login(colleague, PASSWORD, proxy)).statusCode).toBe(200);
    });

    it("the address's threshold counts every name, a success does not wipe it, and names known at the address still get in", async () => {
      const address = '192.0.2.99';
      const regular = await user();
      const attacker = await user();
      const newcomer = await user();
      expect((await login(regular, PASSWORD, address)).statusCode).toBe(200);
      const codes: number[] = [];
      for (let i = 0; i < ADDRESS_MAX + 3; i++) {
        codes.push((await login(`spray-${i}`, 'wrong', address)).statusCode);
        // The old limiter forgot an address's failures at each success: the attacker signs in to his own account.
        if (i % 4 === 3) await login(attacker, PASSWORD, address);
      }
      expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
      const refused = await login(newcomer, PASSWORD, address);
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect((await login(regular, PASSWORD, address)).statusCode).toBe(200);
    });

    it('/auth/password limits wrong current passwords (429 with Retry-After)', async () => {
      const name = await user();
      const token = (await login(name, PASSWORD, '127.0.0.1')).json().token as string;
      const change = (current: string) =>
        app.http.inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth(token), payload: { current, next: 'a brand new password' } });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await change(`wrong ${i}`)).statusCode);
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      const limited = await change('still wrong');
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('auth.password_rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('a one-time password must be changed before anything else', async () => {
      const name = await user(true);
      const token = (await login(name, PASSWORD, '127.0.0.1')).json().token as string;
      const blocked = await app.http.inject({ method: 'GET', url: '/api/v1/facilities', headers: auth(token) });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('auth.password_change_required');
      const me = await app.http.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(token) });
      expect(me.statusCode).toBe(200);
      expect(me.json().mustChangePassword).toBe(true);
      const changed = await app.http.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: auth(token),
        payload: { current: PASSWORD, next: 'my own new password' },
      });
      expect(changed.statusCode).toBe(200);
      expect((await app.http.inject({ method: 'GET', url: '/api/v1/facilities', headers: auth(token) })).statusCode).toBe(200);
    });
  });
}
