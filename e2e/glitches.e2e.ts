import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, settled, shot, startDemoServer, type DemoServer } from './harness';

// What users of the demo noticed on screen (issue 15, item 12), each checked where they saw it: a world of the demo's
// shape (the collapse of 20 January) small enough to replay quickly.
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer({ divisor: 60, until: '2026-01-21' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxes(page: Page, selector: string): Promise<{ id: string; box: Box }[]> {
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.getAttribute('data-testid') ?? '', box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
}

describe('small things users notice, in Chromium', () => {
  it('map labels overlap neither each other nor another facility', async () => {
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1024, height: 768 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, server.url, 'commander', server.password);
      await page.getByTestId('map-label-HOL').waitFor();
      const labels = await boxes(page, '[data-testid^=map-label-]');
      const dots = await boxes(page, '[data-testid^=map-facility-] circle');
      const dotOf = await page.$$eval('[data-testid^=map-facility-]', (els) => els.map((el) => el.getAttribute('data-testid')!.replace('map-facility-', '')));
      expect(labels.map((l) => l.id)).toContain('map-label-GHW');
      for (const [i, a] of labels.entries()) {
        for (const b of labels.slice(i + 1)) expect(overlap(a.box, b.box), `${a.id} and ${b.id} at ${viewport.width}`).toBe(false);
        for (const [k, d] of dots.entries()) {
          if (`map-label-${dotOf[k]}` === a.id) continue;
          expect(overlap(a.box, d.box), `${a.id} over the dot of ${dotOf[k]} at ${viewport.width}`).toBe(false);
        }
      }
      await shot(page, `61-map-labels-${viewport.width}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('status badges are read whole', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'commander', server.password);
    await page.goto(`${server.url}/persons?status=in_custody`);
    await page.getByTestId('status-badge').first().waitFor();
    for (const width of [1024, 800]) {
      await page.setViewportSize({ width, height: 768 });
      const cut = await page.$$eval(
        '[data-testid=status-badge]',
        (els) =>
          els.filter((el) => {
            const label = el.querySelector('.mantine-Badge-label') ?? el;
            return label.scrollWidth > label.clientWidth + 1 || el.getBoundingClientRect().width < label.scrollWidth;
          }).length,
      );
      expect(cut, `badges cut at ${width}px`).toBe(0);
    }
    await expect(page.getByTestId('status-badge').first().textContent()).resolves.toBe('In custody');
    await shot(page, '62-status-badges-800');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('an unaccounted event is drawn in the colour of an absence, not in the green of an admission', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'commander', server.password);
    // Someone the 20 January count found missing: their timeline holds both an admission and the absence.
    const missing = await apiAs<{ id: string }[]>(page, '/persons?status=unaccounted&limit=1');
    const id = missing[0]?.id;
    expect(id, 'an unaccounted person in the demo world').toBeTruthy();
    await page.goto(`${server.url}/persons/${id}?purpose=custody_operations`);
    await page.locator('[data-testid=timeline-bullet][data-event-type=UNACCOUNTED]').first().waitFor();
    const colourOf = (type: string) => page.$eval(`[data-testid=timeline-bullet][data-event-type=${type}]`, (el) => getComputedStyle(el).backgroundColor);
    const admitted = await colourOf('ADMITTED');
    const unaccounted = await colourOf('UNACCOUNTED');
    expect(unaccounted).not.toBe(admitted);
    // Orange-ish: more red than blue, clearly not the green family of "in custody".
    const [r, g, b] = (unaccounted.match(/\d+/g) ?? []).map(Number) as [number, number, number];
    expect(r).toBeGreaterThan(g);
    expect(r).toBeGreaterThan(b);
    await shot(page, '63-unaccounted-colour');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a mass-absence alert lists its blocks in a short table, its title is one sentence', async () => {
    const { context, page, errors } = await newPage(browser, { width: 1024, height: 768 });
    await login(page, server.url, 'commander', server.password);
    await page.goto(`${server.url}/alerts`);
    const cards = page.locator('[data-testid=alert-card][data-rule="rollcall.mass_absence"]');
    await cards.first().waitFor();
    await settled(page);
    // No title carries the blocks' percentages; where blocks are named, they are a table of at most six rows.
    for (const title of await cards.getByTestId('alert-title').allTextContents()) expect(title).not.toMatch(/\d%/);
    const tables = cards.getByTestId('mass-absence-units');
    for (let i = 0; i < (await tables.count()); i++) {
      const rows = tables.nth(i).getByTestId('mass-absence-unit');
      expect(await rows.count()).toBeLessThanOrEqual(6);
      expect(await rows.first().locator('td').last().textContent()).toMatch(/^\d+(\.\d)?%$/);
    }
    await shot(page, '63-mass-absence-1024');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('date inputs take and show yyyy-mm-dd in an American browser, never mm/dd/yyyy', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-US' });
    const page = await context.newPage();
    await login(page, server.url, 'registrar', server.password);
    await page.goto(`${server.url}/persons/new`);
    await page.getByTestId('birth-precision').getByText('Exact day', { exact: true }).click();
    const day = page.getByTestId('birth-day');
    await day.waitFor();
    expect(await day.getAttribute('type')).toBe('text');
    expect(await day.getAttribute('placeholder')).toBe('yyyy-mm-dd');
    await day.pressSequentially('20010503');
    await expect(day.inputValue()).resolves.toBe('2001-05-03');
    await shot(page, '64-date-input-en-US');
    await context.close();
  });
});
