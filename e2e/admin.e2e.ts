import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, login, newPage, settled, shot, startServer, type E2eServer, chooseLanguage } from './harness';

// The administration screens (issue 16 item 6): users, watchlist imports with their versions and changes, a
// facility's alert thresholds, the audit browser with "who read this record"; menus per role; both screen sizes.

// A list in the UN consolidated format about fictional persons (made up for this test), in two releases.
const entry = (n: number, first: string, family: string) => `
    <INDIVIDUAL>
      <DATAID>77${n}</DATAID>
      <VERSIONNUM>1</VERSIONNUM>
      <FIRST_NAME>${first}</FIRST_NAME>
      <SECOND_NAME>${family}</SECOND_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
      <REFERENCE_NUMBER>QDi.7${n}</REFERENCE_NUMBER>
      <LISTED_ON>2016-05-10</LISTED_ON>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
    </INDIVIDUAL>`;
const unList = (generated: string, entries: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="${generated}T00:00:00.000Z">
  <INDIVIDUALS>${entries.join('')}
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>`;

let server: E2eServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'custos-admin-e2e-'));
  writeFileSync(join(dir, 'un-2026-02.xml'), unList('2026-02-01', [entry(1, 'TARIQ', 'AL-HADITHI'), entry(2, 'NABIL', 'AL-ANI')]));
  writeFileSync(join(dir, 'un-2026-03.xml'), unList('2026-03-01', [entry(1, 'TARIQ', 'AL-HADITHI'), entry(3, 'WALID', 'AL-JUBURI')]));
  writeFileSync(join(dir, 'un-2026-01.xml'), unList('2026-01-01', [entry(1, 'TARIQ', 'AL-HADITHI')]));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function menu(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label=Main] a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
}

async function noSidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('administration screens', () => {
  it('shows the administration entries only to the roles allowed', async () => {
    const expected: Record<string, { has: string[]; lacks: string[] }> = {
      admin: { has: ['/users', '/watchlists', '/audit'], lacks: [] },
      monitor: { has: ['/audit'], lacks: ['/users', '/watchlists'] },
      commander: { has: [], lacks: ['/users', '/watchlists', '/audit'] },
    };
    for (const [user, { has, lacks }] of Object.entries(expected)) {
      const { context, page, errors } = await newPage(browser);
      await login(page, server.url, user);
      const hrefs = await menu(page);
      for (const h of has) expect(hrefs, `${user} ${h}`).toContain(h);
      for (const h of lacks) expect(hrefs, `${user} ${h}`).not.toContain(h);
      if (user === 'commander') {
        await page.goto(`${server.url}/users`);
        await page
          .getByText(/not available to your role/i)
          .first()
          .waitFor();
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('creates a user with a one-time password, then disables the account', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'admin');
    await page.goto(`${server.url}/users`);
    await page.getByTestId('users-count').waitFor();
    const before = await page.getByTestId('users-count').textContent();
    expect(before).toMatch(/of 6$/);
    await page.getByTestId('user-new').click();
    const form = page.getByTestId('user-form');
    // what is plainly missing is said before sending
    await page.getByTestId('user-role').click();
    await page.getByRole('option', { name: 'Officer', exact: true }).click();
    await page.getByTestId('user-username').fill('amira');
    await page.getByTestId('user-password').fill('one-time password 2026');
    await page.getByTestId('user-save').click();
    await expect.poll(() => page.getByTestId('user-form-missing').textContent()).toMatch(/facility/);
    await page.getByTestId('user-facilities').click();
    await page.getByRole('option', { name: /^HOL/ }).click();
    await page.keyboard.press('Escape');
    await form.getByTestId('user-display-name').fill('Amira M.');
    await page.getByTestId('user-save').click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator('[data-testid=user-row][data-username=amira]');
    await row.waitFor();
    await expect.poll(() => page.getByTestId('users-count').textContent()).toMatch(/of 7$/);
    const [amira] = await apiAs<{ id: string; role: string; facilityIds: string[]; mustChangePassword: boolean }[]>(page, '/users?q=amira');
    expect(amira).toMatchObject({ role: 'officer', facilityIds: [server.world.facilities.HOL], mustChangePassword: true });
    await shot(page, 'admin-users');

    await row.getByTestId('user-actions').click();
    await page.getByTestId('user-toggle').click();
    await page.getByTestId('toggle-confirm').click();
    await expect.poll(() => row.getByTestId('user-state').textContent()).toBe('Disabled');
    const signIn = await page.request.post(`${server.url}/api/v1/auth/login`, { data: { username: 'amira', password: 'one-time password 2026' } });
    expect(signIn.status()).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('imports a watchlist with a progress bar, shows versions and changes, and explains an older release', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'admin');
    await page.goto(`${server.url}/watchlists`);
    const upload = async (file: string) => {
      await page.getByTestId('watchlist-import').locator('input[type=file]').setInputFiles(join(dir, file));
      await page.getByTestId('import-send').click();
    };
    // the progress bar shows while the file goes up and the server reads it (too quick here to watch: observed)
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen?: boolean };
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=import-progress] .mantine-Progress-root')) w.progressSeen = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await upload('un-2026-02.xml');
    await page.getByTestId('import-done').waitFor();
    expect(await page.evaluate(() => (window as unknown as { progressSeen?: boolean }).progressSeen)).toBe(true);
    await upload('un-2026-03.xml');
    await expect.poll(() => page.getByTestId('import-done').textContent()).toMatch(/1 added, 1 removed/);
    await expect.poll(() => page.getByTestId('version-row').count()).toBe(2);
    expect(await page.getByTestId('versions-count').textContent()).toBe('2 releases');
    // the newest release's changes open after its import: one added, one removed
    const changes = page.getByTestId('version-changes');
    await changes.waitFor();
    await expect
      .poll(() => changes.getByTestId('change-row').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/Added.*QDi\.73.*WALID/), expect.stringMatching(/Removed.*QDi\.72.*NABIL/)]));

    await upload('un-2026-01.xml');
    const refusal = page.getByTestId('import-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/older than the current version/);
    expect(await page.getByTestId('version-row').count()).toBe(2);
    await shot(page, 'admin-watchlists-older');
    await page.getByTestId('import-force').click();
    await page.getByTestId('import-done').waitFor();
    await expect.poll(() => page.getByTestId('version-row').count()).toBe(3);
    const versions = await apiAs<{ warnings: string[] }[]>(page, '/watchlists');
    expect(versions[0]!.warnings.join(' ')).toMatch(/imported with force/);
    // the browser logs the refused request (409) itself; the one it logged is that one and nothing else
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    expect(errors).toHaveLength(1);
    await context.close();
  });

  it('sets a facility alert threshold, with the API refusal shown on the field', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'commander');
    await page.goto(`${server.url}/facilities/${server.world.facilities.HOL}`);
    await page.getByTestId('facility-settings-link').click();
    const percent = page.getByTestId('rule-massAbsencePercent');
    await percent.waitFor();
    await percent.fill('500');
    await page.getByTestId('rules-save').click();
    await page.getByTestId('rules-error').waitFor();
    expect(await page.getByTestId('alert-rules').textContent()).toMatch(/100/);
    await percent.fill('15');
    await page.getByTestId('rules-save').click();
    await page.getByTestId('rules-saved').waitFor();
    const rules = await apiAs<{ massAbsencePercent: number }>(page, `/facilities/${server.world.facilities.HOL}/alert-rules`);
    expect(rules.massAbsencePercent).toBe(15);
    // network 400s of the refused save are the browser's, not the app's: only app errors count
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  });

  it('reads the audit of a record: who read it, when, for what purpose', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'admin');
    const id = server.world.arabicPersonId;
    await page.goto(`${server.url}/persons/${id}?purpose=family_tracing`);
    await page.getByTestId('person-name').waitFor();
    await page.getByTestId('who-read-link').click();
    await page.getByTestId('audit-count').waitFor();
    const reads = page.locator('[data-testid=audit-row][data-action="person.read"]');
    await reads.first().waitFor();
    expect(await reads.first().getByTestId('audit-row-purpose').textContent()).toBe('family_tracing');
    expect(await reads.first().getByTestId('audit-row-actor').textContent()).toBe('admin');
    const page1 = await apiAs<unknown[]>(page, `/audit?subjectType=person&subjectId=${id}`);
    expect(await page.getByTestId('audit-count').textContent()).toMatch(new RegExp(`of ${page1.length}$`));
    await shot(page, 'admin-audit-record');
    // the CSV holds every entry of the filter, with the purpose
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('seq,at,actor,role,action,subject_type,subject_id,purpose,details,redacted');
    expect(csv).toHaveLength(page1.length + 1);
    expect(csv.some((line) => line.includes(',person.read,') && line.includes('family_tracing'))).toBe(true);
    // a monitor reads the audit without person ids: the record's reads are not findable by its id
    const monitor = await newPage(browser);
    await login(monitor.page, server.url, 'monitor');
    await monitor.page.goto(`${server.url}/audit?subjectType=person&subjectId=${id}`);
    await monitor.page.getByTestId('audit-count').waitFor();
    expect(await monitor.page.getByTestId('audit-count').textContent()).toBe('None');
    expect(monitor.errors).toEqual([]);
    await monitor.context.close();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits every administration screen at 1024x768 and 390x844 without console errors', async () => {
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, server.url, 'admin');
      for (const path of ['/users', '/watchlists', '/audit', `/facilities/${server.world.facilities.HOL}/settings`]) {
        await page.goto(`${server.url}${path}`);
        await page.locator('h1').first().waitFor();
        await settled(page);
        expect(await noSidewaysScroll(page), `${path} at ${viewport.width}`).toBeLessThanOrEqual(0);
        await shot(page, `admin-${path.split('/')[1]}-${viewport.width}`);
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('on a phone (390x844): creates a user, imports a watchlist, reads the audit of a record', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await login(page, server.url, 'admin');
    await page.goto(`${server.url}/users`);
    await page.getByTestId('user-new').click();
    const form = page.getByTestId('user-form');
    await page.getByTestId('user-role').click();
    await page.getByRole('option', { name: 'Officer', exact: true }).click();
    await page.getByTestId('user-facilities').click();
    await page.getByRole('option', { name: /^HOL/ }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('user-username').fill('nadia');
    await form.getByTestId('user-display-name').fill('Nadia K.');
    await page.getByTestId('user-password').fill('one-time password 2026');
    await page.getByTestId('user-save').click();
    await form.waitFor({ state: 'detached' });
    await page.locator('[data-testid=user-row][data-username=nadia]').waitFor();
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);

    await page.goto(`${server.url}/watchlists`);
    const versions = (await apiAs<unknown[]>(page, '/watchlists')).length;
    // a release newer than any imported so far
    writeFileSync(join(dir, 'un-2026-04.xml'), unList('2026-04-01', [entry(1, 'TARIQ', 'AL-HADITHI'), entry(4, 'SAMIR', 'AL-KUBAISI')]));
    await page.getByTestId('watchlist-import').locator('input[type=file]').setInputFiles(join(dir, 'un-2026-04.xml'));
    await page.getByTestId('import-send').click();
    await page.getByTestId('import-done').waitFor();
    await expect.poll(() => page.getByTestId('version-row').count()).toBe(versions + 1);
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'admin-watchlists-import-390');

    await page.goto(`${server.url}/persons/${server.world.arabicPersonId}?purpose=family_tracing`);
    await page.getByTestId('person-name').waitFor();
    await page.getByTestId('who-read-link').click();
    const reads = page.locator('[data-testid=audit-row][data-action="person.read"]');
    await reads.first().waitFor();
    expect(await reads.first().getByTestId('audit-row-purpose').textContent()).toBe('family_tracing');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'admin-audit-record-390');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads the administration screens in Arabic, mirrored, on a phone', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await login(page, server.url, 'admin');
    await page.goto(`${server.url}/users`);
    await chooseLanguage(page, 'ar');
    for (const [path, title] of [
      ['/users', 'المستخدمون'],
      ['/watchlists', 'قوائم المراقبة'],
      ['/audit', 'سجل التدقيق'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await expect.poll(() => page.locator('h1').first().textContent()).toBe(title);
      await settled(page);
      expect(await noSidewaysScroll(page), path).toBeLessThanOrEqual(0);
      await shot(page, `admin-ar${path.replace('/', '-')}-390`);
    }
    // a refusal of the server reads in Arabic (by its code), with the code beside it
    await page.goto(`${server.url}/users`);
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-role').click();
    await page.getByRole('option', { name: 'مسؤول النظام', exact: true }).click();
    await page.getByTestId('user-username').fill('commander');
    await page.getByTestId('user-password').fill('one-time password 2026');
    await page.getByTestId('user-display-name').fill('Duplicate');
    await page.getByTestId('user-save').click();
    await expect.poll(() => page.getByTestId('form-error-message').textContent()).toBe('اسم المستخدم هذا مستخدَم من قبل');
    await expect(page.getByTestId('form-error').getAttribute('data-code')).resolves.toBe('access.username_taken');
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0);
    await shot(page, 'admin-ar-refusal-390');
    // back to English for whoever signs in as admin next
    await page.keyboard.press('Escape');
    await chooseLanguage(page, 'en');
    // the refusal's 409 is the browser's own log line of the answer; nothing else
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await context.close();
  });
});
