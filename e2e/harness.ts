import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices, type Services } from '../src/services';
import { buildHttp } from '../src/main';
import { seedDemo, DEMO_PASSWORD } from '../src/demo/demo-seed';
import { ScenarioClock, scenarioIds, SEED_START } from '../src/demo/scenario';
import { seedE2eWorld, type E2eWorld } from './seed';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../test-artifacts/screenshots/', import.meta.url));
export const PASSWORD = 'custos-e2e-2026';

export interface E2eServer {
  url: string;
  services: Services;
  http: FastifyInstance;
  world: E2eWorld;
  close(): Promise<void>;
}

export interface DemoServer {
  url: string;
  services: Services;
  password: string;
  close(): Promise<void>;
}

/**
 * The world of `npm start`: the al-Hol scenario (small scale, or smaller with a divisor) seeded and replayed on the
 * scenario clock, which then runs live from where the replay stopped, so the server's time is months away from the
 * browser's, as in the demo.
 */
export async function startDemoServer(opts: { divisor?: number; until?: string } = {}): Promise<DemoServer> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  const clock = new ScenarioClock(SEED_START);
  const services = createServices(database, { clock, ids: scenarioIds(clock, 1) });
  // By default the world of the demo before it ran to March (the day after the collapse): these tests look at people.
  await seedDemo(services, clock, { scale: 'small', seed: 1, divisor: opts.divisor, until: opts.until ?? '2026-01-21' });
  clock.goLive();
  const http = await buildHttp(services, { logger: false, responseCheck: 'strict' });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = http.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    password: DEMO_PASSWORD,
    async close() {
      await http.close();
      await services.close();
    },
  };
}

/**
 * A server on a free port with a fresh in-memory PGlite, the seeded world, and the built web app from web/dist.
 * `siteId`: the server is a site of a deployment (its events replicate to headquarters; see offline.e2e.ts).
 */
export async function startServer(opts: { bigUnit?: number; siteId?: string } = {}): Promise<E2eServer> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  // The real clock: the browser's and the server's time must agree (marks, sessions, "today").
  const services = createServices(database, opts.siteId ? { siteId: opts.siteId, syncRole: 'site' } : {});
  const world = await seedE2eWorld(services, PASSWORD, opts);
  const http = await buildHttp(services, { logger: false, responseCheck: 'strict' });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = http.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    http,
    world,
    async close() {
      await http.close();
      await services.close();
    },
  };
}

/** `args`: extra Chromium switches (e.g. a fake camera: `--use-fake-device-for-media-stream`, see capture.e2e.ts). */
export async function launchBrowser(opts: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.args ?? []),
    ],
  });
}

/** A page that records console errors and uncaught exceptions, for the "no console errors" check. */
export async function newPage(browser: Browser, viewport = { width: 1024, height: 768 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors };
}

export async function login(page: Page, base: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage });
}

/** "2,000" -> 2000 */
export const parseNum = (s: string | null): number => Number((s ?? '').replace(/[^\d-]/g, ''));

/** The app's own credentials: the cookie (sent by page.request), or the bearer token it keeps when the cookie cannot be kept. */
async function appCredentials(page: Page): Promise<Record<string, string>> {
  const token = await page.evaluate(() => sessionStorage.getItem('custos.bearer'));
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** The API as the browser's signed-in user sees it (same cookie). */
export async function apiAs<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`${new URL(page.url()).origin}/api/v1${path}`, { headers: await appCredentials(page) });
  if (!res.ok()) throw new Error(`${path}: ${res.status()}`);
  return (await res.json()) as T;
}

/** Waits until the page shows no loader or skeleton (the live alert stream keeps the network busy, so not "networkidle"). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.mantine-Loader-root, .mantine-Skeleton-root').length === 0, undefined, { timeout: 30_000 });
}

/**
 * Chooses the interface language from the header's menu, as a user does (a real click on the visible option, at any
 * width), and waits for the page's direction to follow. The choice is kept on the signed-in user's account.
 */
export async function chooseLanguage(page: Page, language: 'ar' | 'en'): Promise<void> {
  await page.getByTestId('language').first().click();
  await page.getByRole('option', { name: language === 'ar' ? 'العربية' : 'English' }).click();
  await page.waitForFunction((dir) => document.documentElement.dir === dir, language === 'ar' ? 'rtl' : 'ltr');
}
