import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../platform/logger';
import { parseTopic } from './sensors.domain';
import type { RawMessage, SensorsService } from './sensors.service';

export interface MqttIngestOptions {
  /** e.g. `mqtt://127.0.0.1:1883` (CUSTOS_MQTT_URL). */
  url: string;
  /** First topic level(s): `custos` in production, a unique prefix per test. */
  prefix?: string;
  /** Messages stored per transaction at most. */
  batchSize?: number;
  /** How long the first message of a batch waits for others (ms). */
  lingerMs?: number;
  clientId?: string;
}

export interface IngestCounters {
  received: number;
  accepted: number;
  duplicates: number;
  heartbeats: number;
  deadLettered: number;
  incidentsOpened: number;
  failedBatches: number;
}

/**
 * The MQTT consumer: subscribes to `<prefix>/+/sensors/+/+` and stores what arrives in batches (one transaction per
 * batch, the next batch filling while one is stored). A message that cannot be taken goes to the dead-letter table;
 * a batch that fails to store is logged and counted, and the consumer goes on with the next.
 */
export class MqttIngest {
  private client: MqttClient | null = null;
  private queue: RawMessage[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly prefix: string;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  readonly counters: IngestCounters = { received: 0, accepted: 0, duplicates: 0, heartbeats: 0, deadLettered: 0, incidentsOpened: 0, failedBatches: 0 };

  constructor(
    private readonly sensors: SensorsService,
    private readonly logger: Logger,
    private readonly opts: MqttIngestOptions,
  ) {
    this.prefix = opts.prefix ?? 'custos';
    this.batchSize = opts.batchSize ?? 2000;
    this.lingerMs = opts.lingerMs ?? 20;
  }

  /** Connects and subscribes; resolves once the subscription is granted. */
  async start(): Promise<void> {
    if (this.client) return;
    const client = await mqtt.connectAsync(this.opts.url, {
      clientId: this.opts.clientId ?? `custos-ingest-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.take(topic, payload));
    client.on('error', (err) => this.logger.warn({ err }, 'MQTT ingest: connection error'));
    await client.subscribeAsync(`${this.prefix}/+/sensors/+/+`, { qos: 1 });
  }

  private take(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic, this.prefix);
    this.queue.push({ source: 'mqtt', topic, address: 'error' in parsed ? null : parsed, payload });
    this.counters.received += 1;
    if (this.queue.length >= this.batchSize) this.kick();
    else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.lingerMs);
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) return;
    this.flushing = (async () => {
      // two batches at a time: one being written, the next parsed and checked meanwhile (the service writes them in
      // order, one after the other)
      let previous: Promise<void> | null = null;
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchSize);
        const done = this.sensors.ingest(batch).then(
          (r) => {
            this.counters.accepted += r.accepted;
            this.counters.duplicates += r.duplicates;
            this.counters.heartbeats += r.heartbeats;
            this.counters.deadLettered += r.deadLettered;
            this.counters.incidentsOpened += r.incidentsOpened.length;
          },
          (err) => {
            this.counters.failedBatches += 1;
            this.logger.error({ err, messages: batch.length }, 'MQTT ingest: a batch could not be stored');
          },
        );
        if (previous) await previous;
        previous = done;
      }
      if (previous) await previous;
    })().finally(() => {
      this.flushing = null;
    });
  }

  /** Resolves when everything received so far is stored (tests, benchmarks). */
  async idle(): Promise<void> {
    if (this.queue.length > 0) this.kick();
    while (this.flushing || this.queue.length > 0) {
      if (this.flushing) await this.flushing;
      else this.kick();
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync().catch(() => undefined);
    await this.idle();
  }
}
