/**
 * kill -9 of the relay between publishing and recording it, with real processes on the real NATS server: `custos sync
 * push` publishes a site's events and is killed (SIGKILL, by a failpoint) before it records how far it published. The
 * next push publishes the same message ids again: JetStream drops them as duplicates (the stream holds each event once),
 * and headquarters holds every event exactly once, its chain ending at the site's own tip.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/main';
import { HqIngest, namesFor } from '../src/modules/sync';
import { readHeads } from '../src/platform/outbox';
import { buildAdmittedPerson, buildFacility } from './factories';
import { createTestApp, type TestApp } from './harness';

const BIN = new URL('../bin/custos.js', import.meta.url).pathname;
const NATS = process.env.CUSTOS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the relay killed between publishing and recording', () => {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const SITE = 'crash';
  const names = namesFor(prefix, SITE);
  let dir: string;
  let head = 0;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let hq: TestApp;

  const push = (failpoints?: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_SITE_ID: SITE, CUSTOS_SYNC_PREFIX: prefix, CUSTOS_NATS_URL: NATS };
    delete env.DATABASE_URL;
    delete env.CUSTOS_FAILPOINTS;
    if (failpoints) env.CUSTOS_FAILPOINTS = failpoints;
    return spawnSync(process.execPath, [BIN, 'sync', 'push', '--data', dir], { env, encoding: 'utf8', timeout: 120_000 });
  };
  const publishedAtSite = async () => {
    const s = await openApp({ dataDir: dir }, { siteId: SITE });
    try {
      return (await s.sync.siteStatus()).published;
    } finally {
      await s.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-sync-crash-'));
    const s = await openApp({ dataDir: dir }, { siteId: SITE });
    try {
      const { facility, units } = await buildFacility(s, { code: 'KILL' }, 1);
      for (let i = 0; i < 3; i++) await buildAdmittedPerson(s, { facilityId: facility.id, unitId: units[0]!.id });
      head = (await readHeads(s.database.db)).get(SITE) ?? 0;
    } finally {
      await s.close();
    }
    nc = await connect({ servers: NATS });
    jsm = await jetstreamManager(nc);
    hq = await createTestApp('pglite', { siteId: 'hq' });
  });

  afterAll(async () => {
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    await nc?.close();
    await hq?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes again under the same ids: the stream and headquarters hold each event once', { timeout: 240_000 }, async () => {
    expect(head).toBeGreaterThan(0);
    const killed = push('sync.relay.after_publish');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // published, not recorded
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(head);
    expect(await publishedAtSite()).toBe(0);

    const again = push();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`0 published, ${head} already in the stream; ${head} of ${head} published`));
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(head);
    expect(await publishedAtSite()).toBe(head);

    const ingest = new HqIngest(hq.services.sync, hq.services.logger, { url: NATS, prefix, pollMs: 200 });
    await ingest.start();
    try {
      const end = Date.now() + 30_000;
      while ((await hq.services.sync.hqStatus(SITE)).sites[0]?.contiguousSeq !== head && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await ingest.stop();
    }
    const chain = await hq.services.sync.hqChain(SITE, 1);
    expect(chain.map((c) => c.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    const s = await openApp({ dataDir: dir }, { siteId: SITE });
    try {
      expect((await s.sync.sealPending()).hash).toBe(chain[chain.length - 1]!.hash);
    } finally {
      await s.close();
    }
    expect((await hq.services.sync.hqStatus(SITE)).sites[0]).toMatchObject({ forks: 0, persons: 3 });
  });
});
