import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../src/main';
import { queryRows } from '../src/platform/db/database';
import { readDemoWorld } from '../src/platform/demo-world';
import { systemActor } from '../src/modules/access';
import { createScratchDatabase, targets } from './harness';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;
// A world of a few dozen people and two days of timeline: the real CLI seeds it in seconds.
const WORLD = ['--divisor', '600', '--until', '2026-01-06', '--seed', '3'];
const DEMO_USERS = ['admin', 'commander', 'officer', 'registrar', 'screening', 'investigator', 'legal', 'monitor', 'liaison-fr'];

/**
 * `custos demo` as users run it, in real processes: a seed killed with SIGKILL midway (a failpoint, exactly as kill -9)
 * leaves a half-built world that `custos serve` refuses and the next `custos demo` rebuilds; a demo started again on
 * its folder goes on in the scenario's time, says so, and prints exactly the demo logins.
 */
describe.each(await targets())('the demo world across processes on %s', (target) => {
  let dir: string;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;

  const env = (extra: Record<string, string> = {}) => {
    const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
    delete e.DATABASE_URL;
    delete e.CUSTOS_FAILPOINTS;
    if (url) e.DATABASE_URL = url;
    return { ...e, ...extra };
  };
  const run = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args, '--data', dir], { env: env(extra), encoding: 'utf8', timeout: 150_000 });
  const open = () => openApp({ dataDir: dir, databaseUrl: url });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-demo-'));
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('a seed killed midway is half built: serve refuses it, the next demo rebuilds it whole', { timeout: 400_000 }, async () => {
    const killed = run(['demo', '--no-serve', ...WORLD], { CUSTOS_FAILPOINTS: 'demo.seed:enrolled' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    let s = await open();
    try {
      expect((await readDemoWorld(s.database.db))?.state).toBe('seeding');
      // Persons were enrolled, no admission written: exactly what must not be served.
      const [n] = await queryRows<{ persons: number; events: number }>(
        s.database.db,
        sql`select (select count(*)::int from persons) as persons, (select count(*)::int from custody_events) as events`,
      );
      expect(n!.persons).toBeGreaterThan(0);
      expect(n!.events).toBe(0);
    } finally {
      await s.close();
    }

    const served = run(['serve', '--port', '0']);
    expect(served.status, served.stdout + served.stderr).toBe(1);
    expect(served.stderr).toMatch(/half built: its seeding started at .* and never finished/);
    expect(served.stdout).not.toMatch(/serving at/);

    const rebuilt = run(['demo', '--no-serve', ...WORLD]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/half built.*Removing it and seeding the demo again/);
    expect(rebuilt.stdout).toMatch(/Seeded \d+ people/);

    s = await open();
    try {
      const world = await readDemoWorld(s.database.db);
      expect(world?.state).toBe('ready');
      expect(world?.label).toBe('1:600 miniature of al-Hol');
      // Whole: every enrolled person admitted once, one set of users, and the ledger verifies.
      const [n] = await queryRows<{ persons: number; admitted: number; users: number }>(
        s.database.db,
        sql`select (select count(*)::int from persons) as persons,
                   (select count(*)::int from custody_events where type = 'ADMITTED') as admitted,
                   (select count(*)::int from users) as users`,
      );
      expect(n!.admitted).toBe(n!.persons);
      expect(n!.users).toBe(DEMO_USERS.length);
      expect((await s.custody.verify(null)).ok).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('started again, the demo goes on in scenario time, says so, and prints exactly the demo logins', { timeout: 300_000 }, async () => {
    // A real user added to the demo world (with a password of her own) is not a demo login.
    const s = await open();
    const before = (await readDemoWorld(s.database.db))!;
    try {
      await s.access.createUser(systemActor('test'), { username: 'amira', password: 'a-password-of-her-own', role: 'commander' });
    } finally {
      await s.close();
    }

    const child = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--data', dir, ...WORLD], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await Promise.race([
        new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('API docs') && resolve())),
        exited.then((code) => {
          throw new Error(`demo exited with ${code}: ${out}\n${err}`);
        }),
      ]);
      expect(out).toMatch(/^Serving the demo world seeded on .* \(1:600 miniature of al-Hol, seed 3\) again: its scenario clock goes on from 2026-01-07/m);
      expect(out).toMatch(/Status on 2026-01-07 \d\d:\d\d UTC \(scenario time of the 1:600 miniature of al-Hol\)/);
      const logins = out
        .split('Demo logins')[1]!
        .split('\n')
        .slice(1)
        .filter((l) => /^ {2}\S/.test(l))
        .map((l) => l.trim().split(/\s+/)[0]);
      expect(logins).toEqual(DEMO_USERS);
      expect(out).not.toMatch(/amira/);

      const base = out.match(/serving at (http:\/\/\S+)/)![1]!;
      const health = (await (await fetch(`${base}api/health`)).json()) as { clock: string; now: string; demo: { label: string } };
      expect(health.clock).toBe('scenario');
      expect(health.demo.label).toBe('1:600 miniature of al-Hol');
      // Resumed where the world stopped (7 January 2026), not today.
      expect(Date.parse(health.now)).toBeGreaterThanOrEqual(before.scenarioNow.getTime());
      expect(health.now.slice(0, 10)).toBe('2026-01-07');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
