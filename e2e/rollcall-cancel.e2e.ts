import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { apiAs, launchBrowser, login, newPage, settled, shot, startServer, type E2eServer } from './harness';

interface RollcallDetail {
  id: string;
  status: string;
  cancelled: { at: string; by: string | null; reason: string } | null;
  result: unknown;
  live: { marks: number };
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

const REASON = 'Opened on the wrong block by mistake';

/** Waits until the dialog has finished appearing (for a screenshot of it, not half faded in). */
async function dialogShown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const el = document.querySelector('.mantine-Modal-content');
    return !!el && getComputedStyle(el).opacity === '1';
  });
}

describe('cancelling a roll call in the browser', () => {
  it('lets an officer cancel an open roll call with a reason; the screen and the list show it cancelled', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'officer');
    await page.goto(`${server.url}/rollcalls`);
    await page.getByTestId('pick-unit-T-1').click();
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL(/\/rollcalls\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByTestId('rollcall-row').first().getByTestId('mark-present').click();
    await page.locator('[data-testid=count-present]:text-is("1")').waitFor();

    await page.getByTestId('cancel-rollcall').click();
    // A reason of at least three characters is asked for.
    const confirm = page.getByTestId('confirm-cancel');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.getByTestId('cancel-reason').fill('no');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.getByTestId('cancel-reason').fill(REASON);
    await dialogShown(page);
    await shot(page, '60-rollcall-cancel-dialog-1024');
    await confirm.click();

    const banner = page.getByTestId('rollcall-cancelled');
    await banner.waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(page.getByTestId('rollcall-cancel-reason').textContent()).resolves.toBe(REASON);
    await expect(banner.textContent()).resolves.toContain('by you (officer)');
    await expect(page.getByTestId('rollcall-status').textContent()).resolves.toBe('cancelled');
    await expect(page.getByTestId('count-delta').textContent()).resolves.toBe('–');
    // Nothing left to do on it: no close, no cancel, no marking.
    await expect(page.getByTestId('close-rollcall').count()).resolves.toBe(0);
    await expect(page.getByTestId('cancel-rollcall').count()).resolves.toBe(0);
    await expect(page.getByTestId('mark-present').count()).resolves.toBe(0);
    await shot(page, '61-rollcall-cancelled-1024', true);

    const rc = await apiAs<RollcallDetail>(page, `/rollcalls/${id}`);
    expect(rc.status).toBe('cancelled');
    expect(rc.cancelled?.reason).toBe(REASON);
    expect(rc.result).toBeNull();
    // The mark taken before the cancel was sent first and stays as evidence.
    expect(rc.live.marks).toBe(1);

    // Opened again, the screen shows what the server keeps.
    await page.reload();
    await page.getByTestId('rollcall-cancelled').waitFor();
    await expect(page.getByTestId('rollcall-cancel-reason').textContent()).resolves.toBe(REASON);

    // The list tells a cancelled roll call apart, with its reason, and offers no "continue".
    await page.goto(`${server.url}/rollcalls`);
    const row = page.locator(`[data-testid=recent-rollcall][data-status=cancelled]`);
    await row.waitFor();
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain(REASON);
    await expect(page.getByText(/^Continue the roll call/).count()).resolves.toBe(0);
    await settled(page);
    await shot(page, '62-rollcalls-list-cancelled-1024', true);

    // The units are free again: a new roll call of the same block opens.
    await page.getByTestId('pick-unit-T-1').click();
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL((u) => /\/rollcalls\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(id));
    await page.getByTestId('rollcall-row').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the API's refusal when the roll call was cancelled meanwhile, then shows it cancelled", async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/rollcalls?facilityId=${server.world.facilities.ROJ}`);
    await page.getByTestId('pick-unit-A').click();
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL(/\/rollcalls\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByTestId('rollcall-row').first().waitFor();

    // Someone else cancels it while this screen is open.
    await server.services.rollcalls.cancel(systemActor('e2e'), id, { reason: 'Duplicate of the count on the other tablet' });

    await page.getByTestId('cancel-rollcall').click();
    await page.getByTestId('cancel-reason').fill('Wrong section');
    await page.getByTestId('confirm-cancel').click();
    const refusal = page.getByTestId('cancel-error');
    await refusal.waitFor();
    await dialogShown(page);
    await expect(refusal.getAttribute('data-code')).resolves.toBe('rollcall.not_open');
    await expect(page.getByTestId('cancel-error-message').textContent()).resolves.toContain('only an open roll call can be cancelled');
    // It is no longer open: nothing to confirm in the dialog.
    await expect(page.getByTestId('confirm-cancel').count()).resolves.toBe(0);
    await shot(page, '63-rollcall-cancel-refused-1440');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('rollcall-cancel-reason').textContent()).resolves.toBe('Duplicate of the count on the other tablet');
    await expect(page.getByTestId('rollcall-cancelled').textContent()).resolves.toContain('by another user');
    await expect(page.getByTestId('close-rollcall').count()).resolves.toBe(0);
    // The one failed request is the refusal this test provoked.
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await context.close();
  });
});
