import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { systemActor } from '../src/modules/access';
import { queryRows } from '../src/platform/db/database';
import { launchBrowser, login, newPage, settled, shot, startServer, type E2eServer } from './harness';

// Issue 15: a birth recorded as "about 1990" was listed as 1990-07-01, and the same person was enrolled three times
// without a hint.

const LATIN = 'Rukhaya Qasim al-Haddad';
const ARABIC = 'رقية قاسم الحداد';

let server: E2eServer;
let browser: Browser;
let existingId: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const [id] = await server.services.registry.createMany(systemActor('e2e'), [
    {
      names: [{ full: ARABIC }, { full: LATIN }],
      sex: 'F',
      birthDate: '1990-07-01',
      birthPrecision: 'approximate',
      nationalities: ['IRQ'],
      facilityId: server.world.facilities.HOL,
    },
  ]);
  existingId = id!;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('honest births and the duplicate warning in the browser', () => {
  it('the person list shows an approximate birth as "about 1990", not as the stored day', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'registrar');
    await page.waitForURL(/\/persons$/);
    await page.getByTestId('person-search').fill('Rukhaya Haddad');
    const row = page.getByTestId('person-result').filter({ hasText: LATIN });
    await row.waitFor();
    await expect(row.getByTestId('person-row-birth').textContent()).resolves.toBe('about 1990');
    await expect(row.textContent()).resolves.not.toContain('1990-07-01');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('enrolling the same person again shows the existing record side by side, and a new person needs a reason', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, server.url, 'registrar');
    await page.waitForURL(/\/persons$/);
    await page.getByTestId('register-person').click();
    await page.waitForURL(/\/persons\/new$/);
    await settled(page);
    // another spelling in each script, the same birth year
    await page.getByTestId('name-0-full').fill('رقيه قاسم الحداد');
    await page.getByTestId('name-1-full').fill('Ruqaya Qassim al-Hadad');
    await page.getByTestId('sex').getByText('Female', { exact: true }).click();
    await page.getByTestId('birth-precision').getByText('Year', { exact: true }).click();
    await page.getByTestId('birth-year').fill('1990');
    await page.getByTestId('enrol-submit').click();

    const warning = page.getByTestId('duplicate-warning');
    await warning.waitFor();
    await expect(warning.getByText(LATIN, { exact: true }).isVisible()).resolves.toBe(true);
    await expect(warning.getByText('Ruqaya Qassim al-Hadad', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(warning.getByTestId('duplicate-birth').textContent()).resolves.toBe('about 1990');
    await expect(warning.getByTestId('duplicate-facility').textContent()).resolves.toContain('al-Hol camp');
    await shot(page, '52-enrol-duplicate-warning', true);
    // nothing was saved yet
    expect(page.url()).toMatch(/\/persons\/new$/);

    await warning.getByTestId('duplicate-confirm-new').click();
    await warning.getByText('Say why this is a different person (3 characters at least)').waitFor();
    expect(page.url()).toMatch(/\/persons\/new$/);
    await warning.getByTestId('duplicate-reason').fill('a cousin: other mother, other tent');
    await warning.getByTestId('duplicate-confirm-new').click();
    await page.waitForURL(/\/persons\/[0-9a-f-]{36}\?purpose=registration(&capture=face)?$/);
    const newId = new URL(page.url()).pathname.split('/')[2]!;
    expect(newId).not.toBe(existingId);

    const [entry] = await queryRows<{ details: { confirmNew: string; candidatesShown: string[] } }>(
      server.services.database.db,
      sql`select details from audit_log where action = 'person.create' and subject_id = ${newId}`,
    );
    expect(entry!.details).toEqual({ confirmNew: 'a cousin: other mother, other tent', candidatesShown: [existingId] });
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await context.close();
  });
});
