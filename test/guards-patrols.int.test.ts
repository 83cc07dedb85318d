import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';

/** Every table the patrols write, as counts: a refused request leaves them as they were. */
async function patrolTables(app: TestApp): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number>>(
    app.services.database.db,
    sql`select (select count(*)::int from guard_patrol_routes) as routes, (select count(*)::int from guard_patrol_checkpoints) as checkpoints,
               (select count(*)::int from guard_patrol_runs) as runs, (select count(*)::int from guard_patrol_scans) as scans,
               (select count(*)::int from guard_patrol_misses) as misses, (select count(*)::int from guard_patrol_gaps) as gaps,
               (select count(*)::int from guard_patrol_runs where status = 'open') as open_runs`,
  );
  return row!;
}

for (const target of await targets()) {
  describe(`patrols on ${target}`, () => {
    let app: TestApp;
    let commander: string;
    let officer: string;
    let registrar: string;
    let facilityId: string;
    let unitId: string;
    let otherFacilityId: string;
    const routes: Record<string, string> = {};
    const clock = () => app.clock as FakeClock;
    const req = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, body?: unknown) =>
      app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(body !== undefined ? { payload: body as object } : {}) });
    const patrolAlerts = async () =>
      (await app.services.alerts.list(adminActor, { facilityId, limit: 100 }))
        .filter((a) => a.rule.startsWith('guards.patrol_'))
        .map((a) => ({ rule: a.rule, severity: a.severity, title: a.title }))
        .sort((a, b) => a.title.localeCompare(b.title));
    /** The scheduler at that time (the alert rules see the clock there too). */
    const tickAt = async (hhmm: string) => {
      clock().set(at(hhmm));
      const report = await app.services.guards.tick();
      await app.services.settle();
      return report;
    };
    const at = (hhmm: string) => `2026-01-12T${hhmm}:00Z`;

    beforeAll(async () => {
      app = await createTestApp(target);
      clock().set(at('05:00'));
      const { facility, units } = await buildFacility(app.services, { code: 'PHOL' }, 1);
      facilityId = facility.id;
      unitId = units[0]!.id;
      otherFacilityId = (await buildFacility(app.services, { code: 'POTH' }, 1)).facility.id;
      commander = await app.tokenFor('commander');
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      registrar = await app.tokenFor('registrar');
      const g = app.services.guards;
      const patrolPost = await g.createPost(adminActor, { facilityId, code: 'PATROL', name: 'Patrol', kind: 'patrol', minStaff: 0 });
      const otherPost = await g.createPost(adminActor, { facilityId: otherFacilityId, code: 'PATROL', name: 'Patrol', kind: 'patrol', minStaff: 0 });
      for (const [badge, f] of [
        ['P-1', facilityId],
        ['P-2', facilityId],
        ['O-1', otherFacilityId],
      ] as const) {
        await g.createStaff(adminActor, { badge, fullName: `Guard ${badge}`, organisation: 'sdf', facilityId: f, status: 'active' });
      }
      await g.checkIn(adminActor, { badge: 'P-1', postId: patrolPost.id, method: 'badge' });
      await g.checkIn(adminActor, { badge: 'O-1', postId: otherPost.id, method: 'badge' });
      const other = await req('POST', '/guards/patrol-routes', commander, {
        facilityId: otherFacilityId,
        code: 'OTH',
        name: 'Other camp',
        checkpoints: [{ tagId: 'QR-OTHER-1', name: 'Other gate' }],
      });
      expect(other.statusCode, other.body).toBe(201);
      routes.OTH = other.json().id;
      // not walked: the other camp's route is switched off (and so raises no gap)
      const off = await req('PATCH', `/guards/patrol-routes/${routes.OTH}`, commander, { active: false });
      expect([off.statusCode, off.json().active]).toEqual([200, false]);
    });
    afterAll(async () => app?.close());

    it('keeps routes to the roles that manage the force and refuses bad routes, changing nothing', async () => {
      const good = {
        facilityId,
        code: 'N',
        name: 'Northern fence',
        roundIntervalMinutes: 60,
        checkpointWindowMinutes: 10,
        checkpoints: [
          { tagId: 'QR-N-1', name: 'North gate', unitId, lat: 36.37, lon: 41.15 },
          { tagId: 'NFC-04:A2:19', name: 'Water tower' },
          { tagId: 'QR-N-3', name: 'Phase 1 corner' },
        ],
      };
      const before = await patrolTables(app);
      const cases: [string, unknown, number, string][] = [
        [officer, good, 403, 'access.forbidden'],
        [registrar, good, 403, 'access.forbidden'],
        [commander, { ...good, checkpoints: [good.checkpoints[0], good.checkpoints[0]] }, 400, 'guards.patrol_tag_repeated'],
        [
          commander,
          {
            ...good,
            checkpoints: [
              { tagId: 'QR-OTHER-1', name: 'Same tag, another camp' },
              { tagId: 'QR N 1', name: 'space' },
            ],
          },
          400,
          'request.invalid',
        ],
        [commander, { ...good, checkpoints: [] }, 400, 'request.invalid'],
        [commander, { ...good, roundIntervalMinutes: 0 }, 400, 'request.invalid'],
        [
          commander,
          { ...good, checkpoints: [{ tagId: 'QR-X', name: 'x', unitId: '01900000-0000-7000-8000-000000000000' }] },
          400,
          'guards.unit_outside_facility',
        ],
        [commander, { ...good, facilityId: '01900000-0000-7000-8000-000000000000' }, 404, 'facilities.not_found'],
      ];
      for (const [token, body, status, code] of cases) {
        const res = await req('POST', '/guards/patrol-routes', token, body);
        expect(res.statusCode, res.body).toBe(status);
        if (status !== 403) expect(res.json().error.code).toBe(code);
      }
      expect(await patrolTables(app)).toEqual(before);

      const created = await req('POST', '/guards/patrol-routes', commander, good);
      expect(created.statusCode, created.body).toBe(201);
      routes.N = created.json().id;
      expect(created.json().checkpoints.map((c: { position: number; tagId: string }) => `${c.position}:${c.tagId}`)).toEqual([
        '1:QR-N-1',
        '2:NFC-04:A2:19',
        '3:QR-N-3',
      ]);
      // a tag is unique per facility (the other camp may use the same one), and a route code too
      const again = await req('POST', '/guards/patrol-routes', commander, { ...good, code: 'N2', checkpoints: [{ tagId: 'QR-N-3', name: 'x' }] });
      expect([again.statusCode, again.json().error.code]).toEqual([409, 'guards.patrol_tag_taken']);
      const sameCode = await req('POST', '/guards/patrol-routes', commander, { ...good, checkpoints: [{ tagId: 'QR-S-9', name: 'x' }] });
      expect([sameCode.statusCode, sameCode.json().error.code]).toEqual([409, 'guards.patrol_route_code_taken']);
      const south = await req('POST', '/guards/patrol-routes', commander, {
        facilityId,
        code: 'S',
        name: 'Southern fence',
        roundIntervalMinutes: 180,
        checkpoints: [{ tagId: 'QR-OTHER-1', name: 'South gate' }],
      });
      expect(south.statusCode, south.body).toBe(201);
      routes.S = south.json().id;
      const list = await req('GET', `/guards/facilities/${facilityId}/patrol-routes`, officer);
      expect(list.json().map((r: { code: string }) => r.code)).toEqual(['N', 'S']);
      expect((await req('GET', `/guards/facilities/${facilityId}/patrol-routes`, registrar)).statusCode).toBe(403);
    });

    it('raises nothing while rounds are on time, and records an out-of-order scan as such', async () => {
      clock().set(at('05:05'));
      const start = await req('POST', '/guards/patrol-rounds', officer, { routeId: routes.N, badge: 'P-1' });
      expect(start.statusCode, start.body).toBe(201);
      expect(start.json()).toMatchObject({ status: 'open', scanned: 0, total: 3, next: { tagId: 'QR-N-1', position: 1 } });
      const run = start.json().id;
      const scans: [string, string, boolean][] = [
        ['05:08', 'QR-N-1', true],
        ['05:12', ' QR-N-3 ', false],
        ['05:15', 'NFC-04:A2:19', true],
      ];
      let last: { round: { status: string; scanned: number; next: unknown }; inOrder: boolean } | undefined;
      for (const [time, tagId, inOrder] of scans) {
        clock().set(at(time));
        const res = await req('POST', `/guards/patrol-rounds/${run}/scans`, officer, { tagId, method: 'qr' });
        expect(res.statusCode, res.body).toBe(201);
        last = res.json();
        expect(last!.inOrder).toBe(inOrder);
      }
      expect(last!.round).toMatchObject({ status: 'completed', scanned: 3, next: null });
      // the south route's rounds are walked too (a round every 180 min)
      clock().set(at('05:20'));
      const southRound = (await req('POST', '/guards/patrol-rounds', officer, { routeId: routes.S, badge: 'P-1' })).json();
      expect((await req('POST', `/guards/patrol-rounds/${southRound.id}/scans`, officer, { tagId: 'QR-OTHER-1' })).json().round.status).toBe('completed');
      // the next northern round within the hour of the last
      clock().set(at('06:00'));
      const second = (await req('POST', '/guards/patrol-rounds', officer, { routeId: routes.N, badge: 'P-1' })).json();
      for (const tagId of ['QR-N-1', 'NFC-04:A2:19', 'QR-N-3']) {
        clock().advance(3 * 60_000);
        expect((await req('POST', `/guards/patrol-rounds/${second.id}/scans`, officer, { tagId, method: 'nfc' })).statusCode).toBe(201);
      }
      const report = await app.services.guards.tick(new Date(at('06:55')));
      expect(report).toMatchObject({ patrolRoundsLapsed: 0, patrolGaps: 0 });
      await app.services.settle();
      expect(await patrolAlerts()).toEqual([]);
      clock().set(at('06:55'));
      const status = (await req('GET', `/guards/facilities/${facilityId}/patrols?limit=2`, officer)).json();
      expect(status.routes.map((r: { code: string; state: string }) => `${r.code}:${r.state}`)).toEqual(['N:ok', 'S:ok']);
      expect(status.routes[0]).toMatchObject({
        nextDueAt: '2026-01-12T07:00:00.000Z',
        gapSince: null,
        last24h: { rounds: 2, completed: 2, missedCheckpoints: 0 },
      });
      expect(status.scans.total).toBe(7);
      expect(status.scans.items).toHaveLength(2);
      expect(status.scans.items[0]).toMatchObject({ routeCode: 'N', tagId: 'QR-N-3', badge: 'P-1', inOrder: true });
    });

    it('refuses bad scans with a 4xx naming the problem, storing nothing', async () => {
      clock().set(at('06:58'));
      const round = (await req('POST', '/guards/patrol-rounds', officer, { routeId: routes.N, badge: 'P-1' })).json();
      const before = await patrolTables(app);
      const scan = (body: unknown, run = round.id, token = officer) => req('POST', `/guards/patrol-rounds/${run}/scans`, token, body);
      const cases: [Promise<{ statusCode: number; json: () => { error: { code: string; message: string } } }>, number, string][] = [
        [scan({ tagId: 'QR-NOPE' }), 404, 'guards.patrol_unknown_tag'],
        // the same tag on a route of the other camp: not a checkpoint here
        [scan({ tagId: 'QR-OTHER-9' }), 404, 'guards.patrol_unknown_tag'],
        [scan({ tagId: 'QR-OTHER-1' }), 409, 'guards.patrol_wrong_route'],
        [scan({ tagId: '' }), 400, 'request.invalid'],
        [scan({ tagId: 'two words' }), 400, 'request.invalid'],
        [scan({ tagId: 'QR-N-1', method: 'telepathy' }), 400, 'request.invalid'],
        [scan({ tagId: 'QR-N-1', at: '2027-01-01T00:00:00Z' }), 400, 'guards.future_instant'],
        [scan({ tagId: 'QR-N-1', at: at('06:00') }), 400, 'guards.patrol_scan_out_of_time'],
        [scan({ tagId: 'QR-N-1' }, '01900000-0000-7000-8000-000000000000'), 404, 'guards.patrol_round_not_found'],
        [req('POST', '/guards/patrol-rounds', officer, { routeId: routes.N, badge: 'P-2' }), 409, 'guards.not_on_duty'],
        [req('POST', '/guards/patrol-rounds', officer, { routeId: routes.OTH, badge: 'O-1' }), 403, 'access.out_of_scope'],
        [req('POST', '/guards/patrol-rounds', officer, { routeId: routes.S, badge: 'P-1' }), 409, 'guards.patrol_guard_busy'],
        [req('POST', '/guards/patrol-rounds', commander, { routeId: routes.N, staffId: round.staffId }), 409, 'guards.patrol_round_open'],
        [req('POST', '/guards/patrol-rounds', registrar, { routeId: routes.N, badge: 'P-1' }), 403, 'access.forbidden'],
        [scan({ tagId: 'QR-N-1' }, round.id, registrar), 403, 'access.forbidden'],
      ];
      for (const [res, status, code] of cases) {
        const r = await res;
        expect([r.statusCode, r.json().error.code], JSON.stringify(r.json())).toEqual([status, code]);
      }
      expect((await scan({ tagId: 'QR-OTHER-1' })).json().error.message).toContain('on route S, not on this round');
      expect(await patrolTables(app)).toEqual(before);
      // a repeat, once the first is in
      expect((await scan({ tagId: 'QR-N-1' })).statusCode).toBe(201);
      const after = await patrolTables(app);
      const repeat = await scan({ tagId: 'QR-N-1' });
      expect([repeat.statusCode, repeat.json().error.code]).toEqual([409, 'guards.patrol_checkpoint_repeated']);
      // the guard leaves the post: the round's scans are refused
      clock().set(at('07:00'));
      await app.services.guards.checkOut(adminActor, { badge: 'P-1' });
      const offDuty = await scan({ tagId: 'NFC-04:A2:19' });
      expect([offDuty.statusCode, offDuty.json().error.code]).toEqual([409, 'guards.not_on_duty']);
      // ... and a scan past the round's window (10 min after the last scan) is too late
      clock().set(at('07:10'));
      const late = await scan({ tagId: 'NFC-04:A2:19' });
      expect([late.statusCode, late.json().error.code]).toEqual([409, 'guards.patrol_round_lapsed']);
      expect(await patrolTables(app)).toEqual(after);
    });

    it('records and alerts a missed checkpoint and a patrol gap through the scheduler, once each, and shows them', async () => {
      // the round of 06:58 scanned one checkpoint at 06:58: it lapsed at 07:08 with two missed
      expect(await tickAt('07:07')).toMatchObject({ patrolRoundsLapsed: 0, patrolGaps: 0 });
      expect(await tickAt('07:09')).toMatchObject({ patrolRoundsLapsed: 1, patrolGaps: 0 });
      expect(await patrolAlerts()).toEqual([
        {
          rule: 'guards.patrol_missed_checkpoint',
          severity: 'warning',
          title: 'Patrol N at PHOL (round of 06:58 UTC) missed 2 of 3 checkpoints: Water tower, Phase 1 corner',
        },
      ]);
      // nobody walks the northern route again: the next round was due at 07:58; found by the tick after it, once;
      // the southern one (a round every 180 min, last at 05:20) at 08:20
      expect((await tickAt('07:58')).patrolGaps).toBe(0);
      expect((await tickAt('07:59')).patrolGaps).toBe(1);
      expect((await tickAt('08:30')).patrolGaps).toBe(1);
      expect(await tickAt('08:31')).toMatchObject({ patrolRoundsLapsed: 0, patrolGaps: 0 });
      const raised = await patrolAlerts();
      expect(raised.map((a) => `${a.rule}:${a.severity}`)).toEqual([
        'guards.patrol_gap:warning',
        'guards.patrol_gap:warning',
        'guards.patrol_missed_checkpoint:warning',
      ]);
      expect(raised[0]!.title).toBe('Patrol gap on N at PHOL: no round since 06:58 UTC, due by 07:58 UTC (a round every 60 min)');
      expect(raised[1]!.title).toBe('Patrol gap on S at PHOL: no round since 05:20 UTC, due by 08:20 UTC (a round every 180 min)');
      const [{ misses, gaps }] = (await queryRows<{ misses: number; gaps: number }>(
        app.services.database.db,
        sql`select (select count(*)::int from guard_patrol_misses) as misses, (select count(*)::int from guard_patrol_gaps where ended_at is null) as gaps`,
      )) as [{ misses: number; gaps: number }];
      expect({ misses, gaps }).toEqual({ misses: 2, gaps: 2 });

      clock().set(at('08:30'));
      officer = await app.tokenFor('officer', { facilityIds: [facilityId] });
      const status = (await req('GET', `/guards/facilities/${facilityId}/patrols`, officer)).json();
      const north = status.routes.find((r: { code: string }) => r.code === 'N');
      expect(north).toMatchObject({ state: 'overdue', gapSince: '2026-01-12T07:58:00.000Z', lastRound: { status: 'incomplete', missed: 2, scanned: 1 } });
      expect(status.misses.total).toBe(2);
      // the south route (a round every 120 min, last at 05:20) is overdue since 07:20 too: the scheduler found it
      expect(status.routes.find((r: { code: string }) => r.code === 'S')).toMatchObject({ state: 'overdue' });

      // a guard on duty walks the route again: the gap ends
      await app.services.guards.checkIn(adminActor, {
        badge: 'P-2',
        postId: (await app.services.guards.posts(adminActor, facilityId))[0]!.id,
        method: 'badge',
      });
      const again = await req('POST', '/guards/patrol-rounds', officer, { routeId: routes.N, badge: 'P-2' });
      expect(again.statusCode, again.body).toBe(201);
      const [{ open }] = (await queryRows<{ open: number }>(
        app.services.database.db,
        sql`select count(*)::int as open from guard_patrol_gaps g join guard_patrol_routes r on r.id = g.route_id where r.code = 'N' and g.ended_at is null`,
      )) as [{ open: number }];
      expect(open).toBe(0);
    });
  });
}
