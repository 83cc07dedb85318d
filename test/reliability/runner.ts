import { systemActor } from '../../src/modules/access';
import { buildAdmittedPerson, buildFacility } from '../factories';
import type { TestApp } from '../harness';
import { type Generated, generate, type Kind, KINDS, type KnownIds } from './fuzz';
import { listen, type RawResponse, send } from './http';
import { loadOperations, type Operation } from './openapi';
import { Rng } from './prng';
import { StateWatch } from './state';

const actor = systemActor('reliability fuzzer');

/** A small world for the fuzzer to aim at: two facilities, admitted persons, a household, a closed roll call, an alert. */
export async function fuzzWorld(app: TestApp): Promise<KnownIds> {
  let world = worlds.get(app);
  if (!world) {
    world = buildFuzzWorld(app);
    worlds.set(app, world);
  }
  return world;
}

const worlds = new WeakMap<TestApp, Promise<KnownIds>>();

async function buildFuzzWorld(app: TestApp): Promise<KnownIds> {
  const s = app.services;
  const a = await buildFacility(s, { code: 'FZA' }, 2);
  const b = await buildFacility(s, { code: 'FZB' }, 1);
  const persons: string[] = [];
  for (let i = 0; i < 3; i++) persons.push(await buildAdmittedPerson(s, { facilityId: a.facility.id, unitId: a.units[0]!.id }));
  persons.push(await buildAdmittedPerson(s, { facilityId: b.facility.id, unitId: b.units[0]!.id }, { nationalities: ['FRA'] }));
  const household = await s.registry.createHousehold(actor, { label: 'Fuzz household', facilityId: a.facility.id });
  const closed = await s.rollcalls.open(actor, { facilityId: a.facility.id });
  await s.rollcalls.mark(actor, closed.id, { marks: [{ personId: persons[0]!, result: 'present' }] });
  await s.rollcalls.close(actor, closed.id);
  const open = await s.rollcalls.open(actor, { facilityId: b.facility.id });
  await s.settle();
  const alerts = (await s.alerts.list(actor, { limit: 10 })).map((x) => x.id);
  return {
    persons,
    facilities: [a.facility.id, b.facility.id],
    units: [...a.units, ...b.units].map((u) => u.id),
    households: [household.id],
    rollcalls: [closed.id, open.id],
    alerts,
  };
}

/**
 * The traces a rejected request may leave on purpose: a failed sign-in, and a wrong current password on a password
 * change (a stolen session guessing), are written to the audit log, since that is what an intrusion looks like; an
 * enrolment refused as a possible duplicate (409) shows the existing records, and a read of records is audited.
 */
const AUDITED_FAILURES = new Map([
  ['POST /api/v1/auth/login', 401],
  ['POST /api/v1/auth/password', 401],
  ['POST /api/v1/persons', 409],
]);
function allowedTrace(op: Operation, status: number, table: string): boolean {
  return AUDITED_FAILURES.get(op.key) === status && (table === 'audit_log' || table === 'audit_head');
}

export interface FuzzStats {
  requests: number;
  statuses: Record<string, number>;
  byKind: Partial<Record<Kind, number>>;
  /** Answers of 500 and above (or sockets dropped without one), with what was sent: each is a finding. */
  serverErrors: { op: string; kind: Kind; status: number; detail: string }[];
  /** Rejected requests (4xx) after which some table differed: each is a finding. */
  stateChanges: { op: string; kind: Kind; status: number; tables: string[] }[];
  worstLatencyMs: number;
  worstLatencyOp: string;
  worstRssGrowthMb: number;
}

export interface FuzzOptions {
  requests: number;
  seed: number;
  kinds?: Kind[];
  /** Only these operations (keys such as `DELETE /api/v1/...`); all by default. */
  only?: (op: Operation) => boolean;
}

/**
 * Sends `requests` hostile requests over real HTTP to the app, cycling through every operation of its OpenAPI
 * document, as the admin and as an anonymous caller. After every accepted request it lets the reactions settle and
 * takes the database's fingerprint; after every rejected one it compares the fingerprint with that.
 */
export async function fuzz(app: TestApp, opts: FuzzOptions): Promise<FuzzStats> {
  const base = await listen(app.http);
  const ops = (await loadOperations(app.http)).filter(opts.only ?? (() => true));
  const known = await fuzzWorld(app);
  let admin = await app.tokenFor('admin');
  const rng = new Rng(opts.seed);
  const kinds = opts.kinds ?? (Object.keys(KINDS) as Kind[]);
  const stats: FuzzStats = {
    requests: 0,
    statuses: {},
    byKind: {},
    serverErrors: [],
    stateChanges: [],
    worstLatencyMs: 0,
    worstLatencyOp: '',
    worstRssGrowthMb: 0,
  };
  const rss0 = process.memoryUsage().rss;
  const spent = new Map<string, number>();
  const watch = new StateWatch(app.services.database);
  await watch.reset();

  for (let i = 0; i < opts.requests; i++) {
    const op = ops[i % ops.length]!;
    const g: Generated = generate(op, rng, known, kinds);
    const headers = { ...g.request.headers };
    const forgery = rng.next();
    if (g.caller === 'admin') headers.authorization = `Bearer ${admin}`;
    else if (forgery < 0.33) headers.authorization = rng.pick(['Bearer forged-token', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'x'.repeat(5000)}`]);
    else if (forgery < 0.66) headers.cookie = rng.pick(['custos_session=forged', 'custos_session=%00', `custos_session=${admin}x`]);

    let res: RawResponse;
    try {
      res = await send(base, { ...g.request, headers }, { streamMs: 100 });
    } catch (err) {
      res = { status: -1, headers: {}, text: String(err), ms: 0 };
    }
    stats.requests += 1;
    spent.set(op.key, (spent.get(op.key) ?? 0) + res.ms);
    stats.statuses[String(res.status)] = (stats.statuses[String(res.status)] ?? 0) + 1;
    stats.byKind[g.kind] = (stats.byKind[g.kind] ?? 0) + 1;
    if (res.ms > stats.worstLatencyMs) {
      stats.worstLatencyMs = Math.round(res.ms);
      stats.worstLatencyOp = `${op.key} (${g.kind})`;
    }
    if (res.status >= 500 || res.status === -1) {
      stats.serverErrors.push({ op: op.key, kind: g.kind, status: res.status, detail: `${g.request.url.slice(0, 200)} ${res.text.slice(0, 300)}` });
    }
    if ((res.status >= 400 && res.status < 500) || res.status === 0) {
      const tables = (await watch.changes()).filter((t) => !allowedTrace(op, res.status, t));
      if (tables.length) stats.stateChanges.push({ op: op.key, kind: g.kind, status: res.status, tables });
    } else if (res.status > 0) {
      // accepted: its reactions run, then the state it leaves is the new reference
      await app.services.settle();
      await watch.changes();
    }
    // the admin's own session may end by a (valid) logout or password change: carry on with a new one
    if (g.caller === 'admin' && res.status === 401) {
      admin = await app.tokenFor('admin');
      await watch.changes();
    }
    if (i % 50 === 0) stats.worstRssGrowthMb = Math.max(stats.worstRssGrowthMb, (process.memoryUsage().rss - rss0) / 2 ** 20);
  }
  stats.worstRssGrowthMb = Math.round(Math.max(stats.worstRssGrowthMb, (process.memoryUsage().rss - rss0) / 2 ** 20));
  if (process.env.CUSTOS_FUZZ_DEBUG) {
    console.log(JSON.stringify(stats, null, 1));
    console.log(
      [...spent]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([k, ms]) => `${k} ${Math.round(ms)} ms`),
    );
  }
  return stats;
}
