import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { verifyReview } from '../src/modules/reviews/reviews.document.domain';
import { apiAs, launchBrowser, login, newPage, parseNum, settled, shot, startDemoServer, type DemoServer } from './harness';

// The after-action review of the collapse at al-Hol (issue 21) in Chromium, on the demo world (1:400, replayed to 21
// January): a commander drafts it from the day's timeline and writes its five sections, submits it; the admin (not
// its author) approves and signs it; it is exported as the printable page and as signed JSON; a monitor reads it with
// pseudonyms and can change nothing. Every figure on the screen is compared with what the API answers.
let server: DemoServer;
let browser: Browser;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TITLE = 'Collapse of 20 January at al-Hol';
const SECTIONS = {
  planned: 'Two roll calls a day; guards at every post of the perimeter; alarms acknowledged within 15 minutes.',
  happened: 'The guards withdrew at 07:00; the fence was cut at 07:40; nobody acknowledged an alarm until 13:20.',
  why: 'No custodian of record for six hours; hypotheses only, no verdict about any person.',
  keep: 'The 16:00 count: it found everyone who was missing.',
  change: 'An alert on a custodian withdrawal goes to the regional command at once.',
};

interface Review {
  id: string;
  status: string;
  items: number;
  findings: number;
  persons: 'id' | 'pseudonym';
  findingList: { personRef?: string }[];
}

beforeAll(async () => {
  server = await startDemoServer({ divisor: 400 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openReview(page: Page, id: string): Promise<void> {
  await page.goto(`${server.url}/reviews/${id}`);
  await page.getByTestId('review-status').waitFor();
  await page.getByTestId('review-timeline-count').waitFor();
}

describe('the after-action review in Chromium', () => {
  let reviewId = '';

  it('a commander drafts the review of the collapse from the timeline, writes its sections and submits it', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1440, height: 900 });
    await login(page, server.url, 'commander', server.password);
    await page
      .getByRole('link', { name: /After-action reviews/ })
      .first()
      .click();
    await page.getByTestId('reviews-page').waitFor();
    await page.getByTestId('review-draft-facility').click();
    await page.getByRole('option', { name: /Hol/ }).first().click();
    await page.getByTestId('review-draft-title').fill(TITLE);
    await page.getByTestId('review-draft-submit').click();
    await page.getByTestId('review-page').waitFor();
    await page.getByTestId('review-status').waitFor();
    reviewId = new URL(page.url()).pathname.split('/').pop()!;

    // what the review froze is the facility's timeline of the day, as the API answers it
    const facilities = await apiAs<{ id: string; code: string }[]>(page, '/facilities');
    const hol = facilities.find((f) => f.code === 'HOL')!;
    const day = `from=${encodeURIComponent('2026-01-20T00:00:00.000Z')}&to=${encodeURIComponent('2026-01-21T00:00:00.000Z')}`;
    const timeline = await apiAs<{ total: number }>(page, `/reviews/timeline?facilityId=${hol.id}&${day}&limit=1`);
    const review = await apiAs<Review>(page, `/reviews/${reviewId}`);
    expect(review.status).toBe('drafted');
    expect(review.items).toBe(timeline.total);
    expect(review.findings).toBeGreaterThan(0);
    const frozen = await apiAs<{ total: number }>(page, `/reviews/${reviewId}/timeline?limit=1`);
    expect(frozen.total).toBe(timeline.total);
    await expect(page.getByTestId('review-timeline-count').textContent()).resolves.toContain(`of ${timeline.total.toLocaleString('en-GB')}`);
    // the findings paged, 50 at a time, their total as the API's
    expect(await page.getByTestId('review-findings').locator('tbody tr').count()).toBe(Math.min(50, review.findings));
    await expect(page.getByTestId('review-findings-count').textContent()).resolves.toContain(`of ${review.findings.toLocaleString('en-GB')}`);

    // the five sections, saved, then submitted
    for (const [key, text] of Object.entries(SECTIONS)) await page.getByTestId(`review-section-${key}`).fill(text);
    await page.getByTestId('review-save').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="review-save"]') as HTMLButtonElement | null)?.disabled === true);
    await page.getByTestId('review-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="review-status"]')?.textContent?.match(/review/i));
    const submitted = await apiAs<Review & { sections: Record<string, string> }>(page, `/reviews/${reviewId}`);
    expect(submitted.status).toBe('in_review');
    expect(submitted.sections).toEqual(SECTIONS);
    await settled(page);
    await shot(page, '80-review-submitted-1440', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the admin, not its author, approves and signs it; it exports as a printable page and as signed JSON that verifies', async () => {
    expect(reviewId).not.toBe('');
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'admin', server.password);
    await openReview(page, reviewId);
    await page.getByTestId('review-approve').click();
    await page.getByTestId('review-json').waitFor();
    const approved = await apiAs<Review & { approvedBy: string; createdBy: string }>(page, `/reviews/${reviewId}`);
    expect(approved.status).toBe('approved');
    expect(approved.approvedBy).toBe('admin');
    expect(approved.createdBy).toBe('commander');

    const [html] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-print').click()]);
    const printable = readFileSync((await html.path())!, 'utf8');
    expect(printable).toContain(TITLE);
    for (const text of Object.values(SECTIONS)) expect(printable).toContain(text.replace(/'/g, '&#39;'));

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-json').click()]);
    const signed = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { documentText: string; signature: string; publicKey: string };
    expect(verifyReview(signed).ok).toBe(true);
    const doc = JSON.parse(signed.documentText) as { title: string; persons: string; approvedBy: string; timeline: unknown[] };
    expect(doc).toMatchObject({ title: TITLE, persons: 'pseudonym', approvedBy: 'admin' });
    expect(doc.timeline).toHaveLength(approved.items);
    // one byte changed and it no longer verifies
    expect(verifyReview({ ...signed, documentText: signed.documentText.replace(TITLE, TITLE.toUpperCase()) }).ok).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a monitor reads the approved review with pseudonyms and no names, and can change nothing', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'monitor', server.password);
    await page
      .getByRole('link', { name: /After-action reviews/ })
      .first()
      .click();
    await page.getByTestId('reviews-table').getByRole('link', { name: TITLE }).click();
    await page.getByTestId('review-timeline-count').waitFor();
    await settled(page);
    const review = await apiAs<Review>(page, `/reviews/${reviewId}`);
    expect(review.persons).toBe('pseudonym');
    expect(parseNum(await page.getByTestId('review-timeline-count').textContent())).toBeGreaterThan(0);
    await expect(page.getByTestId('review-timeline').textContent()).resolves.toContain('Persons as keyed pseudonyms');
    // nothing to draft, edit, submit or approve
    expect(await page.getByTestId('review-draft').count()).toBe(0);
    for (const id of ['review-refresh', 'review-submit', 'review-approve', 'review-save']) expect(await page.getByTestId(id).count(), id).toBe(0);
    expect(await page.locator('[data-testid^="review-section-"]').count()).toBe(0);
    // no person's id on the page, nor any of the names the world holds
    const text = (await page.locator('body').textContent()) ?? '';
    const personIds = new Set(await personIdsOf(server));
    for (const id of text.match(UUID) ?? []) expect(personIds.has(id), id).toBe(false);
    for (const name of await namesOf(server, 200)) expect(text.includes(name), name).toBe(false);
    // and the API refuses it what the screen does not offer
    const origin = server.url;
    const headers = { 'content-type': 'application/json' };
    expect((await page.request.post(`${origin}/api/v1/reviews/${reviewId}/refresh`, { headers })).status()).toBe(403);
    expect((await page.request.patch(`${origin}/api/v1/reviews/${reviewId}`, { headers, data: { title: 'x' } })).status()).toBe(403);
    const someone = [...personIds][0]!;
    expect((await page.request.get(`${origin}/api/v1/reviews/timeline?personId=${someone}`)).status()).toBe(400);
    expect((await page.request.get(`${origin}/api/v1/persons/${someone}`)).status()).toBe(403);
    await shot(page, '81-review-monitor-1280', true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a commander picks an escape from the facility's list (its total as the API's) and drafts its review", async () => {
    const { context, page, errors } = await newPage(browser, { width: 1280, height: 900 });
    await login(page, server.url, 'commander', server.password);
    await page.goto(`${server.url}/reviews`);
    await page.getByTestId('reviews-page').waitFor();
    await page.getByTestId('review-draft-subject').getByText('An escape').click();
    await page.getByTestId('review-draft-facility').click();
    await page
      .getByRole('option', { name: /Shaddadah/ })
      .first()
      .click();
    await page.getByTestId('review-draft-escapes').waitFor();
    const facilities = await apiAs<{ id: string; code: string }[]>(page, '/facilities');
    const shd = facilities.find((f) => f.code === 'SHD')!;
    const escapes = await apiAs<{ total: number; items: { escapeId: string }[] }>(page, `/reviews/escapes?facilityId=${shd.id}&limit=10`);
    // the breakout of 20 January, confirmed ESCAPED the next day
    expect(escapes.total).toBeGreaterThan(0);
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="review-draft-escapes"]')?.textContent ?? ''));
    expect(parseNum(await page.getByTestId('review-draft-escapes').locator('p').first().textContent())).toBe(escapes.total);
    expect(await page.getByTestId('review-draft-escape-row').count()).toBe(Math.min(10, escapes.total));
    await page.getByTestId('review-draft-escape-row').first().getByRole('radio').check();
    await page.getByTestId('review-draft-title').fill('Breakout at al-Shaddadah');
    await page.getByTestId('review-draft-submit').click();
    await page.getByTestId('review-page').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const review = await apiAs<Review & { escapeId: string | null; facilityId: string }>(page, `/reviews/${id}`);
    expect(review).toMatchObject({ escapeId: escapes.items[0]!.escapeId, facilityId: shd.id, status: 'drafted' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

async function personIdsOf(s: DemoServer): Promise<string[]> {
  return (await queryRows<{ id: string }>(s.services.database.db, sql`select id from persons`)).map((x) => x.id);
}

/** Full names the world holds (long enough not to occur by chance in other words of the page). */
async function namesOf(s: DemoServer, limit: number): Promise<string[]> {
  const rows = await queryRows<{ full_name: string }>(s.services.database.db, sql`select full_name from person_names limit ${limit}`);
  return rows.map((x) => x.full_name).filter((n) => n.length > 8);
}
