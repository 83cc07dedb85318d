import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { FACE_DATA } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { apiAs, launchBrowser, login, newPage, shot, startDemoServer, settled, type DemoServer } from './harness';

const face = (person: string, n: number) => join(FACE_DATA, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);

// The demo world replayed to 20 January 2026, 07:05 UTC: five minutes after the SDF left al-Hol, nine hours before the
// first count. The staffing board must already say that nobody guards the camp.
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer({ divisor: 60, until: '2026-01-20T07:05:00Z' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the guard force in Chromium', () => {
  it('shows al-Hol critical on the staffing board with the alert of 07:00, at desktop and phone width', async () => {
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, server.url, 'commander', server.password);
      await page.goto(`${server.url}/guards`);
      await page.getByTestId('staffing-board').waitFor();
      await settled(page);
      // the worst facility is shown first: al-Hol, with nobody on duty and no custodian of record
      const board = page.getByTestId('staffing-board');
      await expect.poll(() => board.getByTestId('governance-state').first().getAttribute('data-state')).toBe('critical');
      await expect(board.getByTestId('governance-reasons').textContent()).resolves.toContain('No guard on duty');
      await expect(board.getByTestId('custodian').textContent()).resolves.toContain('No custodian of record');
      const alerts = board.getByTestId('guard-alerts');
      await alerts.waitFor();
      const text = (await alerts.textContent()) ?? '';
      expect(text).toContain('No guard on duty at HOL since 07:00 UTC');
      expect(text).toContain('No custodian of record at HOL since 07:00 UTC');
      await page.getByTestId('ratio-strip').locator('[data-state=degraded]').first().waitFor();
      await shot(page, `60-guards-board-${viewport.width}`, true);
      // the ratio heatmap, from the board: al-Hol's last hour critical, its values as text
      await page.getByTestId('open-heatmap').click();
      const hol = page.locator('[data-testid=heatmap-row][data-facility=HOL][data-sector=""]');
      await hol.waitFor();
      const cells = hol.locator('td');
      expect(await cells.count()).toBe(24);
      await expect(cells.last().getAttribute('data-state')).resolves.toBe('critical');
      await expect(cells.last().getAttribute('aria-label')).resolves.toMatch(/^HOL, .*: Critical, 0 guards per 100 \(0 for [\d,]+\)/);
      await page.getByText('Week (6 hours)').click();
      await expect.poll(() => hol.locator('td').count()).toBe(28);
      await shot(page, `62-guards-heatmap-${viewport.width}`, true);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('checks a guard in at the gate tablet, and refuses the same guard at a second post with the reason', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await login(page, server.url, 'officer', server.password);
    // a guard of the SDF force who did not desert (the withdrawal checked every one of them out)
    const staff = await apiAs<{ items: { badge: string; onDuty: unknown }[] }>(page, '/guards/staff?status=active&limit=1000');
    const badge = staff.items.find((s) => s.badge.startsWith('HOL-SDF') && !s.onDuty)!.badge;
    await page.goto(`${server.url}/guards/gate`);
    await page.getByTestId('gate-post').click();
    await page.getByRole('option', { name: /^GATE/ }).click();
    await page.getByTestId('gate-badge').fill(badge);
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByTestId('gate-done').textContent()).resolves.toContain(`${badge} checked in at GATE`);
    await page.getByTestId('gate-post').click();
    await page.getByRole('option', { name: /^CR/ }).click();
    await page.getByTestId('gate-badge').fill(badge);
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByTestId('gate-error').textContent()).resolves.toContain('on duty at another post');
    await shot(page, '61-guards-gate-390');
    // the board counts the guard at once
    await page.goto(`${server.url}/guards`);
    await page.getByTestId('guards-present').waitFor();
    await expect.poll(() => page.getByTestId('guards-present').textContent()).toMatch(/^1 \//);
    // the browser logs the refused check-in's answer (409, shown on the page); nothing else
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await context.close();
  });

  it('shows the al-Hol patrols overdue since the withdrawal, and records a scan on the phone page', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'commander', server.password);
    await page.goto(`${server.url}/guards`);
    await page.getByTestId('patrols-link').click();
    await page.getByTestId('patrol-routes').waitFor();
    await settled(page);
    // no round since the SDF left at 07:00: both fence routes overdue, the gap named
    const routes = page.getByTestId('patrol-route');
    await expect.poll(() => routes.count()).toBe(2);
    await expect(routes.first().getAttribute('data-state')).resolves.toBe('overdue');
    await expect(routes.first().textContent()).resolves.toContain('No round since it was due at');
    await expect(page.getByTestId('patrol-scans').locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    await shot(page, '62-guards-patrols-1024', true);
    expect(errors).toEqual([]);
    await context.close();

    // the phone of a patrolling guard: one of the force checks in at the control room, starts a round, scans
    const phone = await newPage(browser, { width: 390, height: 844 });
    const p = phone.page;
    await login(p, server.url, 'officer', server.password);
    const staff = await apiAs<{ items: { badge: string; onDuty: unknown }[] }>(p, '/guards/staff?status=active&limit=1000');
    const badge = staff.items.filter((s) => s.badge.startsWith('HOL-SDF') && !s.onDuty).at(-1)!.badge;
    const hol = (await apiAs<{ facilityId: string; code: string }[]>(p, '/guards/overview')).find((f) => f.code === 'HOL')!.facilityId;
    const cr = (await apiAs<{ id: string; code: string }[]>(p, `/guards/facilities/${hol}/posts`)).find((x) => x.code === 'CR')!.id;
    const bearer = await p.evaluate(() => sessionStorage.getItem('custos.bearer'));
    const checkIn = await p.request.post(`${server.url}/api/v1/guards/attendance/check-in`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      data: { badge, postId: cr, method: 'supervisor' },
    });
    expect(checkIn.status()).toBe(201);
    await p.goto(`${server.url}/guards/patrols/scan`);
    await p.getByTestId('patrol-route-select').click();
    await p.getByRole('option', { name: /^PER-N/ }).click();
    await p.getByTestId('patrol-badge').fill(badge);
    await p.getByRole('button', { name: 'Start the round' }).click();
    await expect(p.getByTestId('patrol-progress').textContent()).resolves.toBe('0 of 5 checkpoints scanned');
    // a keyboard-wedge reader types the tag and Enter
    await p.getByTestId('patrol-tag').fill('HOL-PN-01');
    await p.getByTestId('patrol-tag').press('Enter');
    await expect(p.getByTestId('patrol-scan-done').textContent()).resolves.toContain('Checkpoint 1, Perimeter, northern fence, checkpoint 1: scanned at');
    await expect(p.getByTestId('patrol-progress').textContent()).resolves.toBe('1 of 5 checkpoints scanned');
    // the other fence's tag is refused, naming its route; nothing recorded
    await p.getByTestId('patrol-tag').fill('HOL-PS-01');
    await p.getByTestId('patrol-tag').press('Enter');
    await expect(p.getByTestId('patrol-error').textContent()).resolves.toContain('is on route PER-S');
    await expect(p.getByTestId('patrol-progress').textContent()).resolves.toBe('1 of 5 checkpoints scanned');
    await shot(p, '63-guards-patrol-scan-390');
    // the browser logs the refused scan's answer (409, shown on the page); nothing else
    expect(phone.errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await phone.context.close();
  });

  it('lists the guard staff with their total, finds one by badge and enrols their face for the gate', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'commander', server.password);
    await page.goto(`${server.url}/guards`);
    await page.getByTestId('staff-link').click();
    const total = page.getByTestId('staff-total');
    await total.waitFor();
    // the count on the screen is the API's, and the pages reach all of them
    const api = await apiAs<{ total: number }>(page, '/guards/staff?limit=1');
    await expect.poll(() => total.getAttribute('data-total')).toBe(String(api.total));
    expect(api.total).toBeGreaterThan(25);
    await page.getByTestId('staff-pages').waitFor();
    const badge = 'HOL-SDF-0002';
    await page.getByTestId('staff-search').fill(badge);
    await expect.poll(() => total.getAttribute('data-total')).toBe('1');
    await page.locator(`[data-testid=staff-row][data-badge="${badge}"]`).click();
    const panel = page.getByTestId('staff-panel');
    await expect.poll(() => panel.getByTestId('staff-face-state').getAttribute('data-enrolled')).toBe('false');
    // no camera in this browser: the photo is uploaded, judged by the engine, then enrolled
    await panel.getByTestId('staff-face-capture-mode').getByText('Upload').click();
    await panel.locator('input[type=file]').setInputFiles(face('Alan_Greenspan', 1));
    await panel.getByTestId('staff-face-capture-accept').click({ timeout: 60_000 });
    await expect.poll(() => panel.getByTestId('staff-face-state').getAttribute('data-enrolled'), { timeout: 30_000 }).toBe('true');
    await page.locator(`[data-testid=staff-row][data-badge="${badge}"]`).getByTestId('face-enrolled').waitFor();
    await shot(page, '64-guards-staff-1024', true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
