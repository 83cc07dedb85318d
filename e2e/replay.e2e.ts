import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, chooseLanguage, launchBrowser, login, newPage, parseNum, settled, shot, startDemoServer, type DemoServer } from './harness';

// The replay of the collapse at al-Hol and the statements page, as the outside monitor sees them, on the demo world
// (1:400, replayed to 21 January). Every figure checked here is compared with what the API answers.
let server: DemoServer;
let browser: Browser;

interface Point {
  at: string;
  expected: number;
  present: number;
  delta: number;
}
interface Statement {
  id: string;
  statementText: string;
  signature: string;
  publicKey: string;
  statement: { ledger: { siteId: string; seq: number }[]; counts: { facilityCode: string; status: string; count: number }[] };
}

/** "20 Jan, 07:00 UTC" as the screen writes a scenario time (en-GB, UTC). */
const dayAndTime = (iso: string) => {
  const d = new Date(iso);
  return { day: `${d.getUTCDate()} ${d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })}`, time: iso.slice(11, 16) };
};

beforeAll(async () => {
  server = await startDemoServer({ divisor: 400 });
  // the site's daily statement (the schedule runs only under `serve`): one for the monitor to read
  await server.services.reviews.issue(null, 'daily');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the replay screen and the statements page in Chromium', () => {
  it('replays al-Hol on 19-21 January: as it happened beside with Custos, the units and Delta at the clock, as the API says', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'monitor', server.password);
    await page
      .getByRole('link', { name: /Replay/ })
      .first()
      .click();
    await page.getByTestId('with-custos-time').waitFor();

    // The default: the facility and window of the first "no guard on duty" alert, read from the API.
    const facilities = await apiAs<{ id: string; code: string }[]>(page, '/facilities');
    const hol = facilities.find((f) => f.code === 'HOL')!;
    const signs = await apiAs<{ facilityId: string; raisedAt: string }[]>(page, '/alerts?rule=guards.no_guard_on_duty&limit=100');
    const sign = signs.filter((a) => a.facilityId === hol.id).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt))[0]!;
    expect(sign.raisedAt.slice(0, 10)).toBe('2026-01-20');
    await expect(page.getByTestId('replay-from').inputValue()).resolves.toBe('2026-01-19');
    await expect(page.getByTestId('replay-to').inputValue()).resolves.toBe('2026-01-21');
    const withCustos = (await page.getByTestId('with-custos-time').textContent()) ?? '';
    expect(withCustos).toContain(dayAndTime(sign.raisedAt).day);
    expect(withCustos).toContain(dayAndTime(sign.raisedAt).time);

    // As it happened: the first count after that alert that found anyone missing, with its Delta, from the figures.
    const figures = await apiAs<{ facilities: { facilityId: string; series: Point[] }[] }>(page, `/reports/figures?facilityId=${hol.id}`);
    const series = figures.facilities.find((f) => f.facilityId === hol.id)!.series;
    const count = series.find((p) => p.at >= sign.raisedAt && p.delta > 0)!;
    expect(count.at.slice(11, 16)).toBe('16:00');
    const counted = (await page.getByTestId('as-it-happened-time').textContent()) ?? '';
    expect(counted).toContain(dayAndTime(count.at).time);
    await expect(page.getByTestId('as-it-happened-text').textContent()).resolves.toContain(`Delta ${count.delta} of ${count.expected} expected`);
    await expect(page.getByTestId('lead').textContent()).resolves.toMatch(/^9 h 00 min before the count$/);

    // At the count: the figures are that roll call's, and the units on the map add up to them.
    await page.getByTestId('jump-count').click();
    await expect(page.getByTestId('replay').getAttribute('data-at')).resolves.toBe(count.at);
    expect(parseNum(await page.getByTestId('now-delta').textContent())).toBe(count.delta);
    expect(parseNum(await page.getByTestId('now-present').textContent())).toBe(count.present);
    expect(parseNum(await page.getByTestId('now-expected').textContent())).toBe(count.expected);
    const unitFigures = await page.getByTestId('unit-figures').allTextContents();
    const present = unitFigures.filter((s) => s.includes('/')).reduce((n, s) => n + parseNum(s.split('/')[0]!), 0);
    expect(present).toBe(count.present);
    expect(await page.locator('[data-testid^="unit-"][data-state="missing"]').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('as-it-happened').getAttribute('data-reached')).resolves.toBe('true');

    // At the alert: the count before it found nobody missing, and the map says so.
    await page.getByTestId('jump-alert').click();
    const before = [...series].reverse().find((p) => p.at <= sign.raisedAt)!;
    expect(parseNum(await page.getByTestId('now-delta').textContent())).toBe(before.delta);
    await expect(page.getByTestId('as-it-happened').getAttribute('data-reached')).resolves.toBe('false');
    await expect(page.getByTestId('with-custos').getAttribute('data-reached')).resolves.toBe('true');
    expect(await page.locator('[data-testid^="unit-"][data-state="missing"]').count()).toBe(0);

    // The timeline of the window (GET /reviews/timeline): the items up to the clock are the ones highlighted.
    const from = '2026-01-19T00:00:00.000Z';
    const to = '2026-01-22T00:00:00.000Z';
    const timeline = await apiAs<{ total: number; items: { at: string; source: string }[] }>(
      page,
      `/reviews/timeline?facilityId=${hol.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=1000`,
    );
    expect(timeline.total).toBeGreaterThan(0);
    const upTo = timeline.items.filter((i) => Date.parse(i.at) <= Date.parse(sign.raisedAt)).length;
    await expect(page.getByTestId('timeline-count').textContent()).resolves.toBe(`${upTo} of ${timeline.total} up to the clock`);
    expect(await page.locator('[data-testid="timeline-item"][data-past="true"]').count()).toBe(upTo);
    expect(new Set(timeline.items.map((i) => i.source)).size).toBeGreaterThan(1);

    // The clock runs: play moves it on, pause stops it.
    await page.getByTestId('replay-play').click();
    await page.waitForFunction((at) => document.querySelector('[data-testid="replay"]')?.getAttribute('data-at') !== at, sign.raisedAt);
    await page.getByTestId('replay-play').click();
    await page.getByTestId('replay-delta-chart').waitFor();
    await settled(page);
    await shot(page, '70-replay-1440', true);

    // In Arabic (right to left) the same facts, then back (the choice is kept on the account).
    await chooseLanguage(page, 'ar');
    await expect(page.getByTestId('with-custos-time').textContent()).resolves.toContain('07:00');
    expect(parseNum(await page.getByTestId('now-delta').textContent())).toBe(before.delta);
    await shot(page, '72-replay-ar-1440');
    await chooseLanguage(page, 'en');

    // The perimeter plan: every sensor of al-Hol where the sensors module placed it, coloured at the clock from the
    // timeline's dead zones and raw alarms (per sensor and minute), as the API says.
    const sensors = await apiAs<{ total: number; rows: { code: string; sector: string; x: number; y: number }[] }>(
      page,
      `/sensors?facilityId=${hol.id}&limit=1000`,
    );
    expect(sensors.total).toBeGreaterThan(0);
    const sensorItems = await apiAs<{ items: { at: string; kind: string; refs: Record<string, unknown> }[] }>(
      page,
      `/reviews/timeline?facilityId=${hol.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&kinds=sensors.alarms,sensors.dead_zone&limit=1000`,
    );
    const deadZone = sensorItems.items.find((i) => i.kind === 'sensors.dead_zone')!;
    const breach = sensorItems.items.find((i) => i.kind === 'sensors.alarms' && i.at > deadZone.at)!;
    expect(deadZone, 'a dead zone on the 20th').toBeDefined();
    expect(breach, 'raw alarms after it').toBeDefined();
    const planAt = async (iso: string) => {
      await page.goto(`${server.url}/replay?facility=HOL&from=2026-01-19&to=2026-01-21&at=${encodeURIComponent(iso)}`);
      await page.getByTestId('plan-svg').waitFor();
      await expect(page.getByTestId('replay').getAttribute('data-at')).resolves.toBe(new Date(iso).toISOString());
    };
    // a minute after the dead zone (before any alarm): its sector is grey, every sensor is on the plan at its place
    await planAt(new Date(Date.parse(deadZone.at) + 60_000).toISOString());
    expect(await page.locator('[data-testid^="plan-sensor-"]').count()).toBe(sensors.total);
    const first = sensors.rows[0]!;
    await expect(page.locator(`[data-testid="plan-sensor-${first.code}"] circle`).getAttribute('cx')).resolves.toBe(String(first.x));
    await expect(page.getByTestId(`plan-sector-${deadZone.refs.sector}`).getAttribute('data-state')).resolves.toBe('dark');
    for (const code of String(deadZone.refs.sensorCodes).split(','))
      await expect(page.getByTestId(`plan-sensor-${code}`).getAttribute('data-state')).resolves.toBe('dark');
    // five minutes into the breach: the sensor that alarmed is red, and its sector
    await planAt(new Date(Date.parse(breach.at) + 5 * 60_000).toISOString());
    await expect(page.getByTestId(`plan-sensor-${breach.refs.sensorCode}`).getAttribute('data-state')).resolves.toBe('alarm');
    await expect(page.getByTestId(`plan-sector-${breach.refs.sector}`).getAttribute('data-state')).resolves.toBe('alarm');
    await settled(page);
    await shot(page, '73-replay-plan-1440', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists the signed statements for the monitor: counts, heads, a signature that verifies, the JSON to keep', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'monitor', server.password);
    await page
      .getByRole('link', { name: /Statements/ })
      .first()
      .click();
    await page.getByTestId('statement-detail').waitFor();
    const list = await apiAs<{ total: number; items: Statement[] }>(page, '/statements');
    expect(await page.getByTestId('statement-row').count()).toBe(list.items.length);
    const s = list.items[0]!;
    await expect(page.getByTestId('statement-detail').getAttribute('data-id')).resolves.toBe(s.id);
    const total = s.statement.counts.reduce((n, c) => n + c.count, 0);
    expect(total).toBeGreaterThan(0);
    expect(parseNum(await page.getByTestId('counts-total').textContent())).toBe(total);
    const hol = s.statement.counts.filter((c) => c.facilityCode === 'HOL').reduce((n, c) => n + c.count, 0);
    expect(parseNum(await page.getByTestId('counts-HOL').getByTestId('row-total').textContent())).toBe(hol);
    expect(await page.getByTestId('head-row').count()).toBe(s.statement.ledger.length);
    await expect(page.getByTestId('signature').textContent()).resolves.toBe(s.signature);
    await expect(page.getByTestId('public-key').textContent()).resolves.toBe(s.publicKey);
    await page.locator('[data-testid="signature-check"][data-result="valid"]').waitFor();
    // no button to issue one for a monitor (ledger.statement is the commander's)
    expect(await page.getByTestId('issue-statement').count()).toBe(0);
    await expect(page.getByTestId('offline-check').textContent()).resolves.toContain('custos ledger check');

    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('statement-json').click()]);
    const kept = JSON.parse(readFileSync((await file.path())!, 'utf8')) as Statement;
    expect(kept.statementText).toBe(s.statementText);
    expect(kept.signature).toBe(s.signature);
    await settled(page);
    await shot(page, '71-statements-1280', true);
    expect(errors).toEqual([]);
    await context.close();

    // A commander issues one on demand: it is listed first and opened.
    const commander = await newPage(browser, { width: 1280, height: 900 });
    await login(commander.page, server.url, 'commander', server.password);
    await commander.page.goto(`${server.url}/statements`);
    await commander.page.getByTestId('statement-detail').waitFor();
    await commander.page.getByTestId('issue-statement').click();
    await commander.page.waitForFunction(() => document.querySelectorAll('[data-testid="statement-row"]').length === 2);
    const after = await apiAs<{ total: number; items: Statement[] }>(commander.page, '/statements');
    expect(after.total).toBe(list.total + 1);
    await expect(commander.page.getByTestId('statement-detail').getAttribute('data-id')).resolves.toBe(after.items[0]!.id);
    await expect(commander.page.getByTestId('statements-pager-count').textContent()).resolves.toBe(`1–2 of 2`);
    expect(commander.errors).toEqual([]);
    await commander.context.close();
  });
});
