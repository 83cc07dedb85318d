// The Arabic interface (issue 16 item 7): switch to Arabic, see the layout mirrored (html dir=rtl, the navbar on the
// right), Arabic labels, dates and numbers; the choice kept after a reload, on sign-in from another browser, and on
// the sign-in page of this one; no console errors at 1024x768 and 390x844.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, PASSWORD, settled, shot, startServer, type E2eServer, chooseLanguage } from './harness';

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Signs in whatever the language of the sign-in page (the form's fields have names, not only labels). */
async function signIn(page: Page, username: string) {
  await page.goto(`${server.url}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('whoami').waitFor();
}

const dir = (page: Page) => page.evaluate(() => document.documentElement.dir);
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe('the Arabic interface in Chromium', () => {
  it('mirrors the layout, speaks Arabic and keeps the choice on the account (1024x768)', async () => {
    const { context, page, errors } = await newPage(browser);
    await signIn(page, 'commander');
    await page.waitForURL(/\/overview$/);
    await settled(page);
    expect(await dir(page)).toBe('ltr');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByText('Overview', { exact: true }).waitFor();
    // AppShell's main spans the window (padded on the navbar's side): compare with the page's title instead
    const ltrNav = await box(page, 'nav');
    const ltrTitle = await box(page, 'main h1');
    expect(ltrNav.x).toBeLessThan(5);
    expect(ltrTitle.x).toBeGreaterThanOrEqual(ltrNav.x + ltrNav.width);

    await chooseLanguage(page, 'ar');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    const arNav = page.getByRole('navigation', { name: 'القائمة الرئيسية' });
    for (const label of ['نظرة عامة', 'المنشآت', 'الأشخاص', 'التفقّد', 'التنبيهات']) await arNav.getByText(label, { exact: true }).waitFor();
    await expect(page.getByTestId('role').textContent()).resolves.toBe('قائد');
    await page.getByRole('button', { name: 'تسجيل الخروج' }).waitFor();
    // the navbar moved to the right of the main area
    const rtlNav = await box(page, 'nav');
    const rtlTitle = await box(page, 'main h1');
    expect(rtlNav.x + rtlNav.width).toBeGreaterThan(1024 - 5);
    expect(rtlTitle.x + rtlTitle.width).toBeLessThanOrEqual(rtlNav.x);
    await settled(page);
    await shot(page, 'arabic-overview-1024');

    // kept on the account: /auth/me says so
    await expect.poll(async () => (await page.request.get(`${server.url}/api/v1/auth/me`)).json().then((m) => m.locale)).toBe('ar');

    // a reload keeps it
    await page.reload();
    await page.getByTestId('whoami').waitFor();
    expect(await dir(page)).toBe('rtl');
    await arNav.getByText('الأشخاص', { exact: true }).waitFor();

    // the sign-in page of this browser is in the last language chosen here
    await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await page.getByRole('button', { name: 'دخول' }).waitFor();
    expect(await dir(page)).toBe('rtl');
    await shot(page, 'arabic-login-1024');
    expect(errors).toEqual([]);
    await context.close();

    // another browser (English, nothing stored) signs in and gets the account's Arabic
    const other = await newPage(browser);
    await signIn(other.page, 'commander');
    await other.page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await other.page.getByRole('navigation', { name: 'القائمة الرئيسية' }).getByText('نظرة عامة', { exact: true }).waitFor();
    // and back to English, for the account and the page
    await chooseLanguage(other.page, 'en');
    await other.page.getByRole('navigation', { name: 'Main' }).getByText('Overview', { exact: true }).waitFor();
    await expect.poll(async () => (await other.page.request.get(`${server.url}/api/v1/auth/me`)).json().then((m) => m.locale)).toBe('en');
    expect(other.errors).toEqual([]);
    await other.context.close();
  });

  it('works on a phone in Arabic: the menu opens from the right, nothing overflows (390x844)', async () => {
    const { context, page, errors } = await newPage(browser, { width: 390, height: 844 });
    await signIn(page, 'registrar');
    // chosen from the header's menu at once: the registrar lands on the persons page, whose search field must not take
    // the focus (and so close the menu's list) when its code arrives after the header (docs/i18n.md)
    await chooseLanguage(page, 'ar');
    await settled(page);
    // the header's controls stay within the phone's width (the header is fixed: the page's width does not show it)
    for (const testId of ['whoami', 'language']) {
      const b = (await page.getByTestId(testId).first().boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(390);
    }
    // the menu's list opens inside the phone's width, under the control
    await page.getByTestId('language').first().click();
    const list = (await page.getByRole('listbox').boundingBox())!;
    expect(list.x).toBeGreaterThanOrEqual(0);
    expect(list.x + list.width).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'hidden' });
    // nothing in the header leaves the width or is cut short (the user and scope may be truncated, nothing else)
    const outside = await page.evaluate(() =>
      Array.from(document.querySelectorAll('header *'))
        .filter((e) => e.getBoundingClientRect().width > 0)
        .filter((e) => {
          const r = e.getBoundingClientRect();
          const cut = e.matches('button, button *') && (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1;
          return r.left < -1 || r.right > window.innerWidth + 1 || cut;
        })
        .map((e) => `${e.tagName} ${e.textContent?.slice(0, 30)}`),
    );
    expect(outside).toEqual([]);
    // on a phone, signing out is in the menu
    await page.getByRole('button', { name: 'القائمة' }).click();
    const nav = page.getByRole('navigation', { name: 'القائمة الرئيسية' });
    await nav.getByText('الأشخاص', { exact: true }).waitFor();
    await page.waitForFunction(() => {
      const n = document.querySelector('nav')!.getBoundingClientRect();
      return n.right >= window.innerWidth - 1 && n.left >= 0;
    });
    await nav.getByRole('button', { name: 'تسجيل الخروج' }).waitFor();
    await shot(page, 'arabic-menu-390');
    await nav.getByText('الأشخاص', { exact: true }).click();
    await page.waitForURL(/\/persons$/);
    await settled(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(page, 'arabic-persons-390');
    expect(errors).toEqual([]);
    await context.close();
  });
});
