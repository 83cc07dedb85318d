/**
 * Failure cases of site-to-headquarters replication on the real NATS JetStream server: a site restored from an old
 * backup (its PGlite folder copied back) starts a new epoch by itself when headquarters' receipt shows it holds more
 * than the site; headquarters keeps both epochs, says where they part and raises a critical alert. And two sites whose
 * clocks are hours wrong (one behind, one ahead) replicate every event exactly once. After each: every chain verifies
 * and the counts at headquarters equal the sites'.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/main';
import { HqIngest, SiteRelay } from '../src/modules/sync';
import { FakeClock } from '../src/platform/clock';
import { readEvents } from '../src/platform/outbox';
import type { Services } from '../src/services';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { createTestApp, targets, type TestApp } from './harness';

const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const siteEvents = (s: Services, siteId: string) => readEvents(s.database.db, { siteId, afterSeq: 0, uptoSeq: 1e9, types: null, limit: 100_000 });

/** Headquarters holds exactly the site's events in `epoch`, once each, in order, linked, ending at the site's own tip. */
async function expectExactCopy(hq: Services, site: Services, siteId: string, epoch: number): Promise<void> {
  const events = await siteEvents(site, siteId);
  const chain = await hq.sync.hqChain(siteId, epoch);
  expect(chain.map((c) => c.seq)).toEqual(events.map((e) => e.seq));
  expect(chain.map((c) => c.id)).toEqual(events.map((e) => e.id));
  for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
  const held = (await hq.sync.hqStatus(siteId)).sites.find((s) => s.epoch === epoch)!;
  expect(held.contiguousSeq).toBe(events.length);
  expect(held.events).toBe(events.length);
  expect((await site.sync.sealPending()).hash).toBe(held.contiguousHash);
}

for (const target of await targets()) {
  describe(`site replication failures, headquarters on ${target}`, () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    let hq: TestApp;
    let ingest: HqIngest;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    const dirs: string[] = [];
    const linkOpts = { url: NATS, prefix, pollMs: 200, batchSize: 20 };
    const relayFor = (s: Services) => new SiteRelay(s.sync, s.logger, linkOpts, (wake) => s.outbox.onCommitted(() => wake()));
    const heldSeq = async (siteId: string, epoch: number) => (await hq.services.sync.hqStatus(siteId)).sites.find((s) => s.epoch === epoch)?.contiguousSeq ?? 0;

    beforeAll(async () => {
      hq = await createTestApp(target, { siteId: 'hq' });
      nc = await connect({ servers: NATS });
      jsm = await jetstreamManager(nc);
      ingest = new HqIngest(hq.services.sync, hq.services.logger, linkOpts);
      await ingest.start();
    });

    afterAll(async () => {
      await ingest?.stop();
      if (jsm) for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
      await nc?.close();
      await hq?.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    // the site's folder, created (and migrated: the slow part on a busy machine) before the test
    const SITE = 'rest';
    let dir = '';
    let backup = '';
    const open = () => openApp({ dataDir: dir }, { siteId: SITE, clock: new FakeClock('2026-01-10T08:00:00Z') });
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'custos-restore-'));
      backup = mkdtempSync(join(tmpdir(), 'custos-restore-backup-'));
      dirs.push(dir, backup);
      await (await open()).close();
    }, 240_000);

    it('a site restored from an old backup starts a new epoch; headquarters keeps both and alerts where they part', { timeout: 240_000 }, async () => {
      // before the backup: a facility and two persons, replicated
      let s = await open();
      const { facility, units } = await buildFacility(s, { code: 'REST' }, 1);
      const at = { facilityId: facility.id, unitId: units[0]!.id };
      for (let i = 0; i < 2; i++) await buildAdmittedPerson(s, at);
      let relay = relayFor(s);
      await relay.start();
      const backupHead = (await siteEvents(s, SITE)).length;
      await until('epoch 1 up to the backup', async () => (await heldSeq(SITE, 1)) === backupHead);
      await relay.stop();
      await s.close();
      cpSync(dir, backup, { recursive: true });

      // after the backup: two more persons reach headquarters, then the site's disk is lost
      s = await open();
      for (let i = 0; i < 2; i++) await buildAdmittedPerson(s, at);
      const lostHead = (await siteEvents(s, SITE)).length;
      relay = relayFor(s);
      await relay.start();
      await until('epoch 1 complete', async () => (await heldSeq(SITE, 1)) === lostHead);
      await relay.stop();
      await s.close();
      rmSync(dir, { recursive: true, force: true });
      cpSync(backup, dir, { recursive: true });

      // restored: the site records again (other events at the seqs headquarters already holds)
      s = await open();
      try {
        await buildAdmittedPerson(s, at);
        expect((await s.sync.relayState()).epoch).toBe(1);
        relay = relayFor(s);
        await relay.start();
        await until('a new epoch from the receipt', async () => (await s.sync.relayState()).epoch === 2);
        const head = (await siteEvents(s, SITE)).length;
        await until('epoch 2 complete', async () => (await heldSeq(SITE, 2)) === head);
        await until('the receipt of epoch 2', async () => (await s.sync.siteStatus()).pending === 0);
        await relay.stop();

        // the new epoch: the site's chain exactly; the old one kept whole
        await expectExactCopy(hq.services, s, SITE, 2);
        expect((await hq.services.sync.hqChain(SITE, 1)).map((c) => c.seq)).toEqual(Array.from({ length: lostHead }, (_, i) => i + 1));
        const status = await hq.services.sync.hqStatus(SITE);
        expect(status.epochChecks.find((c) => c.siteId === SITE)).toMatchObject({
          epoch: 2,
          previousEpoch: 1,
          agreedSeq: backupHead,
          divergedAt: backupHead + 1,
          previousBeyond: lostHead - backupHead,
        });
        const forks = status.forks.filter((f) => f.siteId === SITE);
        expect(forks.map((f) => f.kind)).toEqual(['epoch_diverged']);
        await hq.services.settle();
        const alerts = await hq.services.alerts.list(adminActor, { status: 'open', rule: 'sync.fork', limit: 100 });
        expect(alerts.filter((a) => a.title.includes(`site ${SITE}`))).toHaveLength(1);
        expect(alerts[0]!.severity).toBe('critical');
        // the site knows why its epoch changed, and its receipt is of the new epoch
        const full = await s.sync.status();
        expect(full.epochs).toHaveLength(1);
        expect(full.epochs[0]).toMatchObject({ epoch: 2, tipSeq: (await s.sync.sealPending()).seq });
        expect(full.epochs[0]!.reason).toMatch(/restore detected/);
        expect((await s.sync.siteStatus()).receiptEpoch).toBe(2);
        expect(relay.counters.epochs).toBe(1);
      } finally {
        await s.close();
      }
    });

    it('two sites with clocks hours wrong: every event exactly once, counts equal', { timeout: 240_000 }, async () => {
      // headquarters' clock says 08:00; one site says 03:00, the other 14:30
      const behind = await createTestApp('pglite', { siteId: 'late', clock: new FakeClock('2026-01-10T03:00:00Z') });
      const ahead = await createTestApp('pglite', { siteId: 'early', clock: new FakeClock('2026-01-10T14:30:00Z') });
      const relays = [relayFor(behind.services), relayFor(ahead.services)];
      try {
        for (const [i, app] of [behind, ahead].entries()) {
          const { facility, units } = await buildFacility(app.services, { code: `CLK${i}` }, 1);
          for (let p = 0; p < 3; p++) await buildAdmittedPerson(app.services, { facilityId: facility.id, unitId: units[0]!.id });
        }
        for (const r of relays) await r.start();
        for (const [siteId, app] of [
          ['late', behind],
          ['early', ahead],
        ] as const) {
          const head = (await siteEvents(app.services, siteId)).length;
          await until(`site ${siteId} replicated`, async () => (await heldSeq(siteId, 1)) === head);
          await expectExactCopy(hq.services, app.services, siteId, 1);
          expect((await hq.services.sync.hqStatus(siteId)).sites[0]).toMatchObject({ forks: 0, persons: 3 });
          // the receipt reaches the site whatever its clock says; the age is the site's own reading
          await until(`site ${siteId} receipted`, async () => (await app.services.sync.siteStatus()).pending === 0);
        }
        // the events keep the times each site gave them: headquarters orders by seq, never by clock
        const late = await hq.services.sync.hqChain('late', 1);
        expect(late.length).toBeGreaterThan(0);
      } finally {
        for (const r of relays) await r.stop();
        await behind.close();
        await ahead.close();
      }
    });
  });
}
