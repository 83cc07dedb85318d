/**
 * bench/pages: how long each page of the web app takes to load and settle (no loader or skeleton left) in Debian's
 * Chromium, against a running server, beside a baseline in the same run: loading the bare health endpoint.
 * Console errors are collected too. Start the server first (e.g. `custos demo --scale full`), then:
 *   npm run bench -- pages --url http://127.0.0.1:8080 [--user commander] [--password custos-demo-2026] [--runs 3]
 *     [--pages /monitor,/overview]   only the pages whose path starts with one of these (e.g. for a role that sees few)
 *     [--chains]                     also time the chain checks behind the monitor view over HTTP: full and tail
 *                                    (`/ledger/verify`, and `/audit/verify` where the user may read the audit log)
 */
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const base = arg('--url', 'http://127.0.0.1:8080').replace(/\/$/, '');
const user = arg('--user', 'commander');
const password = arg('--password', 'custos-demo-2026');
const runs = Number(arg('--runs', '3'));
const only = arg('--pages', '').split(',').filter(Boolean);
const chains = argv.includes('--chains');
const widths = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
];

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.mantine-Loader-root, .mantine-Skeleton-root').length === 0, undefined, {
    timeout: 60_000,
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const results: Record<string, unknown>[] = [];
try {
  for (const viewport of widths) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { username: user, password } });
    if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
    const token = (await login.json()).token as string;
    // Sign in through the form, as a user does (the app keeps its own session state).
    await page.goto(`${base}/`);
    await page.locator('input[name=username]').fill(user);
    await page.locator('input[name=password]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    const api = async <T>(path: string) =>
      (await (await page.request.get(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
    const facilities = await api<{ id: string; code: string }[]>('/facilities');
    const hol = facilities.find((f) => f.code === 'HOL') ?? facilities[0]!;
    const people = await api<{ id: string }[]>('/persons?q=Mohammed&limit=1').then((p) => (Array.isArray(p) ? p : []));
    const rollcalls = await api<{ id: string }[]>(`/rollcalls?facilityId=${hol.id}&limit=1`).then((r) => (Array.isArray(r) ? r : []));
    const all = [
      '/overview',
      '/facilities',
      `/facilities/${hol.id}`,
      '/persons',
      ...(people[0] ? [`/persons/${people[0].id}?purpose=command_oversight`] : []),
      '/persons/new',
      ...(people[0] ? [`/persons/${people[0].id}/edit?purpose=registration`] : []),
      '/rollcalls',
      ...(rollcalls[0] ? [`/rollcalls/${rollcalls[0].id}`] : []),
      '/alerts',
      '/screening',
      '/monitor',
    ];
    const pages = only.length ? all.filter((p) => only.some((o) => p.startsWith(o))) : all;
    const time = async (url: string, wait: () => Promise<void>) => {
      const t = performance.now();
      await page.goto(url);
      await wait();
      return performance.now() - t;
    };
    const baseline: number[] = [];
    for (let r = 0; r < runs; r++) baseline.push(await time(`${base}/api/health`, async () => undefined));
    for (const path of pages) {
      const samples: number[] = [];
      for (let r = 0; r < runs; r++) samples.push(await time(`${base}${path}`, () => settle(page)));
      // A page that bounced to the sign-in screen would look fast: check we are where we asked to be.
      const landed = new URL(page.url()).pathname;
      if (landed !== path.split('?')[0]) throw new Error(`${path} ended on ${landed}`);
      if ((await page.locator('input[name=password]').count()) > 0) throw new Error(`${path} shows the sign-in form`);
      if (process.env.PAGES_SHOTS)
        await page.screenshot({ path: `${process.env.PAGES_SHOTS}/${path.split('?')[0]!.replace(/\//g, '_')}-${viewport.width}.png` });
      samples.sort((a, b) => a - b);
      results.push({
        viewport: `${viewport.width}x${viewport.height}`,
        page: path.replace(/[0-9a-f-]{36}/g, ':id'),
        medianMs: Math.round(samples[Math.floor(samples.length / 2)]!),
        maxMs: Math.round(samples.at(-1)!),
        baselineMedianMs: Math.round(baseline.sort((a, b) => a - b)[Math.floor(baseline.length / 2)]!),
      });
    }
    results.push({ viewport: `${viewport.width}x${viewport.height}`, consoleErrors: errors });
    await context.close();
  }
} finally {
  await browser.close();
}

/** Each chain check `runs` times over HTTP (the browser is not involved): wall time and the server's own durationMs. */
async function timeChains(): Promise<Record<string, unknown>[]> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  });
  const { token } = (await login.json()) as { token: string };
  const out: Record<string, unknown>[] = [];
  for (const path of ['/ledger/verify?scope=full', '/ledger/verify?scope=tail', '/audit/verify?scope=full', '/audit/verify?scope=tail']) {
    const wall: number[] = [];
    const server: number[] = [];
    let last: Record<string, unknown> = {};
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      last = (await res.json()) as Record<string, unknown>;
      if (!res.ok) break;
      wall.push(performance.now() - t);
      server.push(last.durationMs as number);
    }
    if (wall.length === 0) {
      out.push({ check: path, skipped: (last.error as { code?: string })?.code });
      continue;
    }
    const med = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
    out.push({
      check: path,
      ok: last.ok,
      length: last.events ?? last.entries,
      rehashed: last.checkedEvents ?? last.checkedEntries,
      medianMs: med(wall),
      serverMedianMs: med(server),
    });
  }
  return out;
}

const chainResults = chains ? await timeChains() : undefined;
console.log(
  JSON.stringify(
    { bench: 'pages', date: new Date().toISOString(), url: base, user, runs, results, ...(chainResults ? { chains: chainResults } : {}) },
    null,
    2,
  ),
);
