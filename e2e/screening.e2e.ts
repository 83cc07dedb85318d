import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { apiAs, launchBrowser, login, newPage, PASSWORD, settled, shot, startServer, type E2eServer } from './harness';

// A one-entry list in the UN consolidated format, about a fictional person (made up for this test).
const LIST = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-15T00:00:00.000Z">
  <INDIVIDUALS>
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
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>`;

let server: E2eServer;
let browser: Browser;
let hitIds: string[];

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
  const imported = await fetch(`${server.url}/api/v1/watchlists/import?format=un-consolidated&fileName=test-list.xml`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    body: LIST,
  });
  expect(imported.status).toBe(201);
  // Two residents recorded with other spellings of that name, same birth year and nationality: two candidates.
  await s.registry.createMany(actor, [
    { names: [{ full: 'Khalid Yassin Abdulrahman al-Zubaidi' }], sex: 'M', birthDate: '1980', nationalities: ['IRQ'], facilityId: server.world.facilities.HOL },
    { names: [{ full: 'Khaled Yasin Abd al-Rahman al-Zubaydi' }], sex: 'M', birthDate: '1980', nationalities: ['IRQ'], facilityId: server.world.facilities.HOL },
  ]);
  await s.screening.idle();
  const pending = await fetch(`${server.url}/api/v1/screening/hits?status=pending`, { headers: { authorization: `Bearer ${token}` } });
  hitIds = ((await pending.json()) as { id: string; entry: { ref: string } }[]).filter((h) => h.entry.ref === 'QDi.990').map((h) => h.id);
  expect(hitIds).toHaveLength(2);
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
    await page.locator(`[data-testid=hit-card][data-hit-id="${hitIds[0]}"]`).getByTestId('hit-decision').getByText(/Dismissed .* by screener: Birth record/).waitFor();
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
});
