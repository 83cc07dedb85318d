import type { Clock } from '../../platform/clock';
import type { Database, Db } from '../../platform/db/database';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { readEvents, readHeads, type DomainEvent, type Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import { CustodyEventAppended } from '../custody';
import {
  judge,
  type Receipt,
  seal,
  siteFigures,
  type ChainPosition,
  type SiteSyncFigures,
  type SyncMessage,
  type SyncRole,
  type WireEvent,
} from './sync.domain';
import { SyncForkDetected } from './sync.events';
import { SyncDown, type DownAppliers, type DownCursor, type DownState } from './sync.down';
import { issueWantedFromSite } from './sync.down.modules';
import { HqIdentityMatcher, IdentityCases, recordIdentities } from './sync.identity';
import type { TransitKey } from '../biometrics';
import type { AuditService } from '../audit';
import {
  compareWithPrevious,
  epochChecks,
  hashAt,
  restoreSign,
  siteEpochs,
  startEpoch,
  type EpochCheckRow,
  type EpochRow,
  type RestoreSign,
} from './sync.epochs';
import {
  applyPersons,
  chainLinks,
  chainTip,
  ensureRelay,
  heldHashes,
  hqEvents,
  hqForks,
  hqSites,
  insertChain,
  insertFork,
  insertHqEvents,
  lockRelay,
  lockHqSite,
  markPublished,
  readRelay,
  saveHqSite,
  saveReceipt,
  type ForkRow,
  type HqSiteRow,
  type RelayRow,
} from './sync.repository';

export function wireEvent(e: DomainEvent): WireEvent {
  return {
    id: e.id,
    type: e.type,
    version: e.version,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    subjects: { personIds: [...e.subjects.personIds], facilityIds: [...e.subjects.facilityIds], unitIds: [...e.subjects.unitIds] },
    payload: e.payload,
  };
}

/** What one batch did at headquarters. */
export interface ApplyResult {
  applied: number;
  duplicates: number;
  forks: number;
  /** Identity cases opened (records of two sites that may be one person). */
  identityCases: number;
  /** Seqs seen beyond the held chain: the site is asked to resend `from..to` (per epoch). */
  wanted: { epoch: number; from: number; to: number }[];
  /** Where the chain stands after the batch, per epoch touched: the receipts to send. */
  receipts: Receipt[];
}

export interface SiteStatus extends SiteSyncFigures {
  siteId: string;
  epoch: number;
  receiptEpoch: number | null;
  receiptHash: string | null;
  publishedAt: Date | null;
}

export interface SyncStatus {
  role: SyncRole | null;
  siteId: string;
  now: Date;
  site: SiteStatus;
  hq: { sites: HqSiteRow[]; forks: ForkRow[]; epochChecks: EpochCheckRow[]; down: DownCursor[]; downItems: number };
  /** The way down at this site: where its consumer stands, and its epochs. */
  down: DownState;
  epochs: EpochRow[];
}

/**
 * The database side of replication, the same code at a site and at headquarters. At a site: the outbox sealed into
 * the replication chain, the messages to publish, the relay's place and the receipts. At headquarters: a batch of a
 * site's messages judged against the held chain and applied in one transaction (the chain's copy, the implied
 * placements, forks recorded with their alert event), before the ingest acknowledges them.
 */
export class SyncService {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
    readonly siteId: string,
    readonly role: SyncRole | null,
    ports: {
      audit: AuditService;
      appliers?: DownAppliers | null;
      /** At headquarters: its identity key, to open the templates sites re-seal to it (null: cases on names only). */
      identityKey?: (() => Promise<TransitKey | null>) | null;
    },
  ) {
    this.down = new SyncDown(database, clock, siteId, (work) => outbox.transaction(work), ports.appliers ?? null);
    this.identityCases = new IdentityCases(outbox, ports.audit, clock);
    this.identityMatcher = ports.identityKey
      ? new HqIdentityMatcher(ports.identityKey, (err) =>
          logger.error(
            { code: (err as { code?: string }).code, err },
            "sync: headquarters' identity key could not be loaded; identities compared by names only",
          ),
        )
      : null;
  }

  private readonly identityMatcher: HqIdentityMatcher | null;

  /** Headquarters to sites: the items issued at headquarters, and at a site what was applied (sync.down.ts). */
  readonly down: SyncDown;
  /** At headquarters: records of two sites that may be one person, for a human to decide (sync.identity.ts). */
  readonly identityCases: IdentityCases;

  private get db(): Db {
    return this.database.db;
  }

  // ---- at a site ----

  async relayState(): Promise<RelayRow> {
    return ensureRelay(this.db, this.siteId, this.clock.now());
  }

  /**
   * Extends the replication chain over outbox events not yet sealed (at most `limit`), in one transaction that holds
   * the relay's row. Returns the chain's tip.
   */
  async sealPending(limit = 1000): Promise<ChainPosition> {
    await this.relayState();
    return this.db.transaction(async (tx) => {
      await lockRelay(tx, this.siteId);
      const tip = await chainTip(tx, this.siteId);
      const head = (await readHeads(tx)).get(this.siteId) ?? 0;
      if (head <= tip.seq) return tip;
      const events = await readEvents(tx, { siteId: this.siteId, afterSeq: tip.seq, uptoSeq: head, types: null, limit });
      const links = seal(
        this.siteId,
        tip,
        events.map((e) => ({ seq: e.seq, event: wireEvent(e) })),
      );
      await insertChain(
        tx,
        this.siteId,
        links.map((l) => ({ seq: l.seq, eventId: l.event.id, prevHash: l.prevHash, hash: l.hash })),
      );
      const last = links[links.length - 1];
      return last ? { seq: last.seq, hash: last.hash } : tip;
    });
  }

  /** The sealed messages `from..to` of this site (a publish batch, or a resend). */
  async messages(epoch: number, afterSeq: number, uptoSeq: number, limit = 1000): Promise<SyncMessage[]> {
    if (uptoSeq <= afterSeq) return [];
    const events = await readEvents(this.db, { siteId: this.siteId, afterSeq, uptoSeq, types: null, limit });
    if (events.length === 0) return [];
    const links = await chainLinks(this.db, this.siteId, afterSeq, events[events.length - 1]!.seq);
    const out: SyncMessage[] = [];
    for (const e of events) {
      const link = links.get(e.seq);
      if (!link) break; // not sealed yet
      out.push({ v: 1, site: this.siteId, epoch, seq: e.seq, prevHash: link.prevHash, hash: link.hash, event: wireEvent(e) });
    }
    return out;
  }

  async markPublished(seq: number, epoch?: number): Promise<void> {
    await markPublished(this.db, this.siteId, seq, this.clock.now(), epoch);
  }

  /**
   * Reads a receipt for signs that this site's database was restored from a backup (sync.epochs.ts); when it was,
   * starts a new epoch above every epoch headquarters holds, so no seq is published twice under the same id.
   */
  async checkReceipt(r: Receipt): Promise<RestoreSign & { epoch: number }> {
    const relay = await this.relayState();
    const tip = await chainTip(this.db, this.siteId);
    const sign = restoreSign(r, relay.epoch, tip, r.epoch === relay.epoch && r.seq > 0 && r.seq <= tip.seq ? await hashAt(this.db, this.siteId, r.seq) : null);
    if (!sign.restored) return { ...sign, epoch: relay.epoch };
    const epoch = await startEpoch(this.db, this.siteId, `restore detected from a receipt: ${sign.detail}`, sign.above, this.clock.now());
    this.logger.warn({ siteId: this.siteId, epoch, why: sign.why, detail: sign.detail }, 'sync: this site was restored from a backup; a new epoch starts');
    return { ...sign, epoch };
  }

  /** `custos site restore`: the operator says this database was restored from a backup; a new epoch starts. */
  async startNewEpoch(reason: string, above = 0): Promise<number> {
    return startEpoch(this.db, this.siteId, reason, above, this.clock.now());
  }

  async saveReceipt(r: Receipt): Promise<void> {
    await saveReceipt(this.db, this.siteId, r, this.clock.now());
  }

  async siteStatus(): Promise<SiteStatus> {
    const relay = (await readRelay(this.db, this.siteId)) ?? null;
    const head = (await readHeads(this.db)).get(this.siteId) ?? 0;
    const receipt = relay && relay.receiptEpoch === relay.epoch && relay.receiptSeq !== null ? { seq: relay.receiptSeq } : null;
    const figures = siteFigures(head, relay?.publishedSeq ?? 0, receipt, relay?.receiptAt ?? null);
    return {
      siteId: this.siteId,
      epoch: relay?.epoch ?? 1,
      ...figures,
      receiptEpoch: relay?.receiptEpoch ?? null,
      receiptHash: relay?.receiptHash ?? null,
      publishedAt: relay?.publishedAt ?? null,
    };
  }

  // ---- at headquarters ----

  /**
   * Judges and applies a batch of one site's messages (in stream order) in one transaction: the next links are
   * verified and appended with the state they imply, retries are counted as duplicates, seqs beyond a gap are set
   * aside (the site resends them), and forks are recorded with their alert event, nothing overwritten.
   */
  async applyBatch(streamSite: string, messages: readonly SyncMessage[]): Promise<ApplyResult> {
    const result: ApplyResult = { applied: 0, duplicates: 0, forks: 0, identityCases: 0, wanted: [], receipts: [] };
    const byEpoch = new Map<number, SyncMessage[]>();
    for (const m of messages) {
      if (m.site !== streamSite) {
        this.logger.warn({ streamSite, claimed: m.site, seq: m.seq }, 'sync: a message on one site stream claims another site; ignored');
        continue;
      }
      const list = byEpoch.get(m.epoch) ?? [];
      list.push(m);
      byEpoch.set(m.epoch, list);
    }
    const now = this.clock.now();
    await this.outbox.transaction(async (tx) => {
      for (const [epoch, list] of byEpoch) {
        const pos = await lockHqSite(tx, streamSite, epoch, now);
        const held = await heldHashes(
          tx,
          streamSite,
          epoch,
          list.filter((m) => m.seq <= pos.seq).map((m) => m.seq),
        );
        const fresh: SyncMessage[] = [];
        let highestSeen = pos.highestSeen;
        let gapFrom: number | null = null;
        for (const m of list) {
          highestSeen = Math.max(highestSeen, m.seq);
          const heldHash = m.seq <= pos.seq ? (held.get(m.seq) ?? fresh.find((f) => f.seq === m.seq)?.hash ?? null) : null;
          const verdict = judge(pos, m, heldHash);
          if (verdict.kind === 'apply') {
            fresh.push(m);
            pos.seq = m.seq;
            pos.hash = m.hash;
          } else if (verdict.kind === 'duplicate') {
            result.duplicates += 1;
          } else if (verdict.kind === 'gap') {
            gapFrom ??= verdict.from;
          } else {
            const forkId = this.ids.next();
            const isNew = await insertFork(tx, {
              id: forkId,
              siteId: streamSite,
              epoch,
              seq: m.seq,
              kind: verdict.reason,
              heldHash: verdict.heldHash,
              offeredHash: m.hash,
              offered: m,
              at: now,
            });
            if (isNew) {
              result.forks += 1;
              this.outbox.emit(tx, SyncForkDetected, {
                forkId,
                siteId: streamSite,
                epoch,
                seq: m.seq,
                reason: verdict.reason,
                heldHash: verdict.heldHash,
                offeredHash: m.hash,
                detectedAt: now.toISOString(),
              });
            }
          }
        }
        result.applied += await insertHqEvents(tx, fresh, now);
        await applyPersons(tx, streamSite, impliedPlacements(fresh));
        // identity across sites: each site's record of its persons, compared with the other sites' (a case, no merge)
        result.identityCases += await recordIdentities(tx, this.outbox, this.ids, streamSite, fresh, now, this.identityMatcher);
        // a person this site reports escaped (or back) goes down to every site's wanted gallery
        await issueWantedFromSite(tx, this.down, streamSite, fresh);
        await saveHqSite(tx, streamSite, epoch, { seq: pos.seq, hash: pos.hash, highestSeen }, now);
        // a restored site's later epoch, compared with the one before it: where they part is alerted once
        const cmp = fresh.length > 0 ? await compareWithPrevious(tx, streamSite, epoch, now) : null;
        if (cmp?.newlyDiverged && cmp.divergedAt !== null && cmp.offeredHash) {
          const forkId = this.ids.next();
          const offered = { previousEpoch: cmp.previousEpoch, agreedSeq: cmp.agreedSeq, previousBeyond: cmp.previousBeyond };
          if (
            await insertFork(tx, {
              id: forkId,
              siteId: streamSite,
              epoch,
              seq: cmp.divergedAt,
              kind: 'epoch_diverged',
              heldHash: cmp.heldHash,
              offeredHash: cmp.offeredHash,
              offered,
              at: now,
            })
          ) {
            result.forks += 1;
            this.outbox.emit(tx, SyncForkDetected, {
              forkId,
              siteId: streamSite,
              epoch,
              seq: cmp.divergedAt,
              reason: 'epoch_diverged',
              heldHash: cmp.heldHash,
              offeredHash: cmp.offeredHash,
              detectedAt: now.toISOString(),
            });
          }
        }
        const wanted = highestSeen > pos.seq ? { from: gapFrom !== null ? Math.min(gapFrom, pos.seq + 1) : pos.seq + 1, to: highestSeen } : null;
        if (wanted) result.wanted.push({ epoch, ...wanted });
        result.receipts.push({ v: 1, site: streamSite, epoch, seq: pos.seq, hash: pos.hash, wanted, at: now.toISOString() });
      }
    });
    return result;
  }

  /** The receipts of every site and epoch headquarters holds (sent periodically, so a site that was away hears). */
  async receipts(): Promise<Receipt[]> {
    const now = this.clock.now().toISOString();
    // the latest epoch first: a restored site hears the highest epoch before the older ones it would otherwise bump to
    const sites = (await hqSites(this.db)).sort((a, b) => a.siteId.localeCompare(b.siteId) || b.epoch - a.epoch);
    return sites.map((s) => ({
      v: 1 as const,
      site: s.siteId,
      epoch: s.epoch,
      seq: s.contiguousSeq,
      hash: s.contiguousHash,
      wanted: s.highestSeenSeq > s.contiguousSeq ? { from: s.contiguousSeq + 1, to: s.highestSeenSeq } : null,
      at: now,
    }));
  }

  /** The copy headquarters holds of a site's chain in an epoch, in seq order (tests, verification). */
  async hqChain(siteId: string, epoch = 1): Promise<{ seq: number; id: string; prevHash: string; hash: string }[]> {
    return hqEvents(this.db, siteId, epoch);
  }

  async hqStatus(siteId?: string): Promise<{ sites: HqSiteRow[]; forks: ForkRow[]; epochChecks: EpochCheckRow[]; down: DownCursor[]; downItems: number }> {
    const [sites, forks, checks, down, downItems] = await Promise.all([
      hqSites(this.db, siteId),
      hqForks(this.db),
      epochChecks(this.db),
      this.down.cursors(),
      this.down.itemCount(),
    ]);
    return { sites, forks, epochChecks: checks, down, downItems };
  }

  /** Both sides, as the API, the CLI and the status screen show them. */
  async status(): Promise<SyncStatus> {
    const site = await this.siteStatus();
    const hq = await this.hqStatus();
    const [down, epochs] = await Promise.all([this.down.state(), siteEpochs(this.db, this.siteId)]);
    return { role: this.role, siteId: this.siteId, now: this.clock.now(), site, hq, down, epochs };
  }

  /** The status for a signed-in user (sync.read). */
  async statusFor(actor: Actor): Promise<SyncStatus> {
    requirePermission(actor, 'sync.read');
    return this.status();
  }
}

/** The placements a batch of applied events implies (custody ledger events carry the person's status after them). */
function impliedPlacements(messages: readonly SyncMessage[]) {
  const out: { personId: string; status: string; facilityId: string | null; unitId: string | null; ledgerSeq: number; eventId: string }[] = [];
  for (const m of messages) {
    if (m.event.type !== CustodyEventAppended.type || m.event.version !== CustodyEventAppended.version) continue;
    const parsed = CustodyEventAppended.schema.safeParse(m.event.payload);
    if (!parsed.success) continue;
    const p = parsed.data;
    out.push({ personId: p.personId, status: p.statusAfter, facilityId: p.toFacilityId, unitId: p.toUnitId, ledgerSeq: p.seq, eventId: p.eventId });
  }
  return out;
}
