import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { GENESIS_HASH, type ChainPosition, type Receipt, type SyncMessage } from './sync.domain';

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

// ---- at a site ----

export interface RelayRow {
  siteId: string;
  epoch: number;
  publishedSeq: number;
  publishedAt: Date | null;
  receiptEpoch: number | null;
  receiptSeq: number | null;
  receiptHash: string | null;
  receiptAt: Date | null;
}

interface RawRelay {
  site_id: string;
  epoch: number;
  published_seq: string | number;
  published_at: Date | string | null;
  receipt_epoch: number | null;
  receipt_seq: string | number | null;
  receipt_hash: string | null;
  receipt_at: Date | string | null;
}

const toRelay = (r: RawRelay): RelayRow => ({
  siteId: r.site_id,
  epoch: Number(r.epoch),
  publishedSeq: Number(r.published_seq),
  publishedAt: r.published_at ? new Date(r.published_at) : null,
  receiptEpoch: r.receipt_epoch === null ? null : Number(r.receipt_epoch),
  receiptSeq: num(r.receipt_seq),
  receiptHash: r.receipt_hash,
  receiptAt: r.receipt_at ? new Date(r.receipt_at) : null,
});

/** The relay's row, created (epoch 1, nothing published) on first use. */
export async function ensureRelay(db: Db, siteId: string, at: Date): Promise<RelayRow> {
  await db.execute(sql`insert into sync_relay (site_id, updated_at) values (${siteId}, ${at}) on conflict (site_id) do nothing`);
  return (await readRelay(db, siteId))!;
}

export async function readRelay(db: Db, siteId: string): Promise<RelayRow | null> {
  const [row] = await queryRows<RawRelay>(db, sql`select * from sync_relay where site_id = ${siteId}`);
  return row ? toRelay(row) : null;
}

/** Holds the relay's row until the transaction ends: one sealer at a time. */
export async function lockRelay(tx: Db, siteId: string): Promise<void> {
  await tx.execute(sql`select 1 from sync_relay where site_id = ${siteId} for update`);
}

/** Only in the epoch the batch was published in: a restore that started a new epoch meanwhile is not overtaken. */
export async function markPublished(db: Db, siteId: string, seq: number, at: Date, epoch?: number): Promise<void> {
  await db.execute(sql`update sync_relay set published_seq = greatest(published_seq, ${seq}), published_at = ${at}, updated_at = ${at}
                       where site_id = ${siteId} ${epoch === undefined ? sql`` : sql`and epoch = ${epoch}`}`);
}

/** Keeps the latest receipt of the relay's epoch (receipts may arrive out of order: the highest seq wins). */
export async function saveReceipt(db: Db, siteId: string, r: Receipt, at: Date): Promise<void> {
  await db.execute(sql`update sync_relay set receipt_epoch = ${r.epoch}, receipt_seq = ${r.seq}, receipt_hash = ${r.hash}, receipt_at = ${at}, updated_at = ${at}
                       where site_id = ${siteId} and epoch = ${r.epoch} and (receipt_seq is null or receipt_epoch <> ${r.epoch} or receipt_seq <= ${r.seq})`);
}

/** The last link of the site's replication chain (seq 0 and the genesis hash when none). */
export async function chainTip(db: Db, siteId: string): Promise<ChainPosition> {
  const [row] = await queryRows<{ seq: string | number; hash: string }>(
    db,
    sql`select seq, hash from sync_site_chain where site_id = ${siteId} order by seq desc limit 1`,
  );
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

export async function insertChain(db: Db, siteId: string, links: readonly { seq: number; eventId: string; prevHash: string; hash: string }[]): Promise<void> {
  if (links.length === 0) return;
  const rows = links.map((l) => ({ seq: l.seq, event_id: l.eventId, prev_hash: l.prevHash, hash: l.hash }));
  await db.execute(sql`insert into sync_site_chain (site_id, seq, event_id, prev_hash, hash)
                       select ${siteId}, x.seq, x.event_id, x.prev_hash, x.hash
                       from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(seq bigint, event_id uuid, prev_hash text, hash text)`);
}

export async function chainLinks(db: Db, siteId: string, afterSeq: number, uptoSeq: number): Promise<Map<number, { prevHash: string; hash: string }>> {
  const rows = await queryRows<{ seq: string | number; prev_hash: string; hash: string }>(
    db,
    sql`select seq, prev_hash, hash from sync_site_chain where site_id = ${siteId} and seq > ${afterSeq} and seq <= ${uptoSeq} order by seq`,
  );
  return new Map(rows.map((r) => [Number(r.seq), { prevHash: r.prev_hash, hash: r.hash }]));
}

// ---- at headquarters ----

/** Where headquarters stands on a site's chain in an epoch, locked until the transaction ends (created on first use). */
export async function lockHqSite(tx: Db, siteId: string, epoch: number, at: Date): Promise<ChainPosition & { highestSeen: number }> {
  await tx.execute(sql`insert into sync_hq_sites (site_id, epoch, contiguous_hash, updated_at) values (${siteId}, ${epoch}, ${GENESIS_HASH}, ${at})
                       on conflict (site_id, epoch) do nothing`);
  const [row] = await queryRows<{ contiguous_seq: string | number; contiguous_hash: string; highest_seen_seq: string | number }>(
    tx,
    sql`select contiguous_seq, contiguous_hash, highest_seen_seq from sync_hq_sites where site_id = ${siteId} and epoch = ${epoch} for update`,
  );
  return { seq: Number(row!.contiguous_seq), hash: row!.contiguous_hash, highestSeen: Number(row!.highest_seen_seq) };
}

export async function saveHqSite(tx: Db, siteId: string, epoch: number, p: ChainPosition & { highestSeen: number }, receivedAt: Date): Promise<void> {
  await tx.execute(sql`update sync_hq_sites set contiguous_seq = ${p.seq}, contiguous_hash = ${p.hash}, highest_seen_seq = greatest(highest_seen_seq, ${p.highestSeen}),
                       last_received_at = ${receivedAt}, updated_at = ${receivedAt}
                       where site_id = ${siteId} and epoch = ${epoch}`);
}

export async function heldHashes(db: Db, siteId: string, epoch: number, seqs: readonly number[]): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map();
  const rows = await queryRows<{ seq: string | number; hash: string }>(
    db,
    sql`select seq, hash from sync_hq_events where site_id = ${siteId} and epoch = ${epoch} and seq = any(${`{${seqs.join(',')}}`}::bigint[])`,
  );
  return new Map(rows.map((r) => [Number(r.seq), r.hash]));
}

/** The chain's copy grows; a row already there (same site, epoch, seq) is left as it is. Returns how many were new. */
export async function insertHqEvents(tx: Db, messages: readonly SyncMessage[], receivedAt: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = messages.map((m) => ({
    site_id: m.site,
    epoch: m.epoch,
    seq: m.seq,
    id: m.event.id,
    type: m.event.type,
    version: m.event.version,
    occurred_at: m.event.occurredAt,
    recorded_at: m.event.recordedAt,
    person_ids: m.event.subjects.personIds,
    facility_ids: m.event.subjects.facilityIds,
    unit_ids: m.event.subjects.unitIds,
    payload: m.event.payload ?? null,
    prev_hash: m.prevHash,
    hash: m.hash,
  }));
  const written = await queryRows<{ seq: string | number }>(
    tx,
    sql`insert into sync_hq_events (site_id, epoch, seq, id, type, version, occurred_at, recorded_at, person_ids, facility_ids, unit_ids, payload, prev_hash, hash, received_at)
        select x.site_id, x.epoch, x.seq, x.id, x.type, x.version, x.occurred_at, x.recorded_at, x.person_ids, x.facility_ids, x.unit_ids,
               coalesce(x.payload, 'null'::jsonb), x.prev_hash, x.hash, ${receivedAt}
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(site_id text, epoch integer, seq bigint, id uuid, type text, version integer,
             occurred_at timestamptz, recorded_at timestamptz, person_ids uuid[], facility_ids uuid[], unit_ids uuid[], payload jsonb, prev_hash text, hash text)
        on conflict (site_id, epoch, seq) do nothing
        returning seq`,
  );
  return written.length;
}

/** Records a fork once per (site, epoch, seq, offered hash); true when it is new. */
export async function insertFork(
  tx: Db,
  f: { id: string; siteId: string; epoch: number; seq: number; kind: string; heldHash: string | null; offeredHash: string; offered: unknown; at: Date },
): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into sync_hq_forks (id, site_id, epoch, seq, kind, held_hash, offered_hash, offered, detected_at)
        values (${f.id}, ${f.siteId}, ${f.epoch}, ${f.seq}, ${f.kind}, ${f.heldHash}, ${f.offeredHash}, ${JSON.stringify(f.offered)}::jsonb, ${f.at})
        on conflict (site_id, epoch, seq, offered_hash) do nothing
        returning id`,
  );
  return rows.length > 0;
}

/** The placement a site's ledger implies for each person: the highest ledger seq wins, so a replay changes nothing. */
export async function applyPersons(
  tx: Db,
  siteId: string,
  rows: readonly { personId: string; status: string; facilityId: string | null; unitId: string | null; ledgerSeq: number; eventId: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  // one row per person (the last), so that one statement never touches a row twice
  const last = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if ((last.get(r.personId)?.ledgerSeq ?? -1) < r.ledgerSeq) last.set(r.personId, r);
  const json = [...last.values()].map((r) => ({
    person_id: r.personId,
    status: r.status,
    facility_id: r.facilityId,
    unit_id: r.unitId,
    ledger_seq: r.ledgerSeq,
    event_id: r.eventId,
  }));
  await tx.execute(sql`insert into sync_hq_persons (site_id, person_id, status, facility_id, unit_id, ledger_seq, event_id)
                       select ${siteId}, x.person_id, x.status, x.facility_id, x.unit_id, x.ledger_seq, x.event_id
                       from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(person_id uuid, status text, facility_id text, unit_id text, ledger_seq bigint, event_id uuid)
                       on conflict (site_id, person_id) do update set status = excluded.status,
                         facility_id = coalesce(excluded.facility_id, sync_hq_persons.facility_id),
                         unit_id = case when excluded.facility_id is null then sync_hq_persons.unit_id else excluded.unit_id end,
                         ledger_seq = excluded.ledger_seq, event_id = excluded.event_id
                       where excluded.ledger_seq > sync_hq_persons.ledger_seq`);
}

export interface HqSiteRow {
  siteId: string;
  epoch: number;
  contiguousSeq: number;
  contiguousHash: string;
  highestSeenSeq: number;
  lastReceivedAt: Date | null;
  forks: number;
  events: number;
  persons: number;
}

export async function hqSites(db: Db, siteId?: string): Promise<HqSiteRow[]> {
  const rows = await queryRows<{
    site_id: string;
    epoch: number;
    contiguous_seq: string | number;
    contiguous_hash: string;
    highest_seen_seq: string | number;
    last_received_at: Date | string | null;
    forks: string | number;
    events: string | number;
    person_count: string | number;
  }>(
    db,
    sql`select s.site_id, s.epoch, s.contiguous_seq, s.contiguous_hash, s.highest_seen_seq, s.last_received_at,
               (select count(*) from sync_hq_forks f where f.site_id = s.site_id and f.epoch = s.epoch) as forks,
               (select count(*) from sync_hq_events e where e.site_id = s.site_id and e.epoch = s.epoch) as events,
               (select count(*) from sync_hq_persons p where p.site_id = s.site_id) as person_count
        from sync_hq_sites s
        ${siteId ? sql`where s.site_id = ${siteId}` : sql``}
        order by s.site_id, s.epoch`,
  );
  return rows.map((r) => ({
    siteId: r.site_id,
    epoch: Number(r.epoch),
    contiguousSeq: Number(r.contiguous_seq),
    contiguousHash: r.contiguous_hash,
    highestSeenSeq: Number(r.highest_seen_seq),
    lastReceivedAt: r.last_received_at ? new Date(r.last_received_at) : null,
    forks: Number(r.forks),
    events: Number(r.events),
    persons: Number(r.person_count),
  }));
}

export interface ForkRow {
  id: string;
  siteId: string;
  epoch: number;
  seq: number;
  kind: string;
  heldHash: string | null;
  offeredHash: string;
  detectedAt: Date;
}

export async function hqForks(db: Db, limit = 100): Promise<ForkRow[]> {
  const rows = await queryRows<{
    id: string;
    site_id: string;
    epoch: number;
    seq: string | number;
    kind: string;
    held_hash: string | null;
    offered_hash: string;
    detected_at: Date | string;
  }>(db, sql`select id, site_id, epoch, seq, kind, held_hash, offered_hash, detected_at from sync_hq_forks order by detected_at desc, seq limit ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    siteId: r.site_id,
    epoch: Number(r.epoch),
    seq: Number(r.seq),
    kind: r.kind,
    heldHash: r.held_hash,
    offeredHash: r.offered_hash,
    detectedAt: new Date(r.detected_at),
  }));
}

/** The replicated events of a site's epoch in seq order (tests, verification). */
export async function hqEvents(db: Db, siteId: string, epoch: number): Promise<{ seq: number; id: string; prevHash: string; hash: string }[]> {
  const rows = await queryRows<{ seq: string | number; id: string; prev_hash: string; hash: string }>(
    db,
    sql`select seq, id, prev_hash, hash from sync_hq_events where site_id = ${siteId} and epoch = ${epoch} order by seq`,
  );
  return rows.map((r) => ({ seq: Number(r.seq), id: r.id, prevHash: r.prev_hash, hash: r.hash }));
}
