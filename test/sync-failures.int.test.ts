/**
 * Failure tests of site-to-headquarters replication with real processes (issue 22): a hub `nats-server -js` and a
 * leaf node `nats-server` of its own (started here on free ports, in a temporary folder), headquarters as a real
 * `custos serve --role hq` process on a PostgreSQL scratch database, the site's PGlite folder pushed by real `custos sync
 * push` processes or, where the test must act mid-way, by a relay in this process. One site and one chain throughout,
 * each case adding events; each ends with every event at headquarters exactly once, the chain linking to the site's
 * own tip, and headquarters' counts equal to the site's.
 *
 * a. headquarters killed (SIGKILL, failpoint `sync.ingest.after_commit`) after committing a batch and before
 *    acknowledging it, then restarted: the batch comes again and is dropped as held; nothing lost.
 * b. the link cut mid-batch: the site talks to a leaf node (JetStream domain `leaf`, the streams in the hub's domain
 *    `hub`), the leaf is killed while the relay publishes one event per batch, then started again: all arrives.
 * c. an outage longer than the stream keeps: headquarters is down while the site publishes, the stream is purged (as
 *    max age would), headquarters comes back holding less than the site published and reports no gap: the site
 *    resends from its own database (the stale-receipt resend). A second site, headquarters never having held anything
 *    of it, loses everything it published the same way: the empty receipt (seq 0) starts its resend too.
 * d. duplicates beyond the deduplication window: the stream's window set to 1 s, a push killed after publishing
 *    (failpoint `sync.relay.after_publish`), the next push 1.5 s later publishes the same ids as new messages: the
 *    stream holds them twice, headquarters drops the second copies by seq and hash.
 *
 * Skipped when PostgreSQL does not answer (headquarters runs on it so that this process can read it while it runs).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/main';
import { namesFor, SiteRelay } from '../src/modules/sync';
import { readHeads } from '../src/platform/outbox';
import type { Services } from '../src/services';
import { buildAdmittedPerson, buildFacility } from './factories';
import { createTestApp, postgresReachable, type TestApp } from './harness';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;
const SITE = 'fail';

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A child process whose output is kept (and drained, so that it never blocks on a full pipe). */
interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, output: () => out, exited };
}

async function end(p: Proc | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const ended = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r(null), 20_000))]);
  if (!ended) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

describe.skipIf(!(await postgresReachable()))('site to headquarters under failures, with real processes', () => {
  const prefix = `f${randomBytes(5).toString('hex')}`;
  const names = namesFor(prefix, SITE);
  const procs: Proc[] = [];
  let work: string;
  let siteDir: string;
  let hubUrl: string;
  let leafUrl: string;
  let hubConf: string;
  let leafConf: string;
  let leaf: Proc | null = null;
  let hqProc: Proc | null = null;
  let hqPort: number;
  let hq: TestApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let facilityId: string;
  let unitId: string;
  let persons = 0;

  const startNats = async (conf: string, url: string): Promise<Proc> => {
    const p = run('nats-server', ['-c', conf], { ...process.env });
    procs.push(p);
    await until(`nats-server ${url}`, async () => {
      try {
        const probe = await connect({ servers: url, timeout: 500, reconnect: false });
        await probe.close();
        return true;
      } catch {
        return false;
      }
    });
    return p;
  };

  const startHq = async (failpoints?: string): Promise<Proc> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: hq.databaseUrl,
      CUSTOS_SITE_ID: 'hq',
      CUSTOS_NATS_URL: hubUrl,
      CUSTOS_SYNC_PREFIX: prefix,
      CUSTOS_SYNC_POLL_MS: '200',
      CUSTOS_SYNC_BATCH: '4',
      // a batch left unacknowledged by a killed headquarters comes again after this
      CUSTOS_SYNC_ACK_WAIT_MS: '3000',
      LOG_LEVEL: 'warn',
    };
    delete env.CUSTOS_FAILPOINTS;
    delete env.CUSTOS_NATS_DOMAIN;
    if (failpoints) env.CUSTOS_FAILPOINTS = failpoints;
    const p = run(process.execPath, [BIN, 'serve', '--role', 'hq', '--port', String(hqPort), '--data', join(work, 'hq-unused')], env);
    procs.push(p);
    if (!failpoints) await until('headquarters to serve', async () => p.output().includes('Custos is serving'));
    return p;
  };

  const push = (failpoints?: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_SITE_ID: SITE, CUSTOS_SYNC_PREFIX: prefix, CUSTOS_NATS_URL: hubUrl };
    delete env.DATABASE_URL;
    delete env.CUSTOS_FAILPOINTS;
    delete env.CUSTOS_NATS_DOMAIN;
    if (failpoints) env.CUSTOS_FAILPOINTS = failpoints;
    return spawnSync(process.execPath, [BIN, 'sync', 'push', '--data', siteDir], { env, encoding: 'utf8', timeout: 180_000 });
  };

  /** Opens the site's folder in this process (no push process may run meanwhile: one process per PGlite folder). */
  const withSite = async <T>(fn: (s: Services) => Promise<T>): Promise<T> => {
    const s = await openApp({ dataDir: siteDir }, { siteId: SITE });
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };
  const admit = async (s: Services, count: number) => {
    for (let i = 0; i < count; i++) await buildAdmittedPerson(s, { facilityId, unitId });
    persons += count;
  };
  const siteHead = async (s: Services) => (await readHeads(s.database.db)).get(SITE) ?? 0;
  const hqHolds = async () => (await hq.services.sync.hqStatus(SITE)).sites.find((x) => x.epoch === 1)?.contiguousSeq ?? 0;

  /** Every event of the site exactly once at headquarters, the chain linking up to the site's own tip, counts equal. */
  const expectWhole = async (s: Services) => {
    const head = await siteHead(s);
    const tip = await s.sync.sealPending();
    await until(`headquarters to hold ${head} events`, async () => (await hqHolds()) === head);
    const chain = await hq.services.sync.hqChain(SITE, 1);
    expect(chain.map((c) => c.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(new Set(chain.map((c) => c.id)).size).toBe(head);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    expect(chain[chain.length - 1]!.hash).toBe(tip.hash);
    const status = (await hq.services.sync.hqStatus(SITE)).sites.find((x) => x.epoch === 1)!;
    expect(status).toMatchObject({ contiguousSeq: head, contiguousHash: tip.hash, forks: 0, persons });
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custos-sync-failures-'));
    siteDir = join(work, 'site');
    mkdirSync(join(work, 'hq-unused'));
    const [hubPort, leafListen, leafPort] = [await freePort(), await freePort(), await freePort()];
    hqPort = await freePort();
    hubUrl = `nats://127.0.0.1:${hubPort}`;
    leafUrl = `nats://127.0.0.1:${leafPort}`;
    hubConf = join(work, 'hub.conf');
    leafConf = join(work, 'leaf.conf');
    // the hub: headquarters' server, JetStream domain `hub`, accepting leaf nodes
    writeFileSync(
      hubConf,
      `listen: 127.0.0.1:${hubPort}\njetstream { store_dir: "${join(work, 'hub-js')}", domain: hub }\nleafnodes { listen: 127.0.0.1:${leafListen} }\n`,
    );
    // the site's leaf node: JetStream of its own (domain `leaf`), connected to the hub
    writeFileSync(
      leafConf,
      `listen: 127.0.0.1:${leafPort}\njetstream { store_dir: "${join(work, 'leaf-js')}", domain: leaf }\n` +
        `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${leafListen}" } ] }\n`,
    );
    await startNats(hubConf, hubUrl);
    leaf = await startNats(leafConf, leafUrl);
    nc = await connect({ servers: hubUrl });
    jsm = await jetstreamManager(nc);
    hq = await createTestApp('postgres', { siteId: 'hq' });
    await withSite(async (s) => {
      const built = await buildFacility(s, { code: 'FAIL' }, 1);
      facilityId = built.facility.id;
      unitId = built.units[0]!.id;
      await admit(s, 4);
    });
  }, 300_000);

  afterAll(async () => {
    // the streams first, while the hub runs (its folder goes too, below), then every process this file started
    try {
      if (jsm) for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    } catch {
      // the hub is not answering: its store is deleted with the folder
    }
    await nc?.close().catch(() => undefined);
    for (const p of procs) await end(p, 'SIGKILL');
    await hq?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('a. headquarters killed between commit and ack, restarted: nothing twice, nothing lost', { timeout: 300_000 }, async () => {
    hqProc = await startHq('sync.ingest.after_commit');
    const pushed = push();
    expect(pushed.status, pushed.stderr).toBe(0);
    const died = await hqProc.exited;
    expect(died.signal, hqProc.output()).toBe('SIGKILL');
    // the batch was committed before the kill, and not acknowledged
    const committed = await hqHolds();
    expect(committed).toBeGreaterThan(0);
    const consumer = await jsm.consumers.info(names.stream, 'custos_hq');
    expect(consumer.num_ack_pending + consumer.num_pending).toBeGreaterThan(0);

    hqProc = await startHq();
    await withSite(expectWhole);
    // the unacknowledged batch came again and was dropped as held; the stream holds each event once
    await until('every message acknowledged', async () => {
      const c = await jsm.consumers.info(names.stream, 'custos_hq');
      return c.num_ack_pending === 0 && c.num_pending === 0;
    });
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(await withSite(siteHead));
  });

  it('d. duplicates beyond the deduplication window: the stream takes them, headquarters drops them', { timeout: 300_000 }, async () => {
    await jsm.streams.update(names.stream, { duplicate_window: nanos(1_000) });
    const before = (await jsm.streams.info(names.stream)).state.messages;
    const added = await withSite(async (s) => {
      const head = await siteHead(s);
      await admit(s, 2);
      return (await siteHead(s)) - head;
    });
    const killed = push('sync.relay.after_publish');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_500)); // beyond the window
    const again = push();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`${added} published, 0 already in the stream`));
    // the same ids twice in the stream: JetStream no longer knew them
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(before + 2 * added);
    await withSite(expectWhole);
    await jsm.streams.update(names.stream, { duplicate_window: nanos(120_000) });
  });

  it('b. the link cut mid-batch (the leaf node killed), then back: all arrives', { timeout: 300_000 }, async () => {
    await withSite(async (s) => {
      const from = await siteHead(s);
      await admit(s, 6);
      const head = await siteHead(s);
      // one event per batch, so that the leaf dies between batches and during one
      const relay = new SiteRelay(s.sync, s.logger, { url: leafUrl, domain: 'hub', prefix, batchSize: 1, pollMs: 200, staleResendMs: 600_000 });
      try {
        await relay.start();
        await until('the relay to be part-way', async () => (await s.sync.relayState()).publishedSeq > from, 60_000);
        await end(leaf, 'SIGKILL');
        const cutAt = (await s.sync.relayState()).publishedSeq;
        expect(cutAt).toBeLessThan(head);
        // the site keeps recording while cut off
        await admit(s, 1);
        await until('a publish to fail', async () => relay.counters.failures > 0, 60_000);
        expect(await hqHolds()).toBeLessThan(await siteHead(s));
        leaf = await startNats(leafConf, leafUrl);
        await until('the relay to publish everything', async () => (await s.sync.relayState()).publishedSeq === (await siteHead(s)));
        await expectWhole(s);
      } finally {
        await relay.stop();
      }
    });
  });

  it('c. an outage longer than the stream keeps: the site resends from its own database', { timeout: 400_000 }, async () => {
    // a second site headquarters has never heard from: nothing of it held, so its receipt is an empty one
    const FRESH = 'fresh';
    const freshHeadOf = async (x: Services) => (await readHeads(x.database.db)).get(FRESH) ?? 0;
    const fresh = await createTestApp('pglite', { siteId: FRESH });
    await end(hqProc, 'SIGTERM');
    hqProc = null;
    try {
      const built = await buildFacility(fresh.services, { code: 'FRSH' }, 1);
      await buildAdmittedPerson(fresh.services, { facilityId: built.facility.id, unitId: built.units[0]!.id });
      const freshRelay = new SiteRelay(fresh.services.sync, fresh.services.logger, { url: hubUrl, prefix, pollMs: 200, staleResendMs: 1_000 });
      await withSite(async (s) => {
        const held = await hqHolds();
        expect(held).toBe(await siteHead(s));
        await admit(s, 2);
        const relay = new SiteRelay(s.sync, s.logger, { url: hubUrl, prefix, pollMs: 200, staleResendMs: 1_000 });
        try {
          await relay.start();
          await freshRelay.start();
          await until('the relays to publish', async () => {
            const [a, b] = [await s.sync.relayState(), await fresh.services.sync.relayState()];
            return a.publishedSeq === (await siteHead(s)) && b.publishedSeq === (await freshHeadOf(fresh.services)) && b.publishedSeq > 0;
          });
          // the broker loses what headquarters did not read (max age exceeded)
          for (const site of [SITE, FRESH]) {
            await jsm.streams.purge(namesFor(prefix, site).stream);
            expect((await jsm.streams.info(namesFor(prefix, site).stream)).state.messages).toBe(0);
          }
          hqProc = await startHq();
          await expectWhole(s);
          expect(relay.counters.resent).toBeGreaterThanOrEqual((await siteHead(s)) - held);
          // the site never heard of: every event of it, once, linking to its tip
          const freshHead = await freshHeadOf(fresh.services);
          await until('headquarters to hold the fresh site', async () => (await hq.services.sync.hqStatus(FRESH)).sites[0]?.contiguousSeq === freshHead);
          const chain = await hq.services.sync.hqChain(FRESH, 1);
          expect(chain.map((c) => c.seq)).toEqual(Array.from({ length: freshHead }, (_, i) => i + 1));
          for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
          expect(chain[chain.length - 1]!.hash).toBe((await fresh.services.sync.sealPending()).hash);
          expect((await hq.services.sync.hqStatus(FRESH)).sites[0]).toMatchObject({ forks: 0, persons: 1 });
        } finally {
          await relay.stop();
          await freshRelay.stop();
        }
      });
    } finally {
      await fresh.close();
    }
  });
});
