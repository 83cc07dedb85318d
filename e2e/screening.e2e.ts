import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { apiAs, launchBrowser, login, newPage, PASSWORD, settled, shot, startServer, type E2eServer } from './harness';

// Lists in the UN consolidated format, about fictional persons (made up for this test). The first release has two
// entries; the second no longer has QDi.991, which withdraws the pending hit against it.
const QDI_990 = `
    <INDIVIDUAL>
      <DATAID>990001</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>KHALID</FIRST_NAME>
      <SECOND_NAME>YASIN</SECOND_NAME>
      <THIRD_NAME>ABD AL-RAHMAN</THIRD_NAME>
      <FOURTH_NAME>AL-ZUBAYDI</FOURTH_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.990</REFERENCE_NUMBER>
      <LISTED_ON>2015-03-01</LISTED_ON>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1980</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>`;
const QDI_991 = `
    <INDIVIDUAL>
      <DATAID>990002</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>SALIM</FIRST_NAME>
      <SECOND_NAME>OMAR</SECOND_NAME>
      <THIRD_NAME>FARUQ</THIRD_NAME>
      <FOURTH_NAME>AL-DULAIMI</FOURTH_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.991</REFERENCE_NUMBER>
      <LISTED_ON>2016-05-10</LISTED_ON>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1975</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>`;
const unList = (generated: string, individuals: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="${generated}T00:00:00.000Z">
  <INDIVIDUALS>${individuals.join('')}
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>`;

let server: E2eServer;
let browser: Browser;
let hitIds: string[];
/** Pending when the second release removed QDi.991: withdrawn by it. */
let withdrawnHitId: string;
/** Dismissed before that release: keeps its decision, and its entry is off the list. */
let decidedRemovedHitId: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const s = server.services;
  const actor = systemActor('e2e');
  await s.access.createUser(actor, { username: 'screener', password: PASSWORD, role: 'screening' });
  await s.access.createUser(actor, { username: 'investigator', password: PASSWORD, role: 'investigator' });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'screener', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const importList = async (xml: string, fileName: string) => {
    const imported = await fetch(`${server.url}/api/v1/watchlists/import?format=un-consolidated&fileName=${fileName}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: xml,
    });
    expect(imported.status).toBe(201);
    await s.settle();
  };
  const pendingHits = async (ref: string) => {
    const pending = await fetch(`${server.url}/api/v1/screening/hits?status=pending`, { headers: { authorization: `Bearer ${token}` } });
    return ((await pending.json()) as { id: string; entry: { ref: string } }[]).filter((h) => h.entry.ref === ref).map((h) => h.id);
  };
  await importList(unList('2026-01-15', [QDI_990, QDI_991]), 'test-list.xml');
  // Residents recorded with other spellings of those names, same birth year and nationality: two candidates each.
  const hol = server.world.facilities.HOL;
  await s.registry.createMany(actor, [
    { names: [{ full: 'Khalid Yassin Abdulrahman al-Zubaidi' }], sex: 'M', birthDate: '1980', nationalities: ['IRQ'], facilityId: hol },
    { names: [{ full: 'Khaled Yasin Abd al-Rahman al-Zubaydi' }], sex: 'M', birthDate: '1980', nationalities: ['IRQ'], facilityId: hol },
    { names: [{ full: 'Salim Omar Farouq al-Dulaimi' }], sex: 'M', birthDate: '1975', nationalities: ['IRQ'], facilityId: hol },
    { names: [{ full: 'Saleem Umar Faruq al-Dulaymi' }], sex: 'M', birthDate: '1975', nationalities: ['IRQ'], facilityId: hol },
  ]);
  await s.settle();
  hitIds = await pendingHits('QDi.990');
  expect(hitIds).toHaveLength(2);
  const removedEntryHits = await pendingHits('QDi.991');
  expect(removedEntryHits).toHaveLength(2);
  [withdrawnHitId, decidedRemovedHitId] = removedEntryHits as [string, string];
  const dismissed = await fetch(`${server.url}/api/v1/screening/hits/${decidedRemovedHitId}/dismiss`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'Interviewed: born in Fallujah, a different father' }),
  });
  expect(dismissed.status).toBe(200);
  await importList(unList('2026-02-20', [QDI_990]), 'test-list-2.xml');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the screening review screen', () => {
  it('lets a screening officer read the evidence and dismiss a candidate with a reason', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'screener');
    await page.waitForURL(/\/screening$/);
    await settled(page);
    const cards = page.getByTestId('hit-card');
    await cards.first().waitFor();
    await expect(cards.count()).resolves.toBe(2);
    const first = page.locator(`[data-testid=hit-card][data-hit-id="${hitIds[0]}"]`);
    await expect(first.getByTestId('hit-person').textContent()).resolves.toMatch(/al-Zuba.di .*and.* KHALID YASIN/i);
    // What found the candidate, in words (the person's enrolment, or the list release by name), never a raw trigger id.
    for (const trigger of await cards.getByTestId('hit-trigger').allTextContents()) {
      expect(trigger).toMatch(/^when .*al-Zuba.di was enrolled$|^by the UN consolidated list release /);
      expect(trigger).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|list_update|enrolment/);
    }
    await first.getByTestId('hit-entry-toggle').click();
    await first.getByTestId('hit-entry').getByText('QDi.990').waitFor();
    await shot(page, '20-screening-1024', true);

    await first.getByTestId('hit-dismiss').click();
    await expect(page.getByTestId('decision-submit').isDisabled()).resolves.toBe(true);
    await page.getByTestId('decision-reason').fill('Birth record and family card seen: a different man, born in Mosul');
    await page.getByTestId('decision-submit').click();
    await first.waitFor({ state: 'detached' });
    await expect(cards.count()).resolves.toBe(1);

    const hit = await apiAs<{ status: string; decision: { reason: string; by: string } }>(page, `/screening/hits/${hitIds[0]}`);
    expect(hit.status).toBe('dismissed');
    expect(hit.decision).toMatchObject({ reason: 'Birth record and family card seen: a different man, born in Mosul', by: 'screener' });
    await page.getByText('Decided', { exact: true }).click();
    await page
      .locator(`[data-testid=hit-card][data-hit-id="${hitIds[0]}"]`)
      .getByTestId('hit-decision')
      .getByText(/Dismissed .* by screener: Birth record/)
      .waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an investigator the queue without the decision buttons, and keeps it from other roles', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'investigator');
    await page.goto(`${server.url}/screening`);
    await settled(page);
    const card = page.locator(`[data-testid=hit-card][data-hit-id="${hitIds[1]}"]`);
    await card.waitFor();
    await expect(card.getByTestId('hit-confirm').count()).resolves.toBe(0);
    await expect(card.getByTestId('hit-dismiss').count()).resolves.toBe(0);
    await shot(page, '21-screening-investigator-1440', true);
    expect(errors).toEqual([]);
    await context.close();

    const other = await newPage(browser);
    await login(other.page, server.url, 'commander');
    await expect(other.page.getByRole('navigation', { name: 'Main' }).getByText('Screening', { exact: true }).count()).resolves.toBe(0);
    await other.page.goto(`${server.url}/screening`);
    await other.page.getByText('Not available to your role').waitFor();
    await other.context.close();
  });

  it('shows a withdrawn hit with the release and the reason, and nothing to decide; a decided hit says its entry left the list', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'screener');
    await page.waitForURL(/\/screening$/);
    await settled(page);
    // the withdrawn hit is out of the queue ...
    await page.getByTestId('hit-card').first().waitFor();
    await expect(page.locator(`[data-testid=hit-card][data-hit-id="${withdrawnHitId}"]`).count()).resolves.toBe(0);

    // ... and on its own tab, saying which release withdrew it and why, with no decision to take
    await page.getByText('Withdrawn', { exact: true }).click();
    const withdrawn = page.locator(`[data-testid=hit-card][data-hit-id="${withdrawnHitId}"]`);
    await withdrawn.waitFor();
    await settled(page);
    await expect(withdrawn.getAttribute('data-status')).resolves.toBe('withdrawn');
    await expect(page.getByTestId('hit-card').count()).resolves.toBe(1);
    await expect(withdrawn.getByTestId('hit-withdrawal-reason').textContent()).resolves.toMatch(
      /Entry QDi\.991 was removed from the un-consolidated list in version .*test-list-2\.xml/,
    );
    // the release is named by its file once the versions have come
    await withdrawn
      .getByTestId('hit-withdrawal')
      .getByText(/Withdrawn .* by the UN consolidated list release test-list-2\.xml: nothing is left to decide/)
      .waitFor();
    await expect(withdrawn.getByTestId('hit-confirm').count()).resolves.toBe(0);
    await expect(withdrawn.getByTestId('hit-dismiss').count()).resolves.toBe(0);
    await expect(withdrawn.getByTestId('hit-decision').count()).resolves.toBe(0);
    // the list entry as it was imported can still be read
    await withdrawn.getByTestId('hit-entry-toggle').click();
    await withdrawn.getByTestId('hit-entry').getByText('QDi.991', { exact: false }).waitFor();
    await expect(page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).resolves.toBe(true);
    await shot(page, '22-screening-withdrawn-1024', true);

    // a hit decided before the removal keeps its decision and says the entry is gone
    await page.getByText('Decided', { exact: true }).click();
    const decided = page.locator(`[data-testid=hit-card][data-hit-id="${decidedRemovedHitId}"]`);
    await decided
      .getByTestId('hit-decision')
      .getByText(/Dismissed .* by screener: Interviewed/)
      .waitFor();
    await decided
      .getByTestId('hit-entry-removed')
      .getByText(/removed from the list by the UN consolidated list release test-list-2\.xml, imported .*; the decision stands/)
      .waitFor();
    await shot(page, '23-screening-decided-entry-removed-1024', true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
