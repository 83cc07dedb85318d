import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { launchBrowser, login, newPage, settled, shot, startServer, type E2eServer } from './harness';
import { systemActor } from '../src/modules/access';

// The handover form: two commanders each sign the same statement in their own browser (Ed25519 keys made by
// WebCrypto and kept there); the custodian changes only with the second signature; an altered statement shows as not
// intact.
let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.services.guards.assumeCustody(systemActor('e2e'), server.world.facilities.HOL, { organisation: 'sdf', commander: 'Cdr Outgoing' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the handover of control in Chromium', () => {
  it('two commanders sign, the custodian changes; a tampered statement shows as not intact', async () => {
    const hol = server.world.facilities.HOL;
    const custodian = async () => (await server.services.guards.custodians(systemActor('e2e'), hol)).current?.organisation;

    // the outgoing commander draws up the statement and signs it
    const out = await newPage(browser, { width: 1024, height: 768 });
    await login(out.page, server.url, 'commander');
    await out.page.goto(`${server.url}/guards/handover`);
    await out.page.getByTestId('handover-facility').click();
    await out.page.getByRole('option', { name: /\(HOL\)/ }).click();
    await expect.poll(() => out.page.getByTestId('handover-current').textContent()).toContain('Cdr Outgoing');
    await out.page.getByTestId('handover-incoming-commander').fill('Cdr Incoming');
    await out.page.getByTestId('handover-draw-up').click();
    await out.page.getByTestId('handover').waitFor();
    const url = out.page.url();
    expect(Number(await out.page.getByTestId('handover-count-in_custody').textContent())).toBeGreaterThan(0);
    await out.page.getByTestId('handover-sign-button').click();
    await out.page.getByTestId('handover-signed-outgoing').waitFor();
    // half-signed: custody stays with the outgoing custodian
    expect(await out.page.getByTestId('handover-custody').textContent()).toContain('custody stays with the outgoing custodian, SDF (Cdr Outgoing)');
    expect(await custodian()).toBe('sdf');
    await expect.poll(() => out.page.getByTestId('handover-verify').getAttribute('data-ok')).toBe('true');
    await shot(out.page, '62-handover-half-signed');
    expect(out.errors).toEqual([]);

    // the incoming commander (another person, another browser, another key) signs the other side
    const inc = await newPage(browser, { width: 390, height: 844 });
    await login(inc.page, server.url, 'admin');
    await inc.page.goto(url);
    await inc.page.getByTestId('handover-sign').waitFor();
    await inc.page.getByText('Incoming commander', { exact: true }).click();
    await inc.page.getByTestId('handover-sign-button').click();
    await expect.poll(() => inc.page.getByTestId('handover').getAttribute('data-status')).toBe('completed');
    expect(await inc.page.getByTestId('handover-custody').textContent()).toContain('Government forces (Cdr Incoming) is the custodian of record');
    expect(await custodian()).toBe('government');
    await expect.poll(() => inc.page.getByTestId('handover-verify').getAttribute('data-ok')).toBe('true');
    await shot(inc.page, '63-handover-completed-390');
    expect(inc.errors).toEqual([]);

    // someone alters the stored count: the check shows the statement as not intact
    await server.services.database.db.execute(
      sql`update guard_handovers set statement = jsonb_set(statement, '{count,byStatus,in_custody}', '1') where facility_id = ${hol}`,
    );
    await out.page.goto(url);
    await settled(out.page);
    const badge = out.page.getByTestId('handover-verify');
    await expect.poll(() => badge.getAttribute('data-intact')).toBe('false');
    expect(await badge.textContent()).toContain('not intact');
    expect(await out.page.getByTestId('handover-count-in_custody').textContent()).toBe('1');
    expect(out.errors).toEqual([]);
    await out.context.close();
    await inc.context.close();
  });
});
