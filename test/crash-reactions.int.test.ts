import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../src/main';
import { queryRows } from '../src/platform/db/database';
import type { Services } from '../src/services';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { createScratchDatabase, targets } from './harness';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

/**
 * kill -9 between a commit and its reaction: the CLI closes a roll call and is killed (SIGKILL, by a failpoint) right
 * after the close committed, before the alert rules reacted. A process started afterwards, as `custos serve` starts,
 * delivers the close to the alert rules: the Delta alert is raised, once, and no later start raises it again.
 */
describe.each(await targets())('a reaction survives kill -9 between the commit and the reaction on %s', (target) => {
  let dir: string;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let rollcallId: string;

  const open = () => openApp({ dataDir: dir, databaseUrl: url });
  const alertsOf = async (s: Services) =>
    queryRows<{ rule: string }>(s.database.db, sql`select rule from alerts where rollcall_id = ${rollcallId} order by raised_at`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-crash-'));
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
    const s = await open();
    try {
      const { facility, units } = await buildFacility(s, { code: 'CRASH' }, 1);
      const persons: string[] = [];
      for (let i = 0; i < 4; i++) persons.push(await buildAdmittedPerson(s, { facilityId: facility.id, unitId: units[0]!.id }));
      const rc = await s.rollcalls.open(adminActor, { facilityId: facility.id });
      rollcallId = rc.id;
      await s.rollcalls.mark(adminActor, rc.id, { marks: persons.slice(0, 2).map((personId) => ({ personId, result: 'present' as const })) });
    } finally {
      await s.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('the close commits, the process dies, and the next process raises the alert once', { timeout: 180_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_FAILPOINTS: 'outbox.after_commit:rollcall.closed@1' };
    delete env.DATABASE_URL;
    if (url) env.DATABASE_URL = url;
    const killed = spawnSync(process.execPath, [BIN, 'rollcall', 'close', rollcallId, '--data', dir], { env, encoding: 'utf8', timeout: 120_000 });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stdout).not.toMatch(/closed/); // it died before it could answer

    // After the crash: the close is there whole (figures, ledger events, the event), its reaction is not.
    let s = await open();
    try {
      const [rc] = await queryRows<{ status: string; delta: number }>(
        s.database.db,
        sql`select status, (result->>'delta')::int as delta from rollcalls where id = ${rollcallId}`,
      );
      expect(rc).toEqual({ status: 'closed', delta: 2 });
      const unaccounted = await queryRows<{ n: number }>(
        s.database.db,
        sql`select count(*)::int as n from custody_events where type = 'UNACCOUNTED' and evidence->>'rollcallId' = ${rollcallId}`,
      );
      expect(unaccounted[0]!.n).toBe(2);
      const closedEvents = await queryRows<{ n: number }>(
        s.database.db,
        sql`select count(*)::int as n from outbox where type = 'rollcall.closed' and payload->>'rollcallId' = ${rollcallId}`,
      );
      expect(closedEvents[0]!.n).toBe(1);
      expect(await alertsOf(s)).toEqual([]);

      // The next serving process delivers what the dead one committed.
      await s.dispatcher.start({ pollMs: 60_000 });
      await s.settle();
      expect(await alertsOf(s)).toEqual([{ rule: 'rollcall.delta' }]);
    } finally {
      await s.close();
    }

    // Once in effect: another start delivers nothing new.
    s = await open();
    try {
      await s.dispatcher.start({ pollMs: 60_000 });
      await s.settle();
      expect(await alertsOf(s)).toEqual([{ rule: 'rollcall.delta' }]);
      const behind = (await s.dispatcher.status()).filter((c) => c.behind > 0);
      expect(behind).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
