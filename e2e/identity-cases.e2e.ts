/**
 * Identity cases across sites (issue 22, "Restore and identity"), in the browser at headquarters. Two sites (PGlite,
 * in this process) enrol the same men while neither relay runs, as when both are offline; then their relays carry
 * the events over the real NATS JetStream (127.0.0.1:4222) to headquarters (PGlite, in this process, serving the built
 * web app), whose ingest opens the identity cases. An unscoped admin finds them from the sync page, reads the total
 * the API gives, opens a case, sees both records and the evidence, is refused a decision without a reason (the API's
 * message on screen), decides "same person" naming the reference, and the list shows the case decided. A scoped
 * registrar reads the API's refusal, not a broken page. No console errors beyond the refused requests' own.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttp } from '../src/main';
import { systemActor } from '../src/modules/access';
import { HqIngest, SiteRelay } from '../src/modules/sync';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices, type Services } from '../src/services';
import { generateTransitKey, transitRecipientFromBase64 } from '../src/modules/biometrics';
import { readSample } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { adminActor, buildAdmittedPerson, buildFacility } from '../test/factories';
import { apiAs, chooseLanguage, launchBrowser, login, newPage, PASSWORD, settled, shot } from './harness';
import { seedE2eWorld } from './seed';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `e2e${randomBytes(4).toString('hex')}`;
const ALPHA = `alpha${randomBytes(2).toString('hex')}`;
const BETA = `beta${randomBytes(2).toString('hex')}`;

/** First name, family name at one site, the same family name as the other site spelt it (a few may not match: margin). */
const EXTRA: [string, string, string][] = [
  ['Bashir', 'Qaddouri', 'Kaddouri'],
  ['Tariq', 'Zubaidi', 'Zobaidi'],
  ['Yasin', 'Rawi', 'Al-Rawi'],
  ['Hamza', 'Obeidi', 'Ubaidi'],
  ['Ziyad', 'Tikriti', 'Tekriti'],
  ['Nizar', 'Samarrai', 'Samaraie'],
  ['Faisal', 'Mashhadani', 'Mashadani'],
  ['Ghassan', 'Dulaimi', 'Dleimi'],
  ['Idris', 'Shammari', 'Shamari'],
  ['Jamal', 'Janabi', 'Jenabi'],
  ['Lutfi', 'Karbouli', 'Karbuli'],
  ['Mazin', 'Naimi', 'Nuaimi'],
  ['Nabil', 'Ubaidi', 'Obaidi'],
  ['Qasim', 'Jubouri', 'Jabouri'],
  ['Rafiq', 'Saadi', 'Al-Saadi'],
  ['Sami', 'Tamimi', 'Temimi'],
  ['Usama', 'Waeli', 'Wa’ili'],
  ['Walid', 'Zaidi', 'Zeidi'],
  ['Adil', 'Bayati', 'Biati'],
  ['Bilal', 'Chalabi', 'Shalabi'],
  ['Fadil', 'Hashimi', 'Hashemi'],
  ['Hatem', 'Juburi', 'Jibouri'],
  ['Imad', 'Khafaji', 'Khafagi'],
  ['Kamal', 'Lami', 'Al-Lami'],
  ['Majid', 'Rubaie', 'Rubaii'],
  ['Nadim', 'Sudani', 'Soudani'],
  ['Rashid', 'Mahdawi', 'Mahdaoui'],
  ['Salim', 'Qaisi', 'Kaisi'],
];

let hq: Services;
let hqHttp: FastifyInstance;
let hqUrl: string;
let alpha: Services;
let beta: Services;
const links: { stop(): Promise<void> }[] = [];
let browser: Browser;
let omarAlpha: string;
let omarBeta: string;

interface CasesPage {
  total: number;
  rows: {
    id: string;
    status: string;
    a: { siteId: string; personId: string; names: string[] } | null;
    b: { siteId: string; personId: string; names: string[] } | null;
  }[];
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// headquarters' identity key: the sites re-seal their templates to its public half (`custos site init --hq-key`)
const identityKey = generateTransitKey();

async function site(siteId: string): Promise<{ services: Services; at: { facilityId: string; unitId: string } }> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  const services = createServices(database, { siteId, syncRole: 'site', sync: { hqKey: transitRecipientFromBase64(identityKey.base64) } });
  const built = await buildFacility(services, { code: `S${randomBytes(2).toString('hex')}` }, 1);
  return { services, at: { facilityId: built.facility.id, unitId: built.units[0]!.id } };
}

/** For reading the cases behind the screens' backs (unscoped). */
const reader = systemActor('e2e identity cases');
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
/** The browser logs each refused request itself ("status of 400"); only the app's own errors count. */
const appErrors = (errors: string[]) => errors.filter((e) => !/status of (400|403|409)/.test(e));

beforeAll(async () => {
  // headquarters: the e2e world's accounts (an unscoped admin, a registrar scoped to one facility) and the web app
  const hqDatabase = await openDatabase({ dataDir: 'memory://' });
  await migrate(hqDatabase);
  hq = createServices(hqDatabase, { siteId: 'hq', syncRole: 'hq', sync: { identityKey } });
  await seedE2eWorld(hq, PASSWORD);
  hqHttp = await buildHttp(hq, { logger: false, responseCheck: 'strict' });
  await hqHttp.listen({ port: 0, host: '127.0.0.1' });
  hqUrl = `http://127.0.0.1:${(hqHttp.server.address() as AddressInfo).port}`;

  // two sites enrol the same man (and another pair) while their links are down: no relay runs yet
  const a = await site(ALPHA);
  const b = await site(BETA);
  alpha = a.services;
  beta = b.services;
  omarAlpha = await buildAdmittedPerson(alpha, a.at, {
    names: [{ full: 'Omar Farouq al-Hadithi' }, { full: 'عمر فاروق الحديثي', script: 'arabic' }],
    birthDate: '1985',
    sex: 'M',
  });
  omarBeta = await buildAdmittedPerson(beta, b.at, { names: [{ full: 'Omar Farouk Al Hadithi' }], birthDate: '1985', sex: 'M' });
  await buildAdmittedPerson(alpha, a.at, { names: [{ full: 'Khalid Saleh al-Juburi' }], birthDate: '1979', sex: 'M' });
  await buildAdmittedPerson(beta, b.at, { names: [{ full: 'Khaled Salih Al-Juburi' }], birthDate: '1979', sex: 'M' });
  // more pairs, enough for a second page of the list (25 a page): each pair its own names and birth year
  for (let i = 0; i < EXTRA.length; i++) {
    const [first, family, variant] = EXTRA[i]!;
    const birthDate = String(1930 + 3 * i);
    await buildAdmittedPerson(alpha, a.at, { names: [{ full: `${first} ${family}` }], birthDate, sex: 'M' });
    await buildAdmittedPerson(beta, b.at, { names: [{ full: `${first} ${variant}` }], birthDate, sex: 'M' });
  }
  // a man enrolled at beta under another name and age, whose right index matches a man's at alpha
  const ahmad = await buildAdmittedPerson(alpha, a.at, { names: [{ full: 'Ahmad Kareem Jaber' }], birthDate: '1975', sex: 'M' });
  await alpha.biometrics.enrolFingerprint(adminActor, ahmad, 2, await readSample('fvc2002-db2b', '101_1'), 569);
  const alias = await buildAdmittedPerson(beta, b.at, { names: [{ full: 'Abu Hafs al-Anbari' }], birthDate: '1988', sex: 'M' });
  await beta.biometrics.enrolFingerprint(adminActor, alias, 2, await readSample('fvc2002-db2b', '101_3'), 569);
  await alpha.settle();
  await beta.settle();

  // the links come back: each site's relay and headquarters' ingest over the real NATS
  const opts = { url: NATS, prefix, pollMs: 300, batchSize: 200 };
  for (const s of [alpha, beta]) {
    const relay = new SiteRelay(s.sync, s.logger, opts, (wake) => s.outbox.onCommitted(() => wake()));
    links.push(relay);
    await relay.start();
  }
  const ingest = new HqIngest(hq.sync, hq.logger, opts);
  links.push(ingest);
  await ingest.start();
  await until('both sites held at headquarters', async () => {
    const sites = (await hq.sync.hqStatus()).sites;
    return (
      sites.find((x) => x.siteId === ALPHA)?.contiguousSeq === (await alpha.sync.siteStatus()).head &&
      sites.find((x) => x.siteId === BETA)?.contiguousSeq === (await beta.sync.siteStatus()).head
    );
  });
  await hq.settle();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const l of links) await l.stop();
  const nc = await connect({ servers: NATS }).catch(() => null);
  if (nc) {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    await nc.close();
  }
  await hqHttp?.close();
  await hq?.close();
  await alpha?.close();
  await beta?.close();
});

describe('identity cases across sites at headquarters', () => {
  it('an unscoped admin lists them, opens one, is refused without a reason, decides "same person" and sees it decided', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, hqUrl, 'admin');
    // from the sync page, where headquarters shows the way to its identity cases
    await page.goto(`${hqUrl}/sync`);
    await page.getByTestId('sync-identity-link').waitFor();
    await shot(page, 'identity-sync-link-1024', true);
    await page.getByTestId('sync-identity-link').click();
    await page.waitForURL(/\/sync\/identity-cases$/);
    await page.getByTestId('identity-list').waitFor();
    await settled(page);

    // the total on screen is the API's
    const open = await apiAs<CasesPage>(page, '/sync/identity-cases?status=open&limit=200');
    expect(open.total).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('identity-total').getAttribute('data-total')).resolves.toBe(String(open.total));
    await expect(page.getByTestId('identity-total').textContent()).resolves.toBe(open.total === 1 ? '1 case' : `${open.total} cases`);
    const omar = open.rows.find((r) => [r.a?.personId, r.b?.personId].includes(omarAlpha) && [r.a?.personId, r.b?.personId].includes(omarBeta));
    expect(omar, 'the Omar case').toBeDefined();
    const row = page.locator(`[data-testid=identity-row][data-case-id="${omar!.id}"]`);

    // paging reaches every case, each once, in the API's order (oldest first), 25 a page
    expect(open.total, 'enough cases for two pages').toBeGreaterThan(25);
    const seen: string[] = [];
    for (let n = 1; ; n++) {
      await page
        .getByTestId('identity-range')
        .filter({ hasText: new RegExp(`^${(n - 1) * 25 + 1}–`) })
        .waitFor();
      const ids = await page.getByTestId('identity-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')!));
      expect(ids.length).toBe(Math.min(25, open.total - seen.length));
      seen.push(...ids);
      if (await page.getByTestId('identity-next').isDisabled()) break;
      await page.getByTestId('identity-next').click();
    }
    expect(seen).toEqual(open.rows.map((r) => r.id));
    // back to the page that holds the Omar case
    while ((await row.count()) === 0) await page.getByTestId('identity-prev').click();
    // each row: both sites, each record's first name, the basis, the fused figure, the age
    const rowText = (await row.textContent()) ?? '';
    for (const s of [ALPHA, BETA, 'Omar Farouq al-Hadithi', 'Omar Farouk Al Hadithi', 'Names']) expect(rowText).toContain(s);
    await expect(row.getByTestId('identity-age').textContent()).resolves.toMatch(/just now|min ago/);
    await expect(row.getByTestId('identity-fused').textContent()).resolves.toMatch(/not compared|likelier/);
    await shot(page, 'identity-cases-list-1024');

    // the case: both records side by side, with the evidence
    await row.getByTestId('identity-open').click();
    await page.waitForURL(new RegExp(`/sync/identity-cases/${omar!.id}$`));
    await page.getByTestId('identity-decide').waitFor();
    const sideOf = async (testId: string) => ({
      site: await page.getByTestId(testId).getAttribute('data-site'),
      names: await page.getByTestId(testId).getByTestId('identity-record-names').textContent(),
    });
    const sides = [await sideOf('identity-record-a'), await sideOf('identity-record-b')];
    expect(sides.map((s) => s.site).sort()).toEqual([ALPHA, BETA].sort());
    const alphaSide = sides.find((s) => s.site === ALPHA)!;
    expect(alphaSide.names).toContain('Omar Farouq al-Hadithi');
    expect(alphaSide.names).toContain('عمر فاروق الحديثي');
    expect(sides.find((s) => s.site === BETA)!.names).toContain('Omar Farouk Al Hadithi');
    await expect(page.getByTestId('identity-evidence-name').textContent()).resolves.toMatch(/Names\s*\d/);
    const detail = await apiAs<{ evidence: { face: number | null; log10Lr: number | null } }>(page, `/sync/identity-cases/${omar!.id}`);
    if (detail.evidence.face === null) await expect(page.getByTestId('identity-evidence-face').textContent()).resolves.toContain('not compared');
    if (detail.evidence.log10Lr !== null)
      await expect(page.getByTestId('identity-evidence-ratio').textContent()).resolves.toMatch(/about [\d,.]+ times likelier/);
    await shot(page, 'identity-case-1024', true);

    // same person, the alpha record the reference, but no reason: the API refuses, its message on screen
    await page.getByTestId('identity-choice').getByText('Same person', { exact: true }).click();
    const alphaIsA = sides[0]!.site === ALPHA;
    await page.getByTestId(alphaIsA ? 'identity-reference-a' : 'identity-reference-b').check();
    await page.getByTestId('identity-submit').click();
    await page.getByTestId('identity-decide-error').waitFor();
    const refused = await page.request.post(`${hqUrl}/api/v1/sync/identity-cases/${omar!.id}/decide`, {
      data: { decision: 'same_person', reason: '', reference: { siteId: ALPHA, personId: omarAlpha } },
    });
    expect(refused.status()).toBe(400);
    const apiMessage = ((await refused.json()) as { error: { message: string } }).error.message;
    await expect(page.getByTestId('identity-decide-error-message').textContent()).resolves.toBe(apiMessage);
    await expect(apiAs<{ status: string }>(page, `/sync/identity-cases/${omar!.id}`)).resolves.toMatchObject({ status: 'open' });

    // with a reason: decided, and the page says who, when, why and which record is the reference
    await page.getByTestId('identity-reason').fill('photos compared; same family book number at both sites');
    await page.getByTestId('identity-submit').click();
    await page.getByTestId('identity-decision').waitFor();
    await expect(page.getByTestId('identity-case-status').getAttribute('data-status')).resolves.toBe('same_person');
    // (the name and the date are bidi-isolated in the sentence: U+2068 … U+2069)
    const decidedBy = ((await page.getByTestId('identity-decided-by').textContent()) ?? '').replace(/[\u2066-\u2069]/g, '');
    expect(decidedBy).toMatch(/^Decided by admin, \d{1,2} \w{3} \d{4}, \d\d:\d\d$/);
    await expect(page.getByTestId('identity-decided-reason').textContent()).resolves.toContain('same family book number at both sites');
    await expect(page.getByTestId('identity-decided-reference').textContent()).resolves.toContain(ALPHA);
    await expect(
      page
        .getByTestId(alphaIsA ? 'identity-record-a' : 'identity-record-b')
        .getByTestId('identity-reference-badge')
        .count(),
    ).resolves.toBe(1);
    await expect(page.getByTestId('identity-decide').count()).resolves.toBe(0);
    const decided = await apiAs<{ status: string; decision: { referenceSite: string; referencePerson: string } }>(page, `/sync/identity-cases/${omar!.id}`);
    expect(decided).toMatchObject({ status: 'same_person', decision: { referenceSite: ALPHA, referencePerson: omarAlpha } });
    await shot(page, 'identity-case-decided-1024', true);

    // the list: one fewer open, and the case among the same-person ones
    await page.getByText('Back to the identity cases').click();
    await page.waitForURL(/\/sync\/identity-cases$/);
    await page.getByTestId('identity-total').waitFor();
    await settled(page);
    await expect(page.getByTestId('identity-total').getAttribute('data-total')).resolves.toBe(String(open.total - 1));
    await expect(page.locator(`[data-testid=identity-row][data-case-id="${omar!.id}"]`).count()).resolves.toBe(0);
    await page.getByTestId('identity-tabs').getByText('Same person', { exact: true }).click();
    const decidedRow = page.locator(`[data-testid=identity-row][data-case-id="${omar!.id}"]`);
    await decidedRow.waitFor();
    await expect(decidedRow.getByTestId('identity-status').textContent()).resolves.toBe('Same person');
    const samePerson = await apiAs<CasesPage>(page, '/sync/identity-cases?status=same_person');
    await expect(page.getByTestId('identity-total').getAttribute('data-total')).resolves.toBe(String(samePerson.total));

    // another case, decided by someone else while this page is open: the refusal (409) is shown with the API's
    // message, and the page reads the case again and shows their decision
    const khalid = open.rows.find((r) => r.a?.names[0]?.startsWith('Khal') && r.b?.names[0]?.startsWith('Khal'));
    expect(khalid, 'the Khalid case').toBeDefined();
    await page.goto(`${hqUrl}/sync/identity-cases/${khalid!.id}`);
    await page.getByTestId('identity-decide').waitFor();
    await page.getByTestId('identity-choice').getByText('Different persons', { exact: true }).click();
    await page.getByTestId('identity-reason').fill('different fathers named in the two files');
    const elsewhere = await page.request.post(`${hqUrl}/api/v1/sync/identity-cases/${khalid!.id}/decide`, {
      data: { decision: 'different_persons', reason: 'decided at another desk meanwhile' },
    });
    expect(elsewhere.status()).toBe(200);
    await page.getByTestId('identity-submit').click();
    await page.getByTestId('identity-decision').waitFor();
    const again = await page.request.post(`${hqUrl}/api/v1/sync/identity-cases/${khalid!.id}/decide`, {
      data: { decision: 'different_persons', reason: 'different fathers named in the two files' },
    });
    expect(again.status()).toBe(409);
    const conflict = ((await again.json()) as { error: { code: string; message: string } }).error;
    expect(conflict.code).toBe('sync.identity_case_decided');
    await expect(page.getByTestId('identity-decide-error-message').textContent()).resolves.toBe(conflict.message);
    await expect(page.getByTestId('identity-decided-reason').textContent()).resolves.toContain('decided at another desk meanwhile');
    await expect(page.getByTestId('identity-case-status').getAttribute('data-status')).resolves.toBe('different_persons');

    expect(appErrors(errors)).toEqual([]);
    await context.close();
  });

  it('a case raised by a fingerprint under another name shows the finger score and says the names speak against it', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, hqUrl, 'admin');
    const open = await apiAs<{ rows: { id: string; basis: string; evidence: { finger: number | null; raisedBy: string | null } }[] }>(
      page,
      '/sync/identity-cases?status=open&limit=200',
    );
    const byFinger = open.rows.filter((r) => r.basis === 'fingerprint');
    expect(byFinger).toHaveLength(1);
    const c = byFinger[0]!;
    expect(c.evidence.raisedBy).toBe('biometrics');
    await page.goto(`${hqUrl}/sync/identity-cases/${c.id}`);
    await page.getByTestId('identity-decide').waitFor();
    const fingerText = (await page.getByTestId('identity-evidence-finger').textContent()) ?? '';
    expect(fingerText).toContain(String(Math.round(c.evidence.finger! * 100) / 100).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    await expect(page.getByTestId('identity-raised-by').textContent()).resolves.toContain('The face or fingerprint alone reaches the bar');
    await expect(page.getByTestId('identity-evidence').textContent()).resolves.toContain('Raised on Fingerprint');
    await shot(page, 'identity-case-fingerprint-1024', true);
    expect(appErrors(errors)).toEqual([]);
    await context.close();
  });

  it('fits a phone and a laptop, in English and in Arabic (right to left)', async () => {
    // an open case (its decision form, the reference choice shown) and a decided one
    const openCase = (await hq.sync.identityCases.page(reader, { status: 'open', limit: 1, offset: 0 })).rows[0]!.id;
    const decidedCase = (await hq.sync.identityCases.page(reader, { status: 'same_person', limit: 1, offset: 0 })).rows[0]!.id;
    const screens = [
      { path: '/sync/identity-cases', name: 'list', ready: 'identity-total' },
      { path: `/sync/identity-cases/${openCase}`, name: 'case-open', ready: 'identity-decide' },
      { path: `/sync/identity-cases/${decidedCase}`, name: 'case', ready: 'identity-decision' },
    ];
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1024, height: 768 },
    ]) {
      const { context, page, errors } = await newPage(browser, viewport);
      await login(page, hqUrl, 'admin');
      for (const language of ['en', 'ar'] as const) {
        if (language === 'ar') await chooseLanguage(page, 'ar');
        for (const screen of screens) {
          await page.goto(`${hqUrl}${screen.path}`);
          await page.locator('h1').first().waitFor();
          await page.getByTestId(screen.ready).waitFor();
          if (screen.name === 'case-open') {
            await page.getByTestId('identity-choice').locator('label').first().click();
            await page.getByTestId('identity-reference-a').waitFor();
          }
          await settled(page);
          expect(await noSidewaysScroll(page), `${screen.name} at ${viewport.width} in ${language}`).toBeLessThanOrEqual(0);
          await shot(page, `identity-${screen.name}-${language}-${viewport.width}`, true);
        }
        if (language === 'ar') {
          await expect(page.evaluate(() => document.documentElement.dir)).resolves.toBe('rtl');
          await expect(page.getByTestId('identity-evidence-face').textContent()).resolves.toMatch(/[\u0600-\u06FF]/);
          await chooseLanguage(page, 'en'); // the choice is kept on the account: put it back
        }
      }
      expect(appErrors(errors)).toEqual([]);
      await context.close();
    }
  });

  it('a scoped registrar reads the API refusal, not a broken page', async () => {
    const { context, page, errors } = await newPage(browser);
    await login(page, hqUrl, 'registrar');
    const res = await page.request.get(`${hqUrl}/api/v1/sync/identity-cases`);
    expect(res.status()).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('sync.identity_scope');
    const all = await hq.sync.identityCases.page(reader, { limit: 1, offset: 0 });
    for (const path of ['/sync/identity-cases', `/sync/identity-cases/${all.rows[0]!.id}`]) {
      await page.goto(`${hqUrl}${path}`);
      await page.getByTestId('identity-error').waitFor();
      await expect(page.getByTestId('identity-error').getAttribute('data-code')).resolves.toBe('sync.identity_scope');
      await expect(page.getByTestId('identity-error-message').textContent()).resolves.toContain(body.error.message);
      await expect(page.getByTestId('identity-decide').count()).resolves.toBe(0);
    }
    await shot(page, 'identity-scoped-refused-1024');
    expect(appErrors(errors)).toEqual([]);
    await context.close();
  });
});
