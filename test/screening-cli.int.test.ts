import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/main';
import { buildPerson } from './factories';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;

function custos(args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 180_000 });
}

const LIST = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID><FIRST_NAME>ABD AL-RAHMAN</FIRST_NAME><SECOND_NAME>MUSTAFA</SECOND_NAME><THIRD_NAME>AL-QADULI</THIRD_NAME>
      <REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1957</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
`;

describe('custos watchlist import and custos screen', () => {
  let dir: string;
  let personId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-screen-'));
    writeFileSync(join(dir, 'list.xml'), LIST);
    writeFileSync(join(dir, 'truncated.xml'), LIST.slice(0, 300));
    const services = await openApp({ dataDir: dir });
    personId = await buildPerson(services, { names: [{ full: 'Abdul Rahman Mustafa el Qaduli' }], birthDate: '1957', nationalities: ['IRQ'] });
    await services.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a truncated file with a message and exit code 2, importing nothing', () => {
    const bad = custos(['watchlist', 'import', join(dir, 'truncated.xml'), '--data', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/truncated|well-formed/);
    const list = custos(['watchlist', 'list', '--json', '--data', dir]);
    expect(JSON.parse(list.stdout)).toEqual([]);
  }, 240_000);

  it('imports, screens the registry, and lists the pending hit', () => {
    const ok = custos(['watchlist', 'import', join(dir, 'list.xml'), '--data', dir]);
    expect(ok.stderr).not.toMatch(/Error/);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/1 individuals, 0 entities/);
    expect(ok.stdout).toMatch(/1 hits pending review/);
    const pending = custos(['screen', '--pending', '--json', '--data', dir]);
    const hits = JSON.parse(pending.stdout);
    expect(hits).toHaveLength(1);
    expect(hits[0].personId).toBe(personId);
    const again = custos(['screen', '--data', dir]);
    expect(again.stdout).toMatch(/Screened 1 persons .* 0 new hits/);
  }, 240_000);

  it('refuses a release older than the current one unless --force, and says so', () => {
    writeFileSync(join(dir, 'older.xml'), LIST.replace('2026-01-01T00:00:00Z', '2025-11-01T00:00:00Z'));
    const refused = custos(['watchlist', 'import', join(dir, 'older.xml'), '--no-screen', '--data', dir]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/release of 2025-11-01 is older than the current version's release of 2026-01-01 .*\(watchlist\.older_release\)/);
    expect(refused.stderr).toMatch(/--force/);
    expect(JSON.parse(custos(['watchlist', 'list', '--json', '--data', dir]).stdout)).toHaveLength(1);
    const forced = custos(['watchlist', 'import', join(dir, 'older.xml'), '--no-screen', '--force', '--data', dir]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/warning: This un-consolidated release of 2025-11-01 is older .* imported with force/);
  }, 240_000);

  it('screens one person on request only with a reason', () => {
    expect(custos(['screen', '--person', personId, '--data', dir]).status).toBe(2);
    const ok = custos(['screen', '--person', personId, '--reason', 'verification before transfer', '--data', dir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/1 candidates, 0 new hits/);
  }, 240_000);

  it('screens who came of age since the last screening (nobody on the same day)', () => {
    const r = custos(['screen', '--came-of-age', '--json', '--data', dir]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ screened: 0, newHits: 0, listUpdate: false });
  }, 240_000);
});
