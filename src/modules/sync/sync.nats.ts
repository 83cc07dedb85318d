import {
  AckPolicy,
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
import { GENESIS_HASH, messageId, namesFor, nextAsk, Receipt, type ResendAsk, ResendRequest, resendMessageId, streamPrefix, SyncMessage } from './sync.domain';
import { backoffMs, CoalescingRunner } from './sync.runner';
import type { SyncService } from './sync.service';
import { HqDownPublisher, SiteDownConsumer } from './sync.down.nats';

export interface SyncLinkOptions {
  /** e.g. `nats://127.0.0.1:4222` (CUSTOS_NATS_URL). */
  url: string;
  /** First token of every subject and stream name: `custos` in production, a unique one per test run. */
  prefix?: string;
  /** Messages per publish batch (relay) or per fetch (headquarters). */
  batchSize?: number;
  /** Safety-net poll (relay: look for unpublished events; headquarters: look for new site streams, send receipts). */
  pollMs?: number;
  /** Relay: resend what headquarters has not receipted when its receipts stand still this long with events pending. */
  staleResendMs?: number;
  /** Days a site's stream keeps messages (the site's database keeps everything; this only bounds the broker). */
  maxAgeDays?: number;
  /** Headquarters: a resend request neither answered nor progressing this long is asked again (default 30 s). */
  resendTimeoutMs?: number;
  /** Headquarters: how long the server waits for an ack before delivering a message again (default 60 s). */
  ackWaitMs?: number;
  /**
   * The JetStream domain holding the streams, when it is not the server's own: a site talking to a leaf node that has
   * its own JetStream domain names headquarters' (the hub's) here.
   */
  domain?: string;
}

/** The link's options from the environment (serve, `sync push`): CUSTOS_NATS_URL, CUSTOS_SYNC_* and CUSTOS_NATS_DOMAIN. */
export function syncLinkOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SyncLinkOptions {
  const num = (name: string) => {
    const n = Number(env[name]);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  return {
    url: env.CUSTOS_NATS_URL || 'nats://127.0.0.1:4222',
    prefix: env.CUSTOS_SYNC_PREFIX || 'custos',
    batchSize: num('CUSTOS_SYNC_BATCH'),
    pollMs: num('CUSTOS_SYNC_POLL_MS'),
    staleResendMs: num('CUSTOS_SYNC_STALE_RESEND_MS'),
    resendTimeoutMs: num('CUSTOS_SYNC_RESEND_TIMEOUT_MS'),
    ackWaitMs: num('CUSTOS_SYNC_ACK_WAIT_MS'),
    domain: env.CUSTOS_NATS_DOMAIN || undefined,
  };
}

const DURABLE = 'custos_hq';

async function open(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000 });
}

async function errorBackoff(failures: number): Promise<void> {
  await new Promise((r) => setTimeout(r, backoffMs(failures)));
}

/** How long the relay remembers the requests it answered (JetStream's duplicate window is 2 minutes). */
const ANSWERED_MEMORY_MS = 10 * 60_000;

export interface RelayCounters {
  published: number;
  duplicates: number;
  resent: number;
  receipts: number;
  failures: number;
  /** New epochs started because a receipt showed this site was restored from a backup. */
  epochs: number;
}

/**
 * The site's relay: seals the outbox into the replication chain and publishes each event to the site's stream with the
 * message id `<site>.<epoch>.<seq>` (JetStream drops a retry within its duplicate window), then records how far it
 * published. It answers headquarters' resend requests and keeps the receipts. A relay killed between publishing and
 * recording publishes the same messages again: the server or headquarters drops them.
 */
export class SiteRelay {
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly runner: CoalescingRunner;
  /** Resend requests answered (`epoch:ask` → when): a request seen again is not answered again. */
  private readonly answered = new Map<string, number>();
  private receiptMoved = { seq: -1, at: 0 };
  private receiptQueue: Promise<void> = Promise.resolve();
  private unwake: (() => void) | null = null;
  /** `pushOnce`: a failure ends the run instead of being retried. */
  private oneShot = false;
  readonly counters: RelayCounters = { published: 0, duplicates: 0, resent: 0, receipts: 0, failures: 0, epochs: 0 };
  private readonly names: ReturnType<typeof namesFor>;
  private readonly batchSize: number;

  constructor(
    private readonly sync: SyncService,
    private readonly logger: Logger,
    private readonly opts: SyncLinkOptions,
    /** Called with a wake function: the relay runs after each commit that wrote events (the outbox's onCommitted). */
    private readonly onCommitted?: (wake: () => void) => () => void,
  ) {
    this.names = namesFor(opts.prefix ?? 'custos', sync.siteId);
    this.batchSize = opts.batchSize ?? 500;
    this.runner = new CoalescingRunner(
      async () => {
        while (!this.stopped && (await this.pass()) === 'more');
      },
      {
        onFailure: (err, failures) => {
          this.counters.failures += 1;
          this.logger.warn({ err, failures }, 'sync relay: publishing failed; will retry');
        },
        retry: () => !this.oneShot,
      },
    );
  }

  get streamName(): string {
    return this.names.stream;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    const nc = await open(this.opts.url, `custos-relay-${this.sync.siteId}`);
    const jsm = await jetstreamManager(nc, { domain: this.opts.domain });
    await ensureSiteStream(jsm, this.names, this.opts.maxAgeDays ?? 365);
    this.nc = nc;
    this.js = jetstream(nc, { domain: this.opts.domain });
    this.stopped = false;
    this.runner.start();
    nc.subscribe(this.names.resend, {
      callback: (err, msg) => {
        if (err) return;
        const req = ResendRequest.safeParse(safeJson(msg.data));
        if (req.success)
          void this.resend(req.data.epoch, req.data.from, req.data.to, req.data.ask).catch((e) => this.logger.warn({ err: e }, 'sync relay: resend failed'));
      },
    });
    nc.subscribe(this.names.receipt, {
      callback: (err, msg) => {
        if (err) return;
        const r = Receipt.safeParse(safeJson(msg.data));
        // one at a time, in arrival order: a burst of receipts (one per epoch) must not start two new epochs
        if (r.success && r.data.site === this.sync.siteId)
          this.receiptQueue = this.receiptQueue
            .then(() => this.onReceipt(r.data))
            .catch((e) => this.logger.warn({ err: e }, 'sync relay: receipt not recorded'));
      },
    });
    await nc.flush();
    this.unwake = this.onCommitted?.(() => this.wake()) ?? null;
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 5_000);
    this.timer.unref();
    this.wake();
  }

  /** Publishes what is pending now (or once the run under way ends). */
  wake(): void {
    if (!this.stopped) this.runner.wake();
  }

  private async pass(): Promise<'more' | 'done'> {
    const tip = await this.sync.sealPending(this.batchSize * 4);
    const relay = await this.sync.relayState();
    if (tip.seq <= relay.publishedSeq) return 'done';
    const batch = await this.sync.messages(relay.epoch, relay.publishedSeq, tip.seq, this.batchSize);
    if (batch.length === 0) return 'done';
    await this.publish(batch, (m) => messageId(m.site, m.epoch, m.seq));
    failpoint('sync.relay.after_publish'); // crash tests: published, not yet recorded
    await this.sync.markPublished(batch[batch.length - 1]!.seq, relay.epoch);
    return batch.length === this.batchSize || batch[batch.length - 1]!.seq < tip.seq ? 'more' : 'done';
  }

  private async publish(batch: readonly SyncMessage[], id: (m: SyncMessage) => string): Promise<void> {
    const js = this.js;
    if (!js) throw new Error('the relay is not connected');
    const acks = await Promise.all(batch.map((m) => js.publish(this.names.events, JSON.stringify(m), { msgID: id(m), timeout: 10_000 })));
    for (const a of acks) {
      if (a.duplicate) this.counters.duplicates += 1;
      else this.counters.published += 1;
    }
  }

  /**
   * Publishes `from..to` (only that range, and only what was published before) again, once per request: `ask` is
   * headquarters' name for it, and the same ask seen again (the next receipt carries it, so does the resend subject)
   * is not answered again. The message ids are the original ids and the ask (`<site>.<epoch>.<seq>.r.<ask>`): the
   * original ids alone would be dropped as duplicates while JetStream's window lasts, and a repeat of the same answer
   * within the window is dropped by JetStream too. A request without an ask (an older headquarters, or the relay's own
   * stale-receipt resend) gets an ask of its own.
   */
  async resend(epoch: number, from: number, to: number, ask?: string): Promise<void> {
    const relay = await this.sync.relayState();
    if (epoch !== relay.epoch || this.stopped) return;
    const upto = Math.min(to, relay.publishedSeq);
    if (upto < from) return;
    const now = Date.now();
    for (const [k, at] of this.answered) if (at < now - ANSWERED_MEMORY_MS) this.answered.delete(k);
    const name = ask ?? `s${randomUUID().slice(0, 8)}`;
    const key = ask ? `${epoch}:${ask}` : `${epoch}:${from}-${upto}`;
    // without an ask, the same range asked within 2 s is one request (what the relay did before asks existed)
    const answeredAt = this.answered.get(key);
    if (answeredAt !== undefined && (ask !== undefined || answeredAt > now - 2_000)) return;
    this.answered.set(key, now); // before any await: a second copy of the request arriving meanwhile is dropped
    try {
      for (let after = from - 1; after < upto; ) {
        const batch = await this.sync.messages(epoch, after, upto, this.batchSize);
        if (batch.length === 0) break;
        await this.publish(batch, (m) => resendMessageId(m.site, m.epoch, m.seq, name));
        this.counters.resent += batch.length;
        after = batch[batch.length - 1]!.seq;
      }
    } catch (err) {
      this.answered.delete(key); // not answered: the same request may be answered when it comes again
      throw err;
    }
  }

  private async onReceipt(r: Receipt): Promise<void> {
    this.counters.receipts += 1;
    const sign = await this.sync.checkReceipt(r);
    if (sign.restored) {
      this.counters.epochs += 1;
      this.wake(); // the whole chain again, in the new epoch
      return;
    }
    await this.sync.saveReceipt(r);
    const relay = await this.sync.relayState();
    if (r.epoch !== relay.epoch) return;
    if (r.wanted) {
      await this.resend(r.epoch, r.wanted.from, r.wanted.to, r.wanted.ask);
      return;
    }
    // Nothing beyond the receipt reached headquarters (the broker lost the tail: an outage longer than the stream
    // keeps): when the receipt stands still with events published, publish them again from the site's database.
    const now = Date.now();
    if (r.seq !== this.receiptMoved.seq) this.receiptMoved = { seq: r.seq, at: now };
    else if (r.seq < relay.publishedSeq && now - this.receiptMoved.at >= (this.opts.staleResendMs ?? 60_000)) {
      this.receiptMoved.at = now;
      await this.resend(r.epoch, r.seq + 1, relay.publishedSeq);
    }
  }

  /**
   * Publishes everything pending once and stops (`custos sync push`): a site whose link comes up now and then. Fails
   * when the server does not answer or a publish is refused.
   */
  async pushOnce(): Promise<RelayCounters> {
    this.oneShot = true;
    await this.start();
    try {
      await this.idle();
      const relay = await this.sync.relayState();
      const tip = await this.sync.sealPending(1);
      if (relay.publishedSeq < tip.seq || this.counters.failures > 0) throw new Error(`published up to ${relay.publishedSeq} of ${tip.seq}; see the log`);
    } finally {
      await this.stop();
    }
    return { ...this.counters };
  }

  /** Resolves when what was pending at the call is published (tests). */
  async idle(): Promise<void> {
    await this.runner.idle();
  }

  /** Stops publishing and closes the connection (the link cut, in tests). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unwake?.();
    this.unwake = null;
    await this.runner.stop();
    const nc = this.nc;
    this.nc = null;
    this.js = null;
    if (nc) await nc.drain().catch(() => nc.close());
  }
}

export interface IngestCounters {
  received: number;
  applied: number;
  duplicates: number;
  forks: number;
  invalid: number;
  resendRequests: number;
  failures: number;
}

/**
 * Headquarters' ingest: a durable pull consumer on every site stream of the deployment (found by name, looked for
 * again on each poll), each batch judged and applied in one transaction, acknowledged only after the commit; then a
 * receipt to the site and, for a gap, a resend request. A message that is not a sync message is terminated (logged).
 */
export class HqIngest {
  private nc: NatsConnection | null = null;
  private jsm: JetStreamManager | null = null;
  private js: JetStreamClient | null = null;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly prefix: string;
  private readonly batchSize: number;
  readonly counters: IngestCounters = { received: 0, applied: 0, duplicates: 0, forks: 0, invalid: 0, resendRequests: 0, failures: 0 };
  private readonly waiters = new Set<() => void>();
  /** The resend request outstanding per `site:epoch`: a gap asks once until answered or timed out (nextAsk). */
  private readonly asks = new Map<string, ResendAsk>();

  constructor(
    private readonly sync: SyncService,
    private readonly logger: Logger,
    private readonly opts: SyncLinkOptions,
  ) {
    this.prefix = opts.prefix ?? 'custos';
    this.batchSize = opts.batchSize ?? 500;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.nc = await open(this.opts.url, 'custos-hq-ingest');
    this.jsm = await jetstreamManager(this.nc, { domain: this.opts.domain });
    this.js = jetstream(this.nc, { domain: this.opts.domain });
    this.stopped = false;
    await this.scan();
    this.timer = setInterval(() => {
      void this.scan().catch((err) => this.logger.warn({ err }, 'sync ingest: could not list the site streams'));
      void this.sendReceipts().catch((err) => this.logger.warn({ err }, 'sync ingest: receipts not sent'));
    }, this.opts.pollMs ?? 5_000);
    this.timer.unref();
  }

  /** Starts a loop for each site stream not yet consumed. */
  async scan(): Promise<void> {
    const jsm = this.jsm;
    if (!jsm || this.stopped) return;
    const head = streamPrefix(this.prefix);
    const js = this.js!;
    for await (const name of jsm.streams.names()) {
      // a stop may come while the names are listed: no loop starts after it (its connection is being closed)
      if (this.stopped) return;
      if (!name.startsWith(head) || this.loops.has(name)) continue;
      const site = name.slice(head.length);
      const loop = this.consume(jsm, js, name, site)
        .catch((err) => {
          if (!this.stopped) this.logger.warn({ err, stream: name }, 'sync ingest: the site stream loop ended');
        })
        .finally(() => this.loops.delete(name));
      this.loops.set(name, loop);
    }
  }

  private async consume(jsm: JetStreamManager, js: JetStreamClient, stream: string, site: string): Promise<void> {
    const names = namesFor(this.prefix, site);
    await jsm.consumers.add(stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.opts.ackWaitMs ?? 60_000),
      max_ack_pending: 20_000,
    });
    const consumer = await js.consumers.get(stream, DURABLE);
    let failures = 0;
    while (!this.stopped) {
      const batch: JsMsg[] = [];
      try {
        const iter = await consumer.fetch({ max_messages: this.batchSize, expires: 1_000 });
        for await (const m of iter) batch.push(m);
        if (batch.length === 0) {
          this.notify();
          continue;
        }
        this.counters.received += batch.length;
        const valid: SyncMessage[] = [];
        for (const m of batch) {
          const parsed = SyncMessage.safeParse(safeJson(m.data));
          if (parsed.success) valid.push(parsed.data);
          else {
            this.counters.invalid += 1;
            this.logger.error({ stream, streamSeq: m.seq, problem: parsed.error.issues[0]?.message }, 'sync ingest: not a sync message; dropped');
          }
        }
        const result = await this.sync.applyBatch(site, valid);
        failpoint('sync.ingest.after_commit'); // crash tests: applied and committed, not yet acknowledged
        for (const m of batch) m.ack();
        await this.nc!.flush();
        this.counters.applied += result.applied;
        this.counters.duplicates += result.duplicates;
        this.counters.forks += result.forks;
        for (const r of result.receipts) this.publishReceipt(names, r);
        failures = 0;
        this.notify();
      } catch (err) {
        if (this.stopped) break;
        failures += 1;
        this.counters.failures += 1;
        for (const m of batch) m.nak(1_000);
        this.logger.error({ err, stream, failures }, 'sync ingest: a batch was not applied; it comes again');
        await errorBackoff(failures);
      }
    }
  }

  /**
   * Publishes a receipt; one that wants a resend carries the request outstanding for that gap (the same ask, so the
   * site does not answer it again), and only a new request is also sent on the resend subject.
   */
  private publishReceipt(names: ReturnType<typeof namesFor>, r: Receipt): void {
    const nc = this.nc;
    if (!nc) return;
    const key = `${r.site}:${r.epoch}`;
    const { ask, isNew } = nextAsk(this.asks.get(key) ?? null, r.wanted, r.seq, Date.now(), this.opts.resendTimeoutMs ?? 30_000, () =>
      randomUUID().slice(0, 8),
    );
    if (!ask) {
      this.asks.delete(key);
      nc.publish(names.receipt, JSON.stringify(r));
      return;
    }
    this.asks.set(key, ask);
    nc.publish(names.receipt, JSON.stringify({ ...r, wanted: { from: ask.from, to: ask.to, ask: ask.id } }));
    if (isNew) {
      this.counters.resendRequests += 1;
      nc.publish(names.resend, JSON.stringify({ v: 1, epoch: r.epoch, from: ask.from, to: ask.to, ask: ask.id }));
    }
  }

  /**
   * Publishes every held site's receipt (periodically: a site that was away hears where it stands), and an empty one
   * (epoch 1, seq 0) to each site whose stream is read but of which nothing is held: a site whose first events the
   * broker lost before headquarters read them hears that nothing arrived, and resends them (its stale-receipt resend).
   */
  async sendReceipts(): Promise<void> {
    if (!this.nc || this.stopped) return;
    const receipts = await this.sync.receipts();
    const heard = new Set(receipts.map((r) => r.site));
    const head = streamPrefix(this.prefix);
    const at = new Date().toISOString();
    for (const stream of this.loops.keys()) {
      const site = stream.slice(head.length);
      if (!heard.has(site)) receipts.push({ v: 1, site, epoch: 1, seq: 0, hash: GENESIS_HASH, wanted: null, at });
    }
    for (const r of receipts) this.publishReceipt(namesFor(this.prefix, r.site), r);
  }

  private notify(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Resolves after the next batch (or empty fetch) of any site (tests poll their condition with it). */
  next(): Promise<void> {
    return new Promise((r) => this.waiters.add(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.loops.values()]);
    this.notify();
    const nc = this.nc;
    this.nc = null;
    this.jsm = null;
    this.js = null;
    if (nc) await nc.drain().catch(() => nc.close());
  }
}

/** The site's stream: file storage, long retention, JetStream's duplicate window for the message ids. */
async function ensureSiteStream(jsm: JetStreamManager, names: ReturnType<typeof namesFor>, maxAgeDays: number): Promise<void> {
  try {
    await jsm.streams.info(names.stream);
    return;
  } catch {
    // not there yet
  }
  await jsm.streams.add({
    name: names.stream,
    subjects: [names.events],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(maxAgeDays * 86_400_000),
    duplicate_window: nanos(120_000),
  });
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return null;
  }
}

/**
 * Replication in a serving process, as CUSTOS_ROLE says: at a site the relay (up) and the down consumer, at
 * headquarters the ingest (up) and the down publisher, nothing when unset. A NATS server that does not answer does not
 * stop the process (a site works offline): each link is tried again every `retryMs` until it comes up.
 */
export function startSyncLink(
  sync: SyncService,
  logger: Logger,
  opts: SyncLinkOptions & { retryMs?: number },
  onCommitted: (wake: () => void) => () => void,
): { link: SiteRelay | HqIngest | null; down: SiteDownConsumer | HqDownPublisher | null; stop(): Promise<void> } {
  if (!sync.role) return { link: null, down: null, stop: async () => undefined };
  const link = sync.role === 'site' ? new SiteRelay(sync, logger, opts, onCommitted) : new HqIngest(sync, logger, opts);
  const down = sync.role === 'site' ? new SiteDownConsumer(sync.down, logger, opts) : new HqDownPublisher(sync.down, logger, opts);
  const retries = new Set<NodeJS.Timeout>();
  let stopped = false;
  const keepTrying = (what: string, start: () => Promise<void>) => {
    const attempt = () => {
      start().then(
        () => logger.info({ role: sync.role, url: opts.url, what }, 'sync link up'),
        (err) => {
          logger.warn({ err, url: opts.url, what }, `sync link (${what}) to ${opts.url} down; retrying (the site keeps recording)`);
          if (!stopped) {
            const retry = setTimeout(() => {
              retries.delete(retry);
              attempt();
            }, opts.retryMs ?? 10_000);
            retry.unref();
            retries.add(retry);
          }
        },
      );
    };
    attempt();
  };
  keepTrying('up', () => link.start());
  keepTrying('down', () => down.start());
  return {
    link,
    down,
    stop: async () => {
      stopped = true;
      for (const r of retries) clearTimeout(r);
      await Promise.allSettled([link.stop(), down.stop()]);
    },
  };
}
