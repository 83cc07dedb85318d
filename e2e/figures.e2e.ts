import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { systemActor } from '../src/modules/access';
import { launchBrowser, login, newPage, parseNum, settled, shot, startServer, type E2eServer } from './harness';

let server: E2eServer;
let browser: Browser;
/** Persons of al-Hol left unaccounted by the whole-camp roll call. */
let absent: string[] = [];

const actor = systemActor('e2e roll calls');

/** A roll call of al-Hol (or of some of its units) where everyone but `away` is marked present, closed. */
async function rollcall(unitIds: string[] | undefined, away: ReadonlySet<string>) {
  const s = server.services;
  const rc = await s.rollcalls.open(actor, { facilityId: server.world.facilities.HOL, unitIds });
  const expected = await queryRows<{ person_id: string }>(s.database.db, sql`select person_id from rollcall_expected where rollcall_id = ${rc.id}`);
  const marks = expected.filter((e) => !away.has(e.person_id)).map((e) => ({ personId: e.person_id, result: 'present' as const, method: 'visual' as const }));
  await s.rollcalls.mark(actor, rc.id, { marks });
  return s.rollcalls.close(actor, rc.id);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The whole camp is counted: 60 of block P1-B2's people are missing. Then only the small block T-1 is counted.
  const b2 = await queryRows<{ person_id: string }>(
    server.services.database.db,
    sql`select person_id from placements where unit_id = ${server.world.units['P1-B2']!} order by person_id limit 60`,
  );
  absent = b2.map((r) => r.person_id);
  const camp = await rollcall(undefined, new Set(absent));
  expect(camp.delta).toBe(60);
  // Counted again, the same 60 still missing: the same situation, one alert.
  const again = await rollcall(undefined, new Set(absent));
  expect(again.delta).toBe(60);
  const block = await rollcall([server.world.units['T-1']!], new Set());
  expect(block).toMatchObject({ expected: 12, delta: 0 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('what the commander sees first', () => {
  it("a one-block roll call does not overwrite the camp's figures: the overview and the facility keep the Delta of every unit", async () => {
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/overview`);
    await settled(page);
    const row = page.getByTestId('summary-HOL');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=summary-HOL] [data-testid=delta]')?.textContent ?? ''));
    // The camp's Delta stays 60 (the block's 0 replaced only the block's part), and the age of the counts is shown.
    expect(parseNum(await row.getByTestId('delta').textContent())).toBe(60);
    expect(await row.getByTestId('figures-age').textContent()).toMatch(/counted/);
    expect(parseNum(await page.getByTestId('total-delta').textContent())).toBe(60);
    expect(await page.getByTestId('total-delta-hint').textContent()).toMatch(/oldest unit count/);
    await shot(page, '70-overview-figures-1280', true);

    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=facility-delta]')?.textContent ?? ''));
    expect(parseNum(await page.getByTestId('facility-delta').textContent())).toBe(60);
    expect(await page.getByTestId('facility-delta-hint').textContent()).toMatch(/oldest count/);
    // The alerts inbox: one alert for the 60 (found at both camp roll calls), not one per roll call and rule.
    await page.goto(`${server.url}/alerts`);
    await page.getByTestId('alert-count').waitFor();
    expect(await page.getByTestId('alert-count').textContent()).toBe('1 alert');
    const card = page.getByTestId('alert-card');
    expect(await card.count()).toBe(1);
    expect(await card.getByTestId('alert-occurrences').textContent()).toBe('found 2×');
    expect(await card.getByTestId('alert-title').textContent()).toMatch(
      /^Mass absence: 60 unaccounted \(latest roll call: 60 of \d+; 2 roll calls\); 60 at 2 consecutive roll calls$/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the facility's custody event feed says how many events there are and pages to older ones", async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    const count = page.getByTestId('facility-events-count');
    await count.waitFor();
    const total = Number(/^1–50 of ([\d,]+)$/.exec((await count.textContent()) ?? '')![1]!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(50);
    await page.getByTestId('facility-events-older').click();
    await page
      .locator(`[data-testid=facility-events-count]:text-is("51–${Math.min(100, total).toLocaleString('en')} of ${total.toLocaleString('en')}")`)
      .waitFor();
    expect(await page.getByTestId('facility-events').locator('tbody tr').count()).toBe(Math.min(100, total) - 50);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('"Unaccounted at al-Hol" says how many, pages through all of them and exports the names', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/persons?facilityId=${server.world.facilities.HOL}&status=unaccounted`);
    const count = page.getByTestId('result-count');
    await count.waitFor();
    expect(await count.textContent()).toBe('1–50 of 60');
    expect(await page.getByTestId('person-result').count()).toBe(50);
    await page.getByTestId('page-next').click();
    await page.locator('[data-testid=result-count]:text-is("51–60 of 60")').waitFor();
    expect(await page.getByTestId('person-result').count()).toBe(10);
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);
    await shot(page, '71-persons-unaccounted-page2-1024', true);

    // The police's list: every name, not a page.
    const link = page.getByTestId('export-csv');
    expect(await link.textContent()).toBe('Export 60 as CSV');
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const lines = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toMatch(/^person_id,name,/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([...absent].sort());

    // A block's manifest from the facility page: who is in T-1 now, with its total.
    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    await page.getByRole('link', { name: 'Manifest of T-1' }).click();
    await page.getByTestId('unit-filter').waitFor();
    expect(await page.getByTestId('unit-filter').textContent()).toContain('T-1');
    await page.locator('[data-testid=result-count]:text-is("1–12 of 12")').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
