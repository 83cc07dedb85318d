import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { scopeCondition } from '../registry';
import type { ScreenPerson } from './screening.domain';
import type { WatchEntry } from './screening.lists';
import { screeningHits, screeningRequests, watchlistChanges, watchlistEntries, watchlistVersions } from './screening.schema';

export type VersionRow = typeof watchlistVersions.$inferSelect;
export type EntryRow = typeof watchlistEntries.$inferSelect;
export type HitRow = typeof screeningHits.$inferSelect;
export type ChangeRow = typeof watchlistChanges.$inferInsert;

const CHUNK = 500;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Serialises imports of one list (two imports of the same source at once would diff against the same state). */
export async function lockSource(tx: Db, source: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'custos.watchlist.' + source}))`);
}

export async function currentEntries(tx: Db, source: string): Promise<Map<string, { id: string; contentHash: string; active: boolean }>> {
  const rows = await tx
    .select({ id: watchlistEntries.id, ref: watchlistEntries.ref, contentHash: watchlistEntries.contentHash, active: watchlistEntries.active })
    .from(watchlistEntries)
    .where(eq(watchlistEntries.source, source));
  return new Map(rows.map((r) => [r.ref, { id: r.id, contentHash: r.contentHash, active: r.active }]));
}

export async function insertVersion(tx: Db, row: typeof watchlistVersions.$inferInsert): Promise<void> {
  await tx.insert(watchlistVersions).values(row);
}

export async function insertEntries(tx: Db, rows: (typeof watchlistEntries.$inferInsert)[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(watchlistEntries).values(c));
}

export async function updateEntry(tx: Db, id: string, patch: Partial<typeof watchlistEntries.$inferInsert>): Promise<void> {
  await tx.update(watchlistEntries).set(patch).where(eq(watchlistEntries.id, id));
}

export async function insertChanges(tx: Db, rows: ChangeRow[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(watchlistChanges).values(c));
}

export async function listVersions(db: Db, source?: string): Promise<VersionRow[]> {
  const q = db.select().from(watchlistVersions);
  const rows = source ? await q.where(eq(watchlistVersions.source, source)) : await q;
  return rows.sort((a, b) => b.importedAt.getTime() - a.importedAt.getTime() || (a.id < b.id ? 1 : -1));
}

export async function findVersion(db: Db, id: string): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(watchlistVersions).where(eq(watchlistVersions.id, id));
  return row;
}

export async function versionChanges(db: Db, versionId: string): Promise<{ change: string; ref: string; name: string }[]> {
  return queryRows(
    db,
    sql`select c.change, c.ref, e.primary_name as name from watchlist_changes c join watchlist_entries e on e.id = c.entry_id
        where c.version_id = ${versionId} order by c.change, c.ref`,
  );
}

/** A stamp that changes whenever any list changes (for caching the in-memory index). */
export async function listsStamp(db: Db): Promise<string> {
  const rows = await queryRows<{ stamp: string | null }>(
    db,
    sql`select string_agg(id::text, ',' order by id) as stamp from watchlist_versions`,
  );
  return rows[0]?.stamp ?? '';
}

export async function activeEntries(db: Db): Promise<{ id: string; source: string; screenHash: string; data: WatchEntry }[]> {
  const rows = await db
    .select({ id: watchlistEntries.id, source: watchlistEntries.source, screenHash: watchlistEntries.screenHash, data: watchlistEntries.data })
    .from(watchlistEntries)
    .where(and(eq(watchlistEntries.active, true), eq(watchlistEntries.kind, 'individual')));
  return rows.map((r) => ({ ...r, data: r.data as WatchEntry }));
}

export async function findEntry(db: Db, id: string): Promise<EntryRow | undefined> {
  const [row] = await db.select().from(watchlistEntries).where(eq(watchlistEntries.id, id));
  return row;
}

// --- persons as screening sees them (read straight from the registry's tables, in pages) ----------------------------

interface PersonPageRow {
  id: string;
  birth_from: string | null;
  birth_to: string | null;
  birth_precision: string;
}

/**
 * The next page of persons in id order (after `after`), with their names, nationalities and documents: four queries
 * whatever the page size, the names and the rest read by the id range the page covers (an index range scan, no list
 * of ids to send), about three times faster than by lists of ids. `last` is the id to continue after (null: done).
 */
export async function screenPersonsPage(db: Db, after: string | null, limit: number): Promise<{ persons: ScreenPerson[]; last: string | null }> {
  const persons = await queryRows<PersonPageRow>(
    db,
    sql`select id, birth_from::text as birth_from, birth_to::text as birth_to, birth_precision from persons
        where ${after ? sql`id > ${after}::uuid` : sql`true`} order by id limit ${limit}`,
  );
  if (persons.length === 0) return { persons: [], last: null };
  const last = persons[persons.length - 1]!.id;
  const range = after ? sql`person_id > ${after}::uuid and person_id <= ${last}::uuid` : sql`person_id <= ${last}::uuid`;
  const [names, nats, docs] = await Promise.all([
    queryRows<{ person_id: string; full_name: string }>(db, sql`select person_id, full_name from person_names where ${range} order by person_id, ordinal`),
    queryRows<{ person_id: string; country: string }>(db, sql`select person_id, country from person_nationalities where ${range}`),
    queryRows<{ person_id: string; type: string; number: string; issuing_country: string | null }>(
      db,
      sql`select person_id, type, number, issuing_country from identity_documents where ${range}`,
    ),
  ]);
  return { persons: assemble(persons, names, nats, docs, persons.map((p) => p.id)), last };
}

function assemble(
  persons: PersonPageRow[],
  names: { person_id: string; full_name: string }[],
  nats: { person_id: string; country: string }[],
  docs: { person_id: string; type: string; number: string; issuing_country: string | null }[],
  order: string[],
): ScreenPerson[] {
  const byId = new Map<string, ScreenPerson>();
  for (const p of persons) {
    byId.set(p.id, {
      id: p.id,
      names: [],
      birthFrom: p.birth_from,
      birthTo: p.birth_to,
      birthPrecision: p.birth_precision,
      nationalities: [],
      documents: [],
    });
  }
  for (const n of names) byId.get(n.person_id)?.names.push(n.full_name);
  for (const n of nats) byId.get(n.person_id)?.nationalities.push(n.country);
  for (const d of docs) byId.get(d.person_id)?.documents.push({ type: d.type, number: d.number, issuingCountry: d.issuing_country });
  return order.map((i) => byId.get(i)).filter((p): p is ScreenPerson => p !== undefined);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** These persons (in this order; unknown ids left out), the ids sent as one array parameter (faster than a list). */
export async function loadScreenPersons(db: Db, ids: string[]): Promise<ScreenPerson[]> {
  const valid = ids.filter((i) => UUID.test(i));
  if (valid.length === 0) return [];
  const list = sql`any(${`{${valid.join(',')}}`}::uuid[])`;
  const [persons, names, nats, docs] = await Promise.all([
    queryRows<PersonPageRow>(
      db,
      sql`select id, birth_from::text as birth_from, birth_to::text as birth_to, birth_precision from persons where id = ${list}`,
    ),
    queryRows<{ person_id: string; full_name: string }>(db, sql`select person_id, full_name from person_names where person_id = ${list} order by person_id, ordinal`),
    queryRows<{ person_id: string; country: string }>(db, sql`select person_id, country from person_nationalities where person_id = ${list}`),
    queryRows<{ person_id: string; type: string; number: string; issuing_country: string | null }>(
      db,
      sql`select person_id, type, number, issuing_country from identity_documents where person_id = ${list}`,
    ),
  ]);
  return assemble(persons, names, nats, docs, valid);
}

// --- hits ---------------------------------------------------------------------------------------------------------

/** The latest hit of each of these pairs. */
export async function latestHits(db: Db, pairs: { personId: string; entryId: string }[]): Promise<Map<string, HitRow>> {
  const out = new Map<string, HitRow>();
  if (pairs.length === 0) return out;
  const personIds = [...new Set(pairs.map((p) => p.personId))];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const rows = await db.select().from(screeningHits).where(inArray(screeningHits.personId, personIds.slice(i, i + CHUNK)));
    for (const r of rows) {
      const k = `${r.personId}|${r.entryId}`;
      const prev = out.get(k);
      if (!prev || prev.createdAt < r.createdAt || (prev.createdAt.getTime() === r.createdAt.getTime() && prev.id < r.id)) out.set(k, r);
    }
  }
  return out;
}

export async function insertHits(tx: Db, rows: (typeof screeningHits.$inferInsert)[]): Promise<void> {
  await insertChunked(rows, (c) => tx.insert(screeningHits).values(c));
}

export async function updateHit(tx: Db, id: string, patch: Partial<typeof screeningHits.$inferInsert>): Promise<void> {
  await tx.update(screeningHits).set(patch).where(eq(screeningHits.id, id));
}

export async function findHit(db: Db, id: string, lock = false): Promise<HitRow | undefined> {
  const q = db.select().from(screeningHits).where(eq(screeningHits.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export interface HitFilter {
  status?: string;
  personId?: string;
  limit: number;
  offset: number;
  facilityIds: readonly string[];
  nationalities: readonly string[];
}

export interface HitListRow {
  id: string;
  person_id: string;
  entry_id: string;
  source: string;
  ref: string;
  status: string;
  strength: number;
  evidence: unknown;
  trigger: string;
  created_at: string | Date;
  updated_at: string | Date;
  decided_at: string | Date | null;
  decided_by_username: string | null;
  reason: string | null;
  entry_name: string;
  entry_active: boolean;
  person_name: string | null;
}

/** Hits in the actor's scope (filtered in SQL, so hidden persons' hits are neither returned nor counted). */
export async function listHits(db: Db, f: HitFilter): Promise<HitListRow[]> {
  const conditions: SQL[] = [scopeCondition({ facilityIds: [...f.facilityIds], nationalities: [...f.nationalities] })];
  if (f.status) conditions.push(sql`h.status = ${f.status}`);
  if (f.personId) conditions.push(sql`h.person_id = ${f.personId}::uuid`);
  return queryRows<HitListRow>(
    db,
    sql`select h.id, h.person_id, h.entry_id, h.source, h.ref, h.status, h.strength, h.evidence, h.trigger, h.created_at,
               h.updated_at, h.decided_at, h.decided_by_username, h.reason, e.primary_name as entry_name, e.active as entry_active,
               (select n.full_name from person_names n where n.person_id = p.id order by n.ordinal limit 1) as person_name
        from screening_hits h
        join persons p on p.id = h.person_id
        left join placements pl on pl.person_id = p.id
        join watchlist_entries e on e.id = h.entry_id
        where ${sql.join(conditions, sql` and `)}
        order by case h.status when 'pending' then 0 else 1 end, h.strength desc, h.created_at desc, h.id
        limit ${f.limit} offset ${f.offset}`,
  );
}

export async function insertRequest(tx: Db, row: typeof screeningRequests.$inferInsert): Promise<void> {
  await tx.insert(screeningRequests).values(row);
}
