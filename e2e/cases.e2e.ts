/**
 * Legal cases (issue 23) in Debian's Chromium: a legal officer sees the case list with its total and the overdue flag,
 * filters to the overdue ones, opens the case page and records a hearing, which lands on the case's timeline. The
 * dashboard shows the overdue count. No console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, login, newPage, PASSWORD, shot, startServer, type E2eServer } from './harness';
import { systemActor } from '../src/modules/access';

let server: E2eServer;
let browser: Browser;
let overdueCaseId: string;

beforeAll(async () => {
  server = await startServer();
  const s = server.services;
  const actor = systemActor('e2e cases');
  await s.access.createUser(actor, { username: 'legal-1', password: PASSWORD, role: 'legal' });
  const ids = await s.registry.createMany(actor, [
    { names: [{ full: 'Karim bin Omar al-Overdue' }], sex: 'M', birthDate: '1985', nationalities: ['FRA'] } as never,
    { names: [{ full: 'Samir bin Adel al-Recent' }], sex: 'M', birthDate: '1990', nationalities: ['IRQ'] } as never,
  ]);
  for (const id of ids) await s.custody.append(actor, { personId: id, type: 'ADMITTED', facilityId: server.world.facilities.GHW });
  const legal = { ...actor, role: 'legal' as const, username: 'legal-1' };
  // opened eight months ago and never reviewed: overdue today
  const eightMonthsAgo = new Date(Date.now() - 240 * 86_400_000).toISOString();
  overdueCaseId = (
    await s.cases.legal.open(legal, {
      personId: ids[0]!,
      grounds: 'Captured at Baghuz',
      authority: 'Military prosecutor',
      openedAt: eightMonthsAgo,
      status: 'held_without_charge',
      reviewIntervalMonths: 6,
    })
  ).id;
  await s.cases.legal.open(legal, {
    personId: ids[1]!,
    grounds: 'Held on intelligence',
    authority: 'Camp command',
    status: 'held_without_charge',
    reviewIntervalMonths: 6,
  });
  await s.settle();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the case list and a case page', () => {
  it('lists the cases with their total and the overdue flag, filters, opens a case and records a hearing', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/cases`);
    await page.getByTestId('cases-table').waitFor();
    // the count reads 'Loading' until the first page arrives (CI once read '0 of 0' here before it did)
    await page.getByTestId('cases-total').filter({ hasText: '2 of 2 cases' }).waitFor();
    await expect(page.getByTestId('overdue-flag').count()).resolves.toBe(1);
    await expect(page.getByTestId('cases-overdue').textContent()).resolves.toContain('1');
    // overdue first
    await expect(page.getByTestId('case-row').first().textContent()).resolves.toContain('Karim bin Omar al-Overdue');
    await shot(page, '95-cases-list');

    await page.getByTestId('filter-overdue').click();
    await page.getByRole('option', { name: 'Overdue', exact: true }).click();
    await page.getByText('1 of 1 cases').waitFor();

    await page.getByRole('link', { name: 'Karim bin Omar al-Overdue' }).click();
    await page.waitForURL(new RegExp(`/cases/${overdueCaseId}$`));
    await page.getByTestId('case-page').waitFor();
    await expect(page.getByTestId('case-next-review-hint').textContent()).resolves.toBe('Overdue');
    await expect(page.getByTestId('timeline-entry').count()).resolves.toBe(1);

    await page.getByTestId('hearing-at').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
    await page.getByTestId('hearing-court').fill('Hasakah criminal court');
    await page.getByTestId('hearing-save').click();
    await page.getByTestId('case-hearings').getByText('Hasakah criminal court').waitFor();
    await expect(page.getByTestId('timeline-entry').count()).resolves.toBe(2);
    await expect(page.getByTestId('case-timeline').textContent()).resolves.toContain('Hearing');
    await shot(page, '96-case-page');
    expect(errors).toEqual([]);
    await context.close();
  });
});
