import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../src/main';
import { buildAdmittedPerson, buildFacility } from './factories';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

function custos(args: string[], input?: string) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env, timeout: 120_000 });
}

// Each test spawns the CLI a few times, and each process opens the data folder's PGlite (5-20 s on a loaded machine):
// minutes, not the default minute, so that CI's two busy cores do not time them out.
describe('custos CLI on a PGlite data folder', { timeout: 300_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-cli-'));
    const services = await openApp({ dataDir: dir });
    const f = await buildFacility(services, { code: 'CLI' });
    for (let i = 0; i < 5; i++) await buildAdmittedPerson(services, { facilityId: f.facility.id, unitId: f.units[0]!.id });
    await services.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ledger verify exits 0 on an intact ledger', () => {
    const res = custos(['ledger', 'verify', '--data', dir]);
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Ledger intact: 5 events/);
  });

  it('outbox status names each consumer with how far behind it is', () => {
    const res = custos(['outbox', 'status', '--data', dir]);
    expect(res.status, res.stderr).toBe(0);
    // the admissions of the set-up reached the capacity rule before that process closed
    expect(res.stdout).toMatch(/^alerts\.capacity\tsite hq\tat \d+\t0 behind$/m);
    const json = JSON.parse(custos(['outbox', 'status', '--json', '--data', dir]).stdout) as { consumer: string; behind: number }[];
    expect(json.map((c) => c.consumer)).toEqual(expect.arrayContaining(['alerts.capacity', 'screening.reactions']));
  });

  it('user add reads the password on stdin and refuses bad roles and weak passwords', async () => {
    const ok = custos(['user', 'add', '--username', 'amira', '--role', 'officer', '--facility', 'CLI', '--data', dir], 'a strong enough password\n');
    expect(ok.stdout + ok.stderr).toMatch(/Created officer amira/);
    expect(ok.status).toBe(0);
    const badRole = custos(['user', 'add', '--username', 'xavier', '--role', 'king', '--data', dir], 'a strong enough password');
    expect(badRole.status).not.toBe(0);
    expect(badRole.stderr).toMatch(/Unknown role king/);
    const weak = custos(['user', 'add', '--username', 'yasmin', '--role', 'admin', '--data', dir], 'short');
    expect(weak.status).not.toBe(0);
    expect(weak.stderr).toMatch(/at least 10 characters/);
    const services = await openApp({ dataDir: dir });
    const session = await services.access.login('amira', 'a strong enough password', '127.0.0.1');
    expect(session.user.role).toBe('officer');
    await services.close();
  });

  it('ledger verify exits 1 and names the first bad event after tampering', async () => {
    const services = await openApp({ dataDir: dir });
    const [victim] = (
      (await services.database.db.execute(sql`select id from custody_events order by seq offset 2 limit 1`)) as unknown as { rows: { id: string }[] }
    ).rows;
    await services.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update custody_events set authority = 'forged order' where id = ${victim!.id}`);
    });
    await services.close();
    const res = custos(['ledger', 'verify', '--data', dir]);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(victim!.id);
    expect(res.stdout).toMatch(/BROKEN/);
  });

  it('migrate is idempotent', () => {
    const res = custos(['migrate', '--data', dir]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Already up to date/);
  });

  it('a database held by a running Custos is refused in one plain line, and works again once it is closed', async () => {
    const holder = await openApp({ dataDir: dir });
    try {
      const verify = custos(['ledger', 'verify', '--data', dir]);
      expect(verify.status).toBe(1);
      expect(verify.stdout).toBe('');
      expect(verify.stderr.trim().split('\n')).toHaveLength(1);
      expect(verify.stderr).toContain(`the database at ${join(dir, 'pglite')} is in use by a running Custos (pid ${process.pid}`);
      expect(verify.stderr).toMatch(/stop it.*DATABASE_URL/);
      const add = custos(['user', 'add', '--username', 'omar', '--role', 'officer', '--data', dir], 'a strong enough password\n');
      expect(add.status).toBe(1);
      expect(add.stderr).toMatch(/^the database at .* is in use by a running Custos/);
      expect(add.stderr.length).toBeLessThan(500);
    } finally {
      await holder.close();
    }
    expect(existsSync(join(dir, 'custos.lock'))).toBe(false);
  });

  it('a lock left by a process that is gone does not block', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'custos.lock'), JSON.stringify({ pid: Number(gone.stdout), command: 'custos serve', since: new Date().toISOString() }));
    const res = custos(['migrate', '--data', dir]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(existsSync(join(dir, 'custos.lock'))).toBe(false);
  });

  it('serve on a port in use says so in one line and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as AddressInfo).port;
    try {
      const res = custos(['serve', '--port', String(port), '--data', dir]);
      expect(res.status).toBe(1);
      expect(res.stderr.trim()).toBe(`port ${port} is in use; set PORT (or --port) or stop the other process`);
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });
});
