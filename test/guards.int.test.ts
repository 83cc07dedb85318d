import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';
import type { Services } from '../src/services';

/** Enrols and admits `n` persons into the units, in one batch. */
async function populate(s: Services, facilityId: string, unitIds: string[], n: number): Promise<string[]> {
  const ids = await s.registry.createMany(
    adminActor,
    Array.from({ length: n }, () => personInput({ facilityId } as never)),
  );
  await s.custody.appendMany(
    adminActor,
    ids.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: unitIds[i % unitIds.length] })),
  );
  return ids;
}

/** Every table the guards module writes, as counts: a refused request leaves them as they were. */
async function guardTables(s: Services): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number>>(
    s.database.db,
    sql`select (select count(*)::int from guard_staff) as staff, (select count(*)::int from guard_posts) as posts,
               (select count(*)::int from guard_shifts) as shifts, (select count(*)::int from guard_attendance) as attendance,
               (select count(*)::int from guard_attendance where checked_out_at is null) as on_duty,
               (select count(*)::int from guard_custodians) as custodians, (select count(*)::int from guard_ratio_history) as history`,
  );
  return row!;
}

for (const target of await targets()) {
  describe(`guard force on ${target}`, () => {
    let app: TestApp;
    let commander: string;
    let officer: string;
    let otherOfficer: string;
    let registrar: string;
    let monitor: string;
    let facilityId: string;
    let unitIds: string[];
    const clock = () => app.clock as FakeClock;
    /** Moves the fake clock (days ahead in some tests) and signs in again: sessions expire with the clock. */
    const setClock = async (at: string) => {
      clock().set(at);
      commander = await app.tokenFor('commander');
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
    };
    const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string, body?: unknown) =>
      app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });

    const alerts = async (rule: string) =>
      (await app.services.alerts.list(adminActor, { facilityId, rule, limit: 100 })).map((a) => ({ severity: a.severity, title: a.title, rule: a.rule }));

    const posts: Record<string, string> = {};
    const staff: Record<string, string> = {};

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'GHOL' }, 2);
      facilityId = facility.id;
      unitIds = units.map((u) => u.id);
      const other = await buildFacility(app.services, { code: 'GOTH' }, 1);
      commander = await app.tokenFor('commander');
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      otherOfficer = await app.tokenFor('officer', { facilityIds: [other.facility.id] });
      registrar = await app.tokenFor('registrar');
      monitor = await app.tokenFor('monitor');
      await populate(app.services, facilityId, unitIds, 200);
      // a threshold of 2 guards per 100 on the roll and 75 % of the posts manned
      expect((await req('PUT', `/guards/facilities/${facilityId}/threshold`, commander, { minGuardsPer100: 2, minMannedPostsPercent: 75 })).statusCode).toBe(
        200,
      );
      for (const [code, unit, kind, minStaff] of [
        ['GATE', null, 'gate', 1],
        ['T1', unitIds[0], 'tower', 1],
        ['T2', unitIds[1], 'tower', 1],
        ['CR', null, 'control_room', 1],
      ] as const) {
        const res = await req('POST', '/guards/posts', commander, {
          facilityId,
          ...(unit ? { unitId: unit } : {}),
          code,
          name: `Post ${code}`,
          kind,
          minStaff,
        });
        expect(res.statusCode, res.body).toBe(201);
        posts[code] = res.json().id;
      }
      for (let i = 1; i <= 6; i++) {
        const res = await req('POST', '/guards/staff', commander, {
          badge: `SDF-${i}`,
          fullName: `Guard ${i}`,
          organisation: 'sdf',
          rank: 'private',
          facilityId,
        });
        expect(res.statusCode, res.body).toBe(201);
        staff[`g${i}`] = res.json().id;
      }
      expect((await req('POST', `/guards/facilities/${facilityId}/custodian`, commander, { organisation: 'sdf', commander: 'Cmdr. Sherzad' })).statusCode).toBe(
        201,
      );
    });
    afterAll(async () => app?.close());

    it('keeps the staff registry to the roles that manage the force, within their scope', async () => {
      for (const t of [registrar, monitor]) expect((await req('GET', '/guards/staff', t)).statusCode).toBe(403);
      expect((await req('POST', '/guards/staff', officer, { badge: 'X-1', fullName: 'X', organisation: 'sdf', facilityId })).statusCode).toBe(403);
      const mine = await req('GET', `/guards/staff?facilityId=${facilityId}`, officer);
      expect(mine.statusCode).toBe(200);
      expect(mine.json().total).toBe(6);
      const theirs = await req('GET', '/guards/staff', otherOfficer);
      expect(theirs.json()).toEqual({ total: 0, items: [] });
      expect((await req('GET', `/guards/facilities/${facilityId}/board`, otherOfficer)).statusCode).toBe(403);
      expect((await req('POST', '/guards/attendance/check-in', otherOfficer, { staffId: staff.g1, postId: posts.GATE, method: 'badge' })).statusCode).toBe(403);
      const page = await req('GET', `/guards/staff?facilityId=${facilityId}&limit=4&offset=4`, commander);
      expect(page.json().total).toBe(6);
      expect(page.json().items.map((s: { badge: string }) => s.badge)).toEqual(['SDF-5', 'SDF-6']);
    });

    it('refuses a guard at two posts at once (409) and bad input with 4xx, changing nothing', async () => {
      const first = await req('POST', '/guards/attendance/check-in', officer, { badge: 'SDF-1', postId: posts.GATE, method: 'badge' });
      expect(first.statusCode, first.body).toBe(201);
      const before = await guardTables(app.services);
      const twice = await req('POST', '/guards/attendance/check-in', officer, { staffId: staff.g1, postId: posts.T1, method: 'supervisor' });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.code).toBe('guards.already_on_duty');
      const cases: [unknown, number, string][] = [
        [{ staffId: staff.g2, postId: '01900000-0000-7000-8000-000000000000', method: 'badge' }, 404, 'guards.post_not_found'],
        [{ badge: 'NOPE', postId: posts.T1, method: 'badge' }, 404, 'guards.staff_not_found'],
        [{ staffId: staff.g2, badge: 'SDF-2', postId: posts.T1, method: 'badge' }, 400, 'request.invalid'],
        [{ staffId: staff.g2, postId: posts.T1, method: 'telepathy' }, 400, 'request.invalid'],
        [{ staffId: staff.g2, postId: posts.T1, method: 'biometric' }, 400, 'guards.evidence_required'],
        [{ staffId: staff.g2, postId: posts.T1, method: 'badge', at: '2027-01-01T00:00:00Z' }, 400, 'guards.future_instant'],
        [{ staffId: 'not-a-uuid', postId: posts.T1, method: 'badge' }, 400, 'request.invalid'],
      ];
      for (const [body, status, code] of cases) {
        const res = await req('POST', '/guards/attendance/check-in', officer, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status);
        expect(res.json().error.code).toBe(code);
        expect(res.json().error.message.length).toBeGreaterThan(5);
      }
      const out = await req('POST', '/guards/attendance/check-out', officer, { staffId: staff.g3 });
      expect(out.statusCode).toBe(409);
      expect(out.json().error.code).toBe('guards.not_on_duty');
      expect(await guardTables(app.services)).toEqual(before);
      expect((await req('POST', '/guards/attendance/check-out', officer, { badge: 'SDF-1' })).statusCode).toBe(200);
    });

    it('refuses overlapping shifts and imports a roster CSV whole or not at all, naming the bad line', async () => {
      const at = (h: number) => new Date(Date.UTC(2026, 0, 11, h)).toISOString();
      const one = await req('POST', '/guards/shifts', commander, { staffId: staff.g4, postId: posts.T2, startsAt: at(6), endsAt: at(14) });
      expect(one.statusCode, one.body).toBe(201);
      const before = await guardTables(app.services);
      const overlap = await req('POST', '/guards/shifts', commander, { staffId: staff.g4, postId: posts.T1, startsAt: at(12), endsAt: at(20) });
      expect(overlap.statusCode).toBe(409);
      expect(overlap.json().error.code).toBe('guards.overlapping_shift');
      const backwards = await req('POST', '/guards/shifts', commander, { staffId: staff.g5, postId: posts.T1, startsAt: at(12), endsAt: at(10) });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().error.code).toBe('guards.invalid_shift');
      const unknownPost = await req('POST', '/guards/shifts', commander, {
        staffId: staff.g5,
        postId: '01900000-0000-7000-8000-000000000000',
        startsAt: at(6),
        endsAt: at(14),
      });
      expect(unknownPost.statusCode).toBe(404);
      const csv = (lines: string[]) => ({ csv: ['badge,post,starts_at,ends_at', ...lines].join('\n') });
      const bad: [string[], number, string, string][] = [
        [[`SDF-5,T1,${at(6)},${at(14)}`, `SDF-6,T1,yesterday,${at(14)}`], 400, 'guards.roster_line', 'Line 3'],
        [[`SDF-5,T1,${at(6)},${at(14)}`, 'SDF-6,T1'], 400, 'guards.roster_line', 'Line 3'],
        [[`SDF-5,T1,${at(6)},${at(14)}`, `SDF-5,T2,${at(10)},${at(18)}`], 400, 'guards.roster_overlap', 'Line 3'],
        [[`SDF-5,NOPOST,${at(6)},${at(14)}`], 400, 'guards.roster_unknown_post', 'Line 2'],
        [[`SDF-99,T1,${at(6)},${at(14)}`], 400, 'guards.roster_unknown_badge', 'Line 2'],
        [[`SDF-5,T1,${at(6)},${at(14)}`, `SDF-4,T1,${at(8)},${at(16)}`], 409, 'guards.overlapping_shift', 'Line 3'],
      ];
      for (const [lines, status, code, where] of bad) {
        const res = await req('POST', `/guards/facilities/${facilityId}/roster/import`, commander, csv(lines));
        expect(res.statusCode, lines.join(' | ')).toBe(status);
        expect(res.json().error.code).toBe(code);
        expect(res.json().error.message).toContain(where);
      }
      const header = await req('POST', `/guards/facilities/${facilityId}/roster/import`, commander, { csv: 'who,where\nSDF-5,T1' });
      expect(header.json().error.code).toBe('guards.roster_header');
      expect(await guardTables(app.services)).toEqual(before);
      const ok = await req(
        'POST',
        `/guards/facilities/${facilityId}/roster/import`,
        commander,
        csv([`SDF-5,T1,${at(6)},${at(14)}`, `"SDF-6",GATE,${at(6)},${at(14)}`]),
      );
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toEqual({ imported: 2 });
      const roster = await req('GET', `/guards/facilities/${facilityId}/roster?from=${at(0)}&to=${at(23)}`, officer);
      expect(roster.json().total).toBe(3);
    });

    it('computes the ratio live, raises nothing while staffing is sufficient, and alerts when it thins and when nobody is on duty', async () => {
      await setClock('2026-01-11T06:00:00Z');
      // nobody was on duty while the posts were set up (and after the first test's check-out): alerted then
      const noGuardBefore = (await alerts('guards.no_guard_on_duty')).length;
      expect(noGuardBefore).toBeGreaterThan(0);
      for (const [badge, post] of [
        ['SDF-1', 'GATE'],
        ['SDF-2', 'T1'],
        ['SDF-3', 'T2'],
        ['SDF-4', 'CR'],
      ] as const) {
        const res = await req('POST', '/guards/attendance/check-in', officer, { badge, postId: posts[post], method: 'badge' });
        expect(res.statusCode, res.body).toBe(201);
      }
      await app.services.settle();
      let board = (await req('GET', `/guards/facilities/${facilityId}/board`, officer)).json();
      expect(board.figures).toMatchObject({ onRoll: 200, present: 4, postsRequired: 4, postsManned: 4, guardsPer100: 2, state: 'ok' });
      expect(board.sectors).toHaveLength(2);
      expect(board.sectors[0]).toMatchObject({ onRoll: 100, present: 1, guardsPer100: 1, state: 'degraded' });
      expect(board.custodian).toMatchObject({ organisation: 'sdf' });
      expect(await alerts('guards.below_threshold')).toEqual([]);
      expect(await alerts('guards.no_guard_on_duty')).toHaveLength(noGuardBefore);

      // one guard leaves: 1.5 per 100 and 3 of 4 posts: below the ratio, a warning
      clock().advance(60_000);
      expect((await req('POST', '/guards/attendance/check-out', officer, { badge: 'SDF-4' })).statusCode).toBe(200);
      await app.services.settle();
      expect(await alerts('guards.below_threshold')).toEqual([expect.objectContaining({ severity: 'warning' })]);
      // more persons arrive: the roll grows, the ratio falls below half the threshold: critical
      await populate(app.services, facilityId, unitIds, 150);
      await app.services.settle();
      board = (await req('GET', `/guards/facilities/${facilityId}/board`, officer)).json();
      expect(board.figures).toMatchObject({ onRoll: 350, present: 3, guardsPer100: 0.9, state: 'critical' });
      expect((await alerts('guards.below_threshold')).map((a) => a.severity)).toEqual(['critical', 'warning']);
      // the last guards check out: nobody on duty, critical at once (within the minute, not at the next roll call)
      for (const badge of ['SDF-1', 'SDF-2', 'SDF-3']) {
        clock().advance(10_000);
        expect((await req('POST', '/guards/attendance/check-out', officer, { badge })).statusCode).toBe(200);
      }
      await app.services.settle();
      const critical = await alerts('guards.no_guard_on_duty');
      expect(critical).toHaveLength(noGuardBefore + 1);
      expect(critical[0]).toMatchObject({ severity: 'critical' });
      expect(critical[0]!.title).toContain('No guard on duty at GHOL since 06:01 UTC: 350 on the roll');
      const history = (await req('GET', `/guards/facilities/${facilityId}/ratio-history`, officer)).json();
      expect(history.total).toBeGreaterThan(5);
      expect(history.items.at(-1)).toMatchObject({ present: 0, state: 'critical' });
    });

    it('records a no-show of a planned guard through the scheduler with the injected clock', async () => {
      // SDF-5 and SDF-6 are planned 06:00-14:00 on 11 January and never checked in; grace 10 minutes
      const early = await app.services.guards.tick(new Date('2026-01-11T06:05:00Z'));
      expect(early.noShows).toBe(0);
      const due = await app.services.guards.tick(new Date('2026-01-11T06:20:00Z'));
      expect(due.noShows).toBeGreaterThanOrEqual(2);
      expect((await app.services.guards.tick(new Date('2026-01-11T06:21:00Z'))).noShows).toBe(0);
      await app.services.settle();
      expect(await alerts('guards.no_show')).toEqual([expect.objectContaining({ severity: 'warning' })]);
    });

    it('makes a withdrawal data: the custodian ends, its guards leave their posts, a custody gap is critical at once', async () => {
      const noGuardBefore = (await alerts('guards.no_guard_on_duty')).length;
      await setClock('2026-01-20T06:50:00Z');
      for (const [badge, post] of [
        ['SDF-1', 'GATE'],
        ['SDF-2', 'T1'],
      ] as const) {
        expect((await req('POST', '/guards/attendance/check-in', officer, { badge, postId: posts[post], method: 'supervisor' })).statusCode).toBe(201);
      }
      clock().set('2026-01-20T07:00:30Z');
      expect((await req('POST', `/guards/facilities/${facilityId}/custodian/withdraw`, officer, { reason: 'ordered out' })).statusCode).toBe(403);
      const bad = await req('POST', `/guards/facilities/${facilityId}/custodian/withdraw`, commander, { reason: '' });
      expect(bad.statusCode).toBe(400);
      const w = await req('POST', `/guards/facilities/${facilityId}/custodian/withdraw`, commander, {
        reason: 'SDF ordered out of the camp',
        at: '2026-01-20T07:00:00Z',
      });
      expect(w.statusCode, w.body).toBe(200);
      const again = await req('POST', `/guards/facilities/${facilityId}/custodian/withdraw`, commander, { reason: 'again' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('guards.no_custodian');
      await app.services.settle();
      const gap = await alerts('guards.custody_gap');
      expect(gap).toEqual([expect.objectContaining({ severity: 'critical' })]);
      expect(gap[0]!.title).toContain('since 07:00 UTC');
      expect(gap[0]!.title).toContain('2 guards left their posts');
      const board = (await req('GET', `/guards/facilities/${facilityId}/board`, officer)).json();
      expect(board.custodian).toBeNull();
      expect(board.figures).toMatchObject({ present: 0, state: 'critical' });
      const noGuard = await alerts('guards.no_guard_on_duty');
      expect(noGuard).toHaveLength(noGuardBefore + 1);
      expect(noGuard[0]!.title).toContain('since 07:00 UTC');
      // the next force arrives at 13:00: the gap ends (recorded, 6 hours)
      await setClock('2026-01-20T13:00:00Z');
      const took = await req('POST', `/guards/facilities/${facilityId}/custodian`, commander, { organisation: 'government', commander: 'Col. Haddad' });
      expect(took.statusCode).toBe(201);
      await app.services.settle();
      expect((await alerts('guards.custody_gap')).map((a) => a.title)).toContainEqual(expect.stringContaining('after 6 h 0 min'));
      const custodians = (await req('GET', `/guards/facilities/${facilityId}/custodian`, officer)).json();
      expect(custodians.current.organisation).toBe('government');
      expect(custodians.history).toHaveLength(2);
    });

    it('lists every facility in scope on the overview', async () => {
      const mine = (await req('GET', '/guards/overview', officer)).json();
      expect(mine.map((f: { code: string }) => f.code)).toEqual(['GHOL']);
      const all = (await req('GET', '/guards/overview', commander)).json();
      expect(all.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['GHOL', 'GOTH']));
    });

    it('passes custody only when both commanders have signed the joint count; a bad or tampered signature is detected', async () => {
      const keys = () => {
        const { publicKey, privateKey } = generateKeyPairSync('ed25519');
        return { pub: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey };
      };
      const outgoing = keys();
      const incoming = keys();
      const other = keys();
      const incomingCommander = await app.tokenFor('commander');
      const started = await req('POST', `/guards/facilities/${facilityId}/handovers`, commander, {
        incomingOrganisation: 'coalition',
        incomingCommander: 'Maj. Reed',
      });
      expect(started.statusCode, started.body).toBe(201);
      const h = started.json() as { id: string; statementText: string; statement: { count: { byStatus: Record<string, number> } } };
      expect(h.statement.count.byStatus.in_custody).toBeGreaterThan(0);
      expect(
        (await req('POST', `/guards/facilities/${facilityId}/handovers`, commander, { incomingOrganisation: 'coalition', incomingCommander: 'X' })).json().error
          .code,
      ).toBe('guards.handover_open');
      const signed = (k: { privateKey: Parameters<typeof sign>[2] }, text = h.statementText) =>
        sign(null, Buffer.from(text, 'utf8'), k.privateKey).toString('base64');
      // a signature over another text, and a malformed one: refused, nothing recorded
      const wrong = await req('POST', `/guards/handovers/${h.id}/sign`, commander, {
        side: 'outgoing',
        publicKey: outgoing.pub,
        signature: signed(outgoing, `${h.statementText} `),
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.code).toBe('guards.bad_signature');
      expect(
        (await req('POST', `/guards/handovers/${h.id}/sign`, commander, { side: 'outgoing', publicKey: outgoing.pub, signature: 'not base64!' })).statusCode,
      ).toBe(400);
      const one = await req('POST', `/guards/handovers/${h.id}/sign`, commander, { side: 'outgoing', publicKey: outgoing.pub, signature: signed(outgoing) });
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json().status).toBe('open');
      // half-signed: custody stays with the outgoing custodian
      expect((await req('GET', `/guards/facilities/${facilityId}/custodian`, officer)).json().current.organisation).toBe('government');
      const same = await req('POST', `/guards/handovers/${h.id}/sign`, commander, { side: 'incoming', publicKey: outgoing.pub, signature: signed(outgoing) });
      expect(same.json().error.code).toBe('guards.same_signer');
      const twice = await req('POST', `/guards/handovers/${h.id}/sign`, incomingCommander, {
        side: 'outgoing',
        publicKey: incoming.pub,
        signature: signed(incoming),
      });
      expect(twice.json().error.code).toBe('guards.already_signed');
      const done = await req('POST', `/guards/handovers/${h.id}/sign`, incomingCommander, {
        side: 'incoming',
        publicKey: incoming.pub,
        signature: signed(incoming),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().status).toBe('completed');
      expect((await req('GET', `/guards/facilities/${facilityId}/custodian`, officer)).json().current).toMatchObject({
        organisation: 'coalition',
        commander: 'Maj. Reed',
      });
      expect((await req('GET', `/guards/handovers/${h.id}/verify`, officer)).json()).toEqual({
        ok: true,
        statementIntact: true,
        sides: [
          { side: 'outgoing', valid: true },
          { side: 'incoming', valid: true },
        ],
      });
      // the registered key is the signer's: another key of the same commander is refused next time
      const next = (
        await req('POST', `/guards/facilities/${facilityId}/handovers`, commander, { incomingOrganisation: 'government', incomingCommander: 'Col. Haddad' })
      ).json() as { id: string; statementText: string };
      const otherKey = await req('POST', `/guards/handovers/${next.id}/sign`, commander, {
        side: 'outgoing',
        publicKey: other.pub,
        signature: signed(other, next.statementText),
      });
      expect(otherKey.json().error.code).toBe('guards.key_mismatch');
      // tampering with the stored statement (the counts) is detected
      await app.services.database.db.execute(
        sql`update guard_handovers set statement = jsonb_set(statement, '{count,byStatus,in_custody}', '1') where id = ${h.id}`,
      );
      const tampered = (await req('GET', `/guards/handovers/${h.id}/verify`, officer)).json();
      expect(tampered).toMatchObject({ ok: false, statementIntact: false });
    });
  });
}
