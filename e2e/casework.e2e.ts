/**
 * Case work screens (issue 23) in Debian's Chromium: a legal officer moves a case through its legal statuses with a
 * charge and a hearing and records a review (a date in the past refused with the server's message); a reintegration
 * case gets a plan and a check-in, and an outcome asked too early is refused on screen; the figures page shows the
 * API's figures, a monitor only the ones `cases.figures` and `families.read` allow. No console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, chooseLanguage, launchBrowser, login, newPage, parseNum, PASSWORD, settled, shot, startServer, type E2eServer } from './harness';
import { systemActor } from '../src/modules/access';

let server: E2eServer;
let browser: Browser;
let caseId: string;
let detainee: string;
let reintegrationId: string;

const DAY = 86_400_000;
/** A datetime-local value (the machine's time zone is the browser's). */
const local = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

beforeAll(async () => {
  server = await startServer();
  const s = server.services;
  const actor = systemActor('e2e casework');
  await s.access.createUser(actor, { username: 'legal-1', password: PASSWORD, role: 'legal' });
  await s.access.createUser(actor, { username: 'monitor-1', password: PASSWORD, role: 'monitor' });
  const [held, released, newcomer] = await s.registry.createMany(actor, [
    { names: [{ full: 'Yusuf bin Hamid al-Charged' }], sex: 'M', birthDate: '1987', nationalities: ['TUN'] } as never,
    { names: [{ full: 'Omar bin Khalid al-Released' }], sex: 'M', birthDate: '1992', nationalities: ['SYR'] } as never,
    { names: [{ full: 'Bilal bin Nasser al-Newcomer' }], sex: 'M', birthDate: '1995', nationalities: ['MAR'] } as never,
  ]);
  detainee = held!;
  for (const id of [held!, released!, newcomer!]) await s.custody.append(actor, { personId: id, type: 'ADMITTED', facilityId: server.world.facilities.GHW });
  const legal = { ...actor, role: 'legal' as const, username: 'legal-1' };
  caseId = (
    await s.cases.legal.open(legal, {
      personId: held!,
      grounds: 'Arrested at a checkpoint near Hasakah',
      authority: 'Military prosecutor',
      openedAt: new Date(Date.now() - 30 * DAY).toISOString(),
      status: 'held_without_charge',
      reviewIntervalMonths: 6,
    })
  ).id;
  await s.custody.append(actor, { personId: released!, type: 'RELEASED', authority: 'Camp release list 7' });
  await s.settle();
  reintegrationId = (await s.cases.reintegration.list(legal, { personId: released!, limit: 10, offset: 0 })).rows[0]!.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function chooseOption(page: Page, testId: string, name: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name, exact: true }).click();
}

describe('the legal officer on the case page', () => {
  it('charges, hears, reviews and moves the case to its final status; a past date is refused with the reason', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/cases/${caseId}`);
    await page.getByTestId('status-form').waitFor();
    await expect(page.getByTestId('case-status').textContent()).resolves.toBe('Held without charge');

    // only the allowed next status is offered; "charged" needs a charge first
    await page.getByTestId('status-to').click();
    await expect(page.getByRole('option').allTextContents()).resolves.toEqual(['Charged']);
    await page.getByRole('option', { name: 'Charged', exact: true }).click();
    await page.getByTestId('status-needs-charge').waitFor();
    await expect(page.getByTestId('status-save').isDisabled()).resolves.toBe(true);

    await page.getByTestId('charge-offence').fill('Membership of an armed group');
    await page.getByTestId('charge-basis').fill('Counter-terrorism law No. 20, art. 3');
    await page.getByTestId('charge-save').click();
    await page.getByTestId('charge-row').filter({ hasText: 'Membership of an armed group' }).waitFor();
    await expect(page.getByTestId('status-needs-charge').count()).resolves.toBe(0);
    await page.getByTestId('status-reason').fill('Indictment filed by the prosecutor');
    await page.getByTestId('status-save').click();
    await page.getByTestId('case-status').filter({ hasText: 'Charged' }).waitFor();

    // a hearing yesterday
    await page.getByTestId('hearing-at').fill(local(Date.now() - DAY));
    await page.getByTestId('hearing-court').fill('Hasakah criminal court');
    await chooseOption(page, 'hearing-outcome', 'Charges confirmed');
    await page.getByTestId('hearing-save').click();
    await page.getByTestId('case-hearings').getByText('Hasakah criminal court').waitFor();

    // a review of detention
    await page.getByTestId('review-reason').fill('Trial pending; risk of flight');
    await page.getByTestId('review-save').click();
    await page.getByTestId('review-row').filter({ hasText: 'Trial pending; risk of flight' }).waitFor();
    await expect(page.getByTestId('case-next-review-hint').count()).resolves.toBe(0);

    // a review date in the past: the server refuses it and the form says why (and keeps what was typed)
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await page.getByTestId('next-review-at').fill(yesterday);
    await page.getByTestId('next-review-reason').fill('Court asked for an earlier review');
    await page.getByTestId('next-review-save').click();
    await page.getByTestId('next-review-error').waitFor();
    await expect(page.getByTestId('next-review-error').getAttribute('data-code')).resolves.toBe('cases.deadline_in_past');
    await expect(page.getByTestId('next-review-reason').inputValue()).resolves.toBe('Court asked for an earlier review');

    // tried, then sentenced: final, the form says so
    await chooseOption(page, 'status-to', 'Tried');
    await page.getByTestId('status-reason').fill('Trial held');
    await page.getByTestId('status-save').click();
    await page.getByTestId('case-status').filter({ hasText: 'Tried' }).waitFor();
    await page.getByTestId('status-to').click();
    await expect(page.getByRole('option').allTextContents()).resolves.toEqual(['Sentenced', 'Acquitted']);
    await page.getByRole('option', { name: 'Sentenced', exact: true }).click();
    await page.getByTestId('status-reason').fill('Sentenced to five years');
    await page.getByTestId('status-save').click();
    await page.getByTestId('case-status').filter({ hasText: 'Sentenced' }).waitFor();
    await page.getByTestId('status-form').getByText('This status is final').waitFor();

    // the timeline has every step: opened, charge, charged, hearing, review, tried, sentenced
    await expect(page.getByTestId('timeline-entry').count()).resolves.toBe(7);
    const api = await apiAs<{ status: string; charges: unknown[]; hearings: unknown[]; reviews: unknown[] }>(page, `/cases/legal/${caseId}`);
    expect(api).toMatchObject({ status: 'sentenced' });
    expect([api.charges.length, api.hearings.length, api.reviews.length]).toEqual([1, 1, 1]);
    await shot(page, 'casework-case-page', true);

    // the person's record links to the case
    await page.goto(`${server.url}/persons/${detainee}?purpose=legal_case`);
    await page.getByTestId('person-legal-case').click();
    await page.waitForURL(new RegExp(`/cases/${caseId}$`));
    // the browser logs the refused request itself (a 400 is the answer asked for); nothing else
    expect(errors.filter((e) => !/status of 400 .*\/next-review$/.test(e))).toEqual([]);
    expect(errors).toHaveLength(1);
    await context.close();
  });
});

describe('opening a case', () => {
  it('picks the person by name; a person out of custody is refused with the reason; a detainee gets the case', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/cases`);
    await page.getByTestId('open-case-toggle').click();
    await page.getByTestId('open-case-person-input').fill('al-Released');
    await page.getByTestId('open-case-person-option').filter({ hasText: 'Omar bin Khalid al-Released' }).click();
    await page.getByTestId('open-case-grounds').fill('Suspected of smuggling');
    await page.getByTestId('open-case-authority').fill('Military prosecutor');
    await page.getByTestId('open-case-save').click();
    await page.getByTestId('open-case-error').waitFor();
    await expect(page.getByTestId('open-case-error').getAttribute('data-code')).resolves.toBe('cases.not_in_custody');

    await page.getByTestId('open-case-person-change').click();
    await page.getByTestId('open-case-person-input').fill('al-Newcomer');
    await page.getByTestId('open-case-person-option').filter({ hasText: 'Bilal bin Nasser al-Newcomer' }).click();
    await page.getByTestId('open-case-save').click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    await page.getByTestId('case-page').getByText('Legal case of Bilal bin Nasser al-Newcomer').waitFor();
    await expect(page.getByTestId('timeline-entry').count()).resolves.toBe(1);
    expect(errors.filter((e) => !/status of 409 .*\/cases\/legal$/.test(e))).toEqual([]);
    expect(errors).toHaveLength(1);
    await context.close();
  });
});

describe('reintegration after release', () => {
  it('lists the case, sets a plan, records a check-in, and shows the refusal of an outcome asked too early', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/reintegration`);
    await page.getByTestId('reintegration-table').waitFor();
    // the count reads 'Loading' until the first page arrives
    await page.getByTestId('reintegration-total').filter({ hasText: '1 of 1 cases' }).waitFor();
    // the facility the person left filters the list (the API's facilityId): none left al-Hol, one left Ghwayran
    await page.getByTestId('filter-facility').click();
    await page.getByRole('option', { name: /^HOL/ }).click();
    await page.getByTestId('reintegration-total').filter({ hasText: '0 of 0 cases' }).waitFor();
    await page.getByTestId('filter-facility').click();
    await page.getByRole('option', { name: /^GHW/ }).click();
    await page.getByTestId('reintegration-total').filter({ hasText: '1 of 1 cases' }).waitFor();
    await page.getByTestId('no-plan-flag').waitFor();
    await page.getByRole('link', { name: 'Omar bin Khalid al-Released' }).click();
    await page.waitForURL(new RegExp(`/reintegration/${reintegrationId}$`));

    await page.getByTestId('plan-programme').fill('Vocational training, Qamishli');
    await page.getByTestId('plan-text').fill('Monthly visits by the social worker; family mediation');
    await page.getByTestId('plan-every').fill('30');
    await page.getByTestId('plan-save').click();
    await page.getByTestId('reintegration-programme').filter({ hasText: 'Vocational training, Qamishli' }).waitFor();
    await expect(page.getByTestId('reintegration-rhythm').textContent()).resolves.toBe('every 30 days');

    await page.getByTestId('checkin-note').fill('Met at home; attending the course');
    await page.getByTestId('checkin-save').click();
    await page.getByTestId('checkin-row').filter({ hasText: 'attending the course' }).waitFor();

    await page.getByTestId('outcome-note').fill('Working with his uncle');
    await page.getByTestId('outcome-save').click();
    await page.getByTestId('outcome-error').waitFor();
    await expect(page.getByTestId('outcome-error').getAttribute('data-code')).resolves.toBe('cases.outcome_too_early');
    await expect(page.getByTestId('outcome-error-message').textContent()).resolves.toMatch(/^The 6-month outcome can be recorded from \d{4}-\d{2}-\d{2}$/);
    // in Arabic the same refusal reads in Arabic, by its code
    await chooseLanguage(page, 'ar');
    await page.getByTestId('outcome-note').fill('يعمل مع عمه');
    await page.getByTestId('outcome-save').click();
    await page.getByTestId('outcome-error-message').filter({ hasText: 'لا يمكن تسجيل هذه النتيجة قبل حلول شهرها' }).waitFor();
    await chooseLanguage(page, 'en');
    const api = await apiAs<{ outcomes: unknown[]; checkins: unknown[]; programme: string }>(page, `/cases/reintegration/${reintegrationId}`);
    expect([api.outcomes.length, api.checkins.length, api.programme]).toEqual([0, 1, 'Vocational training, Qamishli']);
    await shot(page, 'casework-reintegration', true);
    expect(errors.filter((e) => !/status of 400 .*\/outcomes$/.test(e))).toEqual([]);
    expect(errors).toHaveLength(2);
    await context.close();
  });
});

interface Stasis {
  totals: { openCases: number; overdue: number; neverReviewed: number };
  rows: unknown[];
}

describe('the figures page', () => {
  it("shows the API's figures to a legal officer, with the CSV of the same rows", async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'legal-1');
    await page.goto(`${server.url}/cases/figures`);
    await page.getByTestId('stasis-table').waitFor();
    await page.getByTestId('repatriation-figures-total').waitFor();
    await settled(page);
    const stasis = await apiAs<Stasis>(page, '/cases/figures/stasis');
    expect(parseNum(await page.getByTestId('stasis-open').textContent())).toBe(stasis.totals.openCases);
    expect(parseNum(await page.getByTestId('stasis-overdue').textContent())).toBe(stasis.totals.overdue);
    expect(parseNum(await page.getByTestId('stasis-never').textContent())).toBe(stasis.totals.neverReviewed);
    await expect(page.getByTestId('stasis-row').count()).resolves.toBe(stasis.rows.length);
    const repatriation = await apiAs<{ totals: { held: number; requested: number } }>(page, '/repatriation/figures');
    expect(parseNum(await page.getByTestId('repatriation-total-held').textContent())).toBe(repatriation.totals.held);
    const reintegration = await apiAs<{ cases: number; withPlan: number; checkinMissed: number }>(page, '/cases/figures/reintegration');
    expect(parseNum(await page.getByTestId('reintegration-cases').textContent())).toBe(reintegration.cases);
    expect(parseNum(await page.getByTestId('reintegration-with-plan').textContent())).toBe(reintegration.withPlan);
    expect(reintegration.cases).toBe(1);
    const separated = await apiAs<{ total: number }>(page, '/families/separated-children');
    expect(parseNum(await page.getByTestId('separated-total').textContent())).toBe(separated.total);

    // the CSV link downloads the same rows
    const download = page.waitForEvent('download');
    await page.getByTestId('csv-stasis').click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(file!, 'utf8').trim().split(/\r?\n/);
    expect(lines.length - 1).toBe(stasis.rows.length);
    await shot(page, 'casework-figures', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a monitor only the figures the role may see', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'monitor-1');
    await page.goto(`${server.url}/cases/figures`);
    await page.getByTestId('stasis-table').waitFor();
    await page.getByTestId('separated-total').waitFor();
    await settled(page);
    const stasis = await apiAs<Stasis>(page, '/cases/figures/stasis');
    expect(parseNum(await page.getByTestId('stasis-open').textContent())).toBe(stasis.totals.openCases);
    // no repatriation figures for a monitor (repatriation.read), and no case is reachable
    await expect(page.getByTestId('figures-repatriation').count()).resolves.toBe(0);
    await page.goto(`${server.url}/cases/${caseId}`);
    await page.getByText('Not available to your role').waitFor();
    await expect(page.getByTestId('case-page').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
