import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openApp } from '../src/main';
import { queryRows } from '../src/platform/db/database';
import { systemActor } from '../src/modules/access';
import { buildAdmittedPerson, buildFacility } from './factories';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

function custos(args: string[], extraEnv: Record<string, string> = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
}

describe('custos rollcall (open, mark from a CSV, close) on a PGlite data folder', () => {
  let dir: string;
  let persons: string[];
  let guardId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-rc-cli-'));
    const services = await openApp({ dataDir: dir });
    const f = await buildFacility(services, { code: 'RCCLI' }, 2);
    persons = [];
    for (let i = 0; i < 6; i++)
      persons.push(
        await buildAdmittedPerson(
          services,
          { facilityId: f.facility.id, unitId: f.units[i % 2]!.id },
          {
            names: [{ full: `Person ${'ABCDEF'[i]} Testname` }],
            birthDate: i === 4 ? '1990-07-01' : '1985',
            birthPrecision: i === 4 ? 'approximate' : undefined,
          },
        ),
      );
    guardId = (
      await services.access.createUser(systemActor('test'), {
        username: 'guard1',
        password: 'a strong enough password',
        role: 'officer',
        facilityIds: [f.facility.id],
      })
    ).id;
    await services.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a whole roll call from the command line as a named operator; a re-run CSV records nothing twice', async () => {
    const nobody = custos(['rollcall', 'open', '--facility', 'RCCLI', '--as', 'nobody', '--data', dir]);
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toMatch(/No active user "nobody" to act as/);
    const opened = custos(['rollcall', 'open', '--facility', 'RCCLI', '--as', 'guard1', '--data', dir, '--json']);
    expect(opened.stderr).toBe('');
    expect(opened.status).toBe(0);
    const rc = JSON.parse(opened.stdout) as { id: string; expected: number };
    expect(rc.expected).toBe(6);

    // the template lists everyone expected, with name, birth as recorded and unit code, ready for results
    const template = custos(['rollcall', 'expected', rc.id, '--csv', '--as', 'guard1', '--data', dir]);
    expect(template.stderr).toBe('');
    const lines = template.stdout.trim().split('\n');
    expect(lines[0]).toBe('personId,name,birth,unit,result,reason,method');
    expect(lines).toHaveLength(7);
    expect(lines).toContain(`${persons[4]},Person E Testname,about 1990,B1,,,`);
    expect(lines).toContain(`${persons[1]},Person B Testname,1985,B2,,,`);

    const csv = join(dir, 'marks.csv');
    writeFileSync(
      csv,
      [
        'person_id,result,reason,note,method,unit',
        `${persons[0]},present,,,face,B1`,
        `${persons[1]},present,,,fingerprint,B2`,
        `${persons[2]},present,,,visual,B2`, // lives in B1: misplaced
        `${persons[3]},excused,hospital,,,`,
        `${persons[4]},absent,,,visual,B1`,
      ].join('\n'),
    );
    const first = custos(['rollcall', 'mark', rc.id, csv, '--data', dir]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/5 marks read: 5 recorded, 0 already recorded, 1 misplaced/);
    const again = custos(['rollcall', 'mark', rc.id, csv, '--data', dir]);
    expect(again.stdout).toMatch(/5 marks read: 0 recorded, 5 already recorded/);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `personId,result\n${persons[5]},present\n${persons[5]},sleeping\n`);
    const refused = custos(['rollcall', 'mark', rc.id, bad, '--data', dir]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Line 3: result/);

    const closed = custos(['rollcall', 'close', rc.id, '--data', dir], { CUSTOS_OPERATOR: 'guard1' });
    expect(closed.stderr).toBe('');
    expect(closed.stdout).toMatch(/expected 6, present 3, excused 1, DELTA 2, misplaced 1/);
    // "face" and "fingerprint" without a verification id are claims, not verifications: not in the biometric share
    expect(closed.stdout).toMatch(/verified biometrically 0 of 3 present \(face 0, fingerprint 0\)/);
    expect(closed.stdout).toContain(`unaccounted\t${persons[4]}\tPerson E Testname\tabout 1990\tB1\n`);
    expect(closed.stdout).toContain(`unaccounted\t${persons[5]}\tPerson F Testname\t1985\tB2\n`);
    // the operator is recorded on the ledger events of the close and on the roll call
    const services = await openApp({ dataDir: dir });
    try {
      const events = await queryRows<{ recorded_by: string | null }>(
        services.database.db,
        sql`select recorded_by from custody_events where type = 'UNACCOUNTED' and evidence->>'rollcallId' = ${rc.id}`,
      );
      expect(events.map((e) => e.recorded_by)).toEqual([guardId, guardId]);
    } finally {
      await services.close();
    }
    expect(closed.stdout).toMatch(/alert\twarning\trollcall.delta/);
  }, 900_000);
});
