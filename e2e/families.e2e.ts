/**
 * Families and children (issue 23 part C) in Debian's Chromium: a registrar opens a child's family view from the
 * person page (the father held at another facility, with where he is now), and a tracing request from the list; a
 * monitor sees the same family with no names. No console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, PASSWORD, shot, startServer, type E2eServer } from './harness';
import { systemActor } from '../src/modules/access';

let server: E2eServer;
let browser: Browser;
let child: string;

beforeAll(async () => {
  server = await startServer();
  const s = server.services;
  const actor = systemActor('e2e families');
  await s.access.createUser(actor, { username: 'fam-registrar', password: PASSWORD, role: 'registrar' });
  await s.access.createUser(actor, { username: 'fam-monitor', password: PASSWORD, role: 'monitor' });
  await s.access.createUser(actor, { username: 'fam-legal', password: PASSWORD, role: 'legal' });
  const { HOL, ROJ } = server.world.facilities;
  const [mother, kid, father] = await s.registry.createMany(actor, [
    { names: [{ full: 'Umm Sami al-Kurdi' }], sex: 'F', birthDate: '1992', nationalities: ['IRQ'] },
    { names: [{ full: 'Sami bin Adel al-Kurdi' }], sex: 'M', birthDate: '2017', nationalities: ['IRQ'] },
    { names: [{ full: 'Adel bin Omar al-Kurdi' }], sex: 'M', birthDate: '1988', nationalities: ['IRQ'] },
  ] as never);
  child = kid!;
  await s.custody.appendMany(actor, [
    { personId: mother!, type: 'ADMITTED', facilityId: HOL },
    { personId: child, type: 'ADMITTED', facilityId: HOL },
    { personId: father!, type: 'ADMITTED', facilityId: ROJ },
  ]);
  await s.registry.addRelation(actor, mother!, 'mother_of', child, 'registered together');
  await s.registry.addRelation(actor, father!, 'father_of', child, 'family book');
  await s.families.createTracing(actor, {
    requesterKind: 'relative_outside',
    requesterName: 'Hana al-Kurdi',
    soughtName: 'Adel bin Omar al-Kurdi',
    relationship: 'sister',
    facilityId: HOL,
    consent: { givenBy: 'Hana al-Kurdi' },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the family view', () => {
  it('opens from the person page and shows each relative with where they are now', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'fam-registrar');
    await page.goto(`${server.url}/persons/${child}?purpose=family_tracing`);
    await page.getByTestId('family-view-link').click();
    await page.waitForURL(/\/families\/[0-9a-f-]+\?purpose=family_tracing$/);
    const relatives = page.getByTestId('family-relative');
    await relatives.first().waitFor();
    await expect(relatives.count()).resolves.toBe(2);
    const text = (await page.getByTestId('family-relatives').textContent()) ?? '';
    expect(text).toContain('Umm Sami al-Kurdi');
    expect(text).toContain('Adel bin Omar al-Kurdi');
    expect(text).toMatch(/Mother/);
    expect(text).toMatch(/Father/);
    // the father is held at another facility; the mother is with the child, so the child is not separated
    expect(text).toContain('Roj camp');
    await expect(page.getByTestId('family-separated').count()).resolves.toBe(0);
    await shot(page, '95-family-view');

    await page.goto(`${server.url}/tracing`);
    await page.getByTestId('tracing-row').first().waitFor();
    await expect(page.getByTestId('tracing-count').textContent()).resolves.toMatch(/1.*1/);
    await page.getByTestId('tracing-row').first().getByRole('link').click();
    await page.getByTestId('tracing-status').waitFor();
    await expect(page.getByTestId('tracing-status').textContent()).resolves.toBe('Open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('records a best-interests determination from the family view (a legal officer), listed at once for its move', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'fam-legal');
    await page.goto(`${server.url}/families/${child}?purpose=legal_review`);
    await page.getByTestId('best-interests-form').waitFor();
    await expect(page.getByTestId('family-determinations').count()).resolves.toBe(0);
    // the child's own move or a carer's: the two parents are offered, beside the child
    await page.getByTestId('determine-mover').click();
    await expect(page.getByRole('option').allTextContents()).resolves.toEqual(['This child (their own move)', 'Umm Sami al-Kurdi', 'Adel bin Omar al-Kurdi']);
    await page.getByRole('option', { name: 'Umm Sami al-Kurdi', exact: true }).click();
    // a transfer needs its destination before the form can be sent
    await page
      .getByTestId('determine-reason')
      .fill('The mother is released to her family in Mosul; the boy stays with his father until the court hears the case.');
    await choose(page, 'determine-decision', 'Separation approved');
    await expect(page.getByTestId('determine-save').isDisabled()).resolves.toBe(true);
    await choose(page, 'determine-move', 'For a release (the carer leaves custody)');
    await expect(page.getByTestId('determine-save').isDisabled()).resolves.toBe(false);
    await page.getByTestId('determine-save').click();
    const row = page.getByTestId('family-determinations').getByRole('row');
    await row.first().waitFor();
    await expect(row.count()).resolves.toBe(1);
    const text = (await page.getByTestId('family-determinations').textContent()) ?? '';
    expect(text).toContain('Separation approved');
    expect(text).toContain('For a release');
    expect(text).toContain('Mosul');
    // and the API holds the same determination
    const family = await apiAs<{ determinations: { move: string; decision: string }[] }>(page, `/families/${child}?purpose=legal_review`);
    expect(family.determinations).toMatchObject([{ move: 'release', decision: 'separation_approved' }]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a monitor the same family without any name', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'fam-monitor');
    await page.goto(`${server.url}/families/${child}?purpose=independent_monitoring`);
    const relatives = page.getByTestId('family-relative');
    await relatives.first().waitFor();
    await expect(relatives.count()).resolves.toBe(2);
    const body = (await page.textContent('body')) ?? '';
    expect(body).not.toContain('al-Kurdi');
    expect(body).toContain('Name not shown');
    expect(errors).toEqual([]);
    await context.close();
  });
});

async function choose(page: Page, testId: string, name: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name, exact: true }).click();
}
