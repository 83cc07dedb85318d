/**
 * Sites and headquarters through the modules, on the real NATS JetStream server (127.0.0.1:4222, or
 * CUSTOS_TEST_NATS_URL): headquarters on each target database, two sites on PGlite, each process's relay, ingest,
 * down publisher and down consumer running.
 * - The way down read by the modules: a watchlist imported at headquarters is screened against at a site; an account
 *   created at headquarters signs in at a site (its password travelled as a hash only) and, disabled, no longer does;
 *   an alert addressed to a site is in that site's alert list; a person one site reports escaped is in the other
 *   site's wanted gallery. Headquarters issued every item from its own events; a redelivered item changes nothing.
 * - Identity across sites: the same person enrolled at both sites while they were offline becomes one identity case
 *   at headquarters, both records intact, decided by a human (bad decisions refused with their codes); the templates
 *   travel as the sites' sealed envelopes.
 * Every run uses its own prefix and deletes its streams after.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/modules/access';
import { generateTransitKey, transitRecipientFromBase64 } from '../src/modules/biometrics';
import { inspectTemplate } from '../src/modules/biometrics/template-crypto';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { HqDownPublisher, HqIngest, SiteDownConsumer, SiteRelay, SyncIdentityRecorded } from '../src/modules/sync';
import { queryRows } from '../src/platform/db/database';
import { readEvents } from '../src/platform/outbox';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const count = async (app: TestApp, query: ReturnType<typeof sql>) =>
  Number((await queryRows<{ n: string | number }>(app.services.database.db, query))[0]?.n ?? 0);

function unList(entries: { ref: string; first: string; second: string; third: string }[]): string {
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

for (const target of await targets()) {
  describe(`headquarters on ${target}, two sites on PGlite: the modules on both ends`, { timeout: 240_000 }, () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const opts = { url: NATS, prefix, pollMs: 200, batchSize: 50 };
    let hq: TestApp;
    let alpha: TestApp;
    let beta: TestApp;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    const links: { stop(): Promise<void> }[] = [];
    let alphaRelay: SiteRelay;
    let betaRelay: SiteRelay;
    let ingest: HqIngest;
    let publisher: HqDownPublisher;
    let alphaDown: SiteDownConsumer;
    let betaDown: SiteDownConsumer;
    let alphaFacility: { facilityId: string; unitId: string };
    let betaFacility: { facilityId: string; unitId: string };

    const relayFor = (app: TestApp) => new SiteRelay(app.services.sync, app.services.logger, opts, (wake) => app.services.outbox.onCommitted(() => wake()));

    beforeAll(async () => {
      // headquarters' identity key: the sites are given its public half (as `custos site init --hq-key` does)
      const identityKey = generateTransitKey();
      const hqKey = transitRecipientFromBase64(identityKey.base64);
      hq = await createTestApp(target, { siteId: 'hq', syncRole: 'hq', sync: { identityKey } });
      alpha = await createTestApp('pglite', { siteId: 'alpha', syncRole: 'site', sync: { hqKey } });
      beta = await createTestApp('pglite', { siteId: 'beta', syncRole: 'site', sync: { hqKey } });
      for (const [app, set] of [
        [alpha, (f: typeof alphaFacility) => (alphaFacility = f)],
        [beta, (f: typeof betaFacility) => (betaFacility = f)],
      ] as const) {
        const built = await buildFacility(app.services, { code: `S${randomBytes(2).toString('hex')}` }, 1);
        set({ facilityId: built.facility.id, unitId: built.units[0]!.id });
      }
      nc = await connect({ servers: NATS });
      jsm = await jetstreamManager(nc);
      alphaRelay = relayFor(alpha);
      betaRelay = relayFor(beta);
      ingest = new HqIngest(hq.services.sync, hq.services.logger, opts);
      publisher = new HqDownPublisher(hq.services.sync.down, hq.services.logger, opts);
      alphaDown = new SiteDownConsumer(alpha.services.sync.down, alpha.services.logger, opts);
      betaDown = new SiteDownConsumer(beta.services.sync.down, beta.services.logger, opts);
      links.push(alphaRelay, betaRelay, ingest, publisher, alphaDown, betaDown);
    }, 600_000);

    afterAll(async () => {
      for (const l of links) await l.stop();
      if (jsm) for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
      await nc?.close();
      await alpha?.close();
      await beta?.close();
      await hq?.close();
    });

    it('the same person enrolled at two sites while both were offline: one identity case at headquarters, both records intact', async () => {
      // both sites enrol the same man while their links are down (nothing running yet)
      const omarAlpha = await buildAdmittedPerson(alpha.services, alphaFacility, { names: [{ full: 'Omar Farouq al-Hadithi' }], birthDate: '1985', sex: 'M' });
      const omarBeta = await buildAdmittedPerson(beta.services, betaFacility, { names: [{ full: 'Omar Farouk Al Hadithi' }], birthDate: '1985', sex: 'M' });
      // someone else at beta, of another name: no case for them
      await buildAdmittedPerson(beta.services, betaFacility, { names: [{ full: 'Yusuf Karim Mansour' }], birthDate: '1970', sex: 'M' });
      // a fingerprint enrolled at alpha: its template goes up as the site's sealed envelope, never in clear
      requireFingerprintData();
      const enrolled = await alpha.services.biometrics.enrolFingerprint(adminActor, omarAlpha, 2, await readSample('fvc2002-db2b', '101_1'), 569);
      await alpha.services.settle();
      await beta.services.settle();

      const identities = (
        await readEvents(alpha.services.database.db, { siteId: 'alpha', afterSeq: 0, uptoSeq: 1e9, types: [SyncIdentityRecorded.type], limit: 100 })
      )
        .map((e) => SyncIdentityRecorded.schema.parse(e.payload))
        .filter((p) => p.personId === omarAlpha);
      const latest = identities[identities.length - 1]!;
      expect(latest.templates).toHaveLength(1);
      const [stored] = await queryRows<{ envelope: Uint8Array }>(
        alpha.services.database.db,
        sql`select envelope from biometric_templates where id = ${enrolled.template.id}`,
      );
      const sent = Buffer.from(latest.templates[0]!.envelope, 'base64');
      expect(sent.equals(Buffer.from(stored!.envelope))).toBe(true);
      expect(inspectTemplate(sent).model).toBe(latest.templates[0]!.model);
      // and re-sealed to headquarters' identity key: another envelope, which the site's own key does not open
      const forHq = Buffer.from(latest.templates[0]!.forHq!, 'base64');
      expect(forHq.subarray(0, 4).toString()).toBe('CTRN');
      expect(forHq.equals(sent)).toBe(false);

      // the links come back
      for (const l of [alphaRelay, betaRelay, ingest]) await (l as SiteRelay | HqIngest).start();
      await until('both sites at headquarters', async () => {
        const sites = (await hq.services.sync.hqStatus()).sites;
        const head = async (app: TestApp) => (await app.services.sync.siteStatus()).head;
        return (
          sites.find((s) => s.siteId === 'alpha')?.contiguousSeq === (await head(alpha)) &&
          sites.find((s) => s.siteId === 'beta')?.contiguousSeq === (await head(beta))
        );
      });
      const cases = await hq.services.sync.identityCases.page(adminActor, { limit: 10, offset: 0 });
      expect(cases.total).toBe(1);
      const c = cases.rows[0]!;
      expect(c.status).toBe('open');
      expect(c.basis).toBe('name');
      expect(c.evidence).toMatchObject({ face: null, finger: null, raisedBy: 'evidence' });
      expect(c.evidence.log10Lr!).toBeGreaterThan(0);
      expect([c.a?.personId, c.b?.personId].sort()).toEqual([omarAlpha, omarBeta].sort());
      expect(c.a?.templates ?? c.b?.templates).toBeDefined();
      // both records intact: each site's copy of its person, nothing merged
      expect(await count(hq, sql`select count(*) as n from sync_hq_identities where person_id in (${omarAlpha}, ${omarBeta})`)).toBe(2);
      expect(await count(hq, sql`select count(*) as n from sync_hq_persons where person_id in (${omarAlpha}, ${omarBeta})`)).toBe(2);
      // the templates reached headquarters sealed as the site stored them
      const [held] = await queryRows<{ templates: unknown }>(
        hq.services.database.db,
        sql`select templates from sync_hq_identities where person_id = ${omarAlpha}`,
      );
      const heldTemplates = (typeof held!.templates === 'string' ? JSON.parse(held!.templates) : held!.templates) as { envelope: string }[];
      expect(Buffer.from(heldTemplates[0]!.envelope, 'base64').equals(sent)).toBe(true);

      // headquarters is told: one warning naming the sites and the case, not the person
      await hq.services.settle();
      const raised = await hq.services.alerts.listPage(adminActor, { rule: 'sync.identity_case', limit: 10 });
      expect(raised.total).toBe(1);
      expect(raised.rows[0]).toMatchObject({ severity: 'warning', facilityId: null });
      expect(raised.rows[0]!.details).toMatchObject({ caseId: c.id });
      expect(raised.rows[0]!.title).not.toMatch(/Omar|Hadithi/);
      // over HTTP: the list with its total, one case, and what is refused (scope, role, bad input)
      const admin = await hq.tokenFor('admin');
      const getCases = (token: string, path: string) => hq.http.inject({ method: 'GET', url: `/api/v1/sync/identity-cases${path}`, headers: auth(token) });
      const listed = (await getCases(admin, '?status=open')).json() as { total: number; rows: { id: string }[] };
      expect(listed).toMatchObject({ total: 1, offset: 0, limit: 50 });
      expect(listed.rows.map((r) => r.id)).toEqual([c.id]);
      expect(new Date((listed as unknown as { now: string }).now).getTime()).toBe(hq.clock.now().getTime());
      // the total alone (a registrar's link to the cases): no record read, nothing audited
      const reads = async () => (await hq.services.audit.list(adminActor, { action: 'sync.identity_case_read', limit: 500 })).length;
      const readsBefore = await reads();
      expect((await getCases(admin, '?status=open&limit=0')).json()).toMatchObject({ total: 1, limit: 0, rows: [] });
      expect(await reads()).toBe(readsBefore);
      expect((await getCases(admin, `/${c.id}`)).json()).toMatchObject({ id: c.id, status: 'open', basis: 'name' });
      expect((await getCases(admin, '?status=merged')).statusCode).toBe(400);
      expect((await getCases(admin, '/not-a-uuid')).statusCode).toBe(400);
      expect((await getCases(admin, '/00000000-0000-4000-8000-000000000000')).json().error.code).toBe('sync.identity_case_not_found');
      const scopedRegistrar = await hq.tokenFor('registrar', { nationalities: ['IRQ'] });
      expect((await getCases(scopedRegistrar, '')).json().error.code).toBe('sync.identity_scope');
      expect((await getCases(await hq.tokenFor('commander'), '')).statusCode).toBe(403);
      const badDecision = await hq.http.inject({
        method: 'POST',
        url: `/api/v1/sync/identity-cases/${c.id}/decide`,
        headers: auth(admin),
        payload: { decision: 'merge', reason: 'no such decision' },
      });
      expect(badDecision.statusCode).toBe(400);
      // a human decides; bad decisions are refused with their codes, nothing written
      const scoped = { ...adminActor, facilityIds: [alphaFacility.facilityId] };
      await expect(hq.services.sync.identityCases.page(scoped, { limit: 10, offset: 0 })).rejects.toMatchObject({ code: 'sync.identity_scope' });
      await expect(
        hq.services.sync.identityCases.decide(adminActor, c.id, { decision: 'same_person', reason: 'fingerprints and photos agree' }),
      ).rejects.toMatchObject({
        code: 'sync.identity_reference_invalid',
      });
      await expect(
        hq.services.sync.identityCases.decide(adminActor, c.id, { decision: 'same_person', reason: 'x', reference: { siteId: 'alpha', personId: omarAlpha } }),
      ).rejects.toMatchObject({ code: 'sync.identity_reason_required' });
      await expect(hq.services.sync.identityCases.page(adminActor, { status: 'merged', limit: 10, offset: 0 })).rejects.toMatchObject({
        code: 'sync.identity_status_invalid',
      });
      expect((await hq.services.sync.identityCases.get(adminActor, c.id)).status).toBe('open');
      const decided = await hq.services.sync.identityCases.decide(adminActor, c.id, {
        decision: 'same_person',
        reason: 'same man: photos and the family tracing file agree',
        reference: { siteId: 'alpha', personId: omarAlpha },
      });
      expect(decided).toMatchObject({ status: 'same_person', decision: { referenceSite: 'alpha', referencePerson: omarAlpha } });
      await expect(hq.services.sync.identityCases.decide(adminActor, c.id, { decision: 'different_persons', reason: 'changed my mind' })).rejects.toMatchObject(
        { code: 'sync.identity_case_decided' },
      );
      // still two records after the decision
      expect(await count(hq, sql`select count(*) as n from sync_hq_identities where person_id in (${omarAlpha}, ${omarBeta})`)).toBe(2);
      const audited = await hq.services.audit.list(adminActor, { action: 'sync.identity_case_decided', limit: 10 });
      expect(audited.map((a) => a.subjectId).sort()).toEqual([omarAlpha, omarBeta].sort());
    });

    it('a man enrolled at the second site under another name and age: his fingerprint opens the case, with its evidence', async () => {
      const [omarAlpha] = await queryRows<{ person_id: string }>(
        hq.services.database.db,
        sql`select person_id from sync_hq_identities where site_id = 'alpha' and 'Omar Farouq al-Hadithi' = any(names)`,
      );
      // the same finger (right index), another impression, under another name and a birth year 12 years apart
      const alias = await buildAdmittedPerson(beta.services, betaFacility, { names: [{ full: 'Jassim Hamad al-Dulaimi' }], birthDate: '1973', sex: 'M' });
      await beta.services.biometrics.enrolFingerprint(adminActor, alias, 2, await readSample('fvc2002-db2b', '101_3'), 569);
      // and a stranger with another finger: no case for him
      const stranger = await buildAdmittedPerson(beta.services, betaFacility, { names: [{ full: 'Salim Nouri Haddad' }], birthDate: '1990', sex: 'M' });
      await beta.services.biometrics.enrolFingerprint(adminActor, stranger, 2, await readSample('fvc2002-db2b', '105_1'), 569);
      await beta.services.settle();
      await until('beta at headquarters', async () => {
        const sites = (await hq.services.sync.hqStatus()).sites;
        return sites.find((s) => s.siteId === 'beta')?.contiguousSeq === (await beta.services.sync.siteStatus()).head;
      });
      const open = await hq.services.sync.identityCases.page(adminActor, { status: 'open', limit: 10, offset: 0 });
      expect(open.total).toBe(1);
      const c = open.rows[0]!;
      expect([c.a?.personId, c.b?.personId].sort()).toEqual([omarAlpha!.person_id, alias].sort());
      expect(c.basis).toBe('fingerprint');
      expect(c.evidence.finger).toBe(c.score);
      expect(c.evidence.finger!).toBeGreaterThan(40);
      expect(c.evidence.name!).toBeLessThan(0.7);
      // his fingerprint alone reaches the bar; his other name and age pull the other way, and the case says so
      expect(c.evidence).toMatchObject({ face: null, targetFmr: 1e-4, raisedBy: 'biometrics' });
      expect(typeof c.evidence.log10Lr).toBe('number');
      // over HTTP the same evidence
      const viaHttp = await hq.http.inject({ method: 'GET', url: `/api/v1/sync/identity-cases/${c.id}`, headers: auth(await hq.tokenFor('admin')) });
      expect(viaHttp.json()).toMatchObject({ basis: 'fingerprint', evidence: { finger: c.evidence.finger, log10Lr: c.evidence.log10Lr } });
    });

    it('headquarters’ own events go down and each site’s modules take them in: screening, accounts, alerts, the wanted gallery', async () => {
      for (const l of [publisher, alphaDown, betaDown]) await (l as HqDownPublisher | SiteDownConsumer).start();
      // a person at alpha the list will name
      const khalid = await buildPerson(alpha.services, { names: [{ full: 'Khalid Saleh al-Juburi' }], birthDate: '1980', nationalities: ['IRQ'] });
      await alpha.services.settle();

      // 1. a watchlist imported at headquarters: issued by itself, imported at alpha, screened against
      await hq.services.screening.importList(adminActor, { format: 'un-consolidated', content: unList([JUBURI]), fileName: 'un.xml' });
      await hq.services.settle();
      await until('the release imported at alpha', async () => (await count(alpha, sql`select count(*) as n from watchlist_versions`)) === 1);
      await alpha.services.settle();
      await until('the hit at alpha', async () => (await count(alpha, sql`select count(*) as n from screening_hits where person_id = ${khalid}`)) === 1);
      // a newer release replaces the older: the list at alpha is headquarters' latest
      await hq.services.screening.importList(adminActor, { format: 'un-consolidated', content: unList([JUBURI, HADITHI]), fileName: 'un2.xml' });
      await hq.services.settle();
      await until('the second release at alpha', async () => (await count(alpha, sql`select count(*) as n from watchlist_entries where active`)) === 2);
      expect(await count(alpha, sql`select count(*) as n from watchlist_versions`)).toBe(2);

      // 2. an account created at headquarters signs in at both sites; its password never travelled
      const password = 'a long field password 42';
      const user = await hq.services.access.createUser(adminActor, {
        username: 'fieldofficer',
        password,
        role: 'registrar',
        facilityIds: [],
        mustChangePassword: true,
      });
      await hq.services.settle();
      await until('the account at alpha', async () => (await count(alpha, sql`select count(*) as n from users where username = 'fieldofficer'`)) === 1);
      await until('the account at beta', async () => (await count(beta, sql`select count(*) as n from users where username = 'fieldofficer'`)) === 1);
      const session = await alpha.services.access.login('fieldofficer', password, '127.0.0.1');
      expect(session.token).toBeTruthy();
      // a one-time password stays one-time at the site: the account must choose its own there too
      expect(await count(alpha, sql`select count(*) as n from users where username = 'fieldofficer' and must_change_password`)).toBe(1);
      expect((await alpha.services.access.authenticate(session.token)).mustChangePassword).toBe(true);
      const items = await queryRows<{ body: unknown }>(hq.services.database.db, sql`select body from sync_down_items where kind = 'user_roles'`);
      for (const i of items) expect(JSON.stringify(i.body)).not.toContain(password);
      // disabled at headquarters: no longer signs in at the site, its session there ended
      await hq.services.access.setActive(adminActor, user.id, false);
      await hq.services.settle();
      await until(
        'the account disabled at alpha',
        async () => (await count(alpha, sql`select count(*) as n from users where username = 'fieldofficer' and not active`)) === 1,
      );
      await expect(alpha.services.access.login('fieldofficer', password, '127.0.0.1')).rejects.toMatchObject({ kind: 'unauthenticated' });
      await expect(alpha.services.access.authenticate(session.token)).rejects.toBeTruthy();

      // 3. an alert headquarters addresses to alpha: in alpha's list, not in beta's
      await hq.services.alerts.raise(systemActor('test'), [
        { facilityId: null, rule: 'sync.hq_notice', severity: 'warning', title: 'Road to the camp closed', details: { forSite: 'alpha' }, dedupeKey: null },
      ]);
      await hq.services.settle();
      await until('the alert at alpha', async () => (await alpha.services.alerts.list(adminActor, { rule: 'sync.hq_notice', limit: 10 })).length === 1);
      const [alert] = await alpha.services.alerts.list(adminActor, { rule: 'sync.hq_notice', limit: 10 });
      expect(alert).toMatchObject({ title: 'Road to the camp closed', severity: 'warning' });
      expect((await beta.services.alerts.list(adminActor, { rule: 'sync.hq_notice', limit: 10 })).length).toBe(0);

      // 4. a man escapes at beta: headquarters sends him to every site's wanted gallery, with his name
      const hassan = await buildAdmittedPerson(beta.services, betaFacility, { names: [{ full: 'Hassan Jamil Obeidi' }], birthDate: '1991', sex: 'M' });
      await beta.services.custody.append(adminActor, { personId: hassan, type: 'ESCAPED', facilityId: betaFacility.facilityId });
      await beta.services.settle();
      // (his identity may reach headquarters after the escape: the names follow as a newer version of the item)
      await until('the escapee in alpha’s gallery, named', async () => {
        const page = await alpha.services.sightings.wanted(adminActor, { limit: 50, offset: 0 });
        return page.total === 1 && page.rows[0]?.name === 'Hassan Jamil Obeidi';
      });
      const wanted = await alpha.services.sightings.wanted(adminActor, { limit: 50, offset: 0 });
      expect(wanted.rows[0]).toMatchObject({ personId: hassan });
      expect(JSON.stringify(wanted.rows[0])).toContain('Hassan Jamil Obeidi');

      // a redelivered item (the same version again, as after a resync) changes nothing in the modules
      const state = await alpha.services.sync.down.state();
      const [latestRelease] = await queryRows<{ id: string | number; body: unknown; issued_at: Date | string }>(
        hq.services.database.db,
        sql`select id, body, issued_at from sync_down_items where kind = 'watchlist_release' order by id desc limit 1`,
      );
      const again = await alpha.services.sync.down.apply([
        {
          streamSeq: state.streamSeq + 1,
          data: {
            v: 1,
            id: Number(latestRelease!.id),
            site: 'alpha',
            kind: 'watchlist_release',
            key: 'un-consolidated',
            body: typeof latestRelease!.body === 'string' ? JSON.parse(latestRelease!.body) : latestRelease!.body,
            issuedAt: new Date(latestRelease!.issued_at).toISOString(),
          },
        },
      ]);
      expect(again).toMatchObject({ applied: 0, duplicates: 1, invalid: 0 });
      expect(await count(alpha, sql`select count(*) as n from watchlist_versions`)).toBe(2);
      expect((await alpha.services.alerts.list(adminActor, { rule: 'sync.hq_notice', limit: 10 })).length).toBe(1);
    });

    it('an item a site cannot take (an unknown role) is refused there, nothing half-written, and the place moves on', async () => {
      const before = await alpha.services.sync.down.state();
      const result = await alpha.services.sync.down.apply([
        {
          streamSeq: before.streamSeq + 10,
          data: {
            v: 1,
            id: 1_000_000,
            site: 'alpha',
            kind: 'user_roles',
            key: 'ghost',
            body: { username: 'ghost', role: 'overlord', facilityIds: [], active: true, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$abc$def' },
            issuedAt: '2026-01-10T08:00:00Z',
          },
        },
      ]);
      expect(result).toMatchObject({ applied: 0, invalid: 1 });
      expect(result.refused[0]).toMatchObject({ code: 'access.bad_role', key: 'ghost' });
      expect(await count(alpha, sql`select count(*) as n from users where username = 'ghost'`)).toBe(0);
      expect(await count(alpha, sql`select count(*) as n from sync_down_applied where item_key = 'ghost'`)).toBe(0);
      expect((await alpha.services.sync.down.state()).streamSeq).toBe(before.streamSeq + 10);
    });
  });
}
