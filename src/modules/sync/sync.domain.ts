import { z } from 'zod';
import { canonicalJson, GENESIS_HASH, sha256Hex } from '../../platform/canonical-json';

/**
 * Site to headquarters, the pure part: what travels (one outbox event of a site, sealed into the site's replication
 * chain), the names on the NATS server, and what headquarters does with each message it receives.
 */

export const ROLES = ['site', 'hq'] as const;
export type SyncRole = (typeof ROLES)[number];

/** Site ids and prefixes become NATS subject tokens and stream names: letters, digits, `_` and `-` only. */
export const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** The names one deployment (a prefix: `custos` in production, a unique one per test run) uses on the server. */
export function namesFor(prefix: string, siteId: string) {
  if (!isToken(prefix)) throw new Error(`sync prefix ${JSON.stringify(prefix)} is not a NATS token (letters, digits, _ and -)`);
  if (!isToken(siteId)) throw new Error(`site id ${JSON.stringify(siteId)} is not a NATS token (letters, digits, _ and -)`);
  return {
    stream: `${prefix}_SITE_${siteId}`,
    events: `${prefix}.site.${siteId}.events`,
    resend: `${prefix}.site.${siteId}.resend`,
    receipt: `${prefix}.hq.site.${siteId}.receipt`,
  };
}

/** The stream names of every site of a deployment start with this; the rest is the site id. */
export const streamPrefix = (prefix: string) => `${prefix}_SITE_`;

/** JetStream's message id: retries of the same (site, epoch, seq) within the duplicate window are dropped by the server. */
export const messageId = (siteId: string, epoch: number, seq: number) => `${siteId}.${epoch}.${seq}`;

const instant = z.iso.datetime({ offset: true });

/** One outbox event as it travels, every field the chain's hash covers. */
export const WireEvent = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(200),
  version: z.number().int().positive(),
  occurredAt: instant,
  recordedAt: instant,
  subjects: z.object({ personIds: z.array(z.uuid()), facilityIds: z.array(z.uuid()), unitIds: z.array(z.uuid()) }),
  payload: z.unknown(),
});
export type WireEvent = z.infer<typeof WireEvent>;

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

/** A message on a site's stream. `epoch` starts at 1 and grows when a site is restored from a backup. */
export const SyncMessage = z.object({
  v: z.literal(1),
  site: z.string().regex(TOKEN),
  epoch: z.number().int().positive(),
  seq: z.number().int().positive(),
  prevHash: Hash,
  hash: Hash,
  event: WireEvent,
});
export type SyncMessage = z.infer<typeof SyncMessage>;

/** What headquarters holds of a site (per epoch): sent back to the site as its receipt. */
export const Receipt = z.object({
  v: z.literal(1),
  site: z.string().regex(TOKEN),
  epoch: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  hash: Hash,
  /**
   * Seqs headquarters saw beyond a gap: the site resends `from..to`. `ask` names headquarters' request: the same ask
   * seen again (in the next receipt, or on the resend subject) is answered once.
   */
  wanted: z.object({ from: z.number().int().positive(), to: z.number().int().positive(), ask: z.string().regex(TOKEN).optional() }).nullable(),
  at: instant,
});
export type Receipt = z.infer<typeof Receipt>;

/** Headquarters asks a site to publish these seqs again (a gap). */
export const ResendRequest = z.object({
  v: z.literal(1),
  epoch: z.number().int().positive(),
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  /** Headquarters' name for this request (absent from older headquarters). */
  ask: z.string().regex(TOKEN).optional(),
});
export type ResendRequest = z.infer<typeof ResendRequest>;

/** The message id of a resent message: the original id and the request it answers (a repeat of it is dropped). */
export const resendMessageId = (siteId: string, epoch: number, seq: number, ask: string) => `${messageId(siteId, epoch, seq)}.r.${ask}`;

/** A resend headquarters asked a site for (per site and epoch) and has not yet seen answered. */
export interface ResendAsk {
  id: string;
  from: number;
  to: number;
  /** When it was asked, or when the chain last moved towards `to` (ms since the epoch). */
  at: number;
  /** The contiguous seq at `at`. */
  seenSeq: number;
}

/**
 * Whether headquarters asks a site again, given what it wants now and its outstanding request. A gap asks once: while
 * the request is neither answered (the chain reaching its `to`) nor silent for `timeoutMs` (the chain not moving), the
 * next batches beyond the gap ask nothing (they used to ask each time for everything up to the highest seq seen, and
 * the site republished its whole backlog each time). Once answered, what is still wanted is one new request.
 */
export function nextAsk(
  outstanding: ResendAsk | null,
  wanted: { from: number; to: number } | null,
  contiguousSeq: number,
  now: number,
  timeoutMs: number,
  newId: () => string,
): { ask: ResendAsk | null; isNew: boolean } {
  if (!wanted) return { ask: null, isNew: false };
  if (outstanding && contiguousSeq < outstanding.to) {
    const moving = contiguousSeq > outstanding.seenSeq;
    const at = moving ? now : outstanding.at;
    if (now - at < timeoutMs) return { ask: { ...outstanding, at, seenSeq: Math.max(contiguousSeq, outstanding.seenSeq) }, isNew: false };
  }
  return { ask: { id: newId(), from: wanted.from, to: wanted.to, at: now, seenSeq: contiguousSeq }, isNew: true };
}

/**
 * The link of the replication chain: sha256 over the previous hash and the canonical JSON of the site, the seq and the
 * event. The epoch is left out on purpose: the same history sealed in two epochs has the same hashes, so headquarters
 * can compare a restored site's new epoch with what it held of the old one.
 */
export function chainHash(prevHash: string, siteId: string, seq: number, event: WireEvent): string {
  return sha256Hex(prevHash + canonicalJson({ site: siteId, seq, event }));
}

export { GENESIS_HASH };

/** Seals events (in seq order, following `prev`) into the chain: each one's prevHash and hash. */
export function seal(siteId: string, prev: { seq: number; hash: string }, events: readonly { seq: number; event: WireEvent }[]) {
  const out: { seq: number; prevHash: string; hash: string; event: WireEvent }[] = [];
  let at = prev;
  for (const e of events) {
    if (e.seq !== at.seq + 1) throw new Error(`the outbox of site ${siteId} skips from ${at.seq} to ${e.seq}`);
    const hash = chainHash(at.hash, siteId, e.seq, e.event);
    out.push({ seq: e.seq, prevHash: at.hash, hash, event: e.event });
    at = { seq: e.seq, hash };
  }
  return out;
}

/** Where headquarters stands on one site's chain in one epoch. */
export interface ChainPosition {
  seq: number;
  hash: string;
}

export type Verdict =
  /** The next link: verified, to be applied. */
  | { kind: 'apply' }
  /** Already held with the same hash: a retry or a resend. */
  | { kind: 'duplicate' }
  /** Beyond the next link: not applied; the seqs between are asked for. */
  | { kind: 'gap'; from: number; to: number }
  /**
   * A fork, never applied, never overwriting: `hash_differs` (a held seq offered with another hash), `broken_link`
   * (the next seq whose prevHash is not the hash held before it), `bad_hash` (a hash that its own content does not give).
   */
  | { kind: 'fork'; reason: 'hash_differs' | 'broken_link' | 'bad_hash'; heldHash: string | null };

/**
 * What headquarters does with one message, given where the chain stands and the hash it holds for the message's seq
 * (when the seq is at or below the position). Pure: the ingest feeds it one message at a time, in stream order.
 */
export function judge(position: ChainPosition, message: SyncMessage, heldHashAtSeq: string | null): Verdict {
  const computed = chainHash(message.prevHash, message.site, message.seq, message.event);
  if (message.seq <= position.seq) {
    if (heldHashAtSeq === message.hash)
      return computed === message.hash ? { kind: 'duplicate' } : { kind: 'fork', reason: 'bad_hash', heldHash: heldHashAtSeq };
    return { kind: 'fork', reason: 'hash_differs', heldHash: heldHashAtSeq };
  }
  if (message.seq > position.seq + 1) return { kind: 'gap', from: position.seq + 1, to: message.seq - 1 };
  if (computed !== message.hash) return { kind: 'fork', reason: 'bad_hash', heldHash: null };
  if (message.prevHash !== position.hash) return { kind: 'fork', reason: 'broken_link', heldHash: position.hash };
  return { kind: 'apply' };
}

/** The site's view: how far behind headquarters is, in words a site commander reads ("last synced 3 h ago, 1,240 pending"). */
export interface SiteSyncFigures {
  head: number;
  published: number;
  receipted: number;
  /** Events headquarters has not yet confirmed: the site must keep them. */
  pending: number;
  lastReceiptAt: Date | null;
}

export function siteFigures(head: number, published: number, receipt: { seq: number } | null, lastReceiptAt: Date | null): SiteSyncFigures {
  const receipted = Math.min(receipt?.seq ?? 0, head);
  return { head, published, receipted, pending: Math.max(0, head - receipted), lastReceiptAt };
}

/** "3 h ago", "12 min ago", "just now", "never": the age of the last receipt. */
export function agoText(at: Date | null, now: Date): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

export function statusLine(f: SiteSyncFigures, now: Date): string {
  return `last synced ${agoText(f.lastReceiptAt, now)}, ${f.pending.toLocaleString('en')} pending`;
}
