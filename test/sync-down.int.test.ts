/**
 * Headquarters to sites over the real NATS JetStream server (127.0.0.1:4222, or CUSTOS_TEST_NATS_URL): headquarters on
 * each target database issues watchlist releases, wanted-gallery entries, users and roles and alerts; a site on
 * PGlite applies each message once, recording its place on its down stream in the same transaction, and resumes from
 * it. Every run uses its own prefix and deletes its streams after.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downNamesFor, HqDownPublisher, namesFor, SiteDownConsumer } from '../src/modules/sync';
import { createTestApp, targets, type TestApp } from './harness';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function until(what: string, check: () => Promise<boolean>, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const PERSON = '0b7f3f9e-4a43-4b7e-9b0e-2f7c1d9b6a11';
/** Items are taken into the site's modules: a list entry as the parsers give it, an account's argon2 hash (not a real one). */
const ENTRY = {
  ref: 'QDi.1',
  kind: 'individual',
  program: null,
  names: [{ full: 'A B', kind: 'primary', quality: null, script: 'latin' }],
  births: [],
  nationalities: [],
  documents: [],
  listedOn: null,
  gender: null,
  placesOfBirth: [],
  remarks: null,
};
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo';

for (const target of await targets()) {
  // several waits on real NATS and two databases per test: minutes of margin on CI's two shared cores
  describe(`headquarters on ${target} to a site on PGlite over JetStream`, { timeout: 240_000 }, () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const SITE = 'alpha';
    let site: TestApp;
    let hq: TestApp;
    let publisher: HqDownPublisher;
    let consumer: SiteDownConsumer;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    const names = downNamesFor(prefix, SITE);
    const opts = { url: NATS, prefix, pollMs: 200, batchSize: 4 };

    const issue = (kind: string, key: string, body: unknown, to = SITE) => hq.services.sync.down.issue({ kind, key, site: to, body }, 'test');
    const siteItems = async () => (await site.services.sync.down.appliedPage(null, 100, 0)).rows;
    /** Everything issued for the site applied: its latest version of each (kind, key), and nothing for other sites. */
    const caughtUp = async (expected: number) =>
      until(
        `the site to hold ${expected} items`,
        async () =>
          (await site.services.sync.down.appliedPage(null, 1, 0)).total === expected && (await hq.services.sync.down.cursors()).every((c) => c.pending === 0),
      );

    beforeAll(async () => {
      site = await createTestApp('pglite', { siteId: SITE });
      hq = await createTestApp(target, { siteId: 'hq' });
      nc = await connect({ servers: NATS });
      jsm = await jetstreamManager(nc);
      // a site is known to headquarters by its stream on the server (its relay creates it); here, by hand
      await jsm.streams.add({ name: namesFor(prefix, SITE).stream, subjects: [namesFor(prefix, SITE).events] });
      await jsm.streams.add({ name: namesFor(prefix, 'beta').stream, subjects: [namesFor(prefix, 'beta').events] });
      publisher = new HqDownPublisher(hq.services.sync.down, hq.services.logger, opts);
      consumer = new SiteDownConsumer(site.services.sync.down, site.services.logger, opts);
    });

    afterAll(async () => {
      await consumer?.stop();
      await publisher?.stop();
      if (jsm) for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
      await nc?.close();
      await site?.close();
      await hq?.close();
    });

    it('applies each item once, its own and every site’s, and not another site’s; the place is kept with it', async () => {
      await issue('watchlist_release', 'UN-1', { source: 'un-consolidated', versionId: 'v1', entries: [ENTRY] }, '*');
      await issue('wanted_gallery', PERSON, { personId: PERSON, wanted: true, names: ['Omar Haddad'] });
      await issue('user_roles', 'registrar7', { username: 'registrar7', role: 'registrar', facilityIds: [], active: true, passwordHash: HASH });
      await issue('alert', 'a-1', { severity: 'warning', title: 'Road to the camp closed' });
      await issue('alert', 'b-1', { severity: 'critical', title: 'for beta only' }, 'beta');
      await publisher.start();
      await consumer.start();
      await caughtUp(4);
      const items = await siteItems();
      expect(items.map((i) => `${i.kind}:${i.key}`).sort()).toEqual([
        'alert:a-1',
        'user_roles:registrar7',
        `wanted_gallery:${PERSON}`,
        'watchlist_release:UN-1',
      ]);
      const state = await site.services.sync.down.state();
      expect(state.appliedCount).toBe(4);
      expect(state.streamSeq).toBe((await jsm.streams.info(names.stream)).state.last_seq);
      // beta's stream holds its own alert and the release for every site
      // (the publisher serves the sites one after the other: beta's stream may be written a moment after alpha's)
      await until("beta's stream", async () => (await jsm.streams.info(downNamesFor(prefix, 'beta').stream).catch(() => null))?.state.messages === 2);
    });

    it('a later version replaces the one held; a redelivered batch changes nothing', async () => {
      await issue('wanted_gallery', PERSON, { personId: PERSON, wanted: false, names: ['Omar Haddad'], reason: 'arrested' });
      await until('the newer version', async () =>
        (await siteItems()).some((i) => i.kind === 'wanted_gallery' && (i.body as { wanted: boolean }).wanted === false),
      );
      const before = await site.services.sync.down.state();
      // the same messages again (a redelivery after a lost acknowledgement): below the recorded place, nothing applied
      const again = await site.services.sync.down.apply([{ streamSeq: before.streamSeq, data: { nonsense: true } }]);
      expect(again).toMatchObject({ applied: 0, duplicates: 1, invalid: 0 });
      expect(await site.services.sync.down.state()).toMatchObject({ streamSeq: before.streamSeq, appliedCount: before.appliedCount });
    });

    it('resumes after the recorded place when the site restarts; a publisher that republishes is deduplicated', async () => {
      await consumer.stop();
      await issue('alert', 'a-2', { severity: 'info', title: 'Convoy expected at noon' });
      await issue('user_roles', 'officer3', { username: 'officer3', role: 'officer', facilityIds: [], active: false, passwordHash: HASH });
      await until('published', async () => (await hq.services.sync.down.cursors()).every((c) => c.pending === 0));
      // headquarters killed between publishing and moving its cursor: it publishes the same ids again
      const dupsBefore = publisher.counters.duplicates;
      await hq.services.sync.down.rewind(SITE);
      publisher.wake();
      await until('the republish', async () => publisher.counters.duplicates - dupsBefore >= 7);
      expect((await jsm.streams.info(names.stream)).state.messages).toBe(7);

      consumer = new SiteDownConsumer(site.services.sync.down, site.services.logger, opts);
      await consumer.start();
      await caughtUp(6);
      const state = await site.services.sync.down.state();
      expect(state.streamSeq).toBe(7);
      // 4 + the newer wanted version + 2: each message applied exactly once
      expect(state.appliedCount).toBe(7);
      expect(consumer.counters.duplicates).toBe(0);
    });

    it('an outage longer than the stream keeps: the site asks again and gets every item', async () => {
      await consumer.stop();
      await issue('alert', 'a-3', { severity: 'warning', title: 'Generator failure' });
      await issue('watchlist_release', 'UN-1', { source: 'un-consolidated', versionId: 'v2', entries: [] }, '*');
      await until('published', async () => (await hq.services.sync.down.cursors()).every((c) => c.pending === 0));
      // the broker dropped what the site had not read (max age passed while it was away)
      await jsm.streams.purge(names.stream);
      await issue('alert', 'a-4', { severity: 'info', title: 'after the purge' });
      await until('published', async () => (await jsm.streams.info(names.stream)).state.messages === 1);

      consumer = new SiteDownConsumer(site.services.sync.down, site.services.logger, opts);
      await consumer.start();
      await until('the resync', async () => consumer.counters.resyncRequests === 1 && publisher.counters.resyncs === 1);
      await caughtUp(8);
      const items = await siteItems();
      expect(items.find((i) => i.kind === 'watchlist_release')?.body).toMatchObject({ versionId: 'v2' });
      expect(
        items
          .filter((i) => i.kind === 'alert')
          .map((i) => i.key)
          .sort(),
      ).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
      expect((await site.services.sync.down.state()).behindFrom).toBeNull();
    });

    it('refuses an item a site could not apply, with a stable code', async () => {
      await expect(issue('weather', 'x', {})).rejects.toMatchObject({ code: 'sync.down_kind_unknown' });
      await expect(issue('alert', '', { severity: 'info', title: 't' })).rejects.toMatchObject({ code: 'sync.down_key_invalid' });
      await expect(issue('alert', 'k', { severity: 'info', title: 't' }, 'no such.site')).rejects.toMatchObject({ code: 'sync.down_site_invalid' });
      await expect(issue('user_roles', 'k', { username: 'u' })).rejects.toMatchObject({ code: 'sync.down_body_invalid' });
      expect(await hq.services.sync.down.itemCount()).toBe(11);
    });
  });
}
