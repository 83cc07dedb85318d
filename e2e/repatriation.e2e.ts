/**
 * Repatriation (issue 23, part B) in Debian's Chromium: a legal officer asks France to take back a French national;
 * France's liaison records the state's side (nationality verified, interview, acceptance, travel documents) and sees
 * it on the liaison dashboard; the legal officer records the handover, and the ledger shows REPATRIATED with the
 * request as evidence. Another state's request stays out of the liaison's sight. No console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, login, newPage, PASSWORD, shot, startServer, type E2eServer } from './harness';
import { systemActor } from '../src/modules/access';

const NAME = 'Karim bin Said al-Returnee';

let server: E2eServer;
let browser: Browser;
let person: string;
let german: string;

beforeAll(async () => {
  server = await startServer();
  const s = server.services;
  const actor = systemActor('e2e repatriation');
  await s.access.createUser(actor, { username: 'legal-1', password: PASSWORD, role: 'legal' });
  await s.access.createUser(actor, { username: 'liaison-fr-1', password: PASSWORD, role: 'liaison', nationalities: ['FRA'] });
  const [fr, de] = await s.registry.createMany(actor, [
    { names: [{ full: NAME }], sex: 'M', birthDate: '1989', nationalities: ['FRA'] } as never,
    { names: [{ full: 'Jonas bin Peter al-Other' }], sex: 'M', birthDate: '1990', nationalities: ['DEU'] } as never,
  ]);
  person = fr!;
  for (const id of [fr!, de!]) await s.custody.append(actor, { personId: id, type: 'ADMITTED', facilityId: server.world.facilities.GHW });
  german = (await s.repatriation.create(actor, { personId: de!, state: 'DEU' })).id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const stageOf = (page: Page) => page.getByTestId('request-stage').getAttribute('data-stage');
async function waitStage(page: Page, stage: string) {
  await page.locator(`[data-testid=request-stage][data-stage=${stage}]`).waitFor();
}

describe('a repatriation from the request to the handover', () => {
  let requestUrl = '';

  it('the legal officer asks the state', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/repatriation/requests`);
    // the person is picked by name (the registry's search in the officer's scope), not by typing a record id
    await page.getByTestId('new-person-input').fill('al-Returnee');
    await page.getByTestId('new-person-option').filter({ hasText: NAME }).click();
    await page.getByTestId('new-person-chosen').filter({ hasText: NAME }).waitFor();
    // the state asked follows the person's nationality
    expect(await page.getByTestId('new-state').inputValue()).toBe('FRA');
    await page.getByTestId('new-submit').click();
    await page.waitForURL(/\/repatriation\/requests\/[0-9a-f-]{36}$/);
    await waitStage(page, 'requested');
    requestUrl = page.url();
    expect(await page.getByTestId('repatriation-request').textContent()).toContain(NAME);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("France's liaison records the state's side and sees France only on the dashboard", async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'liaison-fr-1');
    await page.goto(requestUrl);
    await waitStage(page, 'requested');
    // the state accepts only a verified national: the button is not there before the interview
    await page.getByTestId('nationality-verified').click();
    await page.getByTestId('request-nationality').filter({ hasText: 'Verified' }).waitFor();
    await page.getByTestId('action-schedule_interview').click();
    await waitStage(page, 'consular_interview');
    await page.getByTestId('action-accept').click();
    await waitStage(page, 'accepted');
    await page.getByTestId('action-issue_documents').click();
    await waitStage(page, 'travel_documents');
    // the handover is not the liaison's to record
    expect(await page.getByTestId('action-hand_over').count()).toBe(0);
    expect(await page.getByTestId('timeline-step').count()).toBe(5);

    await page.goto(`${server.url}/repatriation`);
    await page.getByTestId('repatriation-state-FRA').waitFor();
    expect(await page.getByTestId('repatriation-states').locator('tbody tr').count()).toBe(1);
    // the request is at travel documents now: France's summary line and its column say so
    expect(await page.getByTestId('repatriation-summary-FRA').textContent()).toMatch(/^FRA: \d+ held, 0 requested, 0 accepted$/);
    expect(await page.getByTestId('repatriation-state-FRA').locator('td').nth(5).textContent()).toBe('1');
    await shot(page, 'repatriation-liaison-dashboard');
    // another state's request answers as unknown
    await page.goto(`${server.url}/repatriation/requests/${german}`);
    await page.getByTestId('repatriation-request').waitFor();
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByTestId('request-stage').count()).toBe(0);
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    await context.close();
  });

  it('the legal officer records the handover: REPATRIATED on the ledger with the request as evidence', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(requestUrl);
    await waitStage(page, 'travel_documents');
    await page.getByTestId('handover-representative').fill('M. Dupont, consul of France in Erbil');
    await page.getByTestId('action-hand_over').click();
    await waitStage(page, 'handed_over');
    expect(await stageOf(page)).toBe('handed_over');
    expect(await page.getByTestId('request-representative').textContent()).toContain('M. Dupont');
    await shot(page, 'repatriation-handed-over');
    const events = await server.services.custody.personEvents(systemActor('e2e check'), person);
    expect(events.at(-1)).toMatchObject({ type: 'REPATRIATED', evidence: expect.objectContaining({ repatriationRequestId: requestUrl.split('/').pop() }) });
    expect(errors).toEqual([]);
    await context.close();
  });
});
