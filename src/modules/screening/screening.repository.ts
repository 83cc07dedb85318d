import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { UUID_PATTERN } from '../../platform/ids';
import { inTurn, queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
// `persons` is this file's name for a page of persons: the registry's table is `personsTable` here
import { identityDocuments, personNames, personNationalities, persons as personsTable, scopeCondition } from '../registry';
import type { ScreenPerson } from './screening.domain';
import type { ListFormat, WatchEntry } from './screening.lists';
import { screeningHits, screeningRequests, watchlistChanges, watchlistEntries, watchlistVersions } from './screening.schema';

export type VersionRow = typeof watchlistVersions.$inferSelect;
export type EntryRow = typeof watchlistEntries.$inferSelect;
export type HitRow = typeof screeningHits.$inferSelect;
export type ChangeRow = typeof watchlistChanges.$inferInsert;

const CHUNK = 500;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

const sourceLockKey = (source: string) => `custos.watchlist.${source}`;

/** Serialises imports of one list (two imports of the same source at once would diff against the same state). */
export async function lockSource(tx: Db, source: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${sourceLockKey(source)}))`);
}

/**
 * Shares the import lock of these lists while hits are recorded: an import of one of them waits for the recording to
 * commit (then withdraws the pending hits it made against entries it removes), and a recording that waited for an
 * import sees what the import removed. Taken in one order, before anything else is locked, so that two recordings and
 * an import cannot deadlock.
 */
export async function shareSourceLocks(tx: Db, sources: Iterable<string>): Promise<void> {
  for (const source of [...new Set(sources)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${sourceLockKey(source)}))`);
  }
}

/** Which of these entries are still on their list. */
export async function stillActiveEntryIds(tx: Db, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await tx
      .select({ id: watchlistEntries.id })
      .from(watchlistEntries)
      .where(and(inArray(watchlistEntries.id, ids.slice(i, i + CHUNK)), eq(watchlistEntries.active, true)));
    for (const r of rows) out.add(r.id);
  }
  return out;
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
  const rows = source ? await q.where(eq(watchlistVersions.source, source as ListFormat)) : await q;
  return rows.sort((a, b) => b.importedAt.getTime() - a.importedAt.getTime() || (a.id < b.id ? 1 : -1));
}

export async function findVersion(db: Db, id: string): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(watchlistVersions).where(eq(watchlistVersions.id, id));
  return row;
}

/** Hits this version withdrew (pending hits against the entries it removed). */
export async function countWithdrawnBy(db: Db, versionId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from screening_hits where withdrawn_version_id = ${versionId}::uuid`);
  return rows[0]?.n ?? 0;
}

export async function versionChanges(db: Db, versionId: string): Promise<{ change: 'added' | 'removed' | 'changed'; ref: string; name: string }[]> {
  return queryRows(
    db,
    sql`select c.change, c.ref, e.primary_name as name from watchlist_changes c join watchlist_entries e on e.id = c.entry_id
        where c.version_id = ${versionId} order by c.change, c.ref`,
  );
}

/** A stamp that changes whenever any list changes (for caching the in-memory index). */
export async function listsStamp(db: Db): Promise<string> {
  const rows = await queryRows<{ stamp: string | null }>(db, sql`select string_agg(id::text, ',' order by id) as stamp from watchlist_versions`);
  return rows[0]?.stamp ?? '';
}

export type ActiveEntry = { id: string; source: string; screenHash: string; data: WatchEntry };

/** The individuals on the lists now; with `ids`, only those of them. */
export async function activeEntries(db: Db, ids?: readonly string[]): Promise<ActiveEntry[]> {
  const read = (only?: string[]) =>
    db
      .select({ id: watchlistEntries.id, source: watchlistEntries.source, screenHash: watchlistEntries.screenHash, data: watchlistEntries.data })
      .from(watchlistEntries)
      .where(and(eq(watchlistEntries.active, true), eq(watchlistEntries.kind, 'individual'), only ? inArray(watchlistEntries.id, only) : undefined));
  const rows: Awaited<ReturnType<typeof read>> = [];
  if (ids === undefined) rows.push(...(await read()));
  else for (let i = 0; i < ids.length; i += CHUNK) rows.push(...(await read(ids.slice(i, i + CHUNK))));
  return rows.map((r) => ({ ...r, data: r.data as WatchEntry }));
}

/**
 * The versions whose entries the registry has not yet been screened against, the entries they added or changed (in
 * the order they were first recorded), and the latest moment as of which the registry had been screened against
 * every entry of some version (null: never).
 */
export async function unscreenedVersions(db: Db): Promise<{ versionIds: string[]; entryIds: string[]; lastScreenedAsOf: Date | null }> {
  const versions = await queryRows<{ id: string }>(db, sql`select id from watchlist_versions where screened_as_of is null order by imported_at, id`);
  const last = await queryRows<{ at: string | Date | null }>(db, sql`select max(screened_as_of) as at from watchlist_versions`);
  const at = last[0]?.at ?? null;
  const lastScreenedAsOf = at === null ? null : at instanceof Date ? at : new Date(at);
  if (versions.length === 0) return { versionIds: [], entryIds: [], lastScreenedAsOf };
  const versionIds = versions.map((v) => v.id);
  const entries = await queryRows<{ entry_id: string }>(
    db,
    sql`select c.entry_id from watchlist_changes c join watchlist_versions v on v.id = c.version_id
        where v.screened_as_of is null and c.change in ('added', 'changed')
        group by c.entry_id order by min(v.imported_at), c.entry_id`,
  );
  return { versionIds, entryIds: entries.map((e) => e.entry_id), lastScreenedAsOf };
}

/** Records that every adult as of `asOf` has been screened against these versions' entries (never moves back). */
export async function markVersionsScreened(tx: Db, versionIds: readonly string[], asOf: Date): Promise<void> {
  for (let i = 0; i < versionIds.length; i += CHUNK) {
    await tx
      .update(watchlistVersions)
      .set({ screenedAsOf: asOf })
      .where(
        and(
          inArray(watchlistVersions.id, versionIds.slice(i, i + CHUNK)),
          sql`(${watchlistVersions.screenedAsOf} is null or ${watchlistVersions.screenedAsOf} < ${asOf.toISOString()}::timestamptz)`,
        ),
      );
  }
}

/**
 * Persons whose latest possible birth lies in (`after`, `upTo`] (ISO days): with the adult cut-offs of two moments,
 * those who were possible minors at the first and are adults at the second.
 */
export async function personsBornBetween(db: Db, after: string, upTo: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from ${personsTable} where birth_to > ${after}::date and birth_to <= ${upTo}::date order by id`,
  );
  return rows.map((r) => r.id);
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
  sex: string;
}

/**
 * The next page of persons in id order (after `after`), with their names, nationalities and documents: four queries
 * whatever the page size, the names and the rest read by the id range the page covers (an index range scan, no list
 * of ids to send), about three times faster than by lists of ids. `last` is the id to continue after (null: done).
 */
export async function screenPersonsPage(db: Db, after: string | null, limit: number): Promise<{ persons: ScreenPerson[]; last: string | null }> {
  const persons = await queryRows<PersonPageRow>(
    db,
    sql`select id, birth_from::text as birth_from, birth_to::text as birth_to, birth_precision, sex from ${personsTable}
        where ${after ? sql`id > ${after}::uuid` : sql`true`} order by id limit ${limit}`,
  );
  if (persons.length === 0) return { persons: [], last: null };
  const last = persons[persons.length - 1]!.id;
  const range = after ? sql`person_id > ${after}::uuid and person_id <= ${last}::uuid` : sql`person_id <= ${last}::uuid`;
  const [names, nats, docs] = await inTurn(
    () =>
      queryRows<{ person_id: string; full_name: string }>(db, sql`select person_id, full_name from ${personNames} where ${range} order by person_id, ordinal`),
    () => queryRows<{ person_id: string; country: string }>(db, sql`select person_id, country from ${personNationalities} where ${range}`),
    () =>
      queryRows<{ person_id: string; type: string; number: string; issuing_country: string | null }>(
        db,
        sql`select person_id, type, number, issuing_country from ${identityDocuments} where ${range}`,
      ),
  );
  return {
    persons: assemble(
      persons,
      names,
      nats,
      docs,
      persons.map((p) => p.id),
    ),
    last,
  };
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
      sex: p.sex,
      nationalities: [],
      documents: [],
    });
  }
  for (const n of names) byId.get(n.person_id)?.names.push(n.full_name);
  for (const n of nats) byId.get(n.person_id)?.nationalities.push(n.country);
  for (const d of docs) byId.get(d.person_id)?.documents.push({ type: d.type, number: d.number, issuingCountry: d.issuing_country });
  return order.map((i) => byId.get(i)).filter((p): p is ScreenPerson => p !== undefined);
}

/** These persons (in this order; unknown ids left out), the ids sent as one array parameter (faster than a list). */
export async function loadScreenPersons(db: Db, ids: string[]): Promise<ScreenPerson[]> {
  const valid = ids.filter((i) => UUID_PATTERN.test(i));
  if (valid.length === 0) return [];
  const list = sql`any(${`{${valid.join(',')}}`}::uuid[])`;
  const [persons, names, nats, docs] = await inTurn(
    () =>
      queryRows<PersonPageRow>(
        db,
        sql`select id, birth_from::text as birth_from, birth_to::text as birth_to, birth_precision, sex from ${personsTable} where id = ${list}`,
      ),
    () =>
      queryRows<{ person_id: string; full_name: string }>(
        db,
        sql`select person_id, full_name from ${personNames} where person_id = ${list} order by person_id, ordinal`,
      ),
    () => queryRows<{ person_id: string; country: string }>(db, sql`select person_id, country from ${personNationalities} where person_id = ${list}`),
    () =>
      queryRows<{ person_id: string; type: string; number: string; issuing_country: string | null }>(
        db,
        sql`select person_id, type, number, issuing_country from ${identityDocuments} where person_id = ${list}`,
      ),
  );
  return assemble(persons, names, nats, docs, valid);
}

// --- hits ---------------------------------------------------------------------------------------------------------

/** The latest hit of each of these pairs. */
export async function latestHits(db: Db, pairs: { personId: string; entryId: string }[]): Promise<Map<string, HitRow>> {
  const out = new Map<string, HitRow>();
  if (pairs.length === 0) return out;
  const personIds = [...new Set(pairs.map((p) => p.personId))];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(screeningHits)
      .where(inArray(screeningHits.personId, personIds.slice(i, i + CHUNK)));
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

/**
 * Withdraws the pending hits against these entries (removed from their list by `versionId`) and returns them; decided
 * hits are left as they are. Nothing is deleted.
 */
export async function withdrawPendingHits(
  tx: Db,
  entryIds: readonly string[],
  withdrawal: { versionId: string; at: Date; reasonOf: (ref: string) => string },
): Promise<{ id: string; personId: string; source: string; ref: string; reason: string }[]> {
  const out: { id: string; personId: string; source: string; ref: string; reason: string }[] = [];
  for (let i = 0; i < entryIds.length; i += CHUNK) {
    const pending = await tx
      .select({ id: screeningHits.id, personId: screeningHits.personId, source: screeningHits.source, ref: screeningHits.ref })
      .from(screeningHits)
      .where(and(inArray(screeningHits.entryId, entryIds.slice(i, i + CHUNK)), eq(screeningHits.status, 'pending')))
      .orderBy(screeningHits.id)
      .for('update');
    for (const hit of pending) {
      const reason = withdrawal.reasonOf(hit.ref);
      await tx
        .update(screeningHits)
        .set({ status: 'withdrawn', withdrawnAt: withdrawal.at, withdrawnVersionId: withdrawal.versionId, withdrawnReason: reason, updatedAt: withdrawal.at })
        .where(eq(screeningHits.id, hit.id));
      out.push({ ...hit, reason });
    }
  }
  return out;
}

export async function findHit(db: Db, id: string, lock = false): Promise<HitRow | undefined> {
  const q = db.select().from(screeningHits).where(eq(screeningHits.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export interface HitFilter {
  status?: string | readonly string[];
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
  source: ListFormat;
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
  withdrawn_at: string | Date | null;
  withdrawn_version_id: string | null;
  withdrawn_reason: string | null;
  entry_name: string;
  entry_active: boolean;
  /** the version that took the entry off its list (null while it is on it) */
  entry_removed_version_id: string | null;
  entry_removed_at: string | Date | null;
  person_name: string | null;
}

function hitConditions(f: Omit<HitFilter, 'limit' | 'offset'>): SQL {
  const conditions: SQL[] = [scopeCondition({ facilityIds: [...f.facilityIds], nationalities: [...f.nationalities] })];
  const statuses = f.status === undefined ? [] : typeof f.status === 'string' ? [f.status] : f.status;
  if (statuses.length)
    conditions.push(
      sql`h.status in (${sql.join(
        statuses.map((st) => sql`${st}`),
        sql`, `,
      )})`,
    );
  if (f.personId) conditions.push(sql`h.person_id = ${f.personId}::uuid`);
  return sql.join(conditions, sql` and `);
}

/** How many hits the queue's filters select in the actor's scope (the same joins and scope as listHits): its total. */
export async function countHits(db: Db, f: Omit<HitFilter, 'limit' | 'offset'>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n
        from screening_hits h
        join ${personsTable} p on p.id = h.person_id
        left join ${placements} pl on pl.person_id = p.id
        join watchlist_entries e on e.id = h.entry_id
        where ${hitConditions(f)}`,
  );
  return Number(row?.n ?? 0);
}

/** Hits in the actor's scope (filtered in SQL, so hidden persons' hits are neither returned nor counted). */
export async function listHits(db: Db, f: HitFilter): Promise<HitListRow[]> {
  return queryRows<HitListRow>(
    db,
    sql`select h.id, h.person_id, h.entry_id, h.source, h.ref, h.status, h.strength, h.evidence, h.trigger, h.created_at,
               h.updated_at, h.decided_at, h.decided_by_username, h.reason, h.withdrawn_at, h.withdrawn_version_id, h.withdrawn_reason,
               e.primary_name as entry_name, e.active as entry_active, e.removed_version_id as entry_removed_version_id,
               rv.imported_at as entry_removed_at,
               (select n.full_name from ${personNames} n where n.person_id = p.id order by n.ordinal limit 1) as person_name
        from screening_hits h
        join ${personsTable} p on p.id = h.person_id
        left join ${placements} pl on pl.person_id = p.id
        join watchlist_entries e on e.id = h.entry_id
        left join watchlist_versions rv on rv.id = e.removed_version_id
        where ${hitConditions(f)}
        order by case h.status when 'pending' then 0 else 1 end,
                 -- what was dealt with reads newest first, so a page of decided hits is the latest decisions
                 case when h.status <> 'pending' then coalesce(h.decided_at, h.withdrawn_at, h.updated_at) end desc nulls last,
                 h.strength desc, h.created_at desc, h.id
        limit ${f.limit} offset ${f.offset}`,
  );
}

export async function insertRequest(tx: Db, row: typeof screeningRequests.$inferInsert): Promise<void> {
  await tx.insert(screeningRequests).values(row);
}

/** The entries a version leaves active on its list (what the sites receive of it), or null for an unknown version. */
export async function releaseEntries(tx: Db, versionId: string): Promise<{ source: string; generatedAt: string | null; entries: WatchEntry[] } | null> {
  const [version] = await queryRows<{ source: string; generated_at: Date | string | null }>(
    tx,
    sql`select source, generated_at from watchlist_versions where id = ${versionId}`,
  );
  if (!version) return null;
  const rows = await queryRows<{ data: unknown }>(tx, sql`select data from watchlist_entries where source = ${version.source} and active order by ref`);
  return {
    source: version.source,
    generatedAt: version.generated_at ? new Date(version.generated_at).toISOString() : null,
    entries: rows.map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as WatchEntry),
  };
}
