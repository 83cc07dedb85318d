import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/platform/clock';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildPerson } from './factories';

/**
 * Issue #6 follow-ups: a list update that removes an entry withdraws the pending hits against it, and a list update
 * screens the registry only against the entries it added or changed, losing nothing a full re-screen would find.
 * The two shared UN releases differ by exactly what these need: 2026-02-27 removes IQi.074 (MUNIR AL QUBAYSI, 1966,
 * Iraq), adds four Sudanese entries (SDi.007-010; SDi.008 ABDUL RAHIM HAMDAN DAGALO, 1972) and changes two entries
 * outside their screened data (HTi.006, SOi.022 ABDULLAHI OSMAN MOHAMED CADDOW).
 */
const DATA = process.env.CUSTOS_WATCHLISTS ?? fileURLToPath(new URL('../../shared/data/watchlists/', import.meta.url));
const OLD = `${DATA}/un-consolidated/2025-11-18_mkweli/un_consolidated.xml`;
const NEW = `${DATA}/un-consolidated/2026-02-27_watchman/UN_consolidated.xml`;

function readList(path: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `Watchlist test data missing: ${path} (expected the shared data folder ../shared/data/watchlists beside the repository, or CUSTOS_WATCHLISTS)`,
    );
  }
  return readFileSync(path, 'utf8');
}

interface Hit {
  id: string;
  personId: string;
  status: string;
  trigger: string;
  entry: { ref: string; active: boolean; removedIn: { versionId: string; at: string } | null };
  decision: { at: string; by: string | null; reason: string | null } | null;
  withdrawal: { at: string; versionId: string; reason: string } | null;
}

const list = await targets();

describe.each(list)('list updates: withdrawn hits and screening against what changed, on %s', (target) => {
  let app: TestApp;
  let screener: string;
  let oldXml: string;
  let newXml: string;

  beforeAll(async () => {
    oldXml = readList(OLD);
    newXml = readList(NEW);
    app = await createTestApp(target);
    screener = await app.tokenFor('screening');
  }, 60_000);
  afterAll(async () => {
    await app?.services.settle();
    await app?.close();
  });

  const importXml = async (xml: string, fileName: string, force = false) => {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/v1/watchlists/import?fileName=${fileName}${force ? '&force=true' : ''}`,
      headers: { ...auth(screener), 'content-type': 'application/xml' },
      payload: xml,
    });
    expect(res.statusCode, res.body).toBe(201);
    await app.services.settle();
    return res.json() as { id: string; diff: { added: number; removed: number; changed: number }; warnings: string[] };
  };
  const hitsOf = async (personId: string, ref?: string): Promise<Hit[]> => {
    const res = await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${personId}`, headers: auth(screener) });
    expect(res.statusCode).toBe(200);
    return (res.json() as Hit[]).filter((h) => ref === undefined || h.entry.ref === ref);
  };
  const queue = async (status: string): Promise<Hit[]> => {
    const res = await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?status=${status}&limit=500`, headers: auth(screener) });
    expect(res.statusCode).toBe(200);
    return res.json() as Hit[];
  };
  const decide = (hitId: string, decision: 'confirm' | 'dismiss', reason: string) =>
    app.http.inject({ method: 'POST', url: `/api/v1/screening/hits/${hitId}/${decision}`, headers: auth(screener), payload: { reason } });
  const lastRun = async () => {
    const runs = await app.services.audit.list(adminActor, { action: 'screening.run', limit: 1 });
    return runs[0]!.details as Record<string, unknown>;
  };

  it('withdraws the pending hits against an entry a release removes, keeps decisions, and raises the pair again when the entry is back', async () => {
    const munir = await buildPerson(app.services, { names: [{ full: 'Munir al-Kubaysi' }], birthDate: '1966', nationalities: ['IRQ'] });
    const munirDismissed = await buildPerson(app.services, { names: [{ full: 'Muneer Al-Kubaisi' }], birthDate: '1966', nationalities: ['IRQ'] });
    const munirConfirmed = await buildPerson(app.services, { names: [{ full: 'منير القبيسي' }], birthDate: '1966', nationalities: ['IRQ'] });
    const caddow = await buildPerson(app.services, { names: [{ full: 'Abdullahi Osman Mohamed Caddow' }], birthDate: '1975', nationalities: ['SOM'] });
    const dagalo = await buildPerson(app.services, { names: [{ full: 'Abdul Rahim Hamdan Dagalo' }], birthDate: '1972-01-01', nationalities: ['SDN'] });
    await app.services.settle();

    const v1 = await importXml(oldXml, 'un-2025-11-18.xml');
    const [pendingHit] = await hitsOf(munir, 'IQi.074');
    expect(pendingHit?.status).toBe('pending');
    const [toDismiss] = await hitsOf(munirDismissed, 'IQi.074');
    const [toConfirm] = await hitsOf(munirConfirmed, 'IQi.074');
    const [caddowHit] = await hitsOf(caddow, 'SOi.022');
    expect([toDismiss?.status, toConfirm?.status, caddowHit?.status]).toEqual(['pending', 'pending', 'pending']);
    expect(await hitsOf(dagalo)).toEqual([]);
    expect((await decide(toDismiss!.id, 'dismiss', 'Family book: born in Ramadi to another father')).statusCode).toBe(200);
    expect((await decide(toConfirm!.id, 'confirm', 'Passport seen; matches the listed birth')).statusCode).toBe(200);
    expect((await decide(caddowHit!.id, 'dismiss', 'Different clan and birth place per interview')).statusCode).toBe(200);
    // an index built before the removal, as a screening already running when the import commits would hold
    const staleIndex = await app.services.screening.currentIndex();

    const v2 = await importXml(newXml, 'un-2026-02-27.xml');
    expect(v2.diff).toMatchObject({ added: 4, removed: 1, changed: 2 });

    // the pending hit left the queue ...
    expect((await queue('pending')).some((h) => h.id === pendingHit!.id)).toBe(false);
    expect((await queue('withdrawn')).map((h) => h.id)).toContain(pendingHit!.id);
    // ... and is still there to read, with why and by which version
    const read = await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits/${pendingHit!.id}`, headers: auth(screener) });
    expect(read.statusCode).toBe(200);
    const withdrawn = read.json() as Hit;
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.decision).toBeNull();
    expect(withdrawn.withdrawal?.versionId).toBe(v2.id);
    expect(withdrawn.withdrawal?.reason).toContain('IQi.074');
    expect(withdrawn.withdrawal?.reason).toContain(`removed from the un-consolidated list in version ${v2.id}`);
    expect(withdrawn.entry).toMatchObject({ active: false, removedIn: { versionId: v2.id } });
    // nothing is left to decide on it
    const late = await decide(pendingHit!.id, 'confirm', 'seen the passport');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('screening.hit_withdrawn');
    expect(late.json().error.message).toContain('IQi.074');
    // the withdrawal is audited on the person, by the import's actor, like a decision
    const audit = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: munir, action: 'screening.hit_withdraw', limit: 10 });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ hitId: pendingHit!.id, ref: 'IQi.074', versionId: v2.id });
    const version = (await app.http.inject({ method: 'GET', url: `/api/v1/watchlists/versions/${v2.id}`, headers: auth(screener) })).json();
    expect(version.withdrawnHits).toBe(1);

    // decided hits keep their decision and show that the entry is off the list
    const [dismissed] = await hitsOf(munirDismissed, 'IQi.074');
    expect(dismissed).toMatchObject({ status: 'dismissed', decision: { reason: 'Family book: born in Ramadi to another father' }, withdrawal: null });
    expect(dismissed!.entry).toMatchObject({ active: false, removedIn: { versionId: v2.id } });
    const [confirmed] = await hitsOf(munirConfirmed, 'IQi.074');
    expect(confirmed).toMatchObject({ status: 'confirmed', entry: { active: false } });

    // a screening that matched against the list before the removal records no hit against the removed entry
    const stale = await app.services.screening.screenPersons([munir], 'test:stale-index', {}, staleIndex);
    expect(stale.newHits).toBe(0);
    expect((await hitsOf(munir, 'IQi.074')).map((h) => h.status)).toEqual(['withdrawn']);

    // the list update screened against the entries it added or changed only: the added SDi.008 is hit ...
    const [dagaloHit] = await hitsOf(dagalo, 'SDi.008');
    expect(dagaloHit).toMatchObject({ status: 'pending', trigger: `list_update:un-consolidated:${v2.id}` });
    // ... the changed SOi.022 was screened again and its dismissed pair (same data) not raised again
    expect((await hitsOf(caddow, 'SOi.022')).map((h) => h.status)).toEqual(['dismissed']);
    const run = await lastRun();
    // the four added and two changed entries are all individuals
    expect(run).toMatchObject({ scope: 'entries added or changed', versions: [v2.id], entries: 6 });
    // and a full re-screen finds nothing the list update missed
    const full = await app.services.screening.screenAll('test:full');
    expect(full.candidates).toBeGreaterThan(0);
    expect({ newHits: full.newHits, refreshedHits: full.refreshedHits }).toEqual({ newHits: 0, refreshedHits: 0 });

    // the entry comes back (the older release again): the withdrawn pair is raised again; decisions stand
    // an older release is refused unless forced: it would silently become the current version
    const refused = await app.http.inject({
      method: 'POST',
      url: '/api/v1/watchlists/import?fileName=un-2025-11-18-again.xml',
      headers: { ...auth(screener), 'content-type': 'application/xml' },
      payload: oldXml,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'watchlist.older_release', details: { currentVersionId: v2.id } });
    expect(refused.json().error.message).toMatch(/release of 2025-11-18 is older than the current version's release of 2026-02-27/);
    expect((await app.services.screening.versions(adminActor)).map((v) => v.id)[0]).toBe(v2.id);
    const v3 = await importXml(oldXml, 'un-2025-11-18-again.xml', true);
    expect(v3.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/imported with force/)]));
    expect(v3.diff).toMatchObject({ added: 1, removed: 4 });
    const munirHits = await hitsOf(munir, 'IQi.074');
    expect(munirHits.map((h) => h.status).sort()).toEqual(['pending', 'withdrawn']);
    expect(munirHits.find((h) => h.status === 'pending')).toMatchObject({
      trigger: `list_update:un-consolidated:${v3.id}`,
      entry: { active: true, removedIn: null },
    });
    expect((await hitsOf(munirDismissed, 'IQi.074')).map((h) => h.status)).toEqual(['dismissed']);
    expect((await hitsOf(munirConfirmed, 'IQi.074')).map((h) => h.status)).toEqual(['confirmed']);
    // and the Sudanese entries it lacks withdraw the hit they had raised
    expect((await hitsOf(dagalo, 'SDi.008')).map((h) => h.status)).toEqual(['withdrawn']);
    expect(v1.id).not.toBe(v3.id);
  }, 240_000);

  it('answers bad input about withdrawn hits with 4xx, never 500', async () => {
    const cases = [
      { method: 'GET' as const, url: '/api/v1/screening/hits?status=withdrawnish' },
      { method: 'GET' as const, url: '/api/v1/screening/hits?status=withdrawn&limit=0' },
      { method: 'GET' as const, url: '/api/v1/watchlists/versions/not-a-version' },
      { method: 'POST' as const, url: '/api/v1/screening/hits/01900000-0000-7000-8000-000000000000/dismiss', payload: { reason: 'no such hit' } },
    ];
    for (const c of cases) {
      const res = await app.http.inject({ ...c, headers: auth(screener) });
      expect(res.statusCode, `${c.method} ${c.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${c.method} ${c.url}`).toBeLessThan(500);
      expect(res.json().error.message, `${c.method} ${c.url}`).toBeTruthy();
    }
    const [hit] = await queue('withdrawn');
    expect(hit).toBeDefined();
    const tooShort = await decide(hit!.id, 'dismiss', 'no');
    expect(tooShort.statusCode).toBe(400);
  });
});

/** A small list, written here: one individual without a date of birth (so that age alone decides who is screened). */
function craftedList(entries: { ref: string; first: string; second: string; third: string }[]): string {
  const individuals = entries
    .map(
      (e, i) => `    <INDIVIDUAL>
      <DATAID>${i + 1}</DATAID><FIRST_NAME>${e.first}</FIRST_NAME><SECOND_NAME>${e.second}</SECOND_NAME><THIRD_NAME>${e.third}</THIRD_NAME>
      <REFERENCE_NUMBER>${e.ref}</REFERENCE_NUMBER>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
    </INDIVIDUAL>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
${individuals}
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
`;
}

const JUBURI = { ref: 'QDi.901', first: 'KHALID', second: 'SALEH', third: 'AL-JUBURI' };
const HADITHI = { ref: 'QDi.902', first: 'OMAR', second: 'FAROUQ', third: 'AL-HADITHI' };

describe.each(list)('list updates: who is screened against unchanged entries, on %s', (target) => {
  let app: TestApp;
  let clock: FakeClock;

  beforeAll(async () => {
    clock = new FakeClock('2026-01-10T08:00:00Z');
    app = await createTestApp(target, { clock });
  }, 60_000);
  afterAll(async () => {
    await app?.services.settle();
    await app?.close();
  });

  const importList = async (xml: string) => {
    const v = await app.services.screening.importList(adminActor, { format: 'un-consolidated', content: xml, fileName: 'crafted.xml' });
    await app.services.settle();
    return v;
  };
  const refsOf = async (personId: string) =>
    (await app.services.screening.hits(adminActor, { personId, limit: 50, offset: 0 })).map((h) => `${h.entry.ref} ${h.status} ${h.trigger}`);

  it('screens a person who came of age since the last update against the unchanged entries too', async () => {
    // a possible minor on 10 January (born by 1 February 2008 at the latest): skipped by every automatic screening
    const young = await buildPerson(app.services, { names: [{ full: 'Khalid Salih al-Juburi' }], birthDate: '2008-02-01', nationalities: ['IRQ'] });
    const adult = await buildPerson(app.services, { names: [{ full: 'Omar Faruq al-Hadithi' }], birthDate: '1980', nationalities: ['IRQ'] });
    await importList(craftedList([JUBURI]));
    expect(await refsOf(young)).toEqual([]);

    // eighteen by the next update, which adds an entry and leaves QDi.901 as it was
    clock.set('2026-02-15T08:00:00Z');
    const v2 = await importList(craftedList([JUBURI, HADITHI]));
    expect(await refsOf(young)).toEqual(['QDi.901 pending came_of_age']);
    expect(await refsOf(adult)).toEqual([`QDi.902 pending list_update:un-consolidated:${v2.id}`]);
    const [run] = await app.services.audit.list(adminActor, { action: 'screening.run', limit: 1 });
    expect(run!.details).toMatchObject({ versions: [v2.id], entries: 1, cameOfAge: { screened: 1, newHits: 1 } });
  });

  it('screens who turned 18 between list updates without waiting for one, once', async () => {
    // nothing to do the same day as the last screening
    expect(await app.services.screening.screenComingOfAge('test:same-day')).toMatchObject({ screened: 0, listUpdate: false });
    // a possible minor on 15 February (born in June 2008 at the latest), eighteen in July; no list changes meanwhile
    const turning = await buildPerson(app.services, { names: [{ full: 'Omar Farouk al-Hadithi' }], birthDate: '2008-06-20', nationalities: ['IRQ'] });
    await app.services.settle();
    expect(await refsOf(turning)).toEqual([]);
    clock.set('2026-07-01T08:00:00Z');
    const r = await app.services.screening.screenComingOfAge();
    expect(r).toMatchObject({ screened: 1, newHits: 1, bornAfter: '2008-02-15', bornUpTo: '2008-07-01', listUpdate: false });
    expect(await refsOf(turning)).toEqual(['QDi.902 pending came_of_age']);
    const [run] = await app.services.audit.list(adminActor, { action: 'screening.run', limit: 1 });
    expect(run!.details).toMatchObject({ scope: 'came of age', screened: 1, newHits: 1 });
    // the mark moved: the next run has no one left to screen
    expect(await app.services.screening.screenComingOfAge('test:again')).toMatchObject({ screened: 0, bornAfter: '2008-07-01' });
  });

  it('takes up a version whose screening never ran, and has nothing to do once every version is screened', async () => {
    expect((await app.services.screening.screenListUpdates('test:again')).versions).toEqual([]);
    const adult = await buildPerson(app.services, { names: [{ full: 'Omar Faruq al-Hadithi' }], birthDate: '1980', nationalities: ['IRQ'] });
    await app.services.settle();
    const [hit] = await app.services.screening.hits(adminActor, { personId: adult, limit: 5, offset: 0 });
    expect(hit?.trigger).toBe('enrolment');
    // as if the process had stopped after the import committed, before its screening ran
    const [latest] = await app.services.screening.versions(adminActor);
    await app.services.database.exec(`update watchlist_versions set screened_as_of = null where id = '${latest!.id}'`);
    const r = await app.services.screening.screenListUpdates('test:recovery');
    expect(r.versions).toEqual([latest!.id]);
    expect(r.entries).toBe(1);
    // the pending hits it meets again are kept as they are
    expect(r.candidates).toBeGreaterThan(0);
    expect(r.newHits).toBe(0);
  });
});
