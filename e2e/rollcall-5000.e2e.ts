import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, login, newPage, shot, startServer, type E2eServer } from './harness';

const BIG = 5000;
let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ bigUnit: BIG });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the roll-call screen with 5,000 people in one block', () => {
  it('renders a window of the list, scrolls to the end and keeps the counters right', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'officer');
    await page.goto(`${server.url}/rollcalls`);
    await page.getByTestId('pick-unit-P2-BIG').click();
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL(/\/rollcalls\/[0-9a-f-]{36}$/);
    await page.locator(`[data-testid=count-expected]:text-is("5,000")`).waitFor({ timeout: 60_000 });
    // the first 1,000 rows come first, the rest behind them: wait for the whole list
    await page.getByTestId('sheet-loading').waitFor({ state: 'detached', timeout: 60_000 });
    const rows = page.getByTestId('rollcall-row');
    await rows.first().waitFor();
    // Virtualised: only the rows in view (and a few more) are in the page.
    expect(await rows.count()).toBeLessThan(60);

    await page.getByText('All', { exact: true }).click();
    await rows.first().getByTestId('mark-present').click();
    await page.locator('[data-testid=count-present]:text-is("1")').waitFor();

    // To the end of the list: the last person can be marked like the first.
    const list = page.getByTestId('rollcall-list');
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const last = rows.last();
    await last.waitFor();
    await last.getByTestId('mark-absent').click();
    await page.locator('[data-testid=count-absent]:text-is("1")').waitFor();
    await expect(page.getByTestId('count-unmarked').textContent()).resolves.toBe('4,998');
    await expect(page.getByTestId('count-delta').textContent()).resolves.toBe('4,999');
    expect(await rows.count()).toBeLessThan(60);
    await shot(page, '30-rollcall-5000-end-1024');

    // A name typed in the finder narrows 5,000 rows at once.
    await page.getByLabel('Find a name').fill('Fatima');
    await rows.first().waitFor();
    const shown = await rows.allTextContents();
    expect(shown.every((t) => t.includes('Fatima'))).toBe(true);
    await shot(page, '31-rollcall-5000-find-1024');

    // The marks reached the server.
    await page.getByTestId('pending-marks').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
