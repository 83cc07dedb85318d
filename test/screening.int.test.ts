import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildPerson } from './factories';

const DATA = process.env.CUSTOS_WATCHLISTS ?? fileURLToPath(new URL('../../shared/data/watchlists/', import.meta.url));
const NEW = `${DATA}/un-consolidated/2026-02-27_watchman/UN_consolidated.xml`;
const OLD = `${DATA}/un-consolidated/2025-11-18_mkweli/un_consolidated.xml`;

function readList(path: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `Watchlist test data missing: ${path} (expected the shared data folder ../shared/data/watchlists beside the repository, or CUSTOS_WATCHLISTS)`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** Counts taken from the XML text itself, independently of the importer. */
function countsOf(xml: string) {
  const individuals = [...xml.matchAll(/<INDIVIDUAL>([\s\S]*?)<\/INDIVIDUAL>/g)].map((m) => m[1]!);
  const entities = xml.match(/<ENTITY>/g)?.length ?? 0;
  let aliases = 0;
  let arabic = 0;
  for (const block of individuals) {
    aliases += [...block.matchAll(/<ALIAS_NAME>([^<]*)<\/ALIAS_NAME>/g)].filter((m) => m[1]!.trim() !== '').length;
    const original = /<NAME_ORIGINAL_SCRIPT>([^<]*)<\/NAME_ORIGINAL_SCRIPT>/.exec(block)?.[1] ?? '';
    if (/[\u0600-\u06FF]/.test(original)) arabic++;
  }
  return { individuals: individuals.length, entities, aliases, arabic };
}

/** Reference number -> the entry's XML block without the fields that change with every publication. */
function blocksOf(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<(INDIVIDUAL|ENTITY)>([\s\S]*?)<\/\1>/g)) {
    const ref = /<REFERENCE_NUMBER>([^<]*)<\/REFERENCE_NUMBER>/.exec(m[2]!)![1]!.trim();
    out.set(ref, m[2]!.replace(/\s+/g, ' '));
  }
  return out;
}

const list = await targets();

describe.each(list)('watchlists and screening on %s', (target) => {
  let app: TestApp;
  let screener: string;
  let newXml: string;
  let oldXml: string;

  beforeAll(async () => {
    newXml = readList(NEW);
    oldXml = readList(OLD);
    app = await createTestApp(target);
    screener = await app.tokenFor('screening');
  }, 60_000);
  afterAll(async () => {
    await app?.services.settle();
    await app?.close();
  });

  const importXml = (xml: string, token = screener, fileName = 'list.xml') =>
    app.http.inject({
      method: 'POST',
      url: `/api/v1/watchlists/import?fileName=${fileName}`,
      headers: { ...auth(token), 'content-type': 'application/xml' },
      payload: xml,
    });

  it('refuses a truncated or corrupt list and changes nothing', async () => {
    const truncated = await importXml(oldXml.slice(0, Math.floor(oldXml.length * 0.6)));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.code).toBe('watchlist.malformed');
    const wrongRoot = await importXml('<?xml version="1.0"?><SOMETHING><ELSE/></SOMETHING>');
    expect(wrongRoot.statusCode).toBe(400);
    const notXml = await importXml('just text, no XML');
    expect(notXml.statusCode).toBe(400);
    const tooBig = await app.http.inject({
      method: 'POST',
      url: '/api/v1/watchlists/import',
      headers: { ...auth(screener), 'content-type': 'application/xml' },
      payload: Buffer.alloc(17 * 1024 * 1024, 0x20),
    });
    expect(tooBig.statusCode).toBe(413);
    const versions = await app.http.inject({ method: 'GET', url: '/api/v1/watchlists', headers: auth(screener) });
    expect(versions.json()).toEqual([]);
  });

  it('keeps the security side apart: a registrar may neither import nor read hits', async () => {
    const registrar = await app.tokenFor('registrar');
    expect((await importXml(oldXml, registrar)).statusCode).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: '/api/v1/screening/hits', headers: auth(registrar) })).statusCode).toBe(403);
  });

  it('imports the UN list with the counts the file holds, then the next release as a diff', async () => {
    const first = await importXml(oldXml, screener, 'un-2025-11-18.xml');
    expect(first.statusCode).toBe(201);
    const expected = countsOf(oldXml);
    const v1 = first.json();
    expect(v1.stats.individuals).toBe(expected.individuals);
    expect(v1.stats.entities).toBe(expected.entities);
    expect(v1.stats.individualAliases).toBe(expected.aliases);
    expect(v1.stats.arabicScriptNames).toBe(expected.arabic);
    expect(v1.diff.added).toBe(expected.individuals + expected.entities);

    const second = await importXml(newXml, screener, 'un-2026-02-27.xml');
    expect(second.statusCode).toBe(201);
    const v2 = second.json();
    const n = countsOf(newXml);
    expect(v2.stats).toMatchObject({ individuals: n.individuals, entities: n.entities, individualAliases: n.aliases, arabicScriptNames: n.arabic });

    const before = blocksOf(oldXml);
    const after = blocksOf(newXml);
    const added = [...after.keys()].filter((r) => !before.has(r)).sort();
    const removed = [...before.keys()].filter((r) => !after.has(r)).sort();
    expect([...v2.changes.added].sort()).toEqual(added);
    expect([...v2.changes.removed].sort()).toEqual(removed);
    expect(added.length + removed.length).toBeGreaterThan(0);
    // every entry reported changed differs in the file; entries whose XML is identical are not reported
    for (const ref of v2.changes.changed) expect(after.get(ref)).not.toBe(before.get(ref));
    const identical = [...after.keys()].filter((r) => before.get(r) === after.get(r));
    expect(v2.changes.changed.filter((r: string) => identical.includes(r))).toEqual([]);
    expect(v2.diff.unchanged + v2.diff.changed + v2.diff.added).toBe(after.size);

    const versions = (await app.http.inject({ method: 'GET', url: '/api/v1/watchlists', headers: auth(screener) })).json();
    expect(versions).toHaveLength(2);
    expect(versions[0].id).toBe(v2.id);
    const detail = (await app.http.inject({ method: 'GET', url: `/api/v1/watchlists/versions/${v2.id}`, headers: auth(screener) })).json();
    expect(
      detail.changes
        .filter((c: { change: string }) => c.change === 'removed')
        .map((c: { ref: string }) => c.ref)
        .sort(),
    ).toEqual(removed);
    await app.services.settle();
  }, 120_000);

  it('hits a person recorded with another spelling and the same birth year; a dismissed hit does not return', async () => {
    // QDi.299 is IBRAHIM AWWAD IBRAHIM ALI AL-BADRI AL-SAMARRAI, born 1971 (Iraq)
    const personId = await buildPerson(app.services, { names: [{ full: 'Ibrahim Awad Ibrahim al-Badri' }], birthDate: '1971', nationalities: ['IRQ'] });
    const bystander = await buildPerson(app.services, { names: [{ full: 'Yusuf Karim Hadi al-Mansouri' }], birthDate: '1971', nationalities: ['IRQ'] });
    await app.services.settle();

    const pending = (await app.http.inject({ method: 'GET', url: '/api/v1/screening/hits?status=pending', headers: auth(screener) })).json();
    const mine = pending.filter((h: { personId: string }) => h.personId === personId);
    const hit = mine.find((h: { entry: { ref: string } }) => h.entry.ref === 'QDi.299');
    expect(hit).toBeDefined();
    expect(hit.status).toBe('pending');
    expect(hit.evidence.birth.outcome).toBe('match');
    expect(hit.evidence.name.parts.length).toBeGreaterThan(0);
    expect(hit.trigger).toBe('enrolment');
    expect(pending.some((h: { personId: string }) => h.personId === bystander)).toBe(false);
    // a new hit raised an alert that says only that candidates wait (no name, no list)
    const alerts = await app.services.alerts.list(adminActor, { status: 'open', rule: 'screening.hit', limit: 50 });
    const alert = alerts.find((a) => ((a.details as { hitIds?: string[] }).hitIds ?? []).includes(hit.id));
    expect(alert?.title).toMatch(/awaiting review/);
    expect(JSON.stringify(alert)).not.toContain('Badri');

    const noReason = await app.http.inject({ method: 'POST', url: `/api/v1/screening/hits/${hit.id}/dismiss`, headers: auth(screener), payload: {} });
    expect(noReason.statusCode).toBe(400);
    const dismissed = await app.http.inject({
      method: 'POST',
      url: `/api/v1/screening/hits/${hit.id}/dismiss`,
      headers: auth(screener),
      payload: { reason: 'Different father per family book; born in Basra' },
    });
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json().status).toBe('dismissed');
    const again = await app.http.inject({
      method: 'POST',
      url: `/api/v1/screening/hits/${hit.id}/confirm`,
      headers: auth(screener),
      payload: { reason: 'changed my mind' },
    });
    expect(again.statusCode).toBe(409);

    // the list is imported again (a list update screens against what it changed: nothing here) and everyone is
    // re-screened in full: the dismissed pair is not raised again
    expect((await importXml(newXml)).statusCode).toBe(201);
    await app.services.settle();
    await app.services.screening.screenAll('test:full');
    const pairHits = (await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${personId}`, headers: auth(screener) }))
      .json()
      .filter((h: { entry: { ref: string } }) => h.entry.ref === 'QDi.299');
    expect(pairHits.map((h: { status: string }) => h.status)).toEqual(['dismissed']);

    // ... unless the person's screened data change (a new name is recorded)
    await app.services.registry.addName(adminActor, personId, { full: 'Ibrahim Awwad al-Badri' });
    await app.services.settle();
    const afterChange = (await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${personId}`, headers: auth(screener) }))
      .json()
      .filter((h: { entry: { ref: string } }) => h.entry.ref === 'QDi.299');
    expect(afterChange.map((h: { status: string }) => h.status).sort()).toEqual(['dismissed', 'pending']);

    const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: personId, limit: 100 });
    expect(audit.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['screening.hit_raised', 'screening.hit_dismiss']));
  }, 120_000);

  it('skips possible minors unless an officer asks, with a reason', async () => {
    const child = await buildPerson(app.services, { names: [{ full: 'Ibrahim Awad Ibrahim al-Badri' }], birthDate: '2014', nationalities: ['IRQ'], sex: 'M' });
    await app.services.settle();
    const none = (await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${child}`, headers: auth(screener) })).json();
    expect(none).toEqual([]);

    const noReason = await app.http.inject({
      method: 'POST',
      url: `/api/v1/screening/persons/${child}/screen`,
      headers: auth(screener),
      payload: { reason: '' },
    });
    expect(noReason.statusCode).toBe(400);
    const investigator = await app.tokenFor('investigator');
    const forbidden = await app.http.inject({
      method: 'POST',
      url: `/api/v1/screening/persons/${child}/screen`,
      headers: auth(investigator),
      payload: { reason: 'curious' },
    });
    expect(forbidden.statusCode).toBe(403);

    const asked = await app.http.inject({
      method: 'POST',
      url: `/api/v1/screening/persons/${child}/screen`,
      headers: auth(screener),
      payload: { reason: 'Court order 2026/114: identity check before repatriation' },
    });
    expect(asked.statusCode).toBe(200);
    const body = asked.json();
    expect(body.minor).toBe(true);
    // the birth years are far apart, so the same name is weak evidence: whatever the outcome, the request is recorded
    const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: child, limit: 100 });
    const request = audit.find((a: { action: string }) => a.action === 'screening.request') as
      | { details: { reason: string; possiblyMinor: boolean } }
      | undefined;
    expect(request?.details.reason).toContain('Court order');
    expect(request?.details.possiblyMinor).toBe(true);
  }, 60_000);

  it('re-screens the whole registry on worker threads with the outcome of a run on one thread', async () => {
    expect((await importXml(newXml)).statusCode).toBe(201);
    const adult = await buildPerson(app.services, {
      names: [{ full: 'Ibrahim Awwad Ibrahim al-Badri al-Samarrai' }],
      birthDate: '1971',
      nationalities: ['IRQ'],
    });
    await buildPerson(app.services, { names: [{ full: 'Ibrahim Awad Ibrahim al-Badri' }], birthDate: '2016', nationalities: ['IRQ'], sex: 'M' });
    await buildPerson(app.services, { names: [{ full: 'Yusuf Karim Hadi al-Mansouri' }], birthDate: '1980', nationalities: ['IRQ'] });
    await app.services.settle();

    const here = await app.services.screening.screenAll('test:one-thread', { workers: 0, pageSize: 3 });
    const stats = { blocked: 0, compared: 0 };
    const times: number[] = [];
    // small pages and chunks: the worker and this thread share each page while the next is read and the last recorded
    const phases = { load: 0, match: 0, record: 0, workers: 0 };
    const pooled = await app.services.screening.screenAll('test:workers', {
      workers: 1,
      pageSize: 3,
      chunkSize: 1,
      stats,
      phases,
      onPerson: (ms) => times.push(ms),
    });
    expect(phases.workers).toBe(1);
    expect(pooled).toEqual({ ...here, trigger: 'test:workers' });
    expect(pooled.skippedMinors).toBeGreaterThan(0);
    expect(pooled.candidates).toBeGreaterThan(0);
    // the same pairs again: nothing new to raise
    expect(pooled.newHits).toBe(0);
    expect(times).toHaveLength(pooled.screened);
    expect(stats.compared).toBeGreaterThan(0);
    const hits = (await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${adult}`, headers: auth(screener) })).json();
    expect(hits.some((h: { entry: { ref: string } }) => h.entry.ref === 'QDi.299')).toBe(true);
  }, 120_000);

  it('answers bad input with 4xx, never 500', async () => {
    const cases = [
      { method: 'GET' as const, url: '/api/v1/screening/hits?status=maybe' },
      { method: 'GET' as const, url: '/api/v1/screening/hits/not-a-uuid' },
      { method: 'GET' as const, url: '/api/v1/screening/hits/01900000-0000-7000-8000-000000000000' },
      { method: 'POST' as const, url: '/api/v1/screening/hits/01900000-0000-7000-8000-000000000000/confirm', payload: { reason: 'looks right' } },
      { method: 'POST' as const, url: '/api/v1/screening/persons/01900000-0000-7000-8000-000000000000/screen', payload: { reason: 'a reason' } },
      { method: 'GET' as const, url: '/api/v1/watchlists/versions/01900000-0000-7000-8000-000000000000' },
      { method: 'POST' as const, url: '/api/v1/watchlists/import', payload: { format: 'ofac-sdn', files: { sdn: '1,"BROKEN' } } },
      { method: 'POST' as const, url: '/api/v1/watchlists/import', payload: { format: 'nonsense' } },
    ];
    for (const c of cases) {
      const res = await app.http.inject({ ...c, headers: auth(screener) });
      expect(res.statusCode, `${c.method} ${c.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${c.method} ${c.url}`).toBeLessThan(500);
      expect(res.json().error.code).toBeTruthy();
    }
  });
});
