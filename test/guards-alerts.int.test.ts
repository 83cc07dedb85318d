import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import type { Services } from '../src/services';

// The guard force's scheduler rules (issue 17 point 5): a coming shift short of the threshold hours ahead, a post
// below its minimum staffing past the grace period, a force thinning over days; and "no guard on duty" within a minute
// of the last check-out, with the scheduler running. Each fires once, and not when the staffing suffices.

async function populate(s: Services, facilityId: string, unitIds: string[], n: number): Promise<void> {
  const ids = await s.registry.createMany(
    adminActor,
    Array.from({ length: n }, () => personInput({ facilityId } as never)),
  );
  await s.custody.appendMany(
    adminActor,
    ids.map((personId, i) => ({ personId, type: 'ADMITTED', facilityId, unitId: unitIds[i % unitIds.length] })),
  );
}

/** A facility with posts (one per unit and a gate) and `guards` guards of the SDF; returns their ids by code and badge. */
async function force(s: Services, code: string, persons: number, guards: number) {
  const { facility, units } = await buildFacility(s, { code }, 2);
  await populate(
    s,
    facility.id,
    units.map((u) => u.id),
    persons,
  );
  const posts: Record<string, string> = {};
  for (const [post, unitId] of [
    ['GATE', undefined],
    ['T1', units[0]!.id],
    ['T2', units[1]!.id],
    ['CR', undefined],
  ] as const) {
    posts[post] = (await s.guards.createPost(adminActor, { facilityId: facility.id, unitId, code: post, name: post, kind: 'tower', minStaff: 1 })).id;
  }
  const badges: string[] = [];
  for (let i = 1; i <= guards; i++) {
    const badge = `${code}-${i}`;
    await s.guards.createStaff(adminActor, { badge, fullName: `Guard ${i}`, organisation: 'sdf', facilityId: facility.id, status: 'active' });
    badges.push(badge);
  }
  return { facilityId: facility.id, posts, badges, units };
}

for (const target of await targets()) {
  describe(`guard force scheduler alerts on ${target}`, () => {
    let app: TestApp;
    let s: Services;
    let hol: Awaited<ReturnType<typeof force>>;
    const clock = () => app.clock as FakeClock;
    const tick = async (at: string) => {
      clock().set(at);
      const report = await s.guards.tick(new Date(at));
      await s.dispatcher.idle();
      return report;
    };
    const alerts = async (facilityId: string, rule: string) =>
      (await s.alerts.list(adminActor, { facilityId, rule, limit: 100 })).map((a) => ({
        title: a.title,
        severity: a.severity,
        raisedAt: a.raisedAt,
        details: a.details,
      }));

    beforeAll(async () => {
      app = await createTestApp(target, {});
      s = app.services;
      clock().set('2026-02-01T00:00:00Z');
      // 100 on the roll, 4 guards per 100 and 75 % of the posts: at least 4 guards and 3 of the 4 posts
      hol = await force(s, 'WHOL', 100, 8);
      await s.guards.setThreshold(adminActor, hol.facilityId, { minGuardsPer100: 4, minMannedPostsPercent: 75, nextShiftHorizonHours: 6 });
    });
    afterAll(async () => app?.close());

    it('warns hours ahead when the roster of a coming shift is short, once, and not when it suffices', async () => {
      const plan = (badge: string, post: string, startsAt: string, endsAt: string) => ({ badge, post, startsAt, endsAt });
      const lines = [
        // 06:00-14:00: a guard at each of the four posts (enough)
        ...['GATE', 'T1', 'T2', 'CR'].map((p, i) => plan(hol.badges[i]!, p, '2026-02-01T06:00:00Z', '2026-02-01T14:00:00Z')),
        // 14:00-22:00: one guard at the gate (short: 3 guards and 2 posts)
        plan(hol.badges[4]!, 'GATE', '2026-02-01T14:00:00Z', '2026-02-01T22:00:00Z'),
      ];
      const csv = ['badge,post,starts_at,ends_at', ...lines.map((l) => `${l.badge},${l.post},${l.startsAt},${l.endsAt}`)].join('\n');
      expect(await s.guards.importRoster(adminActor, hol.facilityId, csv)).toEqual({ imported: 5 });

      // 04:00: the horizon (6 h) sees the 06:00 shift, which suffices
      expect((await tick('2026-02-01T04:00:00Z')).nextShiftShort).toBe(0);
      expect(await alerts(hol.facilityId, 'guards.next_shift_short')).toEqual([]);

      // guards of the morning shift check in (so no-shows and uncovered posts stay out of the way)
      for (const [i, p] of ['GATE', 'T1', 'T2', 'CR'].entries()) {
        await s.guards.checkIn(adminActor, { badge: hol.badges[i]!, postId: hol.posts[p]!, method: 'badge' });
      }
      // 09:00: the 14:00 shift is within the horizon, and short
      expect((await tick('2026-02-01T09:00:00Z')).nextShiftShort).toBe(1);
      const [short] = await alerts(hol.facilityId, 'guards.next_shift_short');
      expect(short).toMatchObject({ severity: 'warning' });
      expect(short!.title).toBe(
        'Shift of 2026-02-01 14:00 UTC at WHOL below threshold: 3 guards short (1 planned for 100 on the roll), 2 posts short (1 of 4 covered); uncovered: CR, T1, T2',
      );
      expect(short!.details).toMatchObject({ startsAt: '2026-02-01T14:00:00.000Z', guardsShort: 3, postsShort: 2, horizonHours: 6 });
      // the next pass (and a restart's) reports the same shift no more
      expect((await tick('2026-02-01T09:00:30Z')).nextShiftShort).toBe(0);
      expect(await alerts(hol.facilityId, 'guards.next_shift_short')).toHaveLength(1);
    });

    it('warns of a post below its minimum staffing past the grace period, once, and not while it is staffed', async () => {
      expect((await tick('2026-02-01T09:30:00Z')).postsUncovered).toBe(0);
      clock().set('2026-02-01T10:00:00Z');
      await s.guards.checkOut(adminActor, { badge: hol.badges[1]! }); // T1 left uncovered at 10:00
      // within the grace period (10 minutes): nothing yet
      expect((await tick('2026-02-01T10:05:00Z')).postsUncovered).toBe(0);
      expect((await tick('2026-02-01T10:11:00Z')).postsUncovered).toBe(1);
      const found = await alerts(hol.facilityId, 'guards.post_uncovered');
      expect(found.map((a) => a.title)).toEqual(['1 post below minimum staffing at WHOL: T1 (0/1 since 10:00 UTC)']);
      expect(found[0]!.severity).toBe('warning');
      expect((await tick('2026-02-01T10:20:00Z')).postsUncovered).toBe(0);
      expect(await alerts(hol.facilityId, 'guards.post_uncovered')).toHaveLength(1);
    });

    it('raises "no guard on duty" (critical) within a minute of the last check-out, and the scheduler adds no other alert', async () => {
      clock().set('2026-02-01T11:00:00Z');
      for (const b of [hol.badges[0]!, hol.badges[2]!, hol.badges[3]!]) await s.guards.checkOut(adminActor, { badge: b });
      await s.dispatcher.idle();
      const [critical] = await alerts(hol.facilityId, 'guards.no_guard_on_duty');
      expect(critical).toMatchObject({ severity: 'critical', title: 'No guard on duty at WHOL since 11:00 UTC: 100 on the roll, 0 guards present' });
      expect(critical!.raisedAt.getTime() - Date.parse('2026-02-01T11:00:00Z')).toBeLessThan(60_000);
      // the scheduler 30 s later and past the grace period: the posts are now all uncovered, but "no guard on duty"
      // already says it (no post_uncovered alert while nobody is on duty), nor a second critical
      await tick('2026-02-01T11:00:30Z');
      expect(await tick('2026-02-01T11:15:00Z')).toMatchObject({ postsUncovered: 0 });
      expect(await alerts(hol.facilityId, 'guards.no_guard_on_duty')).toHaveLength(1);
      expect(await alerts(hol.facilityId, 'guards.post_uncovered')).toHaveLength(1);
    });

    it('warns of a force thinning over a week by facility and sector, with the figures, and not of a stable one', async () => {
      clock().set('2026-02-02T08:00:00Z');
      const thin = await force(s, 'WTHN', 40, 10);
      const stable = await force(s, 'WSTB', 40, 8);
      for (const f of [thin, stable]) {
        for (const [i, b] of f.badges.entries()) {
          await s.guards.checkIn(adminActor, { badge: b, postId: f.posts[['GATE', 'T1', 'T2', 'CR'][i % 4]!]!, method: 'badge' });
        }
      }
      // one desertion an evening at WTHN from 4 February to 8 February
      for (let d = 4; d <= 8; d++) {
        clock().set(`2026-02-0${d}T18:00:00Z`);
        const out = await s.guards.checkOut(adminActor, { badge: thin.badges[d - 4]! });
        await s.guards.updateStaff(adminActor, out.staffId, { status: 'deserted' });
      }
      const report = await tick('2026-02-10T00:30:00Z');
      expect(report.thinning).toBe(1);
      expect(await alerts(stable.facilityId, 'guards.thinning')).toEqual([]);
      const [alert] = await alerts(thin.facilityId, 'guards.thinning');
      expect(alert!.severity).toBe('warning');
      const details = alert!.details as { windowDays: number; trends: { sector: string; onDuty: number[]; desertions: number | null; fallPercent: number }[] };
      expect(details.windowDays).toBe(7);
      const whole = details.trends.find((t) => t.sector === '')!;
      // 3 to 9 February: 10 a day until the first desertion's day is over, then one fewer each day
      expect(whole.onDuty).toEqual([10, 10, 9, 8, 7, 6, 5]);
      expect(whole.desertions).toBe(5);
      expect(whole.fallPercent).toBeGreaterThan(40);
      expect(alert!.title).toMatch(/^Guard force thinning at WTHN over 7 days: WTHN 10 -> 5 guards a day \(-\d+(\.\d)?%, -0\.\d+\/day, 5 deserted\)/);
      // checked once a day, reported once per window
      expect((await tick('2026-02-10T12:00:00Z')).thinning).toBe(0);
      expect((await tick('2026-02-11T00:30:00Z')).thinning).toBe(0);
      expect(await alerts(thin.facilityId, 'guards.thinning')).toHaveLength(1);
    });

    it('draws the ratio heatmap by facility and sector from the ratio history, with the same figures', async () => {
      const token = await app.tokenFor('commander');
      const get = async (url: string) => {
        const res = await app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      const map = await get('/guards/ratio-heatmap?range=day&to=2026-02-01T23:00:00Z');
      expect(map).toMatchObject({ from: '2026-02-01T00:00:00.000Z', to: '2026-02-02T00:00:00.000Z', bucketMinutes: 60 });
      expect(map.columns).toHaveLength(24);
      const rows = map.rows.filter((r: { facilityId: string }) => r.facilityId === hol.facilityId);
      expect(rows.map((r: { label: string }) => r.label)).toEqual(['WHOL', 'B1', 'B2']);
      const history = await get(`/guards/facilities/${hol.facilityId}/ratio-history?sectors=all&from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z&limit=5000`);
      for (const row of rows) {
        for (const c of row.cells.filter((x: { at: string | null }) => x.at)) {
          const same = history.items.find(
            (h: { sector: string; at: string; state: string; present: number }) =>
              h.sector === row.sector && h.at === c.at && h.state === c.state && h.present === c.present,
          );
          expect(same, `${row.label} ${c.at}`).toBeTruthy();
        }
      }
      const whole = rows[0].cells;
      // 11:00: the last guards checked out, critical; 10:00: one post uncovered and 3 guards for 100, degraded
      expect(whole[11]).toMatchObject({ state: 'critical', present: 0, onRoll: 100 });
      expect(whole[10]).toMatchObject({ state: 'degraded', present: 3, guardsPer100: 3 });
      expect(whole[23]).toMatchObject({ state: 'critical' });
      expect((await app.http.inject({ method: 'GET', url: '/api/v1/guards/ratio-heatmap?range=year', headers: auth(token) })).statusCode).toBe(400);
    });

    it('keeps the horizon and the thinning settings in the threshold, validated at the edge', async () => {
      const token = await app.tokenFor('commander');
      const url = `/api/v1/guards/facilities/${hol.facilityId}/threshold`;
      const bad = await app.http.inject({ method: 'PUT', url, headers: auth(token), payload: { nextShiftHorizonHours: 0 } });
      expect(bad.statusCode).toBe(400);
      const ok = await app.http.inject({
        method: 'PUT',
        url,
        headers: auth(token),
        payload: { nextShiftHorizonHours: 12, thinningWindowDays: 14, thinningPercent: 20 },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ nextShiftHorizonHours: 12, thinningWindowDays: 14, thinningPercent: 20, minGuardsPer100: 4 });
    });
  });
}
