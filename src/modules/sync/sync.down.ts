import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { queryRows, type Database, type Db } from '../../platform/db/database';
import { ValidationError } from '../../platform/errors';
import { isToken, TOKEN } from './sync.domain';

/**
 * Headquarters to sites: what headquarters issues for the sites (watchlist releases, the wanted gallery, users and
 * roles, alerts), the message that carries one item down a site's stream, and the two database sides: headquarters
 * keeps the items in issue order with each site's publishing cursor; a site keeps the latest applied version of each
 * item and its place on its down stream, both written in one transaction per batch.
 */

export const DOWN_KINDS = ['watchlist_release', 'wanted_gallery', 'user_roles', 'alert'] as const;
export type DownKind = (typeof DOWN_KINDS)[number];

/** Every site, for an item not addressed to one. */
export const ALL_SITES = '*';

/** The names of a site's down stream (one stream per site and direction; nats-server 2.9 filters one subject). */
export function downNamesFor(prefix: string, siteId: string) {
  if (!isToken(prefix)) throw new Error(`sync prefix ${JSON.stringify(prefix)} is not a NATS token`);
  if (!isToken(siteId)) throw new Error(`site id ${JSON.stringify(siteId)} is not a NATS token`);
  return {
    stream: `${prefix}_DOWN_${siteId}`,
    items: `${prefix}.down.${siteId}.items`,
    /** A site whose stream lost what it needed asks headquarters to publish its items again. */
    resync: `${prefix}.down.${siteId}.resync`,
  };
}

/** JetStream's message id of an item on a site's down stream: a retry of the same publish is dropped by the server. */
export const downMessageId = (siteId: string, itemId: number) => `down.${siteId}.${itemId}`;

const instant = z.iso.datetime({ offset: true });

/** The bodies headquarters may send, checked when issued and again when applied. */
export const DownBodies = {
  watchlist_release: z.object({
    source: z.string().min(1).max(100),
    versionId: z.string().min(1).max(100),
    /** The list's entries as headquarters' import parsed them (screening's entry shape, checked again when applied). */
    entries: z.array(z.record(z.string(), z.unknown())).max(200_000),
    generatedAt: z.string().max(100).nullable().optional(),
  }),
  wanted_gallery: z.object({
    personId: z.uuid(),
    wanted: z.boolean(),
    names: z.array(z.string().min(1).max(300)).max(50),
    reason: z.string().max(2000).optional(),
    /** Escaped or unaccounted (the ledger status that made the person wanted); escaped when not said. */
    status: z.enum(['ESCAPED', 'UNACCOUNTED']).optional(),
    since: instant.optional(),
    /** The site where the person was held (the site that reported them), for the gallery's view. */
    fromSite: z.string().regex(TOKEN).optional(),
  }),
  user_roles: z.object({
    username: z.string().min(1).max(100),
    role: z.string().min(1).max(50),
    facilityIds: z.array(z.uuid()).max(500),
    active: z.boolean(),
    displayName: z.string().max(200).nullable().optional(),
    /** ISO 3166 alpha-3, as the accounts hold them (a liaison for FRA). */
    nationalities: z
      .array(z.string().regex(/^[A-Za-z]{3}$/))
      .max(300)
      .optional(),
    /** The account's password as headquarters holds it: an argon2 hash only, never the password. */
    passwordHash: z
      .string()
      .regex(/^\$argon2(id|i|d)\$/, 'an argon2 hash')
      .max(500)
      .optional(),
    /**
     * The account must choose a new password at its next sign-in (a one-time password set by an administrator):
     * travels with the hash, so a one-time password stays one-time at every site.
     */
    mustChangePassword: z.boolean().optional(),
  }),
  alert: z.object({
    severity: z.enum(['info', 'warning', 'critical']),
    title: z.string().min(1).max(500),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
} satisfies Record<DownKind, z.ZodType>;

/** One item as it travels down a site's stream. */
export const DownMessage = z.object({
  v: z.literal(1),
  id: z.number().int().positive(),
  site: z.string().regex(TOKEN),
  kind: z.enum(DOWN_KINDS),
  key: z.string().min(1).max(200),
  body: z.unknown(),
  issuedAt: instant,
});
export type DownMessage = z.infer<typeof DownMessage>;

export interface DownItemInput {
  kind: string;
  key: string;
  /** A site id, or `*` for every site. */
  site: string;
  body: unknown;
}

/** Checks an item headquarters is about to issue: a clear 400 (stable code) for what a site could not apply. */
export function checkDownItem(input: DownItemInput): { kind: DownKind; key: string; site: string; body: unknown } {
  if (!(DOWN_KINDS as readonly string[]).includes(input.kind))
    throw new ValidationError('sync.down_kind_unknown', `kind must be one of ${DOWN_KINDS.join(', ')}, not ${JSON.stringify(input.kind)}`);
  const kind = input.kind as DownKind;
  if (typeof input.key !== 'string' || input.key.length === 0 || input.key.length > 200)
    throw new ValidationError('sync.down_key_invalid', 'key must be 1 to 200 characters');
  if (input.site !== ALL_SITES && !isToken(input.site))
    throw new ValidationError('sync.down_site_invalid', `site must be a site id (letters, digits, _ and -) or *, not ${JSON.stringify(input.site)}`);
  const body = DownBodies[kind].safeParse(input.body);
  if (!body.success) {
    const issue = body.error.issues[0];
    throw new ValidationError('sync.down_body_invalid', `the ${kind} body is not valid: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return { kind, key: input.key, site: input.site, body: body.data };
}

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

export interface DownState {
  siteId: string;
  streamSeq: number;
  hqId: number;
  appliedCount: number;
  appliedAt: Date | null;
  behindFrom: number | null;
}

export interface DownCursor {
  siteId: string;
  publishedId: number;
  publishedAt: Date | null;
  /** Items issued for this site (its own and `*`) not yet published to its stream. */
  pending: number;
}

export interface ApplyDownResult {
  applied: number;
  duplicates: number;
  /** Messages that are not a valid item (logged, skipped, the place still moves past them). */
  invalid: number;
  /** Items a module refused (a role this version does not know, ...): not applied, the place still moves past them. */
  refused: { kind: DownKind; key: string; hqId: number; code: string; message: string }[];
  streamSeq: number;
}

export type DownBody<K extends DownKind> = z.output<(typeof DownBodies)[K]>;

/** What an applier knows of the item besides its body. */
export interface DownItemMeta {
  key: string;
  hqId: number;
  issuedAt: string;
}

/**
 * How each module takes in an item at a site, in the transaction that records it as applied (and the place on the
 * stream): called only for a version newer than the one held, so a redelivery changes nothing.
 */
export type DownAppliers = { [K in DownKind]: (tx: Db, body: DownBody<K>, meta: DownItemMeta) => Promise<void> };

/** The database side of the way down, at headquarters and at a site. */
export class SyncDown {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    readonly siteId: string,
    /** The outbox's transaction (the modules emit their events when they apply an item); the database's by default. */
    private readonly transaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T> = (work) => database.db.transaction(work),
    private readonly appliers: DownAppliers | null = null,
  ) {}

  private get db(): Db {
    return this.database.db;
  }

  // ---- at headquarters ----

  /** Issues an item for a site (or `*`): it goes down in issue order. Returns its id. */
  async issue(input: DownItemInput, issuedBy: string): Promise<number> {
    return this.issueIn(this.db, input, issuedBy);
  }

  /** `issue` in the caller's transaction (headquarters' own events issue items as they commit). */
  async issueIn(tx: Db, input: DownItemInput, issuedBy: string): Promise<number> {
    const item = checkDownItem(input);
    const [row] = await queryRows<{ id: string | number }>(
      tx,
      sql`insert into sync_down_items (kind, item_key, target_site, body, issued_at, issued_by)
          values (${item.kind}, ${item.key}, ${item.site}, ${JSON.stringify(item.body)}::jsonb, ${this.clock.now()}, ${issuedBy})
          returning id`,
    );
    return Number(row!.id);
  }

  /** The next items for a site after its cursor (its own and every site's), in issue order. */
  async pendingFor(siteId: string, afterId: number, limit: number): Promise<DownMessage[]> {
    const rows = await queryRows<{ id: string | number; kind: DownKind; item_key: string; body: unknown; issued_at: Date | string }>(
      this.db,
      sql`select id, kind, item_key, body, issued_at from sync_down_items
          where id > ${afterId} and target_site in (${siteId}, ${ALL_SITES}) order by id limit ${limit}`,
    );
    return rows.map((r) => ({
      v: 1 as const,
      id: Number(r.id),
      site: siteId,
      kind: r.kind,
      key: r.item_key,
      body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
      issuedAt: new Date(r.issued_at).toISOString(),
    }));
  }

  async cursor(siteId: string): Promise<number> {
    const [row] = await queryRows<{ published_id: string | number }>(this.db, sql`select published_id from sync_down_cursors where site_id = ${siteId}`);
    return row ? Number(row.published_id) : 0;
  }

  async markDownPublished(siteId: string, id: number): Promise<void> {
    const now = this.clock.now();
    await this.db.execute(sql`insert into sync_down_cursors (site_id, published_id, published_at) values (${siteId}, ${id}, ${now})
                              on conflict (site_id) do update set published_id = greatest(sync_down_cursors.published_id, excluded.published_id), published_at = excluded.published_at`);
  }

  /** A site's stream lost items it needs: its cursor goes back to the start (the site drops what it already holds). */
  async rewind(siteId: string): Promise<void> {
    await this.db.execute(sql`update sync_down_cursors set published_id = 0 where site_id = ${siteId}`);
  }

  async cursors(): Promise<DownCursor[]> {
    const rows = await queryRows<{ site_id: string; published_id: string | number; published_at: Date | string | null; pending: string | number }>(
      this.db,
      sql`select c.site_id, c.published_id, c.published_at,
                 (select count(*) from sync_down_items i where i.id > c.published_id and i.target_site in (c.site_id, ${ALL_SITES})) as pending
          from sync_down_cursors c order by c.site_id`,
    );
    return rows.map((r) => ({
      siteId: r.site_id,
      publishedId: Number(r.published_id),
      publishedAt: r.published_at ? new Date(r.published_at) : null,
      pending: Number(r.pending),
    }));
  }

  async itemCount(): Promise<number> {
    const [row] = await queryRows<{ n: string | number }>(this.db, sql`select count(*) as n from sync_down_items`);
    return Number(row?.n ?? 0);
  }

  // ---- at a site ----

  async state(): Promise<DownState> {
    await this.db.execute(sql`insert into sync_down_state (site_id) values (${this.siteId}) on conflict (site_id) do nothing`);
    const [row] = await queryRows<{
      stream_seq: string | number;
      hq_id: string | number;
      applied_count: string | number;
      applied_at: Date | string | null;
      behind_from: string | number | null;
    }>(this.db, sql`select stream_seq, hq_id, applied_count, applied_at, behind_from from sync_down_state where site_id = ${this.siteId}`);
    return {
      siteId: this.siteId,
      streamSeq: Number(row!.stream_seq),
      hqId: Number(row!.hq_id),
      appliedCount: Number(row!.applied_count),
      appliedAt: row!.applied_at ? new Date(row!.applied_at) : null,
      behindFrom: num(row!.behind_from),
    };
  }

  /**
   * Applies a batch read from the site's down stream (stream seq, data) in one transaction together with the place
   * reached: a message at or below the place recorded is a redelivery and changes nothing; an item older than the
   * version held (by headquarters' id) is kept out. A restart resumes after the recorded place.
   */
  async apply(batch: readonly { streamSeq: number; data: unknown }[]): Promise<ApplyDownResult> {
    const result: ApplyDownResult = { applied: 0, duplicates: 0, invalid: 0, refused: [], streamSeq: 0 };
    await this.state();
    const now = this.clock.now();
    await this.transaction(async (tx) => {
      const [row] = await queryRows<{ stream_seq: string | number; hq_id: string | number }>(
        tx,
        sql`select stream_seq, hq_id from sync_down_state where site_id = ${this.siteId} for update`,
      );
      let place = Number(row!.stream_seq);
      let hqId = Number(row!.hq_id);
      for (const m of batch) {
        if (m.streamSeq <= place) {
          result.duplicates += 1;
          continue;
        }
        place = m.streamSeq;
        const parsed = DownMessage.safeParse(m.data);
        const body = parsed.success ? DownBodies[parsed.data.kind].safeParse(parsed.data.body) : null;
        if (!parsed.success || !body?.success || parsed.data.site !== this.siteId) {
          result.invalid += 1;
          continue;
        }
        const d = parsed.data;
        const [held] = await queryRows<{ hq_id: string | number }>(tx, sql`select hq_id from sync_down_applied where kind = ${d.kind} and item_key = ${d.key}`);
        if (held && Number(held.hq_id) >= d.id) {
          result.duplicates += 1;
          hqId = Math.max(hqId, d.id);
          continue;
        }
        // the module takes the newer version in this transaction: it commits with the place, or neither does. A module
        // refuses an item it cannot take before writing anything (ValidationError): logged as invalid, the place moves on.
        try {
          await this.applyInModule(tx, d.kind, body.data, { key: d.key, hqId: d.id, issuedAt: d.issuedAt });
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          result.invalid += 1;
          result.refused.push({ kind: d.kind, key: d.key, hqId: d.id, code: e.code, message: e.message });
          continue;
        }
        const written = await queryRows<{ kind: string }>(
          tx,
          sql`insert into sync_down_applied (kind, item_key, hq_id, stream_seq, body, issued_at, applied_at)
              values (${d.kind}, ${d.key}, ${d.id}, ${m.streamSeq}, ${JSON.stringify(body.data)}::jsonb, ${d.issuedAt}, ${now})
              on conflict (kind, item_key) do update set hq_id = excluded.hq_id, stream_seq = excluded.stream_seq, body = excluded.body,
                issued_at = excluded.issued_at, applied_at = excluded.applied_at
              where excluded.hq_id > sync_down_applied.hq_id
              returning kind`,
        );
        if (written.length > 0) result.applied += 1;
        else result.duplicates += 1;
        hqId = Math.max(hqId, d.id);
      }
      await tx.execute(sql`update sync_down_state set stream_seq = ${place}, hq_id = ${hqId}, applied_count = applied_count + ${result.applied},
                           applied_at = ${now}, behind_from = null where site_id = ${this.siteId}`);
      result.streamSeq = place;
    });
    return result;
  }

  private async applyInModule(tx: Db, kind: DownKind, body: unknown, meta: DownItemMeta): Promise<void> {
    if (!this.appliers) return;
    const apply = this.appliers[kind] as (tx: Db, body: unknown, meta: DownItemMeta) => Promise<void>;
    await apply(tx, body, meta);
  }

  /** The stream no longer holds the message after the place (kept too short for the outage): recorded until resynced. */
  async markBehind(from: number): Promise<void> {
    await this.state();
    await this.db.execute(sql`update sync_down_state set behind_from = ${from} where site_id = ${this.siteId}`);
  }

  /** Moves the place to a stream seq (after a resync request, the stream's next messages are what to read). */
  async skipTo(streamSeq: number): Promise<void> {
    await this.db.execute(sql`update sync_down_state set stream_seq = greatest(stream_seq, ${streamSeq}) where site_id = ${this.siteId}`);
  }

  /** The items applied at this site, paged, with the total. */
  async appliedPage(
    kind: DownKind | null,
    limit: number,
    offset: number,
  ): Promise<{ total: number; rows: { kind: string; key: string; hqId: number; body: unknown }[] }> {
    const where = kind ? sql`where kind = ${kind}` : sql``;
    const [count] = await queryRows<{ n: string | number }>(this.db, sql`select count(*) as n from sync_down_applied ${where}`);
    const rows = await queryRows<{ kind: string; item_key: string; hq_id: string | number; body: unknown }>(
      this.db,
      sql`select kind, item_key, hq_id, body from sync_down_applied ${where} order by kind, item_key limit ${limit} offset ${offset}`,
    );
    return {
      total: Number(count?.n ?? 0),
      rows: rows.map((r) => ({ kind: r.kind, key: r.item_key, hqId: Number(r.hq_id), body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body })),
    };
  }
}
