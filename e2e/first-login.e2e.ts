import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { launchBrowser, newPage, shot, startServer, type E2eServer } from './harness';

// Issue 14: the first admin's one-time password must be changed at the first sign-in, in the browser too.
describe('first sign-in with a one-time password', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await server.services.access.createUser(systemActor('e2e'), {
      username: 'first-admin',
      password: 'one-time-pass-1',
      role: 'admin',
      mustChangePassword: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows only the change-password form, then the app with the new password', async () => {
    const { page, errors, context } = await newPage(browser);
    await page.goto(`${server.url}/`);
    await page.locator('input[name=username]').fill('first-admin');
    await page.locator('input[name=password]').fill('one-time-pass-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await shot(page, 'first-login-change-password');
    await page.locator('input[name=current]').fill('one-time-pass-1');
    await page.locator('input[name=next]').fill('my own admin password');
    await page.locator('input[name=again]').fill('my own admin password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('whoami').waitFor();
    expect(await page.getByTestId('whoami').textContent()).toContain('first-admin');
    expect(errors).toEqual([]);
    await context.close();
  });
});
