import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Actor } from '../../modules/access';
import { MqttIngest } from '../../modules/sensors';
import type { Services } from '../../services';
import type { SeededWorld } from './scenario.seed';

/**
 * The perimeter at al-Hol and al-Shaddadah (issue 20), replayed through MQTT: the scenario publishes what the devices
 * would send to the broker (CUSTOS_MQTT_URL, else mqtt://127.0.0.1:1883) under a topic prefix of its own, and the
 * sensors module's MQTT consumer stores it; when no broker answers, the same messages go through the webhook's path
 * (`SensorsService.ingestWebhook`: the same checks and batches, no broker) and the timeline says so.
 *  - 19 January: sensors placed at al-Hol (four fence sectors and the main gate) and at al-Shaddadah (panic buttons
 *    and door contacts in two blocks), a heartbeat due every half hour; the replay sends heartbeats in sweeps, each
 *    followed by the health timer, where the story needs them, and a last sweep at the replay's end;
 *  - 20 January, night: wind on the northern fence (weak vibration: recorded, no incident);
 *  - 20 January, 07:05: the guards gone, the generator feeding the eastern and southern fences stops: both sectors
 *    fall silent and the health timer makes them dead zones (one alert per sector, critical: the sector is dark);
 *  - 20 January, 07:40 and 09:15: breaches of the northern fence (vibration, a cut, a line crossing, motion) and of
 *    the western taut wire; 10:30 the main gate forced: one incident each, not one per alarm. Nobody acknowledges
 *    them until the new force arrives at 13:00; the northern and western ones are closed after the 16:00 count, the
 *    gate's stays live for the operations room; the southern fence has power again at 15:00 (heard again: online);
 *  - February: riots at al-Shaddadah (article 002): panic buttons pressed in block 1 (an incident), staff incident
 *    reports of the riot, an assault on a guard, intimidation by a Hisbah cell and contraband found after a search.
 */

const MIN = 60_000;
const HEARTBEAT_SECONDS = 1800;
const PLACED = Date.parse('2026-01-19T12:00:00Z');

export interface SensorStep {
  at: number;
  run: () => Promise<void>;
}

interface Placement {
  code: string;
  kind: 'fence_vibration' | 'taut_wire' | 'gate_contact' | 'door_contact' | 'motion' | 'camera_line' | 'panic_button';
  sector: string;
  x: number;
  y: number;
}

const HOL_SENSORS: Placement[] = [
  ...[1, 2, 3].map((i) => ({ code: `N-F${i}`, kind: 'fence_vibration' as const, sector: 'north-fence', x: 150 + i * 180, y: 40 })),
  { code: 'N-C1', kind: 'camera_line', sector: 'north-fence', x: 420, y: 80 },
  { code: 'N-M1', kind: 'motion', sector: 'north-fence', x: 600, y: 90 },
  ...[1, 2, 3].map((i) => ({ code: `E-F${i}`, kind: 'fence_vibration' as const, sector: 'east-fence', x: 960, y: 150 + i * 180 })),
  ...[1, 2, 3].map((i) => ({ code: `S-F${i}`, kind: 'fence_vibration' as const, sector: 'south-fence', x: 150 + i * 180, y: 960 })),
  ...[1, 2].map((i) => ({ code: `W-T${i}`, kind: 'taut_wire' as const, sector: 'west-fence', x: 40, y: 250 + i * 200 })),
  { code: 'W-M1', kind: 'motion', sector: 'west-fence', x: 90, y: 500 },
  { code: 'G-D1', kind: 'gate_contact', sector: 'main-gate', x: 500, y: 990 },
  { code: 'G-C1', kind: 'camera_line', sector: 'main-gate', x: 540, y: 950 },
];
const SHD_SENSORS: Placement[] = [
  { code: 'B1-P1', kind: 'panic_button', sector: 'block-1', x: 250, y: 300 },
  { code: 'B1-P2', kind: 'panic_button', sector: 'block-1', x: 350, y: 300 },
  { code: 'B1-D1', kind: 'door_contact', sector: 'block-1', x: 300, y: 420 },
  { code: 'B2-P1', kind: 'panic_button', sector: 'block-2', x: 650, y: 300 },
  { code: 'B2-D1', kind: 'door_contact', sector: 'block-2', x: 700, y: 420 },
];
/** The sectors silent from the generator stopping until power comes back. */
const DARK = [
  { sector: 'east-fence', from: Date.parse('2026-01-20T07:05:00Z'), until: Date.parse('2026-01-21T10:00:00Z') },
  { sector: 'south-fence', from: Date.parse('2026-01-20T07:05:00Z'), until: Date.parse('2026-01-20T15:00:00Z') },
];

type Message = { site: string; sensor: string; channel: 'event' | 'heartbeat'; payload: Record<string, unknown> };

/** Publishes to the broker and waits until the consumer stored it; or, with no broker, the webhook's path. */
class SensorFeed {
  private mode: 'mqtt' | 'webhook' | null = null;
  private pub: MqttClient | null = null;
  private ingest: MqttIngest | null = null;
  private readonly prefix = `custos-demo-${randomBytes(4).toString('hex')}`;
  private sent = 0;

  constructor(
    private readonly services: Services,
    private readonly actor: Actor,
    private readonly log: (at: number, text: string) => void,
    private readonly url = process.env.CUSTOS_MQTT_URL || 'mqtt://127.0.0.1:1883',
  ) {}

  private async connect(at: number): Promise<void> {
    try {
      this.pub = await mqtt.connectAsync(this.url, { clientId: `${this.prefix}-devices`, connectTimeout: 3000, reconnectPeriod: 0 }, false);
      this.ingest = new MqttIngest(this.services.sensors, this.services.logger, { url: this.url, prefix: this.prefix, lingerMs: 5 });
      await this.ingest.start();
      this.mode = 'mqtt';
      this.log(at, `Sensor messages replayed through the MQTT broker at ${this.url} (topics ${this.prefix}/<site>/sensors/...), stored by the consumer`);
    } catch (err) {
      await this.pub?.endAsync(true).catch(() => undefined);
      this.pub = null;
      this.ingest = null;
      this.mode = 'webhook';
      this.log(at, `MQTT broker ${this.url} not reachable (${(err as Error).message}): sensor messages go through the HTTP webhook's path instead`);
    }
  }

  async send(at: number, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.mode) await this.connect(at);
    if (this.mode === 'webhook' || !this.pub || !this.ingest) {
      await this.services.sensors.ingestWebhook(this.actor, { messages });
      return;
    }
    const pub = this.pub;
    await Promise.all(
      messages.map((m) => pub.publishAsync(`${this.prefix}/${m.site}/sensors/${m.sensor}/${m.channel}`, JSON.stringify(m.payload), { qos: 1 })),
    );
    this.sent += messages.length;
    const ingest = this.ingest;
    const t = Date.now();
    while (ingest.counters.received < this.sent) {
      if (Date.now() - t > 20_000) throw new Error(`The MQTT consumer received ${ingest.counters.received} of ${this.sent} sensor messages`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await ingest.idle();
  }

  async close(): Promise<void> {
    await this.pub?.endAsync().catch(() => undefined);
    await this.ingest?.stop();
    this.pub = null;
    this.ingest = null;
  }
}

export function sensorSteps(
  services: Services,
  world: SeededWorld,
  actor: Actor,
  log: (at: number, text: string) => void,
): { steps: SensorStep[]; close: (at: number) => Promise<void> } {
  const feed = new SensorFeed(services, actor, log);
  const steps: SensorStep[] = [];
  const iso = (t: number) => new Date(t).toISOString();
  const hol = world.facilityIds.get('HOL');
  const shd = world.facilityIds.get('SHD');
  if (!hol || !shd) return { steps, close: () => feed.close() };
  let placed = false;
  let n = 0;
  const event = (site: string, sensor: string, at: number, type: string, value?: Record<string, unknown>): Message => ({
    site,
    sensor,
    channel: 'event',
    payload: { id: `${sensor}-${(n++).toString(36)}-${at.toString(36)}`, type, at: iso(at), ...(value ? { value } : {}) },
  });
  const topUnits = (code: string) =>
    (world.plan.facilities.find((f) => f.code === code)?.units ?? [])
      .filter((u) => !u.parent)
      .map((u) => world.unitIds.get(`${code}/${u.code}`))
      .filter((u): u is string => !!u);
  const incidentOf = async (facilityId: string, sector: string) =>
    (await services.incidents.list(actor, { facilityId, limit: 50, offset: 0 })).rows.find((i) => i.sector === sector && i.status !== 'closed');

  steps.push({
    at: PLACED,
    run: async () => {
      const place = async (facilityId: string, list: Placement[], units: string[]) => {
        const sectors = [...new Set(list.map((p) => p.sector))];
        for (const p of list) {
          // each sector watches over one of the facility's top units (its tower, its roll call)
          const unit = units.length ? [units[sectors.indexOf(p.sector) % units.length]!] : [];
          await services.sensors.create(actor, {
            facilityId,
            code: p.code,
            name: p.code,
            kind: p.kind,
            sector: p.sector,
            unitIds: unit,
            x: p.x,
            y: p.y,
            heartbeatSeconds: HEARTBEAT_SECONDS,
          });
        }
      };
      await place(hol, HOL_SENSORS, topUnits('HOL'));
      await place(shd, SHD_SENSORS, topUnits('SHD'));
      placed = true;
      log(PLACED, `Perimeter sensors placed: ${HOL_SENSORS.length} at al-Hol (4 fence sectors, the main gate), ${SHD_SENSORS.length} at al-Shaddadah`);
    },
  });

  // heartbeat sweeps, each followed by the health timer; the dark sectors stay silent while their power is off
  const beat = async (at: number) => {
    const dark = new Set(DARK.filter((d) => at >= d.from && at < d.until).map((d) => d.sector));
    const beats: Message[] = [
      ...HOL_SENSORS.filter((p) => !dark.has(p.sector)).map((p) => ({
        site: 'HOL',
        sensor: p.code,
        channel: 'heartbeat' as const,
        payload: { power: 'mains' },
      })),
      ...SHD_SENSORS.map((p) => ({ site: 'SHD', sensor: p.code, channel: 'heartbeat' as const, payload: {} })),
    ];
    await feed.send(at, beats);
  };
  const sweep = (at: number) => ({
    at,
    run: async () => {
      await beat(at);
      const { dead } = await services.sensors.tick(new Date(at + MIN));
      // the alert rules run now, at the scenario time the live timer would have raised the dead zones
      await services.settle();
      if (dead) log(at + MIN, `Health timer: ${dead} sensor${dead === 1 ? '' : 's'} silent past their heartbeats, dead zone${dead === 1 ? '' : 's'} raised`);
    },
  });
  // A sweep where the story needs one: at placement; before the generator stops; when the health timer would first
  // find the dark sectors (heard last at 06:00, silent 75 minutes later); when each sector has power again. Between
  // sweeps no timer runs in the replay, so a sensor is never found silent for want of heartbeats the replay skipped.
  for (const at of ['2026-01-19T12:00:00Z', '2026-01-20T06:00:00Z', '2026-01-20T07:16:00Z', '2026-01-20T15:00:00Z', '2026-01-21T10:00:00Z'])
    steps.push(sweep(Date.parse(at)));

  const night = Date.parse('2026-01-20T01:30:00Z');
  steps.push({
    at: night,
    run: async () => {
      const gusts: Message[] = [];
      for (let i = 0; i < 12; i++) gusts.push(event('HOL', `N-F${(i % 3) + 1}`, night + i * 4 * MIN, 'vibration', { intensity: 0.15 + (i % 5) * 0.08 }));
      await feed.send(night, gusts);
      log(night, 'Wind on the northern fence of al-Hol all night: weak vibration, recorded, no incident');
    },
  });
  steps.push({
    at: DARK[0]!.from,
    run: async () => log(DARK[0]!.from, 'The generator feeding the eastern and southern fences of al-Hol stops: both sectors fall silent'),
  });

  const breach = (at: number, text: string, messages: (t: number) => Message[]) =>
    steps.push({
      at,
      run: async () => {
        await feed.send(at, messages(at));
        await services.settle();
        log(at, text);
      },
    });
  breach(Date.parse('2026-01-20T07:40:00Z'), 'Breach of the northern fence at al-Hol: vibration, the wire cut, a line crossed, motion: one incident', (t) => [
    event('HOL', 'N-F2', t, 'vibration', { intensity: 0.92 }),
    event('HOL', 'N-F2', t + 20_000, 'cut'),
    event('HOL', 'N-C1', t + 45_000, 'line_crossing'),
    event('HOL', 'N-M1', t + 70_000, 'motion'),
    event('HOL', 'N-F3', t + 95_000, 'vibration', { intensity: 0.81 }),
  ]);
  breach(Date.parse('2026-01-20T09:15:00Z'), 'The western taut wire of al-Hol cut, motion behind it: one incident', (t) => [
    event('HOL', 'W-T1', t, 'tension'),
    event('HOL', 'W-T1', t + 30_000, 'cut'),
    event('HOL', 'W-M1', t + 50_000, 'motion'),
  ]);
  breach(Date.parse('2026-01-20T10:30:00Z'), 'The main gate of al-Hol forced and crossed: one incident', (t) => [
    event('HOL', 'G-D1', t, 'forced'),
    event('HOL', 'G-C1', t + 15_000, 'line_crossing'),
    event('HOL', 'G-D1', t + 60_000, 'held_open'),
  ]);

  const handle = (at: string, sector: string, to: 'acknowledged' | 'responding' | 'contained' | 'closed', note?: string, facilityId = hol) =>
    steps.push({
      at: Date.parse(at),
      run: async () => {
        const incident = await incidentOf(facilityId, sector);
        if (incident && incident.status !== to) await services.incidents.transition(actor, incident.id, { to, note });
      },
    });
  handle('2026-01-20T13:20:00Z', 'north-fence', 'acknowledged');
  handle('2026-01-20T13:25:00Z', 'west-fence', 'acknowledged');
  handle('2026-01-20T13:30:00Z', 'main-gate', 'acknowledged');
  handle('2026-01-20T13:40:00Z', 'north-fence', 'responding');
  handle('2026-01-20T15:10:00Z', 'north-fence', 'contained');
  handle(
    '2026-01-20T16:50:00Z',
    'north-fence',
    'closed',
    'Fence cut near N-F2 at 07:40; the gap closed by the arriving force at 15:10; how many left through it is for the 16:00 count',
  );
  handle('2026-01-20T17:05:00Z', 'west-fence', 'closed', 'Taut wire cut at W-T1; tracks outward; wire repaired');
  steps.push({
    at: Date.parse('2026-01-20T13:35:00Z'),
    run: async () =>
      log(Date.parse('2026-01-20T13:35:00Z'), 'The arriving force acknowledges the three perimeter incidents, almost six hours after their first alarms'),
  });

  // al-Shaddadah, February (article 002): riots, panic buttons, staff reports
  const riot = Date.parse('2026-02-11T21:40:00Z');
  breach(riot, 'Riot in block 1 of al-Shaddadah prison: panic buttons pressed, a cell door forced: one incident', (t) => [
    event('SHD', 'B1-P1', t, 'panic'),
    event('SHD', 'B1-P2', t + 40_000, 'panic'),
    event('SHD', 'B1-D1', t + 90_000, 'forced'),
  ]);
  const shdUnits = topUnits('SHD');
  const report = (
    at: string,
    input: {
      type: 'riot' | 'assault' | 'intimidation' | 'contraband';
      severity: 'low' | 'medium' | 'high' | 'critical';
      summary: string;
      followUp?: string;
      withIncident?: boolean;
      unit?: number;
    },
  ) =>
    steps.push({
      at: Date.parse(at),
      run: async () => {
        const incident = input.withIncident ? await incidentOf(shd, 'block-1') : undefined;
        await services.incidents.fileReport(actor, {
          facilityId: shd,
          type: input.type,
          severity: input.severity,
          summary: input.summary,
          occurredAt: at,
          unitIds: shdUnits.length ? [shdUnits[(input.unit ?? 0) % shdUnits.length]!] : [],
          personIds: [],
          incidentId: incident?.id,
          followUp: input.followUp,
        });
        log(Date.parse(at), `Staff report at al-Shaddadah (${input.type}): ${input.summary}`);
      },
    });
  report('2026-02-11T23:10:00Z', {
    type: 'riot',
    severity: 'critical',
    summary: 'Detainees of block 1 broke the cell doors and held the corridor for two hours; mattresses burnt',
    followUp: 'Count block 1 by name; inspect the doors',
    withIncident: true,
  });
  report('2026-02-12T02:30:00Z', { type: 'assault', severity: 'high', summary: 'A guard struck with an iron bar during the riot; taken to the clinic' });
  report('2026-02-14T10:00:00Z', {
    type: 'intimidation',
    severity: 'high',
    summary: 'A Hisbah cell in block 2 threatens detainees who speak to the guards',
    followUp: 'Separate the named men; report to the commander',
    unit: 1,
  });
  report('2026-02-18T09:00:00Z', { type: 'contraband', severity: 'medium', summary: 'Phones and a blade found in block 1 after the search', unit: 0 });
  // the riot's incident: acknowledged within minutes there, closed the next morning
  handle('2026-02-11T21:46:00Z', 'block-1', 'acknowledged', undefined, shd);
  handle('2026-02-12T06:30:00Z', 'block-1', 'closed', 'Riot in block 1 ended at 23:45; doors repaired; see the staff reports', shd);

  return {
    steps,
    // the replay's end: a last sweep of heartbeats (the live health timer of a served demo then finds the sensors
    // heard at the replay's end, not at the last sweep hours before), then the consumer stops
    close: async (at: number) => {
      try {
        if (placed) await beat(at);
      } finally {
        await feed.close();
      }
    },
  };
}
