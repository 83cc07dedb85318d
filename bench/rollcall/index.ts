/**
 * bench/rollcall: a roll call at al-Hol scale (default 43,000 persons in 8 phases of 16 blocks = 128 blocks).
 * - open: snapshot the manifest into the expected list;
 * - marks: one batch per block (as a block's tablet sends it) over HTTP (auth, zod, JSON) with --concurrency tablets
 *   at once; about 1% absent, 0.3% excused, 0.1% seen in the wrong block;
 * - sheet: GET /rollcalls/:id with a page of 5,000 rows (median of 5 reads);
 * - close: the Delta, UNACCOUNTED events for the absent, the per-unit history and the alert;
 * - alert: time from the close request to the alert's arrival on an SSE stream of a commander in scope;
 * beside a baseline in the same run: the same number of rows inserted raw (unnest, no checks) into a scratch table.
 *   npm run bench -- rollcall [--db pglite|postgres|both] [--persons 43000] [--phases 8] [--blocks 16] [--concurrency 4]
 *                             [--via http|service]
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { systemActor } from '../../src/modules/access';
import { buildHttp } from '../../src/main';
import { queryRows } from '../../src/platform/db/database';
import { benchServices, machine, numberArg, postgresAvailable, targetsFromArgs, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 43_000);
const PHASES = numberArg(argv, '--phases', 8);
const BLOCKS = numberArg(argv, '--blocks', 16);
const CONCURRENCY = numberArg(argv, '--concurrency', 4);
/** `service` sends the same batches straight to the service (no HTTP, JSON or zod), to see what the edge costs. */
const VIA = argv.includes('--via') ? argv[argv.indexOf('--via') + 1] : 'http';
const actor = systemActor('benchmark');

const seconds = (t: number) => +((performance.now() - t) / 1000).toFixed(3);

async function run(target: BenchTarget) {
  const { services, close } = await benchServices(target);
  const http = await buildHttp(services, { logger: false });
  try {
    // --- the camp ---------------------------------------------------------------------------------------------
    let t = performance.now();
    const facility = await services.facilities.create(actor, { code: 'HOL', name: 'al-Hol camp', kind: 'camp', capacity: 50_000 });
    const blocks: string[] = [];
    for (let p = 1; p <= PHASES; p++) {
      const phase = await services.facilities.addUnit(actor, facility.id, { code: `P${p}`, name: `Phase ${p}`, kind: 'phase' });
      for (let b = 1; b <= BLOCKS; b++) {
        blocks.push((await services.facilities.addUnit(actor, facility.id, { code: `P${p}-B${b}`, name: `Phase ${p} block ${b}`, parentUnitId: phase.id })).id);
      }
    }
    const home = new Map<string, string>();
    for (let i = 0; i < PERSONS; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, PERSONS - i) }, (_, k) => ({
        names: [{ full: `Resident ${i + k} bint Bench al-Hol` }],
        sex: ((i + k) % 3 ? 'F' : 'M') as 'F' | 'M',
        birthDate: String(1970 + ((i + k) % 50)),
        nationalities: [(i + k) % 5 < 2 ? 'IRQ' : 'SYR'],
        facilityId: facility.id,
      }));
      const ids = await services.registry.createMany(actor, batch);
      for (let k = 0; k < ids.length; k += 1000) {
        await services.custody.appendMany(
          actor,
          ids.slice(k, k + 1000).map((personId, j) => {
            const unitId = blocks[(i + k + j) % blocks.length]!;
            home.set(personId, unitId);
            return { personId, type: 'ADMITTED' as const, facilityId: facility.id, unitId };
          }),
        );
      }
    }
    // The reactions to the admissions (the capacity rule reads every ledger event) run before the clock starts, as
    // they did when they ran inside each append: the roll call is measured on a settled system.
    await services.settle();
    const setupSeconds = seconds(t);
    // The roll call is measured from a checkpoint: without it, the WAL of the 43,000 admissions just written is
    // flushed by the next checkpoint in the middle of the measured phases (inline on PGlite, which has no background
    // checkpointer), and the figures measure how much the setup wrote rather than the roll call.
    await services.database.db.execute(sql`checkpoint`);
    // as `custos serve` runs: the dispatcher started (its first pass, the poll, LISTEN on PostgreSQL)
    await services.dispatcher.start({ pollMs: 5_000 });

    const address = await http.listen({ port: 0, host: '127.0.0.1' });
    const token = await tokenFor(services, facility.id);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // --- open -------------------------------------------------------------------------------------------------
    t = performance.now();
    const opened = await http.inject({ method: 'POST', url: '/api/v1/rollcalls', headers, payload: { facilityId: facility.id } });
    const openSeconds = seconds(t);
    if (opened.statusCode !== 201) throw new Error(`open: ${opened.body}`);
    const rollcall = opened.json() as { id: string; expected: number };

    // --- marks: one batch per block ------------------------------------------------------------------------------
    const byBlock = new Map<string, string[]>(blocks.map((b) => [b, []]));
    for (const [personId, unitId] of home) byBlock.get(unitId)!.push(personId);
    let absent = 0;
    let excused = 0;
    let misplaced = 0;
    let n = 0;
    const bodies = blocks.map((unitId, bi) => ({
      unitId,
      marks: byBlock.get(unitId)!.map((personId) => {
        n += 1;
        if (n % 100 === 0) return (absent++, { id: randomUUID(), personId, result: 'absent' as const, method: 'visual' as const });
        if (n % 300 === 1) return (excused++, { id: randomUUID(), personId, result: 'excused' as const, reason: 'hospital' as const });
        if (n % 1000 === 7) {
          misplaced += 1;
          return { id: randomUUID(), personId, result: 'present' as const, method: 'face' as const, unitId: blocks[(bi + 1) % blocks.length] };
        }
        // A document check: a face or fingerprint mark would have to cite a recorded 1:1 verification (not built here).
        return { id: randomUUID(), personId, result: 'present' as const, method: 'document' as const, verificationRef: `doc-${n}` };
      }),
    }));
    const totalMarks = bodies.reduce((s, b) => s + b.marks.length, 0);
    const commander = await services.access.authenticate(token);
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          if (VIA === 'service') {
            await services.rollcalls.mark(commander, rollcall.id, body);
            continue;
          }
          const res = await http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rollcall.id}/marks`, headers, payload: body });
          if (res.statusCode !== 200) throw new Error(`marks: ${res.body}`);
        }
      }),
    );
    const markSeconds = seconds(t);
    // A retried batch (a tablet resending after a lost reply) changes nothing.
    t = performance.now();
    const retry = (await http.inject({ method: 'POST', url: `/api/v1/rollcalls/${rollcall.id}/marks`, headers, payload: bodies[0]! })).json() as {
      recorded: number;
    };
    const retrySeconds = seconds(t);

    // --- the sheet: GET /rollcalls/:id with its largest page (5,000 rows), median of 5 reads --------------------------
    const sheetTimes: number[] = [];
    let sheetRows = 0;
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      const sheet = await http.inject({ method: 'GET', url: `/api/v1/rollcalls/${rollcall.id}?limit=5000`, headers });
      sheetTimes.push(performance.now() - t);
      if (sheet.statusCode !== 200) throw new Error(`sheet: ${sheet.body}`);
      sheetRows = (sheet.json() as { persons?: unknown[] }).persons?.length ?? 0;
    }
    const sheetMs = +sheetTimes.sort((a, b) => a - b)[2]!.toFixed(1);

    // --- close, with a commander's SSE stream listening ------------------------------------------------------------
    const controller = new AbortController();
    const stream = await fetch(`${address}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const alertArrived = waitForEvent(stream, 'alert.raised');
    const closeStart = performance.now();
    const closed = await fetch(`${address}/api/v1/rollcalls/${rollcall.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const closeBody = (await closed.json()) as {
      expected: number;
      present: number;
      excused: number;
      delta: number;
      misplaced: unknown[];
      alerts: { rule: string }[];
    };
    const closeEnd = performance.now();
    const alertAt = await alertArrived;
    controller.abort();
    if (closed.status !== 200) throw new Error(`close: ${JSON.stringify(closeBody)}`);

    // --- baseline: the same rows inserted raw, same batches, no checks ---------------------------------------------
    const db = services.database.db;
    await db.execute(
      sql`create table bench_raw_marks (id uuid primary key, rollcall_id uuid, person_id uuid, result text, unit_id uuid, marked_at timestamptz)`,
    );
    t = performance.now();
    for (const body of bodies) {
      const rows = body.marks;
      await db.execute(
        sql`insert into bench_raw_marks select * from unnest(${sql.param(rows.map((m) => m.id))}::uuid[], ${sql.param(rows.map(() => rollcall.id))}::uuid[],
              ${sql.param(rows.map((m) => m.personId))}::uuid[], ${sql.param(rows.map((m) => m.result))}::text[],
              ${sql.param(rows.map(() => body.unitId))}::uuid[], ${sql.param(rows.map(() => new Date().toISOString()))}::timestamptz[])
            on conflict (id) do nothing`,
      );
    }
    const rawSeconds = seconds(t);
    const [events] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from custody_events where type = 'UNACCOUNTED'`);

    return {
      target,
      persons: PERSONS,
      units: { phases: PHASES, blocks: blocks.length },
      setupSeconds,
      open: { seconds: openSeconds, expected: rollcall.expected },
      marks: {
        total: totalMarks,
        batches: bodies.length,
        concurrency: CONCURRENCY,
        via: VIA,
        seconds: markSeconds,
        perSecond: Math.round(totalMarks / markSeconds),
        retriedBatch: { recorded: retry.recorded, seconds: retrySeconds },
      },
      sheet: { rows: sheetRows, medianMs: sheetMs },
      close: {
        seconds: +((closeEnd - closeStart) / 1000).toFixed(3),
        expected: closeBody.expected,
        present: closeBody.present,
        excused: closeBody.excused,
        delta: closeBody.delta,
        misplaced: closeBody.misplaced.length,
        unaccountedEvents: events!.n,
        alerts: closeBody.alerts.map((a) => a.rule),
        planned: { absent, excused, misplaced },
      },
      alertOnStream: {
        secondsFromCloseRequest: +((alertAt - closeStart) / 1000).toFixed(3),
        secondsAfterCloseResponse: +((alertAt - closeEnd) / 1000).toFixed(3),
      },
      baselineRawInsert: { rows: totalMarks, perSecond: Math.round(totalMarks / rawSeconds) },
      marksVsRawInsert: +(totalMarks / markSeconds / (totalMarks / rawSeconds)).toFixed(3),
    };
  } finally {
    await http.close();
    await close();
  }
}

async function tokenFor(services: Awaited<ReturnType<typeof benchServices>>['services'], facilityId: string): Promise<string> {
  const username = `bench-commander-${randomUUID().slice(0, 8)}`;
  const password = 'bench password long enough';
  await services.access.createUser(actor, { username, password, role: 'commander', facilityIds: [facilityId] });
  return (await services.access.login(username, password, '127.0.0.1')).token;
}

/** Resolves with the performance.now() at which the first event of this type arrives on the stream. */
async function waitForEvent(res: Response, event: string): Promise<number> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended before the alert');
    buffer += decoder.decode(value, { stream: true });
    if (buffer.includes(`event: ${event}\n`)) return performance.now();
  }
}

const results = [];
for (const target of targetsFromArgs(argv)) {
  if (target === 'postgres' && !(await postgresAvailable())) {
    results.push({ target, skipped: 'no PostgreSQL server reachable' });
    continue;
  }
  results.push(await run(target));
}
console.log(JSON.stringify({ bench: 'rollcall', date: new Date().toISOString(), machine: machine(), results }, null, 2));
