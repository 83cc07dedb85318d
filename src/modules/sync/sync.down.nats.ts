import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { failpoint } from '../../platform/failpoints';
import type { Logger } from '../../platform/logger';
import { isToken, streamPrefix } from './sync.domain';
import { downMessageId, downNamesFor, type SyncDown } from './sync.down';
import type { SyncLinkOptions } from './sync.nats';
import { backoffMs, CoalescingRunner } from './sync.runner';

async function open(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000 });
}

const backoff = (failures: number) => new Promise((r) => setTimeout(r, backoffMs(failures)));

/** A site's down stream; either side may create it first (same configuration). */
async function ensureDownStream(jsm: JetStreamManager, names: ReturnType<typeof downNamesFor>, maxAgeDays: number): Promise<void> {
  try {
    await jsm.streams.info(names.stream);
    return;
  } catch {
    // not there yet
  }
  await jsm.streams.add({
    name: names.stream,
    subjects: [names.items],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(maxAgeDays * 86_400_000),
    duplicate_window: nanos(120_000),
  });
}

export interface DownPublisherCounters {
  published: number;
  duplicates: number;
  resyncs: number;
  failures: number;
}

/**
 * Headquarters' side of the way down: for each site it knows (a site stream on the server, or a cursor), publishes
 * the items issued for it after its cursor to the site's down stream, with the message id `down.<site>.<item id>`,
 * then moves the cursor. Killed between publishing and moving the cursor, it publishes the same ids again and the
 * server drops them (within the duplicate window; beyond it the site drops them by item id). A site that asks for a
 * resync gets everything again under fresh ids.
 */
export class HqDownPublisher {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly runner: CoalescingRunner;
  private readonly ensured = new Set<string>();
  /** Sites being resent after a resync: their messages carry this suffix until the cursor is back at the end. */
  private readonly resyncNonce = new Map<string, string>();
  readonly counters: DownPublisherCounters = { published: 0, duplicates: 0, resyncs: 0, failures: 0 };
  private readonly prefix: string;

  constructor(
    private readonly down: SyncDown,
    private readonly logger: Logger,
    private readonly opts: SyncLinkOptions & { downMaxAgeDays?: number },
  ) {
    this.prefix = opts.prefix ?? 'custos';
    this.runner = new CoalescingRunner(
      async () => {
        for (const site of await this.sites()) await this.publishSite(site);
      },
      {
        onFailure: (err) => {
          this.counters.failures += 1;
          this.logger.warn({ err }, 'sync down: publishing failed; will retry');
        },
      },
    );
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    const nc = await open(this.opts.url, 'custos-hq-down');
    this.nc = nc;
    this.js = jetstream(nc, { domain: this.opts.domain });
    this.jsm = await jetstreamManager(nc, { domain: this.opts.domain });
    this.stopped = false;
    this.runner.start();
    nc.subscribe(`${this.prefix}.down.*.resync`, {
      callback: (err, msg) => {
        if (err) return;
        const site = msg.subject.split('.')[2] ?? '';
        if (!isToken(site)) return;
        this.counters.resyncs += 1;
        this.resyncNonce.set(site, randomUUID().slice(0, 8));
        void this.down
          .rewind(site)
          .then(() => this.wake())
          .catch((e) => this.logger.warn({ err: e, site }, 'sync down: resync not started'));
      },
    });
    await nc.flush();
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 5_000);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (!this.stopped) this.runner.wake();
  }

  /** The sites of the deployment: each site stream on the server (a site's relay creates it) and each known cursor. */
  private async sites(): Promise<string[]> {
    const found = new Set((await this.down.cursors()).map((c) => c.siteId));
    const head = streamPrefix(this.prefix);
    for await (const name of this.jsm!.streams.names()) if (name.startsWith(head)) found.add(name.slice(head.length));
    return [...found].filter(isToken).sort();
  }

  private async publishSite(site: string): Promise<void> {
    const names = downNamesFor(this.prefix, site);
    if (!this.ensured.has(site)) {
      await ensureDownStream(this.jsm!, names, this.opts.downMaxAgeDays ?? 30);
      this.ensured.add(site);
    }
    const batchSize = this.opts.batchSize ?? 500;
    for (;;) {
      if (this.stopped) return;
      const after = await this.down.cursor(site);
      const batch = await this.down.pendingFor(site, after, batchSize);
      if (batch.length === 0) {
        this.resyncNonce.delete(site);
        await this.down.markDownPublished(site, after);
        return;
      }
      const nonce = this.resyncNonce.get(site);
      const acks = await Promise.all(
        batch.map((m) =>
          this.js!.publish(names.items, JSON.stringify(m), {
            msgID: nonce ? `${downMessageId(site, m.id)}.r${nonce}` : downMessageId(site, m.id),
            timeout: 10_000,
          }),
        ),
      );
      for (const a of acks) {
        if (a.duplicate) this.counters.duplicates += 1;
        else this.counters.published += 1;
      }
      failpoint('sync.down.after_publish'); // crash tests: published, cursor not yet moved
      await this.down.markDownPublished(site, batch[batch.length - 1]!.id);
    }
  }

  async idle(): Promise<void> {
    await this.runner.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.runner.stop();
    const nc = this.nc;
    this.nc = null;
    this.js = null;
    this.jsm = null;
    if (nc) await nc.drain().catch(() => nc.close());
  }
}

export interface DownConsumerCounters {
  received: number;
  applied: number;
  duplicates: number;
  invalid: number;
  resyncRequests: number;
  failures: number;
}

/**
 * A site's side of the way down: an ordered consumer on the site's down stream starting after the place recorded in
 * its database; each fetched batch is applied with the new place in one transaction. A restart (or a lost
 * connection) starts again after the recorded place, so nothing is applied twice and nothing is skipped. When the
 * stream no longer holds the next message (an outage longer than it keeps), the site records it and asks
 * headquarters to publish its items again.
 */
export class SiteDownConsumer {
  private nc: NatsConnection | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  readonly counters: DownConsumerCounters = { received: 0, applied: 0, duplicates: 0, invalid: 0, resyncRequests: 0, failures: 0 };
  private readonly names: ReturnType<typeof downNamesFor>;

  constructor(
    private readonly down: SyncDown,
    private readonly logger: Logger,
    private readonly opts: SyncLinkOptions & { downMaxAgeDays?: number },
  ) {
    this.names = downNamesFor(opts.prefix ?? 'custos', down.siteId);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.nc = await open(this.opts.url, `custos-down-${this.down.siteId}`);
    await ensureDownStream(await jetstreamManager(this.nc, { domain: this.opts.domain }), this.names, this.opts.downMaxAgeDays ?? 30);
    this.stopped = false;
    this.loop = this.consume();
  }

  private async consume(): Promise<void> {
    const nc = this.nc!;
    const js = jetstream(nc, { domain: this.opts.domain });
    const jsm = await jetstreamManager(nc, { domain: this.opts.domain });
    let failures = 0;
    while (!this.stopped) {
      try {
        const place = (await this.down.state()).streamSeq;
        const info = await jsm.streams.info(this.names.stream);
        if (info.state.messages > 0 && info.state.first_seq > place + 1) {
          // what this site needed is gone from the stream: keep reading what is there, and ask for everything again
          await this.down.markBehind(place + 1);
          this.counters.resyncRequests += 1;
          nc.publish(this.names.resync, JSON.stringify({ v: 1, site: this.down.siteId, from: place + 1 }));
          await this.down.skipTo(info.state.first_seq - 1);
          continue;
        }
        const consumer = await js.consumers.get(
          this.names.stream,
          place > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: place + 1 } : { deliver_policy: DeliverPolicy.All },
        );
        while (!this.stopped) {
          const batch: JsMsg[] = [];
          const iter = await consumer.fetch({ max_messages: this.opts.batchSize ?? 500, expires: 1_000 });
          for await (const m of iter) batch.push(m);
          if (batch.length > 0) {
            this.counters.received += batch.length;
            const result = await this.down.apply(batch.map((m) => ({ streamSeq: m.seq, data: safeJson(m.data) })));
            this.counters.applied += result.applied;
            this.counters.duplicates += result.duplicates;
            this.counters.invalid += result.invalid;
            if (result.invalid > 0)
              this.logger.error({ stream: this.names.stream, invalid: result.invalid }, 'sync down: messages that are not items; skipped');
          }
          failures = 0;
          this.notify();
        }
      } catch (err) {
        if (this.stopped) break;
        failures += 1;
        this.counters.failures += 1;
        this.logger.warn({ err, failures }, 'sync down: reading the down stream failed; starting again after the recorded place');
        await backoff(failures);
      }
    }
  }

  private notify(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Resolves after the next fetch (tests poll their condition with it). */
  next(): Promise<void> {
    return new Promise((r) => this.waiters.add(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
    this.loop = null;
    this.notify();
    const nc = this.nc;
    this.nc = null;
    if (nc) await nc.drain().catch(() => nc.close());
  }
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return null;
  }
}
