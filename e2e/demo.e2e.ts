import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, parseNum, shot, startDemoServer, type DemoServer, settled } from './harness';

interface StatusReport {
  totals: Record<string, number>;
  facilities: { code: string; onRoll: number; byStatus: Record<string, number> }[];
}

// The demo world of `npm start` (the al-Hol scenario, replayed to the day after the collapse), as a new user sees it.
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo world of npm start in Chromium', () => {
  it("signs in although the server's clock is in January 2026, and shows the API's numbers and the live alerts", async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'commander', server.password);
    await page.getByTestId('status-table').waitFor();
    const report = await apiAs<StatusReport>(page, '/reports/status');
    expect(report.totals.unaccounted).toBeGreaterThan(0);
    expect(parseNum(await page.getByTestId('total-onRoll').textContent())).toBe(report.totals.onRoll);
    expect(parseNum(await page.getByTestId('total-unaccounted').textContent())).toBe(report.totals.unaccounted);
    for (const f of report.facilities) {
      expect(parseNum(await page.getByTestId(`status-row-${f.code}`).getByTestId('onRoll').textContent())).toBe(f.onRoll);
    }
    // The Delta of the collapse is on the map and in the charts.
    await page.getByTestId('map-facility-HOL').waitFor();
    await page.getByTestId('chart-delta').locator('svg').waitFor();
    await shot(page, '40-demo-overview-1440', true);

    await page.goto(`${server.url}/alerts`);
    await page.locator('[data-testid=stream-state][data-state=live]').waitFor();
    const open = await apiAs<unknown[]>(page, '/alerts?status=open&limit=1000');
    const acked = await apiAs<unknown[]>(page, '/alerts?status=acknowledged&limit=1000');
    await expect.poll(() => page.getByTestId('alert-card').count()).toBe(open.length + acked.length);
    await shot(page, '41-demo-alerts-1440');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds a resident by a Latin spelling and shows her names in both scripts', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'registrar', server.password);
    // A resident with an Arabic name and a recorded Latin spelling.
    const hits = await apiAs<{ id: string; name: string; otherNames: string[] }[]>(page, '/persons?q=Mohammed&limit=50&purpose=registration');
    const target = hits.find((h) => /[\u0600-\u06FF]/.test(h.name) && h.otherNames.some((n) => /^[A-Za-z' -]+$/.test(n)));
    expect(target, 'a resident with names in both scripts').toBeTruthy();
    const latin = target!.otherNames.find((n) => /^[A-Za-z' -]+$/.test(n))!;
    await page.goto(`${server.url}/persons`);
    await page.getByTestId('person-search').fill(latin);
    const row = page.locator(`[data-testid=person-result]`).filter({ hasText: target!.name }).first();
    await row.waitFor();
    await row.click();
    await page.getByTestId('purpose-banner').waitFor();
    await expect(page.getByTestId('person-names').locator('[dir=rtl]').first().textContent()).resolves.toMatch(/[\u0600-\u06FF]/);
    await page.getByTestId('timeline-verified').waitFor();
    await shot(page, '42-demo-person-1024', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens every page of each role without console errors at tablet and desktop width', async () => {
    const roles: Record<string, string[]> = {
      officer: ['/overview', '/facilities', '/persons?q=Fatima', '/rollcalls', '/alerts'],
      'liaison-fr': ['/overview', '/facilities', '/persons?q=a'],
      monitor: ['/overview', '/facilities', '/alerts', '/monitor'],
      admin: ['/monitor'],
    };
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 1440, height: 900 },
    ]) {
      for (const [user, pages] of Object.entries(roles)) {
        const { context, page, errors } = await newPage(browser, viewport);
        await login(page, server.url, user, server.password);
        for (const p of pages) {
          await page.goto(`${server.url}${p}`);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await settled(page);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${user} ${p} at ${viewport.width}`).toBeLessThanOrEqual(0);
          await shot(page, `43-demo-${user}${p.replace(/[/?=&]+/g, '_')}-${viewport.width}`);
        }
        expect(errors, `${user} at ${viewport.width}`).toEqual([]);
        await context.close();
      }
    }
  });
});
