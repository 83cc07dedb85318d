import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/main';
import { buildAdmittedPerson, buildFacility } from './factories';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

function custos(args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
}

describe('custos rollcall (open, mark from a CSV, close) on a PGlite data folder', () => {
  let dir: string;
  let persons: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-rc-cli-'));
    const services = await openApp({ dataDir: dir });
    const f = await buildFacility(services, { code: 'RCCLI' }, 2);
    persons = [];
    for (let i = 0; i < 6; i++) persons.push(await buildAdmittedPerson(services, { facilityId: f.facility.id, unitId: f.units[i % 2]!.id }));
    await services.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a whole roll call from the command line; a re-run CSV records nothing twice', () => {
    const opened = custos(['rollcall', 'open', '--facility', 'RCCLI', '--data', dir, '--json']);
    expect(opened.stderr).toBe('');
    expect(opened.status).toBe(0);
    const rc = JSON.parse(opened.stdout) as { id: string; expected: number };
    expect(rc.expected).toBe(6);

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

    const closed = custos(['rollcall', 'close', rc.id, '--data', dir]);
    expect(closed.stderr).toBe('');
    expect(closed.stdout).toMatch(/expected 6, present 3, excused 1, DELTA 2, misplaced 1/);
    expect(closed.stdout).toContain(`unaccounted\t${persons[4]}`);
    expect(closed.stdout).toContain(`unaccounted\t${persons[5]}`);
    expect(closed.stdout).toMatch(/alert\twarning\trollcall.delta/);
  }, 600_000);
});
