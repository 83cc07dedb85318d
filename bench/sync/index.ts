// Site to headquarters: events per second from a site's outbox (PGlite) into headquarters (PostgreSQL by default)
// through the relay, JetStream and the ingest (chain sealed and verified, applied, acknowledged, receipted), against a
// baseline of the same messages published raw to a JetStream stream and consumed (fetch + ack) with no database.
// usage: npm run bench -- sync [postgres|pglite] [events]
// Two sites at once and the catch-up after an outage: `sync two-sites [events per site]`, `sync catchup [events]`
// (bench/sync/sites.ts). A gap and the resends it costs: `sync gap [events per site] [ingest batch]`.
import { randomBytes } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { openDatabase } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';
import { defineEvent } from '../../src/platform/outbox';
import { createServices } from '../../src/services';
import { HqIngest, messageId, SiteRelay } from '../../src/modules/sync';
import { benchServices, type BenchTarget } from '../lib/db';

const mode = process.argv[2];
if (mode === 'two-sites' || mode === 'catchup' || mode === 'gap') {
  const { twoSites, catchup, gap } = await import('./sites');
  const figures =
    mode === 'two-sites'
      ? await twoSites(Number(process.argv[3] ?? 10_000))
      : mode === 'gap'
        ? await gap(Number(process.argv[3] ?? 5_000), Number(process.argv[4] ?? 100))
        : await catchup(Number(process.argv[3] ?? 100_000));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
const target = (mode ?? 'postgres') as BenchTarget;
const total = Number(process.argv[3] ?? 20_000);
const NATS = process.env.CUSTOS_NATS_URL ?? 'nats://127.0.0.1:4222';
const SITE = 'benchsite';
const prefix = `bench${randomBytes(4).toString('hex')}`;

// a site's events: a small payload of the size of a custody event's
const Filler = defineEvent('bench.filler', 1, z.object({ n: z.number().int(), personId: z.uuid(), note: z.string() }));
const siteDb = await openDatabase({ dataDir: 'memory://' });
await migrate(siteDb);
const site = createServices(siteDb, { siteId: SITE, syncRole: 'site' });
const personId = '0190a0b0-0000-7000-8000-000000000001';
let t0 = performance.now();
for (let n = 0; n < total; n += 1000) {
  await site.outbox.transaction(async (tx) => {
    for (let i = n; i < Math.min(total, n + 1000); i++)
      site.outbox.emit(tx, Filler, { n: i, personId, note: 'ADMITTED to HOL block B2 by order 2026/114 of the camp commander' });
  });
}
const writeSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
while ((await site.sync.sealPending(5000)).seq < total);
const sealSeconds = (performance.now() - t0) / 1000;
const messages = await site.sync.messages(1, 0, total, total);
const bodies = messages.map((m) => JSON.stringify(m));

const nc = await connect({ servers: NATS });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// baseline: the same messages, raw: publish with message ids (500 in flight), then a pull consumer fetches and acks
const raw = `${prefix}_RAW`;
await jsm.streams.add({ name: raw, subjects: [`${prefix}.raw`] });
t0 = performance.now();
for (let i = 0; i < bodies.length; i += 500)
  await Promise.all(bodies.slice(i, i + 500).map((b, j) => js.publish(`${prefix}.raw`, b, { msgID: messageId(SITE, 1, i + j + 1) })));
await jsm.consumers.add(raw, { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
const consumer = await js.consumers.get(raw, 'raw');
let consumed = 0;
while (consumed < total) {
  const iter = await consumer.fetch({ max_messages: 500, expires: 2000 });
  for await (const m of iter) {
    JSON.parse(m.string());
    m.ack();
    consumed += 1;
  }
}
await nc.flush();
const baselineSeconds = (performance.now() - t0) / 1000;
await jsm.streams.delete(raw);

// Custos: the relay publishes from the site's database, headquarters verifies, applies and acknowledges
const { services: hq, close } = await benchServices(target);
const relay = new SiteRelay(site.sync, site.logger, { url: NATS, prefix, batchSize: 500, pollMs: 1000 });
const ingest = new HqIngest(hq.sync, hq.logger, { url: NATS, prefix, batchSize: 500, pollMs: 1000 });
t0 = performance.now();
await relay.start();
await ingest.start();
for (;;) {
  const s = (await hq.sync.hqStatus(SITE)).sites[0];
  if (s && s.contiguousSeq >= total) break;
  await new Promise((r) => setTimeout(r, 50));
}
const syncSeconds = (performance.now() - t0) / 1000;
const held = (await hq.sync.hqStatus(SITE)).sites[0]!;

await relay.stop();
await ingest.stop();
for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
await nc.close();
await site.close();
await close();

const perSecond = (s: number) => Math.round(total / s);
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'sync',
      hq: target,
      site: 'pglite',
      events: total,
      siteWrite: { seconds: +writeSeconds.toFixed(2), perSecond: perSecond(writeSeconds) },
      seal: { seconds: +sealSeconds.toFixed(2), perSecond: perSecond(sealSeconds) },
      baselineRawJetStream: { seconds: +baselineSeconds.toFixed(2), perSecond: perSecond(baselineSeconds) },
      siteToHq: { seconds: +syncSeconds.toFixed(2), perSecond: perSecond(syncSeconds), held: held.contiguousSeq, forks: held.forks },
      ratio: +(syncSeconds / baselineSeconds).toFixed(2),
    },
    null,
    2,
  )}\n`,
);
