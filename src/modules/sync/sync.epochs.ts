import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import type { ChainPosition, Receipt } from './sync.domain';
import { chainTip } from './sync.repository';

/**
 * Epochs. A site restored from a backup has an outbox (and a replication chain) that ends where the backup ended;
 * what it records next gets seqs headquarters already holds with other events. So a restored site starts a new epoch:
 * its relay publishes its whole chain again under `<site>.<epoch>.<seq>`, headquarters keeps it beside the earlier
 * epoch (nothing overwritten), compares the two and alerts where they part.
 *
 * A site learns it was restored either from the operator (`custos site restore`) or from headquarters' receipts: a
 * receipt for a later epoch than its own, or for its epoch but beyond its chain's tip or with another hash there.
 */

export type RestoreSign = { restored: false } | { restored: true; why: 'later_epoch' | 'beyond_tip' | 'hash_differs'; above: number; detail: string };

/** Pure: what a receipt says about this site's database, given its epoch, its chain's tip and its hash at the receipt's seq. */
export function restoreSign(r: Pick<Receipt, 'epoch' | 'seq' | 'hash'>, epoch: number, tip: ChainPosition, hashAtReceiptSeq: string | null): RestoreSign {
  if (r.epoch > epoch)
    return { restored: true, why: 'later_epoch', above: r.epoch, detail: `headquarters holds epoch ${r.epoch}; this site is at epoch ${epoch}` };
  if (r.epoch < epoch || r.seq === 0) return { restored: false };
  if (r.seq > tip.seq)
    return {
      restored: true,
      why: 'beyond_tip',
      above: epoch,
      detail: `headquarters holds seq ${r.seq} of epoch ${epoch}; this site's chain ends at ${tip.seq}`,
    };
  if (hashAtReceiptSeq !== null && hashAtReceiptSeq !== r.hash)
    return { restored: true, why: 'hash_differs', above: epoch, detail: `headquarters holds another event at seq ${r.seq} of epoch ${epoch}` };
  return { restored: false };
}

export interface EpochRow {
  epoch: number;
  reason: string;
  tipSeq: number;
  tipHash: string;
  startedAt: Date;
}

export async function hashAt(db: Db, siteId: string, seq: number): Promise<string | null> {
  const [row] = await queryRows<{ hash: string }>(db, sql`select hash from sync_site_chain where site_id = ${siteId} and seq = ${seq}`);
  return row?.hash ?? null;
}

/**
 * Starts a new epoch at a site, above its own and above `above` (the highest epoch headquarters is known to hold), in
 * one transaction holding the relay's row: nothing published in it yet, no receipt. Returns the new epoch.
 */
export async function startEpoch(db: Db, siteId: string, reason: string, above: number, at: Date): Promise<number> {
  await db.execute(sql`insert into sync_relay (site_id, updated_at) values (${siteId}, ${at}) on conflict (site_id) do nothing`);
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ epoch: number }>(tx, sql`select epoch from sync_relay where site_id = ${siteId} for update`);
    const epoch = Math.max(Number(row!.epoch), above) + 1;
    const tip = await chainTip(tx, siteId);
    await tx.execute(sql`update sync_relay set epoch = ${epoch}, published_seq = 0, published_at = null, receipt_epoch = null, receipt_seq = null,
                         receipt_hash = null, receipt_at = null, updated_at = ${at} where site_id = ${siteId}`);
    await tx.execute(sql`insert into sync_site_epochs (site_id, epoch, reason, tip_seq, tip_hash, started_at)
                         values (${siteId}, ${epoch}, ${reason.slice(0, 500)}, ${tip.seq}, ${tip.hash}, ${at})`);
    return epoch;
  });
}

export async function siteEpochs(db: Db, siteId: string): Promise<EpochRow[]> {
  const rows = await queryRows<{ epoch: number; reason: string; tip_seq: string | number; tip_hash: string; started_at: Date | string }>(
    db,
    sql`select epoch, reason, tip_seq, tip_hash, started_at from sync_site_epochs where site_id = ${siteId} order by epoch`,
  );
  return rows.map((r) => ({ epoch: Number(r.epoch), reason: r.reason, tipSeq: Number(r.tip_seq), tipHash: r.tip_hash, startedAt: new Date(r.started_at) }));
}

export interface EpochComparison {
  siteId: string;
  epoch: number;
  previousEpoch: number;
  /** Seqs 1..agreedSeq have the same hashes in both epochs. */
  agreedSeq: number;
  /** The first seq where they differ (null: no difference in what both hold yet). */
  divergedAt: number | null;
  /** Events of the earlier epoch beyond the agreement (events the restored site no longer has), once they differ. */
  previousBeyond: number;
  heldHash: string | null;
  offeredHash: string | null;
  /** True when this comparison found the divergence for the first time (the alert is raised once). */
  newlyDiverged: boolean;
}

/**
 * At headquarters, in the transaction that applied a batch of `epoch` (> 1): compares it with the epoch before over
 * the seqs both hold. The chain hash leaves the epoch out, so the same history has the same hashes, and once two
 * chains differ at a seq they differ at every seq after it: the first difference is where they part.
 */
export async function compareWithPrevious(tx: Db, siteId: string, epoch: number, at: Date): Promise<EpochComparison | null> {
  if (epoch <= 1) return null;
  const [prev] = await queryRows<{ epoch: number }>(tx, sql`select max(epoch) as epoch from sync_hq_sites where site_id = ${siteId} and epoch < ${epoch}`);
  if (prev?.epoch === null || prev?.epoch === undefined) return null;
  const previousEpoch = Number(prev.epoch);
  const [before] = await queryRows<{ diverged_at: string | number | null; agreed_seq: string | number }>(
    tx,
    sql`select diverged_at, agreed_seq from sync_hq_epoch_checks where site_id = ${siteId} and epoch = ${epoch}`,
  );
  if (before && before.diverged_at !== null) return null; // found (and alerted) already
  // the chains agree up to the last check: only what came since is compared (a batch costs its own size)
  const agreedBefore = Number(before?.agreed_seq ?? 0);
  const [diff] = await queryRows<{ seq: string | number; held: string; offered: string }>(
    tx,
    sql`select a.seq, b.hash as held, a.hash as offered
        from sync_hq_events a join sync_hq_events b on b.site_id = a.site_id and b.epoch = ${previousEpoch} and b.seq = a.seq
        where a.site_id = ${siteId} and a.epoch = ${epoch} and a.seq > ${agreedBefore} and a.hash <> b.hash
        order by a.seq limit 1`,
  );
  const [heads] = await queryRows<{ mine: string | number | null; theirs: string | number | null }>(
    tx,
    sql`select (select contiguous_seq from sync_hq_sites where site_id = ${siteId} and epoch = ${epoch}) as mine,
               (select contiguous_seq from sync_hq_sites where site_id = ${siteId} and epoch = ${previousEpoch}) as theirs`,
  );
  const mine = Number(heads?.mine ?? 0);
  const theirs = Number(heads?.theirs ?? 0);
  const divergedAt = diff ? Number(diff.seq) : null;
  const agreedSeq = divergedAt !== null ? divergedAt - 1 : Math.min(mine, theirs);
  const previousBeyond = divergedAt !== null ? Math.max(0, theirs - agreedSeq) : 0;
  await tx.execute(sql`insert into sync_hq_epoch_checks (site_id, epoch, previous_epoch, agreed_seq, diverged_at, previous_beyond, checked_at)
                       values (${siteId}, ${epoch}, ${previousEpoch}, ${agreedSeq}, ${divergedAt}, ${previousBeyond}, ${at})
                       on conflict (site_id, epoch) do update set previous_epoch = excluded.previous_epoch, agreed_seq = excluded.agreed_seq,
                         diverged_at = excluded.diverged_at, previous_beyond = excluded.previous_beyond, checked_at = excluded.checked_at`);
  return {
    siteId,
    epoch,
    previousEpoch,
    agreedSeq,
    divergedAt,
    previousBeyond,
    heldHash: diff?.held ?? null,
    offeredHash: diff?.offered ?? null,
    newlyDiverged: divergedAt !== null,
  };
}

export interface EpochCheckRow {
  siteId: string;
  epoch: number;
  previousEpoch: number;
  agreedSeq: number;
  divergedAt: number | null;
  previousBeyond: number;
  checkedAt: Date;
}

export async function epochChecks(db: Db): Promise<EpochCheckRow[]> {
  const rows = await queryRows<{
    site_id: string;
    epoch: number;
    previous_epoch: number;
    agreed_seq: string | number;
    diverged_at: string | number | null;
    previous_beyond: string | number;
    checked_at: Date | string;
  }>(db, sql`select * from sync_hq_epoch_checks order by site_id, epoch`);
  return rows.map((r) => ({
    siteId: r.site_id,
    epoch: Number(r.epoch),
    previousEpoch: Number(r.previous_epoch),
    agreedSeq: Number(r.agreed_seq),
    divergedAt: r.diverged_at === null ? null : Number(r.diverged_at),
    previousBeyond: Number(r.previous_beyond),
    checkedAt: new Date(r.checked_at),
  }));
}
