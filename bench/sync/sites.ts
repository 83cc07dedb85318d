// Two sites into headquarters, and the catch-up of a site after an outage (issue 22), headquarters on PostgreSQL.
//   npm run bench -- sync two-sites [events per site]   (default 10,000)
//   npm run bench -- sync catchup [events]              (default 100,000)
// two-sites: each site (PGlite) writes N outbox events and seals them; the baseline appends the same 2N events
// locally to a fresh headquarters database (outbox transactions of 500, the ingest's batch); then both relays and one
// headquarters ingest run at once, timed until headquarters holds both chains whole.
// catchup: a site writes N events while its relay is stopped (the outage); then the relay starts (it seals, publishes)
// and headquarters ingests, timed until headquarters holds all N in a verified chain.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { openDatabase } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';
import { defineEvent } from '../../src/platform/outbox';
import { createServices, type Services } from '../../src/services';
import { HqIngest, SiteRelay } from '../../src/modules/sync';
import { benchServices } from '../lib/db';

const NATS = process.env.CUSTOS_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `bench${randomBytes(4).toString('hex')}`;
const Filler = defineEvent('bench.filler', 1, z.object({ n: z.number().int(), personId: z.uuid(), note: z.string() }));
const personId = '0190a0b0-0000-7000-8000-000000000001';
const NOTE = 'ADMITTED to HOL block B2 by order 2026/114 of the camp commander';
// The NATS client can reject a reconnect's dial with nobody listening when the event loop was busy past its timeout;
// the bench counts these instead of dying (see docs/benchmarks.md).
let strayRejections = 0;
process.on('unhandledRejection', (err) => {
  strayRejections += 1;
  process.stderr.write(`unhandled rejection: ${String(err)}\n`);
});
const load = () => loadavg().map((l) => +l.toFixed(2));
const rate = (n: number, seconds: number) => ({ seconds: +seconds.toFixed(2), perSecond: Math.round(n / seconds) });

/** Appends n filler events to a database's outbox, `per` to a transaction. */
async function append(services: Services, n: number, per: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i += per) {
    await services.outbox.transaction(async (tx) => {
      for (let k = i; k < Math.min(n, i + per); k++) services.outbox.emit(tx, Filler, { n: k, personId, note: NOTE });
    });
  }
  return (performance.now() - t0) / 1000;
}

async function newSite(siteId: string): Promise<Services> {
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db);
  return createServices(db, { siteId, syncRole: 'site' });
}

// A run that has not finished in this time stops and says so (a loaded machine, or a resend storm: see `resent`).
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 1200);

/** Waits until headquarters holds every site's chain up to n; false when MAX_SECONDS passed first. */
async function heldAll(hq: Services, sites: string[], n: number): Promise<boolean> {
  const end = performance.now() + MAX_SECONDS * 1000;
  while (performance.now() < end) {
    const held = (await hq.sync.hqStatus()).sites;
    if (sites.every((s) => (held.find((h) => h.siteId === s)?.contiguousSeq ?? 0) >= n)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function dropStreams(): Promise<void> {
  const nc = await connect({ servers: NATS });
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
  await nc.close();
}

async function link(hq: Services, sites: Services[]) {
  const relays = sites.map((s) => new SiteRelay(s.sync, s.logger, { url: NATS, prefix, batchSize: 500, pollMs: 1000 }));
  const ingest = new HqIngest(hq.sync, hq.logger, { url: NATS, prefix, batchSize: 500, pollMs: 1000 });
  return {
    /** What the relays and the ingest did: resends and resend requests show a link that had to repair itself. */
    counters: () => ({ relays: relays.map((r) => ({ ...r.counters })), ingest: { ...ingest.counters } }),
    async start() {
      // headquarters first: in this one process a relay sealing a long backlog keeps the event loop busy, and a
      // connection opened behind it can miss its dial timeout (separate processes in production); retried if so
      for (const part of [ingest, ...relays]) {
        for (let attempt = 1; ; attempt++) {
          try {
            await part.start();
            break;
          } catch (err) {
            if (attempt >= 5) throw err;
          }
        }
      }
    },
    async stop() {
      for (const r of relays) await r.stop();
      await ingest.stop();
    },
  };
}

export async function twoSites(perSite: number): Promise<object> {
  const loadStart = load();
  const ids = ['benchsiteA', 'benchsiteB'];
  const sites = [await newSite(ids[0]!), await newSite(ids[1]!)];
  const siteWrite = [await append(sites[0]!, perSite, 1000), await append(sites[1]!, perSite, 1000)];
  for (const s of sites) while ((await s.sync.sealPending(5000)).seq < perSite);

  // baseline: the same 2N events appended locally on a headquarters database of its own
  const base = await benchServices('postgres');
  const baselineSeconds = await append(base.services, 2 * perSite, 500);
  await base.close();

  const { services: hq, close } = await benchServices('postgres');
  const sync = await link(hq, sites);
  const t0 = performance.now();
  await sync.start();
  const complete = await heldAll(hq, ids, perSite);
  const syncSeconds = (performance.now() - t0) / 1000;
  const held = (await hq.sync.hqStatus()).sites.filter((s) => ids.includes(s.siteId));
  const counters = sync.counters();
  await sync.stop();
  await dropStreams();
  for (const s of sites) await s.close();
  await close();
  return {
    bench: 'sync two-sites',
    hq: 'postgres',
    sites: 'pglite x2',
    eventsPerSite: perSite,
    events: 2 * perSite,
    siteWrite: siteWrite.map((s) => rate(perSite, s)),
    baselineAppendedLocallyOnHq: rate(2 * perSite, baselineSeconds),
    complete,
    twoSitesToHq: { ...rate(2 * perSite, syncSeconds), counters, held: held.map((h) => ({ site: h.siteId, seq: h.contiguousSeq, forks: h.forks })) },
    strayRejections,
    ratio: +(syncSeconds / baselineSeconds).toFixed(2),
    loadAverage: { start: loadStart, end: load() },
  };
}

export async function catchup(n: number): Promise<object> {
  const loadStart = load();
  const site = await newSite('benchsiteC');
  const { services: hq, close } = await benchServices('postgres');
  const sync = await link(hq, [site]);
  // the outage: the site keeps working with no link at all (no connection open while PGlite writes: a dial that
  // times out behind a busy event loop surfaces as an unhandled rejection in the NATS client, counted below)
  await append(site, 100, 100);
  const writeSeconds = await append(site, n, 1000);
  const t0 = performance.now();
  await sync.start();
  const complete = await heldAll(hq, ['benchsiteC'], 100 + n);
  const catchupSeconds = (performance.now() - t0) / 1000;
  const held = (await hq.sync.hqStatus('benchsiteC')).sites[0]!;
  const counters = sync.counters();
  await sync.stop();
  await dropStreams();
  await site.close();
  await close();
  return {
    bench: 'sync catchup',
    hq: 'postgres',
    site: 'pglite',
    eventsDuringOutage: n,
    siteWriteDuringOutage: rate(n, writeSeconds),
    complete,
    catchup: {
      ...rate(n, catchupSeconds),
      counters,
      note: 'relay start to headquarters holding all: seal + publish + verify + apply + ack',
      held: held.contiguousSeq,
      forks: held.forks,
    },
    strayRejections,
    ratioToSiteWrite: +(catchupSeconds / writeSeconds).toFixed(2),
    loadAverage: { start: loadStart, end: load() },
  };
}

/**
 * A gap and the traffic it costs: two sites write N events each and publish them while headquarters is away; one
 * message early in site G's stream is then lost (deleted, as an outage beyond the stream's keeping would); headquarters
 * reads both streams in batches of `batch`. The baseline is site N, the same events with no gap, in the same run. The
 * figures: resend requests, messages republished, how many messages each stream ended with, the time until
 * headquarters held each site whole.
 */
export async function gap(n: number, batch = 100): Promise<object> {
  const loadStart = load();
  const ids = ['benchgapG', 'benchgapN'];
  const sites = [await newSite(ids[0]!), await newSite(ids[1]!)];
  for (const s of sites) await append(s, n, 1000);
  const { services: hq, close } = await benchServices('postgres');
  const relays = sites.map((s) => new SiteRelay(s.sync, s.logger, { url: NATS, prefix, batchSize: 500, pollMs: 1000 }));
  for (const r of relays) await r.start();
  for (const [i, s] of sites.entries())
    while ((await s.sync.relayState()).publishedSeq < n) {
      relays[i]!.wake();
      await new Promise((r) => setTimeout(r, 100));
    }
  const nc = await connect({ servers: NATS });
  const jsm = await jetstreamManager(nc);
  const streamOf = (site: string) => `${prefix}_SITE_${site}`;
  await jsm.streams.deleteMessage(streamOf(ids[0]!), 2);
  const ingest = new HqIngest(hq.sync, hq.logger, { url: NATS, prefix, batchSize: batch, pollMs: 1000 });
  const t0 = performance.now();
  await ingest.start();
  const heldAt: Record<string, number | null> = { [ids[0]!]: null, [ids[1]!]: null };
  const end = t0 + MAX_SECONDS * 1000;
  while (performance.now() < end && Object.values(heldAt).some((v) => v === null)) {
    const held = (await hq.sync.hqStatus()).sites;
    for (const id of ids) if (heldAt[id] === null && (held.find((h) => h.siteId === id)?.contiguousSeq ?? 0) >= n) heldAt[id] = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  const streams = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await jsm.streams.info(streamOf(id))).state.messages] as const)));
  const held = (await hq.sync.hqStatus()).sites.filter((s) => ids.includes(s.siteId));
  const figures = {
    bench: 'sync gap',
    hq: 'postgres',
    sites: 'pglite x2',
    eventsPerSite: n,
    ingestBatch: batch,
    complete: Object.values(heldAt).every((v) => v !== null),
    withGap: { site: ids[0], secondsToHeld: heldAt[ids[0]!], relay: { ...relays[0]!.counters }, streamMessages: streams[ids[0]!] },
    baselineNoGap: { site: ids[1], secondsToHeld: heldAt[ids[1]!], relay: { ...relays[1]!.counters }, streamMessages: streams[ids[1]!] },
    ingest: { ...ingest.counters },
    held: held.map((h) => ({ site: h.siteId, seq: h.contiguousSeq, forks: h.forks })),
    loadAverage: { start: loadStart, end: load() },
  };
  await ingest.stop();
  for (const r of relays) await r.stop();
  await nc.close();
  await dropStreams();
  for (const s of sites) await s.close();
  await close();
  return figures;
}
