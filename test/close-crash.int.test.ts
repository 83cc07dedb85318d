import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../src/main';
import { openDatabase, queryRows } from '../src/platform/db/database';
import { systemActor } from '../src/modules/access';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createScratchDatabase, createTestApp, targets, type TestApp } from './harness';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts `custos serve` on a free port, with failpoints armed, and resolves once it prints its URL. */
async function startServer(dir: string, databaseUrl: string | undefined, failpoints: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_FAILPOINTS: failpoints, LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/\S+?)\/? /.exec(out);
      if (m) resolve(m[1]!);
    });
    exited.then((how) => reject(new Error(`the server ended (${how}) before serving: ${out}${err}`)));
  });
  return { child, url, exited };
}

/**
 * Issue 14, item 6: a roll call's close killed with SIGKILL at any point leaves either nothing of the close or all of
 * it, and the roll call can be closed again at once by the next server. A real `custos serve` process is killed by a
 * failpoint (src/platform/failpoints.ts) inside the close's transaction: after taking the roll call, after its
 * ledger batch (ACCOUNTED and UNACCOUNTED), after storing the result; a last server closes it.
 */
describe.each(await targets())('a roll-call close killed with SIGKILL on %s', (target) => {
  let dir: string;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let rollcallId: string;
  let token: string;
  let absent: string[];
  let found: string;

  const open = () => openApp({ dataDir: dir, databaseUrl: url });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-close-crash-'));
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
    const s = await open();
    try {
      const { facility, units } = await buildFacility(s, { code: 'KILL' }, 1);
      const persons: string[] = [];
      for (let i = 0; i < 4; i++) persons.push(await buildAdmittedPerson(s, { facilityId: facility.id, unitId: units[0]!.id }));
      // unaccounted when the roll call opens, seen present at it (the mark accounts for them at once), then reported
      // unaccounted again: the close writes their ACCOUNTED in the same ledger batch as the UNACCOUNTED of the absent
      found = persons[0]!;
      await s.custody.append(adminActor, { personId: found, type: 'UNACCOUNTED', authority: 'gate report' });
      const rc = await s.rollcalls.open(adminActor, { facilityId: facility.id });
      rollcallId = rc.id;
      await s.rollcalls.mark(adminActor, rc.id, { marks: persons.slice(0, 2).map((personId) => ({ personId, result: 'present' as const })) });
      await s.custody.append(adminActor, { personId: found, type: 'UNACCOUNTED', authority: 'second gate report' });
      absent = persons.slice(2).sort();
      await s.access.createUser(systemActor('test'), { username: 'closer', password: 'correct horse battery staple', role: 'commander' });
      token = (await s.access.login('closer', 'correct horse battery staple', '127.0.0.1')).token;
    } finally {
      await s.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  const close = (server: Server) =>
    fetch(`${server.url}/api/v1/rollcalls/${rollcallId}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  /** What of the close is in the database: none of it, or all of it (read with a bare connection: fast). */
  async function traces() {
    const database = await openDatabase({ url, dataDir: dir });
    try {
      const db = database.db;
      const one = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db, q))[0]!.n;
      const [rc] = await queryRows<{ status: string }>(db, sql`select status from rollcalls where id = ${rollcallId}`);
      return {
        status: rc!.status,
        unaccountedEvents: await one(sql`select count(*)::int as n from custody_events where type = 'UNACCOUNTED' and evidence->>'rollcallId' = ${rollcallId}`),
        accountedEvents: await one(sql`select count(*)::int as n from custody_events where type = 'ACCOUNTED' and evidence->>'rollcallId' = ${rollcallId}`),
        absences: await one(sql`select count(*)::int as n from rollcall_absences where rollcall_id = ${rollcallId}`),
        unitResults: await one(sql`select count(*)::int as n from rollcall_unit_results where rollcall_id = ${rollcallId}`),
        auditRows: await one(sql`select count(*)::int as n from audit_log where action = 'rollcall.close' and subject_id = ${rollcallId}`),
        closedEvents: await one(sql`select count(*)::int as n from outbox where type = 'rollcall.closed' and payload->>'rollcallId' = ${rollcallId}`),
        // the ledger's head is where its last event is (no event without its head move, nor the reverse)
        headAtEnd:
          (await one(sql`select count(*)::int as n from ledger_heads h where h.seq = (select max(seq) from custody_events e where e.site_id = h.site_id)`)) ===
          (await one(sql`select count(*)::int as n from ledger_heads`)),
      };
    } finally {
      await database.close();
    }
  }

  // (one ACCOUNTED citing the roll call is the mark's, written before the close)
  const nothing = { status: 'open', unaccountedEvents: 0, accountedEvents: 1, absences: 0, unitResults: 0, auditRows: 0, closedEvents: 0, headAtEnd: true };

  // Killed after the ledger batch (where the old close left ACCOUNTED written and UNACCOUNTED not) and after the
  // result was stored, just before the commit. Each point costs a server start, so these two stand for the others.
  for (const point of ['rollcall.close:ledger_appended', 'rollcall.close:stored']) {
    it(`killed at ${point}: nothing of the close is left`, { timeout: 120_000 }, async () => {
      const server = await startServer(dir, url, point);
      await expect(close(server)).rejects.toThrow(); // the connection dies with the process
      expect(await server.exited).toBe('SIGKILL');
      expect(await traces()).toEqual(nothing);
    });
  }

  it('the next server closes the roll call at once, and all of the close is there', { timeout: 120_000 }, async () => {
    const server = await startServer(dir, url, '');
    try {
      const res = await close(server);
      const body = (await res.json()) as { delta: number; unaccounted: string[]; ledger: { unaccountedEvents: number; accountedEvents: number } };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.delta).toBe(2);
      expect(body.unaccounted).toEqual(absent);
      expect(body.ledger).toEqual({ unaccountedEvents: 2, accountedEvents: 1 });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(await traces()).toEqual({
      status: 'closed',
      unaccountedEvents: 2,
      accountedEvents: 2,
      absences: 2,
      unitResults: 1,
      auditRows: 1,
      closedEvents: 1,
      headAtEnd: true,
    });
    const s = await open();
    try {
      expect((await s.custody.verify(adminActor)).ok).toBe(true);
      expect((await s.audit.verify(adminActor)).ok).toBe(true);
    } finally {
      await s.close();
    }
  });
});

/**
 * A roll call committed as `closing` (left by an older version whose close died between its transactions) used to
 * refuse closes for two minutes (409 rollcall.closing); the close is one transaction now, so such a row is taken at
 * once, and can be cancelled too.
 */
describe.each(await targets())('a roll call left "closing" by an older version on %s', (target) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(target);
  });
  afterAll(() => app?.close());

  it('is closed at once, and another is cancelled at once', async () => {
    const s = app.services;
    const { facility, units } = await buildFacility(s, { code: 'LEFT' }, 2);
    for (const unit of units) await buildAdmittedPerson(s, { facilityId: facility.id, unitId: unit.id });
    const token = await app.tokenFor('commander');
    const leftOver = async (unitId: string) => {
      const rc = await s.rollcalls.open(adminActor, { facilityId: facility.id, unitIds: [unitId] });
      await s.database.db.execute(sql`update rollcalls set status = 'closing', closing_at = ${app.clock.now().toISOString()}::timestamptz where id = ${rc.id}`);
      return rc.id;
    };
    const first = await leftOver(units[0]!.id);
    const closed = await app.http.inject({ method: 'POST', url: `/api/v1/rollcalls/${first}/close`, headers: auth(token) });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ expected: 1, delta: 1 });
    const second = await leftOver(units[1]!.id);
    const cancelled = await app.http.inject({
      method: 'POST',
      url: `/api/v1/rollcalls/${second}/cancel`,
      headers: auth(token),
      payload: { reason: 'left over by an interrupted close' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
  });
});
