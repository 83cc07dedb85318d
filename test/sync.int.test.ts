/**
 * Sites and headquarters over the real NATS JetStream server (127.0.0.1:4222, or CUSTOS_TEST_NATS_URL): a site on
 * PGlite and headquarters on each target database, in one process. Every run uses its own prefix (stream and subject
 * names) and deletes its streams after.
 */
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { chainHash, HqIngest, messageId, namesFor, SiteRelay, type SyncMessage } from '../src/modules/sync';
import { readEvents, readHeads } from '../src/platform/outbox';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const target of await targets()) {
  describe(`a site on PGlite replicated to headquarters on ${target} over JetStream`, () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const SITE = 'alpha';
    let site: TestApp;
    let hq: TestApp;
    let relay: SiteRelay;
    let ingest: HqIngest;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    let facilityId: string;
    let unitId: string;
    const names = namesFor(prefix, SITE);

    const siteHead = async () => (await readHeads(site.services.database.db)).get(SITE) ?? 0;
    const siteEvents = async () => readEvents(site.services.database.db, { siteId: SITE, afterSeq: 0, uptoSeq: 1e9, types: null, limit: 100_000 });
    const hqChain = () => hq.services.sync.hqChain(SITE, 1);
    const caughtUp = async () => {
      const head = await siteHead();
      await until(`headquarters to hold ${head} events`, async () => (await hq.services.sync.hqStatus(SITE)).sites[0]?.contiguousSeq === head);
    };
    /** Every event of the site exactly once at headquarters, in the site's order, the chain linking to the site's tip. */
    const expectExactCopy = async () => {
      const events = await siteEvents();
      const chain = await hqChain();
      expect(chain.map((c) => c.seq)).toEqual(events.map((e) => e.seq));
      expect(chain.map((c) => c.id)).toEqual(events.map((e) => e.id));
      expect(new Set(chain.map((c) => c.id)).size).toBe(chain.length);
      for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
      const status = (await hq.services.sync.hqStatus(SITE)).sites[0]!;
      expect(status.contiguousSeq).toBe(events.length);
      expect(status.contiguousHash).toBe(chain[chain.length - 1]!.hash);
      expect((await site.services.sync.sealPending()).hash).toBe(status.contiguousHash);
    };
    /** A held message as the site sent it (read back from the stream's source: the site's own database). */
    const heldMessage = async (seq: number): Promise<SyncMessage> => {
      const [m] = await site.services.sync.messages(1, seq - 1, seq);
      return m!;
    };

    beforeAll(async () => {
      site = await createTestApp('pglite', { siteId: SITE });
      hq = await createTestApp(target, { siteId: 'hq' });
      const built = await buildFacility(site.services, { code: `S${randomBytes(2).toString('hex')}` }, 1);
      facilityId = built.facility.id;
      unitId = built.units[0]!.id;
      for (let i = 0; i < 3; i++) await buildAdmittedPerson(site.services, { facilityId, unitId });
      nc = await connect({ servers: NATS });
      jsm = await jetstreamManager(nc);
      relay = new SiteRelay(site.services.sync, site.services.logger, { url: NATS, prefix, pollMs: 200, batchSize: 20 }, (wake) =>
        site.services.outbox.onCommitted(() => wake()),
      );
      ingest = new HqIngest(hq.services.sync, hq.services.logger, { url: NATS, prefix, pollMs: 200, batchSize: 50 });
    });

    afterAll(async () => {
      await relay?.stop();
      await ingest?.stop();
      if (jsm) {
        for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
      }
      await nc?.close();
      await site?.close();
      await hq?.close();
    });

    it('carries every event exactly once and in order, and again after the link is cut and restored', async () => {
      await relay.start();
      await ingest.start();
      await caughtUp();
      await expectExactCopy();
      // the state the events imply: each person's placement as the site's ledger says
      const hqStatus = (await hq.services.sync.hqStatus(SITE)).sites[0]!;
      expect(hqStatus.persons).toBe(3);

      // the link is cut: the site keeps recording, the events wait in its database
      await relay.stop();
      for (let i = 0; i < 4; i++) await buildAdmittedPerson(site.services, { facilityId, unitId });
      const before = await site.services.sync.siteStatus();
      expect(before.head).toBeGreaterThan(before.receipted);
      expect(before.pending).toBe(before.head - before.receipted);

      // (an account created writes `user.changed@1`: the monitor's, for the API below, is created before the catch-up)
      const monitor = await site.tokenFor('monitor');
      await relay.start();
      await caughtUp();
      await expectExactCopy();
      expect((await hq.services.sync.hqStatus(SITE)).sites[0]!.persons).toBe(7);
      // the receipt comes back: nothing pending at the site
      await until('the receipt', async () => (await site.services.sync.siteStatus()).pending === 0);
      const after = await site.services.sync.siteStatus();
      expect(after.receipted).toBe(after.head);
      expect(after.lastReceiptAt).not.toBeNull();

      // the API (sync.read) says the same; a registrar may not read it
      const res = await site.http.inject({ method: 'GET', url: '/api/v1/sync/status', headers: auth(monitor) });
      expect(res.statusCode).toBe(200);
      expect(res.json().site).toMatchObject({ siteId: SITE, pending: 0, head: after.head });
      const registrar = await site.tokenFor('registrar');
      expect((await site.http.inject({ method: 'GET', url: '/api/v1/sync/status', headers: auth(registrar) })).statusCode).toBe(403);
    });

    it('drops duplicates: the same message ids by the server, the same events under new ids by headquarters', async () => {
      const js = jetstream(nc);
      const m = await heldMessage(2);
      const again = await js.publish(names.events, JSON.stringify(m), { msgID: messageId(SITE, 1, 2) });
      expect(again.duplicate).toBe(true);
      // beyond the duplicate window (a new id): headquarters holds it already with the same hash
      const dupsBefore = ingest.counters.duplicates;
      await js.publish(names.events, JSON.stringify(m), { msgID: `${messageId(SITE, 1, 2)}.late` });
      await until('the late duplicate', async () => ingest.counters.duplicates > dupsBefore);
      await expectExactCopy();
      expect((await hq.services.sync.hqStatus(SITE)).sites[0]!.forks).toBe(0);
    });

    it('refills a gap: a message lost from the stream is asked for and sent again from the site database', async () => {
      await ingest.stop();
      for (let i = 0; i < 3; i++) await buildAdmittedPerson(site.services, { facilityId, unitId });
      await site.services.settle();
      await until('the relay to publish', async () => (await site.services.sync.relayState()).publishedSeq === (await siteHead()));
      const info = await jsm.streams.info(names.stream);
      // a message lost in the middle of what headquarters has not read (as an outage longer than the stream keeps)
      expect(await jsm.streams.deleteMessage(names.stream, info.state.last_seq - 2)).toBe(true);
      const resentBefore = relay.counters.resent;
      await ingest.start();
      await caughtUp();
      await expectExactCopy();
      expect(ingest.counters.resendRequests).toBeGreaterThan(0);
      expect(relay.counters.resent).toBeGreaterThan(resentBefore);
    });

    it('a gap asks once: the batches after it do not make the site republish its backlog again and again', async () => {
      await relay.start(); // (already running, unless this case runs alone)
      // headquarters reads in small batches, so that many batches come after the gap
      await ingest.stop();
      ingest = new HqIngest(hq.services.sync, hq.services.logger, { url: NATS, prefix, pollMs: 200, batchSize: 4 });
      const headBefore = await siteHead();
      for (let i = 0; i < 8; i++) await buildAdmittedPerson(site.services, { facilityId, unitId });
      await site.services.settle();
      await until('the relay to publish', async () => (await site.services.sync.relayState()).publishedSeq === (await siteHead()));
      const added = (await siteHead()) - headBefore;
      expect(added).toBeGreaterThanOrEqual(16);
      // the first of the new events lost from the stream: every later batch lies beyond the gap
      const info = await jsm.streams.info(names.stream);
      expect(await jsm.streams.deleteMessage(names.stream, info.state.last_seq - added + 1)).toBe(true);
      const resentBefore = relay.counters.resent;
      await ingest.start();
      await caughtUp();
      await expectExactCopy();
      // asked once for the gap and once for what was set aside meanwhile (not once per batch: added / 4 batches and
      // more); each missing event republished once (it was up to once per request for everything up to the highest)
      expect(ingest.counters.resendRequests).toBeGreaterThan(0);
      expect(ingest.counters.resendRequests).toBeLessThanOrEqual(3);
      expect(relay.counters.resent - resentBefore).toBeLessThanOrEqual(added);
      expect((await hq.services.sync.hqStatus(SITE)).sites[0]!.forks).toBe(0);
    });

    it('a forged event for a held seq is a fork: a critical alert, nothing overwritten', async () => {
      const js = jetstream(nc);
      const held = await heldMessage(3);
      const chainBefore = await hqChain();
      // a different payload, hashed properly onto the held predecessor: a second version of seq 3
      const forgedEvent = { ...held.event, payload: { ...(held.event.payload as object), statusAfter: 'RELEASED' } };
      const forged = { ...held, event: forgedEvent, hash: chainHash(held.prevHash, SITE, 3, forgedEvent) };
      // the content changed but the held hash kept: a hash the content does not give
      const tampered = { ...held, event: forgedEvent };
      await js.publish(names.events, JSON.stringify(forged), { msgID: 'forged-1' });
      await js.publish(names.events, JSON.stringify(tampered), { msgID: 'forged-2' });
      await js.publish(names.events, 'not json at all', { msgID: 'junk-1' });
      await until('two forks', async () => (await hq.services.sync.hqStatus(SITE)).sites[0]!.forks === 2);
      const { forks } = await hq.services.sync.hqStatus();
      expect(forks.map((f) => f.kind).sort()).toEqual(['bad_hash', 'hash_differs']);
      expect(forks.every((f) => f.seq === 3 && f.heldHash === held.hash)).toBe(true);
      expect(await hqChain()).toEqual(chainBefore);
      await until('the invalid message counted', async () => ingest.counters.invalid === 1);
      // the alert, raised at headquarters by its alert rules (once per offered version, even when offered again)
      await js.publish(names.events, JSON.stringify(forged), { msgID: 'forged-3' });
      const received = ingest.counters.received;
      await until('the repeat judged', async () => ingest.counters.received > received);
      await hq.services.settle();
      const forkAlerts = await hq.services.alerts.list(adminActor, { status: 'open', rule: 'sync.fork', limit: 100 });
      expect(forkAlerts).toHaveLength(2);
      expect(forkAlerts.every((a) => a.severity === 'critical')).toBe(true);
      await expectExactCopy();
    });
  });
}
