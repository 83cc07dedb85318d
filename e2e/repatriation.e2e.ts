/**
 * Repatriation (issue 23, part B) in Debian's Chromium: a legal officer asks France to take back a French national;
 * France's liaison records the state's side (nationality verified, interview, acceptance, travel documents) and sees
 * it on the liaison dashboard; the legal officer records the handover, and the ledger shows REPATRIATED with the
 * request as evidence. Another state's request stays out of the liaison's sight. A mother and her daughter, each
 * with a request ready, cannot be handed over one without the other: the officer hands them over together in one act.
 * No console errors.
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
const MOTHER = 'Umm Yasmin al-Famille';
const DAUGHTER = 'Yasmin bint Famille';
let mother: string;
let daughter: string;
let motherRequest: string;
let daughterRequest: string;

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
  // a French mother and her daughter at Roj, each request at travel documents (the child's on a birth certificate)
  const [m, d] = await s.registry.createMany(actor, [
    { names: [{ full: MOTHER }], sex: 'F', birthDate: '1992', nationalities: ['FRA'] } as never,
    { names: [{ full: DAUGHTER }], sex: 'F', birthDate: '2019', nationalities: ['FRA'] } as never,
  ]);
  mother = m!;
  daughter = d!;
  for (const id of [mother, daughter]) await s.custody.append(actor, { personId: id, type: 'ADMITTED', facilityId: server.world.facilities.ROJ });
  await s.registry.addRelation(actor, mother, 'mother_of', daughter, 'registered together');
  const ready = async (personId: string) => {
    const id = (await s.repatriation.create(actor, { personId, state: 'FRA' })).id;
    await s.repatriation.decideNationality(actor, id, { status: 'verified' });
    await s.repatriation.addEvidence(actor, id, { kind: 'birth_certificate', reference: 'Consulate file 31' });
    for (const action of ['schedule_interview', 'accept', 'issue_documents']) await s.repatriation.step(actor, id, { action } as never);
    return id;
  };
  motherRequest = await ready(mother);
  daughterRequest = await ready(daughter);
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
    // the request is at travel documents now, beside the mother's and daughter's of the last test: France's summary
    // line and its column say so
    expect(await page.getByTestId('repatriation-summary-FRA').textContent()).toMatch(/^FRA: \d+ held, 0 requested, 0 accepted$/);
    expect(await page.getByTestId('repatriation-state-FRA').locator('td').nth(5).textContent()).toBe('3');
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

describe('a family handed over together', () => {
  it('refuses the mother alone, with the reason on the page, and hands mother and daughter over in one act', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/repatriation/requests/${motherRequest}`);
    await waitStage(page, 'travel_documents');
    await page.getByTestId('handover-representative').fill('Mme Martin, consul of France in Erbil');
    await page.getByTestId('action-hand_over').click();
    // the best-interests step: her daughter would stay at Roj without her
    await page.getByTestId('form-error').filter({ hasText: 'best-interests determination' }).waitFor();
    expect(await stageOf(page)).toBe('travel_documents');
    const ledger = (id: string) => server.services.custody.personEvents(systemActor('e2e check'), id);
    expect((await ledger(mother)).at(-1)?.type).toBe('ADMITTED');

    // together: the daughter's request is offered among France's requests ready for the handover
    await page.getByTestId('handover-together').click();
    await page.getByRole('option', { name: new RegExp(DAUGHTER) }).click();
    await page.getByTestId('action-hand_over').click();
    await waitStage(page, 'handed_over');
    await shot(page, 'repatriation-family-handed-over');
    for (const [person, request] of [
      [mother, motherRequest],
      [daughter, daughterRequest],
    ] as const) {
      expect((await ledger(person)).at(-1)).toMatchObject({ type: 'REPATRIATED', evidence: expect.objectContaining({ repatriationRequestId: request }) });
    }
    await page.goto(`${server.url}/repatriation/requests/${daughterRequest}`);
    await waitStage(page, 'handed_over');
    expect(await page.getByTestId('request-representative').textContent()).toContain('Mme Martin');
    // the refused handover answered 409: the browser logs that response, nothing else
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await context.close();
  });
});
