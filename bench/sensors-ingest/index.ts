// Sustained MQTT ingest with correlation on (events stored per second) against a baseline of the same messages
// consumed from the same broker and dropped; then seconds from a breach's first alarm to its alert on the stream.
// usage: npm run bench -- sensors-ingest [pglite|postgres] [messages]
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { systemActor } from '../../src/modules/access';
import { AlertRaised } from '../../src/modules/alerts';
import { MqttIngest } from '../../src/modules/sensors';
import { benchServices, type BenchTarget } from '../lib/db';

const target = (process.argv[2] ?? 'postgres') as BenchTarget;
const total = Number(process.argv[3] ?? 50_000);
const BROKER = process.env.CUSTOS_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const actor = systemActor('bench');

const { services, close } = await benchServices(target);
const facility = await services.facilities.create(actor, { code: 'BEN', name: 'Bench camp', kind: 'camp' });
const SECTORS = 20;
const PER_SECTOR = 10;
const codes: { code: string; sector: number; kind: 'fence_vibration' | 'camera_line' }[] = [];
for (let s = 0; s < SECTORS; s++) {
  for (let i = 0; i < PER_SECTOR; i++) {
    const kind = i === 0 ? 'camera_line' : 'fence_vibration';
    const code = `S${s}-${i}`;
    await services.sensors.create(actor, {
      facilityId: facility.id,
      code,
      name: code,
      kind,
      sector: `s${s}`,
      unitIds: [],
      x: s * 40,
      y: i * 40,
      heartbeatSeconds: 60,
    });
    codes.push({ code, sector: s, kind });
  }
}

// the stream: heartbeats, wind on the fence (weak vibration), and now and then a strong vibration (an alarm)
const prefix = `bench-${randomBytes(3).toString('hex')}`;
const messages: { topic: string; body: string }[] = [];
for (let n = 0; n < total; n++) {
  const s = codes[n % codes.length]!;
  const r = (n * 7919) % 100;
  if (r < 40) messages.push({ topic: `${prefix}/BEN/sensors/${s.code}/heartbeat`, body: '{}' });
  else if (s.kind === 'camera_line')
    messages.push({ topic: `${prefix}/BEN/sensors/${s.code}/event`, body: JSON.stringify({ id: `e${n}`, type: 'loitering' }) });
  else
    messages.push({
      topic: `${prefix}/BEN/sensors/${s.code}/event`,
      body: JSON.stringify({ id: `e${n}`, type: 'vibration', value: { intensity: r < 45 ? 0.9 : 0.2 } }),
    });
}

async function publishAll(client: mqtt.MqttClient, list: typeof messages): Promise<void> {
  // QoS 1 in windows of 500 in flight: what a broker would forward from many devices
  for (let i = 0; i < list.length; i += 500) await Promise.all(list.slice(i, i + 500).map((m) => client.publishAsync(m.topic, m.body, { qos: 1 })));
}

const pub = await mqtt.connectAsync(BROKER, { clientId: `${prefix}-pub` });

// baseline: the same messages consumed and dropped
const drop = await mqtt.connectAsync(BROKER, { clientId: `${prefix}-drop` });
let dropped = 0;
const allDropped = new Promise<void>((done) =>
  drop.on('message', () => {
    if (++dropped === total) done();
  }),
);
await drop.subscribeAsync(`${prefix}/+/sensors/+/+`, { qos: 1 });
let t0 = performance.now();
await publishAll(pub, messages);
await allDropped;
const baselineSeconds = (performance.now() - t0) / 1000;
await drop.endAsync();

// ingest with correlation on
const ingest = new MqttIngest(services.sensors, services.logger, { url: BROKER, prefix });
await ingest.start();
const rss0 = process.memoryUsage().rss;
t0 = performance.now();
await publishAll(pub, messages);
while (ingest.counters.received < total) await new Promise((r) => setTimeout(r, 5));
await ingest.idle();
const ingestSeconds = (performance.now() - t0) / 1000;
const rss1 = process.memoryUsage().rss;
await services.settle();

// a breach: the first alarm published -> its incident's alert delivered on the live stream
const seen = new Promise<number>((done) => {
  void services.outbox.subscribe([AlertRaised], (e) => {
    if ((e.payload as { alert: { rule: string } }).alert.rule === 'sensors.incident') done(performance.now());
  });
});
await new Promise((r) => setTimeout(r, 100));
const quiet = 's19';
const t1 = performance.now();
await pub.publishAsync(`${prefix}/BEN/sensors/S19-1/event`, JSON.stringify({ id: 'breach-1', type: 'vibration', value: { intensity: 0.95 } }), { qos: 1 });
await pub.publishAsync(`${prefix}/BEN/sensors/S19-2/event`, JSON.stringify({ id: 'breach-2', type: 'cut' }), { qos: 1 });
const breachSeconds = ((await seen) - t1) / 1000;

await pub.endAsync();
await ingest.stop();
const stats = ingest.counters;
console.log(
  JSON.stringify(
    {
      bench: 'sensors-ingest',
      target,
      messages: total,
      sensors: codes.length,
      baseline: { seconds: +baselineSeconds.toFixed(2), perSecond: Math.round(total / baselineSeconds) },
      ingest: { seconds: +ingestSeconds.toFixed(2), perSecond: Math.round(total / ingestSeconds), ...stats },
      ratio: +(baselineSeconds / ingestSeconds).toFixed(2),
      breachToAlertSeconds: +breachSeconds.toFixed(3),
      breachSector: quiet,
      rssMiB: { before: Math.round(rss0 / 2 ** 20), after: Math.round(rss1 / 2 ** 20) },
      load: (await import('node:os')).loadavg().map((l) => +l.toFixed(1)),
    },
    null,
    2,
  ),
);
await close();
