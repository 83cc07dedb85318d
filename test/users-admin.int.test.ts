// Administration of user accounts (issue 16 item 6): the list with its total, filters and pages; role and scope
// changes; a password reset that forces a change; disable and enable ending sessions; the rules that keep rights from
// growing (nobody edits their own, a scoped administrator gives only scopes inside theirs, the last administrator
// stays) and bad input answered with 4xx and no change. Everything over HTTP on a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildFacility } from './factories';
import { systemActor } from '../src/modules/access';

const PASSWORD = 'correct horse battery staple';

describe.each(await targets())('user administration on %s', (target) => {
  let app: TestApp;
  let admin: string;
  let adminId: string;
  let facilityA: string;
  let facilityB: string;

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(payload ? { payload } : {}) });

  async function createUser(body: object) {
    const res = await call(admin, 'POST', '/users', { password: PASSWORD, mustChangePassword: false, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; username: string };
  }
  async function login(username: string, password = PASSWORD) {
    return app.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  }

  beforeAll(async () => {
    app = await createTestApp(target);
    facilityA = (await buildFacility(app.services, { code: 'UA' }, 0)).facility.id;
    facilityB = (await buildFacility(app.services, { code: 'UB' }, 0)).facility.id;
    await app.services.access.createUser(systemActor('test'), { username: 'chief', password: PASSWORD, role: 'admin' });
    const session = await app.services.access.login('chief', PASSWORD, '127.0.0.1');
    admin = session.token;
    adminId = session.user.id;
  });
  afterAll(async () => app?.close());

  it('lists accounts with the total, filtered by name, role and state, paged through all', async () => {
    for (let i = 0; i < 5; i++) await createUser({ username: `pager-${i}`, role: 'registrar' });
    const first = await call(admin, 'GET', '/users?q=PAGER&limit=2');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['x-total-count']).toBe('5');
    const seen: string[] = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const page = await call(admin, 'GET', `/users?q=pager&limit=2&offset=${offset}`);
      seen.push(...(page.json() as { username: string }[]).map((u) => u.username));
    }
    expect(seen).toEqual(['pager-0', 'pager-1', 'pager-2', 'pager-3', 'pager-4']);
    const admins = await call(admin, 'GET', '/users?role=admin');
    expect((admins.json() as { username: string }[]).map((u) => u.username)).toEqual(['chief']);
    // a % or _ typed in the filter is a character, not a wildcard
    expect((await call(admin, 'GET', '/users?q=%25')).headers['x-total-count']).toBe('0');
    for (const bad of ['/users?role=king', '/users?active=maybe', '/users?limit=0', '/users?offset=-1']) {
      expect((await call(admin, 'GET', bad)).statusCode, bad).toBe(400);
    }
  });

  it('changes a role and a scope, audited before and after, in force at the next request', async () => {
    const u = await createUser({ username: 'mover', role: 'officer', facilityIds: [facilityA] });
    const token = (await login('mover')).json().token as string;
    expect((await call(token, 'GET', `/facilities/${facilityB}`)).statusCode).toBe(403);
    const res = await call(admin, 'PATCH', `/users/${u.id}`, { role: 'commander', facilityIds: [facilityA, facilityB], displayName: 'Amira M.' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ role: 'commander', facilityIds: [facilityA, facilityB], displayName: 'Amira M.' });
    expect((await call(token, 'GET', `/facilities/${facilityB}`)).statusCode).toBe(200);
    const audit = await app.services.audit.list(systemActor('test'), { action: 'user.update', subjectId: u.id, limit: 5 });
    expect(audit[0]!.details).toMatchObject({ before: { role: 'officer', facilityIds: [facilityA] }, after: { role: 'commander' } });
  });

  it('refuses bad edits with 4xx and changes nothing', async () => {
    const u = await createUser({ username: 'steady', role: 'officer', facilityIds: [facilityA] });
    const cases: [object, number, string?][] = [
      [{}, 400],
      [{ role: 'king' }, 400],
      [{ facilityIds: ['not-a-uuid'] }, 400],
      [{ nationalities: ['FR'] }, 400],
      [{ password: 'sneaky one 2026' }, 400],
      [{ facilityIds: [] }, 400, 'access.scope_required'],
      [{ role: 'liaison' }, 400, 'access.scope_required'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(admin, 'PATCH', `/users/${u.id}`, body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      if (code) expect(res.json().error.code).toBe(code);
    }
    const malformed = await app.http.inject({
      method: 'PATCH',
      url: `/api/v1/users/${u.id}`,
      headers: { ...auth(admin), 'content-type': 'application/json' },
      payload: '{"role":',
    });
    expect(malformed.statusCode).toBe(400);
    expect((await call(admin, 'PATCH', '/users/00000000-0000-4000-8000-000000000000', { role: 'monitor' })).statusCode).toBe(404);
    expect((await call(admin, 'PATCH', '/users/nope', { role: 'monitor' })).statusCode).toBe(400);
    const now = (await call(admin, 'GET', '/users?q=steady')).json()[0];
    expect(now).toMatchObject({ role: 'officer', facilityIds: [facilityA] });
  });

  it("keeps rights from growing: not one's own, not past a scoped administrator's, not for other roles", async () => {
    expect((await call(admin, 'PATCH', `/users/${adminId}`, { role: 'monitor' })).json().error.code).toBe('access.own_rights');
    expect((await call(admin, 'PATCH', `/users/${adminId}`, { displayName: 'The chief' })).statusCode).toBe(200);
    const scoped = await createUser({ username: 'site-admin', role: 'admin', facilityIds: [facilityA] });
    const scopedToken = (await login('site-admin')).json().token as string;
    // its own scope cannot be widened by itself
    const widen = await call(scopedToken, 'PATCH', `/users/${scoped.id}`, { facilityIds: [facilityA, facilityB] });
    expect(widen.statusCode).toBe(403);
    // nor can it hand out more than it has, to a new account or an existing one
    const wide = await call(scopedToken, 'POST', '/users', { username: 'wide-one', password: PASSWORD, role: 'commander' });
    expect(wide.json().error.code).toBe('access.scope_too_wide');
    const inside = await call(scopedToken, 'POST', '/users', {
      username: 'inside-one',
      password: PASSWORD,
      role: 'officer',
      facilityIds: [facilityA],
      mustChangePassword: false,
    });
    expect(inside.statusCode, inside.body).toBe(201);
    // it lists and counts only the accounts inside its scope (itself and the officers of A; not mover, of A and B)
    const listed = await call(scopedToken, 'GET', '/users');
    expect((listed.json() as { username: string }[]).map((u) => u.username)).toEqual(['inside-one', 'site-admin', 'steady']);
    expect(listed.headers['x-total-count']).toBe('3');
    const out = await call(scopedToken, 'PATCH', `/users/${inside.json().id}`, { facilityIds: [facilityB] });
    expect(out.json().error.code).toBe('access.scope_too_wide');
    // and an account reaching past its scope is not its to touch
    expect((await call(scopedToken, 'POST', `/users/${adminId}/disable`)).json().error.code).toBe('access.out_of_scope');
    const officer = (await login('inside-one')).json().token as string;
    expect((await call(officer, 'PATCH', `/users/${inside.json().id}`, { role: 'admin' })).statusCode).toBe(403);
    expect((await call(officer, 'GET', '/users')).statusCode).toBe(403);
  });

  it('creates an account with a one-time password unless told otherwise', async () => {
    const res = await call(admin, 'POST', '/users', { username: 'newcomer', password: PASSWORD, role: 'legal' });
    expect(res.json().mustChangePassword).toBe(true);
    const token = (await login('newcomer')).json().token as string;
    expect((await call(token, 'GET', '/reports/status')).json().error.code).toBe('auth.password_change_required');
  });

  it('resets a password to a one-time one: sessions end, the next sign-in must change it', async () => {
    const u = await createUser({ username: 'forgetful', role: 'monitor' });
    const old = (await login('forgetful')).json().token as string;
    expect((await call(admin, 'POST', `/users/${u.id}/reset-password`, { password: 'short' })).json().error.code).toBe('access.weak_password');
    expect((await call(admin, 'POST', `/users/${u.id}/reset-password`, {})).statusCode).toBe(400);
    expect((await call(admin, 'POST', `/users/${adminId}/reset-password`, { password: 'a fresh password 2026' })).json().error.code).toBe('access.own_account');
    const res = await call(admin, 'POST', `/users/${u.id}/reset-password`, { password: 'a fresh password 2026' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().mustChangePassword).toBe(true);
    expect((await call(old, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await login('forgetful')).statusCode).toBe(401);
    const fresh = (await login('forgetful', 'a fresh password 2026')).json().token as string;
    expect((await call(fresh, 'GET', '/reports/status')).json().error.code).toBe('auth.password_change_required');
    const audit = await app.services.audit.list(systemActor('test'), { action: 'user.password_reset', subjectId: u.id, limit: 5 });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('fresh password');
  });

  it('filters the audit log by actor name, a kind of action and a time window, with the total (for the audit browser)', async () => {
    const t0 = app.clock.now().toISOString();
    for (const username of ['audited-1', 'audited-2', 'audited-3']) await createUser({ username, role: 'monitor' });
    const byChief = await call(admin, 'GET', '/audit?actorUsername=chief&action=user.*&limit=2');
    expect(byChief.statusCode, byChief.body).toBe(200);
    const rows = byChief.json() as { action: string; actorUsername: string }[];
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.action.startsWith('user.') && r.actorUsername === 'chief')).toBe(true);
    expect(Number(byChief.headers['x-total-count'])).toBeGreaterThan(2);
    // the test clock stands still: every entry is at t0, so [t0, t0) is empty and [t0, later) has them all
    expect((await call(admin, 'GET', `/audit?from=${encodeURIComponent(t0)}&to=${encodeURIComponent(t0)}`)).headers['x-total-count']).toBe('0');
    const later = new Date(Date.parse(t0) + 1000).toISOString();
    const all = await call(admin, 'GET', '/audit?limit=1');
    expect((await call(admin, 'GET', `/audit?from=${encodeURIComponent(t0)}&to=${encodeURIComponent(later)}&limit=1`)).headers['x-total-count']).toBe(
      all.headers['x-total-count'],
    );
    for (const bad of ['/audit?from=yesterday', '/audit?to=2026-13-01T00:00:00Z']) expect((await call(admin, 'GET', bad)).statusCode, bad).toBe(400);
  });

  it('disables an account (no sign-in, sessions end) and enables it again; the last administrator stays', async () => {
    const u = await createUser({ username: 'leaver', role: 'registrar' });
    const token = (await login('leaver')).json().token as string;
    const off = await call(admin, 'POST', `/users/${u.id}/disable`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await call(token, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await login('leaver')).statusCode).toBe(401);
    expect((await call(admin, 'GET', '/users?active=false')).json().map((x: { username: string }) => x.username)).toContain('leaver');
    expect((await call(admin, 'POST', `/users/${u.id}/enable`)).json().active).toBe(true);
    expect((await login('leaver')).statusCode).toBe(200);

    expect((await call(admin, 'POST', `/users/${adminId}/disable`)).json().error.code).toBe('access.own_account');
    // another administrator cannot take the last active one (chief) away once the scoped admin is gone
    const site = (await call(admin, 'GET', '/users?q=site-admin')).json()[0] as { id: string };
    expect((await call(admin, 'POST', `/users/${site.id}/disable`)).statusCode).toBe(200);
    const deputy = await createUser({ username: 'deputy', role: 'admin' });
    const deputyToken = (await login('deputy')).json().token as string;
    expect((await call(deputyToken, 'PATCH', `/users/${adminId}`, { role: 'monitor' })).statusCode).toBe(200);
    const last = await call(admin, 'POST', `/users/${deputy.id}/disable`);
    // chief is a monitor now: the refusal comes from the role, and deputy is the last administrator
    expect(last.statusCode).toBe(403);
    const lastByOther = await app.services.access.setActive(systemActor('test'), deputy.id, false).catch((e: { code: string }) => e.code);
    expect(lastByOther).toBe('access.last_admin');
    const demote = await app.services.access.updateUser(systemActor('test'), deputy.id, { role: 'monitor' }).catch((e: { code: string }) => e.code);
    expect(demote).toBe('access.last_admin');
    const audit = await app.services.audit.list(systemActor('test'), { action: 'user.disable', subjectId: u.id, limit: 5 });
    expect(audit[0]!.details).toMatchObject({ username: 'leaver', sessionsEnded: 1 });
  });
});
