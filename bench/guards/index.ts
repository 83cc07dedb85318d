/**
 * bench/guards: the guard force at full scale (issue 17): --facilities (6) with --posts (500) in 5 sectors each and
 * --staff (2,000) guards, --persons (6,000) on the roll.
 *  1. recomputing the ratios after one check-in: a guard checks in (and out) --samples (60) times; each check-in
 *     recomputes its facility and every sector in its transaction. p50/p95 of the check-in, and of recomputing every
 *     ratio of every facility (goal: p95 <= 50 ms).
 *  2. a day of attendance over HTTP: every guard checks in and out through the real API on a listening server
 *     (2 x --staff requests), against a baseline of raw inserts of the same attendance rows (one statement per row,
 *     and one multi-row insert) in the same run.
 *   npm run bench -- guards [--db pglite|postgres] [--facilities 6] [--posts 500] [--staff 2000] [--persons 6000] [--samples 60]
 * Prints JSON with the load average beside the figures (the machine is shared).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../src/modules/access';
import { queryRows } from '../../src/platform/db/database';
import { buildHttp } from '../../src/main';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const dbArg = argv.indexOf('--db');
const TARGET = (dbArg >= 0 ? argv[dbArg + 1] : 'pglite') as BenchTarget;
const FACILITIES = numberArg(argv, '--facilities', 6);
const POSTS = numberArg(argv, '--posts', 500);
const STAFF = numberArg(argv, '--staff', 2000);
const PERSONS = numberArg(argv, '--persons', 6000);
const SAMPLES = numberArg(argv, '--samples', 60);
const SECTORS = 5;
const HTTP = !argv.includes('--no-http');
const phase = (what: string) => process.stderr.write(`${new Date().toISOString()} guards bench: ${what} (load ${loadavg()[0]!.toFixed(1)})\n`);
const actor = systemActor('bench guards');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
};
const load = () => loadavg().map((x) => +x.toFixed(1));

const { services, close } = await benchServices(TARGET);
const db = services.database.db;
const loadAtStart = load();
const tSetup = performance.now();
phase(`set-up: ${FACILITIES} facilities, ${PERSONS} persons on the roll`);
const facilities: { id: string; units: string[]; posts: string[]; badges: string[] }[] = [];
for (let f = 0; f < FACILITIES; f++) {
  const facility = await services.facilities.create(actor, { code: `BG${f}`, name: `Bench facility ${f}`, kind: 'camp' });
  const units: { id: string }[] = [];
  for (let u = 0; u < SECTORS; u++) units.push(await services.facilities.addUnit(actor, facility.id, { code: `S${u}`, name: `Sector ${u}` }));
  const n = Math.round(PERSONS / FACILITIES);
  const ids = await services.registry.createMany(
    actor,
    Array.from(
      { length: n },
      (_, i) => ({ names: [{ full: `Ahmad bin Ali al-Bench${f}x${i}` }], sex: i % 2 ? 'F' : 'M', birthDate: '1990', nationalities: ['IRQ'] }) as never,
    ),
  );
  await services.custody.appendMany(
    actor,
    ids.map((personId, i) => ({ personId, type: 'ADMITTED' as const, facilityId: facility.id, unitId: units[i % SECTORS]!.id })),
  );
  facilities.push({ id: facility.id, units: units.map((u) => u.id), posts: [], badges: [] });
}
phase(`set-up: ${POSTS} posts, ${STAFF} staff`);
// Posts and staff in bulk (the set-up, not the measure: one multi-row insert per facility), round robin over the
// facilities as before; every facility recomputed once afterwards, as its first post would have.
const createdAt = new Date();
for (const [fi, f] of facilities.entries()) {
  const mine = Array.from({ length: POSTS }, (_, p) => p).filter((p) => p % FACILITIES === fi);
  const rows = await queryRows<{ id: string; code: string }>(
    db,
    sql`insert into guard_posts (id, facility_id, unit_id, code, name, kind, min_staff, active, created_at)
        values ${sql.join(
          mine.map((p) => {
            const unitSeq = Math.floor(p / FACILITIES) % (SECTORS + 1);
            return sql`(gen_random_uuid(), ${f.id}, ${unitSeq < SECTORS ? f.units[unitSeq]! : null}::uuid, ${`P${p}`}, ${`Post ${p}`}, 'tower', 1, true, ${createdAt})`;
          }),
          sql`, `,
        )} returning id, code`,
  );
  const byCode = new Map(rows.map((r) => [r.code, r.id]));
  f.posts.push(...mine.map((p) => byCode.get(`P${p}`)!));
}
const staffRows: { id: string; facilityId: string; badge: string }[] = [];
for (const [fi, f] of facilities.entries()) {
  const mine = Array.from({ length: STAFF }, (_, s) => s).filter((s) => s % FACILITIES === fi);
  for (let i = 0; i < mine.length; i += 1000) {
    const chunk = mine.slice(i, i + 1000);
    const rows = await queryRows<{ id: string; badge: string }>(
      db,
      sql`insert into guard_staff (id, badge, full_name, organisation, facility_id, status, status_since, created_at, updated_at)
          values ${sql.join(
            chunk.map((s) => sql`(gen_random_uuid(), ${`BG-${s}`}, ${`Guard ${s}`}, 'sdf', ${f.id}, 'active', ${createdAt}, ${createdAt}, ${createdAt})`),
            sql`, `,
          )} returning id, badge`,
    );
    const byBadge = new Map(rows.map((r) => [r.badge, r.id]));
    for (const s of chunk) {
      f.badges.push(`BG-${s}`);
      staffRows.push({ id: byBadge.get(`BG-${s}`)!, facilityId: f.id, badge: `BG-${s}` });
    }
  }
}
const setupMs = performance.now() - tSetup;

phase('set-up done');
// --- 1. one check-in at full scale, all but one guard of a facility on duty ---------------------------------------
// Every guard but the sampled one at each facility on duty, written directly (the setup, not the measure).
const sampled = facilities.map((f) => f.badges[0]!);
await db.execute(
  sql`insert into guard_attendance (id, facility_id, post_id, staff_id, checked_in_at, method, late_minutes)
      select gen_random_uuid(), s.facility_id, (select p.id from guard_posts p where p.facility_id = s.facility_id order by p.code offset (abs(hashtext(s.badge)) % 50) limit 1),
             s.id, now(), 'badge', 0
      from guard_staff s where s.badge not in (${sql.join(
        sampled.map((b) => sql`${b}`),
        sql`, `,
      )})`,
);
for (const f of facilities) await services.outbox.transaction((tx) => services.guards.recompute(tx, f.id, 'bench_setup'));
// --profile: every statement of one check-in and its check-out, timed (PGlite: the client's query wrapped).
const profile: { ms: number; sql: string }[] = [];
if (argv.includes('--profile') && TARGET === 'pglite') {
  // biome-ignore lint/suspicious/noExplicitAny: the PGlite client under drizzle, wrapped for the profile only
  const client = (db as any).$client as { transaction: (fn: (tx: any) => Promise<unknown>) => Promise<unknown> };
  const original = client.transaction.bind(client);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  client.transaction = (fn) =>
    original(async (tx: any) => {
      const q = tx.query.bind(tx);
      tx.query = async (text: string, ...rest: unknown[]) => {
        const t0 = performance.now();
        try {
          return await q(text, ...rest);
        } finally {
          profile.push({ ms: +(performance.now() - t0).toFixed(2), sql: text.replace(/\s+/g, ' ').slice(0, 160) });
        }
      };
      return fn(tx);
    });
  const f = facilities[0]!;
  await services.guards.checkIn(actor, { badge: f.badges[0]!, postId: f.posts[1]!, method: 'badge' });
  await services.guards.checkOut(actor, { badge: f.badges[0]! });
  client.transaction = original;
  profile.sort((a, b) => b.ms - a.ms);
}
phase('samples');
const checkIns: number[] = [];
// CPU time of this process per check-in (PGlite runs in it, so the database's work too): what the load cannot inflate.
const checkInCpu: number[] = [];
const recomputeAll: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const f = facilities[i % FACILITIES]!;
  const badge = f.badges[0]!;
  const post = f.posts[i % f.posts.length]!;
  let t = performance.now();
  const cpu = process.cpuUsage();
  await services.guards.checkIn(actor, { badge, postId: post, method: 'badge' });
  checkIns.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  checkInCpu.push((used.user + used.system) / 1000);
  t = performance.now();
  await services.outbox.transaction(async (tx) => {
    for (const x of facilities) await services.guards.recompute(tx, x.id, 'bench');
  });
  recomputeAll.push(performance.now() - t);
  await services.guards.checkOut(actor, { badge });
}
await services.dispatcher.idle();
phase(`check-in with its recomputation: p50 ${pct(checkIns, 50)} ms, p95 ${pct(checkIns, 95)} ms (CPU p50 ${pct(checkInCpu, 50)} ms)`);

// --- 2. a day of attendance over HTTP against raw inserts ----------------------------------------------------------
let t = 0;
let failures = 0;
let httpMs = 0;
let rawRowMs = 0;
let rawBatchMs = 0;
if (HTTP) {
  phase('a day of attendance over HTTP');
  await db.execute(sql`update guard_attendance set checked_out_at = now() where checked_out_at is null`);
  const http = await buildHttp(services, { logger: false });
  const address = await http.listen({ port: 0, host: '127.0.0.1' });
  const username = `bench-${randomBytes(3).toString('hex')}`;
  await services.access.createUser(actor, { username, password: 'correct horse battery staple', role: 'commander' });
  const token = (await services.access.login(username, 'correct horse battery staple', '127.0.0.1')).token;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const postOf = new Map(facilities.map((f) => [f.id, f.posts]));
  t = performance.now();
  for (const [i, s] of staffRows.entries()) {
    const posts = postOf.get(s.facilityId)!;
    const res = await fetch(`${address}/api/v1/guards/attendance/check-in`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ badge: s.badge, postId: posts[i % posts.length], method: 'badge' }),
    });
    if (res.status !== 201) failures++;
    await res.arrayBuffer();
  }
  for (const s of staffRows) {
    const res = await fetch(`${address}/api/v1/guards/attendance/check-out`, { method: 'POST', headers, body: JSON.stringify({ badge: s.badge }) });
    if (res.status !== 200) failures++;
    await res.arrayBuffer();
  }
  httpMs = performance.now() - t;
  await http.close();

  // Baseline: the same rows (a check-in and its check-out each), raw.
  t = performance.now();
  for (const [i, s] of staffRows.entries()) {
    const posts = postOf.get(s.facilityId)!;
    await db.execute(
      sql`insert into guard_attendance (id, facility_id, post_id, staff_id, checked_in_at, method, late_minutes, checked_out_at, check_out_method)
          values (gen_random_uuid(), ${s.facilityId}, ${posts[i % posts.length]}, ${s.id}, now(), 'badge', 0, now(), 'check_out')`,
    );
  }
  rawRowMs = performance.now() - t;
  t = performance.now();
  await db.execute(
    sql`insert into guard_attendance (id, facility_id, post_id, staff_id, checked_in_at, method, late_minutes, checked_out_at, check_out_method)
        values ${sql.join(
          staffRows.map(
            (s, i) =>
              sql`(gen_random_uuid(), ${s.facilityId}, ${postOf.get(s.facilityId)![i % postOf.get(s.facilityId)!.length]}, ${s.id}, now(), 'badge', 0, now(), 'check_out')`,
          ),
          sql`, `,
        )}`,
  );
  rawBatchMs = performance.now() - t;
}
await close();

console.log(
  JSON.stringify(
    {
      bench: 'guards',
      machine: machine(),
      db: TARGET,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: load(),
      facilities: FACILITIES,
      posts: POSTS,
      sectorsPerFacility: SECTORS,
      staff: STAFF,
      personsOnRoll: PERSONS,
      setupSeconds: +(setupMs / 1000).toFixed(1),
      ...(profile.length
        ? { profileOneCheckInAndOut: { statements: profile.length, totalMs: +profile.reduce((n, p) => n + p.ms, 0).toFixed(1), slowest: profile.slice(0, 12) } }
        : {}),
      oneCheckIn: {
        samples: SAMPLES,
        checkInWithRecomputeMs: { p50: pct(checkIns, 50), p95: pct(checkIns, 95) },
        checkInCpuMs: {
          p50: pct(checkInCpu, 50),
          p95: pct(checkInCpu, 95),
          note: TARGET === 'pglite' ? 'node and PGlite' : 'node only (the server is another process)',
        },
        recomputeEveryRatioMs: { p50: pct(recomputeAll, 50), p95: pct(recomputeAll, 95) },
        goalP95Ms: 50,
        goalMet: pct(checkIns, 95) <= 50,
      },
      dayOfAttendance: !HTTP
        ? null
        : {
            requests: staffRows.length * 2,
            failures,
            overHttpSeconds: +(httpMs / 1000).toFixed(2),
            perRequestMs: +(httpMs / (staffRows.length * 2)).toFixed(2),
            baselineRawRowInsertsSeconds: +(rawRowMs / 1000).toFixed(2),
            baselineRawBatchInsertSeconds: +(rawBatchMs / 1000).toFixed(2),
            httpOverRawRows: +(httpMs / rawRowMs).toFixed(1),
          },
    },
    null,
    2,
  ),
);
