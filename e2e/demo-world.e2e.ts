import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_UNTIL } from '../src/demo/demo-seed';
import { apiAs, launchBrowser, login, newPage, settled, shot, startDemoServer, type DemoServer } from './harness';

// The default demo's timeline (the collapse, the first airlift flights, to 26 January) on a world small enough to replay fast:
// what a user sees of its scale, its clock and its history.
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer({ divisor: 400, until: DEMO_UNTIL });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the default demo in Chromium', () => {
  it('says it is a scaled world on a scenario clock, and its charts start before the collapse', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'commander', server.password);
    await expect(page.getByTestId('demo-label').textContent()).resolves.toBe('Demo: 1:400 miniature of al-Hol');
    await expect(page.getByTestId('server-clock').textContent()).resolves.toMatch(/^scenario time \d+ Jan 2026/);
    // The charts cover the whole timeline: from the first roll calls of 5 January (before the collapse of the 20th).
    await expect(page.getByTestId('chart-range').textContent()).resolves.toMatch(/roll calls from 5 Jan 2026 to 26 Jan 2026$/);
    // The airlift is in the world: the detainees flown to the Iraqi receiving facility are on its roll.
    const report = await apiAs<{ facilities: { code: string; onRoll: number }[] }>(page, '/reports/status');
    expect(report.facilities.find((f) => f.code === 'IRQ-RCV')?.onRoll).toBeGreaterThan(0);
    await settled(page);
    await shot(page, '60-demo-march-overview-1440', true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
