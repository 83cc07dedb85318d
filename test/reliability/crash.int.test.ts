// kill -9 of a real server during a marks upload: `custos serve` is killed (SIGKILL, by a failpoint) right after the
// upload's transaction committed, before it could answer. The next process finds the batch whole and once, the
// chain intact, and the roll call can be finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../../src/main';
import { systemActor } from '../../src/modules/access';
import { queryRows } from '../../src/platform/db/database';
import { adminActor, buildAdmittedPerson, buildFacility } from '../factories';
import { createScratchDatabase, targets } from '../harness';
import { send } from './http';

const BIN = new URL('../../bin/custos.js', import.meta.url).pathname;

/** Starts `custos serve` and resolves with its URL once it prints it. */
function startServer(
  dir: string,
  url: string | undefined,
  failpoints: string,
): Promise<{ child: ChildProcess; base: string; exited: Promise<NodeJS.Signals | null> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_FAILPOINTS: failpoints, LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;
  if (url) env.DATABASE_URL = url;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = out.match(/serving at (http:\/\/\S+)/);
      if (m) resolve({ child, base: m[1]!.replace(/\/$/, ''), exited });
    });
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', () => reject(new Error(`custos serve ended before serving: ${out.slice(0, 500)}`)));
  });
}

describe.each(await targets())('kill -9 of a serving process during a marks upload on %s', (target) => {
  let dir: string;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let rollcallId: string;
  let persons: string[];
  const password = 'crash test password 2026';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-crash-marks-'));
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
    const s = await openApp({ dataDir: dir, databaseUrl: url });
    try {
      const { facility, units } = await buildFacility(s, { code: 'KILL' }, 1);
      persons = [];
      for (let i = 0; i < 6; i++) persons.push(await buildAdmittedPerson(s, { facilityId: facility.id, unitId: units[0]!.id }));
      rollcallId = (await s.rollcalls.open(adminActor, { facilityId: facility.id })).id;
      await s.access.createUser(systemActor('test'), { username: 'crash-officer', password, role: 'commander' });
    } finally {
      await s.close();
    }
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('the upload commits whole or not at all, the chain verifies, and the roll call can be finished', { timeout: 180_000 }, async () => {
    const server = await startServer(dir, url, 'outbox.after_commit:rollcall.marks_recorded@1');
    try {
      const login = await send(server.base, {
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'crash-officer', password }),
      });
      expect(login.status).toBe(200);
      const token = JSON.parse(login.text).token as string;
      const upload = await send(server.base, {
        method: 'POST',
        url: `/api/v1/rollcalls/${rollcallId}/marks`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ marks: persons.slice(0, 3).map((personId) => ({ personId, result: 'present' })) }),
      }).catch((err: Error) => ({ status: -1, text: err.message }));
      // the process died before it answered
      expect(upload.status).toBeLessThanOrEqual(0);
      expect(await server.exited).toBe('SIGKILL');
    } finally {
      server.child.kill('SIGKILL');
    }

    const s = await openApp({ dataDir: dir, databaseUrl: url });
    try {
      const db = s.database.db;
      const marks = await queryRows<{ person: string; n: number }>(
        db,
        sql`select person_id as person, count(*)::int as n from rollcall_marks where rollcall_id = ${rollcallId} group by person_id order by 1`,
      );
      // whole (all three) and once each
      expect(marks.map((m) => m.n)).toEqual([1, 1, 1]);
      expect(marks.map((m) => m.person).sort()).toEqual(persons.slice(0, 3).sort());
      const [events] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from outbox where type = 'rollcall.marks_recorded' and payload->>'rollcallId' = ${rollcallId}`,
      );
      expect(events!.n).toBe(1);
      expect((await s.custody.verify(null)).ok).toBe(true);

      // the client retries the whole upload (it never had an answer), then marks the rest and closes
      await s.rollcalls.mark(adminActor, rollcallId, { marks: persons.slice(0, 3).map((personId) => ({ personId, result: 'present' as const })) });
      await s.rollcalls.mark(adminActor, rollcallId, { marks: persons.slice(3).map((personId) => ({ personId, result: 'present' as const })) });
      const closed = await s.rollcalls.close(adminActor, rollcallId);
      expect(closed).toMatchObject({ expected: 6, present: 6, delta: 0 });
      expect((await s.custody.verify(null)).ok).toBe(true);
    } finally {
      await s.close();
    }
  });
});
