/**
 * The roll-call tablet offline (issue 22): marks entered while the site server is stopped stay on the tablet
 * (IndexedDB), survive a reload made while it is still stopped (the service worker serves the app and the roll call's
 * expected list), and go when the server is back, each once (their ids are idempotent); the site's relay then carries
 * them over the real NATS JetStream (127.0.0.1:4222) to headquarters (PGlite, in this process), whose copy of the
 * site's chain records them.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../src/main';
import { HqIngest, SiteRelay } from '../src/modules/sync';
import { openDatabase, queryRows } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices, type Services } from '../src/services';
import { apiAs, launchBrowser, login, newPage, settled, shot, startServer, type E2eServer } from './harness';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `e2e${randomBytes(4).toString('hex')}`;
const SITE = `tablet${randomBytes(3).toString('hex')}`;

let server: E2eServer;
let http: FastifyInstance;
let port: number;
let hq: Services;
let relay: SiteRelay;
let ingest: HqIngest;
let browser: Browser;

/** Stops the site's HTTP server at once, open connections (the live alert stream) included. */
async function stopSiteServer(): Promise<void> {
  const closing = http.close();
  http.server.closeAllConnections();
  await closing;
}

/** The same site (same database, same services) answering again on the same port, as after a restart. */
async function restartSiteServer(): Promise<void> {
  http = await buildHttp(server.services, { logger: false, responseCheck: 'strict' });
  await http.listen({ port, host: '127.0.0.1' });
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pendingOnTablet = (page: Page) => page.getByTestId('tablet-sync').getAttribute('data-pending').then(Number);

interface KeptMark {
  id: string;
  personId: string;
  result: string;
  markedAt: string;
}

/** The unsent marks IndexedDB holds on this tablet, read straight from the browser's database. */
const keptMarks = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<KeptMark[]>((resolve, reject) => {
        const req = indexedDB.open('custos-tablet');
        req.onsuccess = () => {
          const all = req.result.transaction('marks').objectStore('marks').getAll();
          all.onsuccess = () => resolve(all.result as KeptMark[]);
          all.onerror = () => reject(all.error);
        };
        req.onerror = () => reject(req.error);
      }),
  );
const keptInIndexedDb = async (page: Page) => (await keptMarks(page)).length;

/** What headquarters' copy of this site's chain says was marked in a roll call. */
async function marksAtHq(rollcallId: string): Promise<number> {
  const rows = await queryRows<{ recorded: string | null }>(
    hq.database.db,
    sql`select sum((payload->>'recorded')::int) as recorded from sync_hq_events
        where site_id = ${SITE} and type = 'rollcall.marks_recorded' and payload->>'rollcallId' = ${rollcallId}`,
  );
  return Number(rows[0]?.recorded ?? 0);
}

beforeAll(async () => {
  server = await startServer({ siteId: SITE });
  http = server.http;
  port = (http.server.address() as AddressInfo).port;
  const hqDatabase = await openDatabase({ dataDir: 'memory://' });
  await migrate(hqDatabase);
  hq = createServices(hqDatabase, { siteId: 'hq', syncRole: 'hq' });
  relay = new SiteRelay(server.services.sync, server.services.logger, { url: NATS, prefix, pollMs: 300, batchSize: 200 }, (wake) =>
    server.services.outbox.onCommitted(() => wake()),
  );
  ingest = new HqIngest(hq.sync, hq.logger, { url: NATS, prefix, pollMs: 300, batchSize: 200 });
  await relay.start();
  await ingest.start();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await ingest?.stop();
  const nc = await connect({ servers: NATS }).catch(() => null);
  if (nc) {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    await nc.close();
  }
  await hq?.close();
  await server?.close();
});

describe('the roll-call tablet while the site server is stopped', () => {
  it('keeps the marks through a reload and sends them, once each, when the server is back; headquarters receives them', async () => {
    const { context, page } = await newPage(browser);
    await login(page, server.url, 'officer');
    await page.goto(`${server.url}/rollcalls`);
    await page.getByTestId('pick-unit-T-1').click();
    await page.getByTestId('open-rollcall').click();
    await page.waitForURL(/\/rollcalls\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    // the service worker controls the page; a load under its control keeps the app shell and the roll call's list
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
    await page.reload();
    await page.getByTestId('rollcall-row').first().waitFor();
    await settled(page);
    const persons = await page.getByTestId('rollcall-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id')!));
    expect(persons.length).toBeGreaterThanOrEqual(6);
    // each person's row by their id (the list's order may change as marks come in)
    const row = (k: number) => page.locator(`[data-testid=rollcall-row][data-person-id="${persons[k]}"]`);

    // one mark while the server answers: sent, and the screen says when
    await row(0).getByTestId('mark-present').click();
    await until(
      'the first mark to go',
      async () => (await pendingOnTablet(page)) === 0 && !(await page.getByTestId('tablet-last-sent').textContent())?.includes('Nothing'),
    );
    await expect(page.getByTestId('tablet-last-sent').textContent()).resolves.toMatch(/^Last sent at \d\d:\d\d:\d\d$/);

    // the site server stops, and the tablet loses the network too
    await stopSiteServer();
    await context.setOffline(true);
    await row(1).getByTestId('mark-present').click();
    await row(2).getByTestId('mark-present').click();
    await row(3).getByTestId('mark-absent').click();
    await row(4).getByTestId('mark-present').click();
    await until('four marks waiting', async () => (await pendingOnTablet(page)) === 4);
    await page.getByTestId('tablet-offline').waitFor();
    await expect(page.getByTestId('tablet-pending').textContent()).resolves.toBe('4 marks waiting on this tablet');
    await until('the four marks kept in IndexedDB', async () => (await keptInIndexedDb(page)) === 4);
    const keptBeforeReload = await keptMarks(page);
    await shot(page, '90-rollcall-offline-waiting-1024');

    // a reload while the server is still stopped: the app and the list come from the service worker, the marks
    // from IndexedDB; nothing is lost, and marking goes on
    await page.reload();
    await page.getByTestId('rollcall-row').first().waitFor();
    await until('the kept marks read back', async () => (await pendingOnTablet(page)) === 4);
    // the screen shows the unmarked by default: the kept marks took their persons off it; all of them, with their marks
    await expect(row(1).count()).resolves.toBe(0);
    await page.getByTestId('rollcall-filter').getByText('All', { exact: true }).click();
    await expect(row(3).getByTestId('mark-absent').getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(row(2).getByTestId('mark-present').getAttribute('aria-pressed')).resolves.toBe('true');
    await row(5).getByTestId('mark-present').click();
    await until('five marks waiting', async () => (await pendingOnTablet(page)) === 5);
    expect(await apiAs<{ live: { marks: number } }>(page, `/rollcalls/${id}`).catch(() => null)).toBeNull(); // the server is really down

    // the server is back: the marks go, in order, and the screen says so
    await restartSiteServer();
    await context.setOffline(false);
    await until('every mark sent', async () => (await pendingOnTablet(page)) === 0);
    await expect(page.getByTestId('tablet-pending').textContent()).resolves.toBe('Every mark of this tablet has been sent');
    await expect(keptInIndexedDb(page)).resolves.toBe(0);
    await expect(page.getByTestId('tablet-offline').count()).resolves.toBe(0);
    await shot(page, '91-rollcall-offline-sent-1024');

    const detail = await apiAs<{ live: { marks: number; present: number } }>(page, `/rollcalls/${id}`);
    expect(detail.live.marks).toBe(6);
    expect(detail.live.present).toBe(5);

    // the same marks sent again (as when an answer is lost on the way back) are recorded once: same ids
    const resend = await page.request.post(`${server.url}/api/v1/rollcalls/${id}/marks`, {
      data: { marks: keptBeforeReload.map((m) => ({ id: m.id, personId: m.personId, result: m.result, method: 'visual', markedAt: m.markedAt })) },
    });
    expect(resend.ok()).toBe(true);
    expect((await apiAs<{ live: { marks: number } }>(page, `/rollcalls/${id}`)).live.marks).toBe(6);
    // headquarters: the site's chain carries the marks, each counted once
    await until('headquarters to hold the marks', async () => (await marksAtHq(id)) === 6);
    const siteHead = (await server.services.sync.siteStatus()).head;
    await until('headquarters to hold the whole chain', async () => (await hq.sync.hqStatus(SITE)).sites[0]?.contiguousSeq === siteHead);
    expect((await hq.sync.hqStatus(SITE)).sites[0]?.forks ?? 0).toBe(0);
    await context.close();
  });
});
