import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, parseNum, shot, startServer, type E2eServer, settled } from './harness';

interface StatusReport {
  totals: Record<string, number>;
  facilities: { code: string; onRoll: number; byStatus: Record<string, number> }[];
  nationalities: { country: string; onRoll: number }[];
}

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the operations web app in Chromium', () => {
  it('signs in and shows only what the role allows', async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(`${server.url}/`);
    await shot(page, '01-login-1024');
    await page.locator('input[name=username]').fill('commander');
    await page.locator('input[name=password]').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
    await login(page, server.url, 'commander');
    await page.waitForURL(/\/overview$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of ['Overview', 'Facilities', 'Persons', 'Roll call', 'Alerts', 'Monitor']) {
      await expect(nav.getByText(label, { exact: true }).count()).resolves.toBe(1);
    }
    await context.close();

    const monitor = await newPage(browser);
    await login(monitor.page, server.url, 'monitor');
    const mnav = monitor.page.getByRole('navigation', { name: 'Main' });
    await expect(mnav.getByText('Monitor', { exact: true }).count()).resolves.toBe(1);
    await expect(mnav.getByText('Persons', { exact: true }).count()).resolves.toBe(0);
    await expect(mnav.getByText('Roll call', { exact: true }).count()).resolves.toBe(0);
    // A typed-in address outside the role is refused by the app as well as by the API.
    await monitor.page.goto(`${server.url}/persons`);
    await monitor.page.getByText('Not available to your role').waitFor();
    await monitor.context.close();
    // The wrong password above is the only expected console error (a 401 from /auth/login).
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  it("shows the overview with the API's numbers, at tablet and desktop width", async () => {
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 1440, height: 900 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, server.url, 'commander');
      await page.getByTestId('status-table').waitFor();
      const report = await apiAs<StatusReport>(page, '/reports/status');
      expect(parseNum(await page.getByTestId('total-onRoll').textContent())).toBe(report.totals.onRoll);
      expect(parseNum(await page.getByTestId('total-in_custody').textContent())).toBe(report.totals.in_custody);
      expect(parseNum(await page.getByTestId('total-unaccounted').textContent())).toBe(report.totals.unaccounted);
      for (const f of report.facilities) {
        const row = page.getByTestId(`status-row-${f.code}`);
        expect(parseNum(await row.getByTestId('onRoll').textContent())).toBe(f.onRoll);
        for (const [status, count] of Object.entries(f.byStatus)) {
          expect(parseNum(await row.getByTestId(status).textContent())).toBe(count);
        }
        expect(parseNum(await page.getByTestId(`summary-${f.code}`).getByTestId('onRoll').textContent())).toBe(f.onRoll);
      }
      for (const n of report.nationalities) {
        expect(parseNum(await page.getByTestId(`nat-row-${n.country}`).getByTestId('onRoll').textContent())).toBe(n.onRoll);
      }
      await page.getByTestId('map-facility-HOL').waitFor();
      // The CSV export is the API's CSV.
      const download = page.waitForEvent('download');
      await page.getByTestId('csv-export').click();
      const csv = await (await download).path();
      expect(csv).toBeTruthy();
      await shot(page, `02-overview-${viewport.width}`, true);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('finds a person by a Latin spelling of an Arabic name and opens the record with a purpose', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'registrar');
    await page.goto(`${server.url}/persons`);
    await page.getByTestId('person-search').fill('Mohamed Abdulrahman al-Jibouri');
    const hit = page.getByTestId('person-result').filter({ hasText: server.world.arabicName }).first();
    await hit.waitFor();
    // Arabic is rendered right to left.
    await expect(hit.locator('[dir=rtl]').first().textContent()).resolves.toBe(server.world.arabicName);
    await shot(page, '03-person-search-1024');
    await hit.click();
    await page.waitForURL(new RegExp(`/persons/${server.world.arabicPersonId}\\?purpose=`));
    await page.getByTestId('purpose-banner').waitFor();
    await expect(page.getByTestId('person-name').locator('[dir=rtl]').textContent()).resolves.toBe(server.world.arabicName);
    await page.getByTestId('household-members').waitFor();
    await page.getByTestId('timeline-verified').filter({ hasText: 'verified' }).waitFor();
    await page.getByTestId('custody-timeline').getByText('Admitted').waitFor();
    await shot(page, '04-person-record-1024', true);

    // The read was audited with its purpose.
    const admin = await newPage(browser);
    await login(admin.page, server.url, 'admin');
    const audit = await apiAs<
      { action: string; purpose: string | null; subjectId: string | null }[] | { items: { action: string; purpose: string | null; subjectId: string | null }[] }
    >(admin.page, `/audit?subjectId=${server.world.arabicPersonId}&limit=50`);
    const rows = Array.isArray(audit) ? audit : audit.items;
    expect(rows.some((r) => r.purpose === 'registration')).toBe(true);

    // Opened without a purpose, the record asks for one first.
    await page.goto(`${server.url}/persons/${server.world.arabicPersonId}`);
    await page.getByText('Why are you opening this record?').waitFor();
    await shot(page, '05-purpose-gate-1024');
    await page.getByTestId('purpose-open').click();
    await page.getByTestId('purpose-banner').waitFor();
    expect(errors).toEqual([]);
    await admin.context.close();
    await context.close();
  });

  it('runs a roll call with 3 absent; the alert arrives live in a second browser', async () => {
    // The commander watches the alerts inbox in another browser context.
    const watcher = await newPage(browser, { width: 1440, height: 900 });
    await login(watcher.page, server.url, 'commander');
    await watcher.page.goto(`${server.url}/alerts`);
    await watcher.page.locator('[data-testid=stream-state][data-state=live]').waitFor();
    const before = await watcher.page.getByTestId('alert-card').count();

    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'officer');
    await page.goto(`${server.url}/rollcalls`);
    await page.getByTestId('pick-unit-T-1').click();
    await shot(page, '06-rollcall-pick-1024');
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL(/\/rollcalls\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('count-expected').textContent()).resolves.toBe('12');
    const rows = page.getByTestId('rollcall-row');
    await rows.first().waitFor();
    // The "not marked" view: each mark takes the row away and the next person comes up.
    for (let i = 0; i < 9; i++) {
      await rows.first().getByTestId('mark-present').click();
      await page.locator(`[data-testid=count-present]:text-is("${i + 1}")`).waitFor();
    }
    await shot(page, '07-rollcall-marking-1024');
    for (let i = 0; i < 3; i++) {
      await rows.first().getByTestId('mark-absent').click();
      await page.locator(`[data-testid=count-absent]:text-is("${i + 1}")`).waitFor();
    }
    await expect(page.getByTestId('count-delta').textContent()).resolves.toBe('3');
    await page.getByTestId('close-rollcall').click();
    await page.getByTestId('confirm-close').click();
    const result = page.getByTestId('rollcall-result');
    await result.waitFor();
    await expect(result.getByRole('heading').textContent()).resolves.toContain('Delta 3');
    await expect(result.getByTestId('result-unaccounted').locator('.mantine-Badge-root').count()).resolves.toBe(3);
    await shot(page, '08-rollcall-result-1024', true);

    // Live, without reload: the new alert shows in the commander's inbox.
    await watcher.page.getByTestId('alert-new').first().waitFor({ timeout: 30_000 });
    expect(await watcher.page.getByTestId('alert-card').count()).toBeGreaterThan(before);
    const card = watcher.page
      .getByTestId('alert-card')
      .filter({ has: watcher.page.getByTestId('alert-new') })
      .first();
    await shot(watcher.page, '09-alert-live-1440');

    // Acknowledge, then resolve with a note.
    await card.getByTestId('alert-ack').click();
    await watcher.page.getByTestId('alert-card').filter({ hasText: 'Acknowledged' }).first().waitFor();
    const acked = watcher.page.getByTestId('alert-card').filter({ hasText: 'Acknowledged' }).first();
    await acked.getByTestId('alert-resolve').click();
    await watcher.page.getByTestId('resolve-note').fill('Three residents found at the clinic; recorded as present at the next count.');
    await watcher.page.getByTestId('resolve-confirm').click();
    await watcher.page.getByText('Resolved', { exact: true }).click();
    await watcher.page.getByTestId('alert-resolution').filter({ hasText: 'found at the clinic' }).first().waitFor();
    await shot(watcher.page, '10-alert-resolved-1440');

    // The facility page shows the unit's Delta at its last roll call.
    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    await page.getByTestId('unit-T-1').getByTestId('delta').getByText('3', { exact: true }).waitFor();
    await shot(page, '11-facility-1024', true);
    expect(errors).toEqual([]);
    expect(watcher.errors).toEqual([]);
    await context.close();
    await watcher.context.close();
  });

  it('shows a liaison only its nationals', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'liaison-fr');
    await page.getByTestId('status-table').waitFor();
    const report = await apiAs<StatusReport>(page, '/reports/status');
    expect(report.nationalities.map((n) => n.country)).toEqual(['FRA']);
    expect(parseNum(await page.getByTestId('total-onRoll').textContent())).toBe(9);
    await expect(page.getByTestId('nationality-table').locator('tbody tr').count()).resolves.toBe(1);
    await shot(page, '12-liaison-overview-1024', true);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByText('Roll call', { exact: true }).count()).resolves.toBe(0);

    await page.goto(`${server.url}/persons?facilityId=${server.world.facilities.HOL}`);
    const results = page.getByTestId('person-result');
    await results.first().waitFor();
    const n = await results.count();
    expect(n).toBe(6);
    for (let i = 0; i < n; i++) await expect(results.nth(i).locator('td').nth(3).textContent()).resolves.toBe('FRA');
    await shot(page, '13-liaison-persons-1024');
    // The facility page counts French nationals only, without the units' (everyone's) figures or event feed.
    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    await page.locator('[data-testid=facility-manifest]:text-is("6")').waitFor();
    await expect(page.getByTestId('units-table').count()).resolves.toBe(0);
    await expect(page.getByTestId('facility-events').count()).resolves.toBe(0);
    await shot(page, '13b-liaison-facility-1024');
    // A record of another nationality is out of scope.
    await page.goto(`${server.url}/persons/${server.world.arabicPersonId}?purpose=consular_liaison`);
    await page.getByText('Not found (or outside your scope)').or(page.getByText('Outside your role or scope')).first().waitFor();
    expect(errors.filter((e) => !/40[34]/.test(e))).toEqual([]);
    await context.close();
  });

  it('shows the monitor the ledger verification and counts, without names', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'monitor');
    await page.goto(`${server.url}/monitor`);
    await page.getByTestId('ledger-result').waitFor();
    const verify = await apiAs<{ ok: boolean; events: number; head: string }>(page, '/ledger/verify');
    await expect(page.getByTestId('ledger-result').textContent()).resolves.toBe(verify.ok ? 'Intact' : 'Broken');
    expect(parseNum(await page.getByTestId('ledger-events').textContent())).toBe(verify.events);
    await expect(page.getByTestId('ledger-head').textContent()).resolves.toBe(verify.head);
    await page.getByTestId('monitor-counts').waitFor();
    await expect(page.getByText(server.world.arabicName).count()).resolves.toBe(0);
    // The button walks both chains in full now; a later load checks their tails and says when the full walk ran.
    await page.getByTestId('verify-full').click();
    await page
      .getByTestId('ledger-checked')
      .getByText(/Whole chain verified at .* rehashed in/)
      .waitFor();
    await page
      .getByTestId('audit-checked')
      .getByText(/Whole chain verified at .* rehashed in/)
      .waitFor();
    await page.reload();
    await page
      .getByTestId('ledger-checked')
      .getByText(/Whole chain last verified at .* before this check/)
      .waitFor();
    await page
      .getByTestId('audit-checked')
      .getByText(/re-checked unchanged/)
      .waitFor();
    await expect(page.getByTestId('ledger-result').textContent()).resolves.toBe('Intact');
    await shot(page, '14-monitor-1440', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens every page without console errors at tablet and desktop width', async () => {
    const pages = [
      '/overview',
      '/facilities',
      `/facilities/${server.world.facilities.HOL}`,
      '/persons?q=Fatima',
      `/persons/${server.world.arabicPersonId}?purpose=administration`,
      '/rollcalls',
      '/alerts',
      '/monitor',
    ];
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 1440, height: 900 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, server.url, 'admin');
      for (const p of pages) {
        await page.goto(`${server.url}${p}`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await settled(page);
        // Nothing wider than the window: the page reads at this width without sideways scrolling.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${p} at ${viewport.width}`).toBeLessThanOrEqual(0);
        await shot(page, `20-admin${p.replace(/[/?=&]+/g, '_').replace(/_[0-9a-f-]{36}/, '_id')}-${viewport.width}`);
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
