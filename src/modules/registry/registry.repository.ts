import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { UUID_PATTERN } from '../../platform/ids';
import type { Db } from '../../platform/db/database';
import { inTurn, queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities, units } from '../facilities';
import { households, identityDocuments, personNames, personNationalities, personRelations, persons } from './registry.schema';

export type PersonRow = typeof persons.$inferSelect;
export type NameRow = typeof personNames.$inferSelect;
export type NationalityRow = typeof personNationalities.$inferSelect;
export type DocumentRow = typeof identityDocuments.$inferSelect;
export type RelationRow = typeof personRelations.$inferSelect;
export type NewRelationRow = typeof personRelations.$inferInsert;
export type HouseholdRow = typeof households.$inferSelect;

export interface PersonAggregate {
  person: PersonRow;
  names: NameRow[];
  nationalities: NationalityRow[];
  documents: DocumentRow[];
  relations: RelationRow[];
}

export interface PersonRowsToInsert {
  persons: PersonRow[];
  names: NameRow[];
  nationalities: NationalityRow[];
  documents: DocumentRow[];
  relations: NewRelationRow[];
}

async function insertChunked<T>(rows: T[], size: number, run: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await run(rows.slice(i, i + size));
}

/** Inserts whole person records (many at once for bulk enrolment), in the caller's transaction. */
export async function insertPersons(tx: Db, rows: PersonRowsToInsert): Promise<void> {
  await insertChunked(rows.persons, 500, (c) => tx.insert(persons).values(c));
  await insertChunked(rows.names, 1000, (c) => tx.insert(personNames).values(c));
  await insertChunked(rows.nationalities, 1000, (c) => tx.insert(personNationalities).values(c));
  await insertChunked(rows.documents, 1000, (c) => tx.insert(identityDocuments).values(c));
  await insertChunked(rows.relations, 1000, (c) => tx.insert(personRelations).values(c));
}

export async function findPersonRow(db: Db, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(persons).where(eq(persons.id, id));
  return row;
}

export async function existingPersonIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: persons.id }).from(persons).where(inArray(persons.id, ids));
  return new Set(rows.map((r) => r.id));
}

export async function loadAggregates(db: Db, ids: string[]): Promise<Map<string, PersonAggregate>> {
  const out = new Map<string, PersonAggregate>();
  if (ids.length === 0) return out;
  const [ps, ns, nats, docs, rels] = await inTurn(
    () => db.select().from(persons).where(inArray(persons.id, ids)),
    () => db.select().from(personNames).where(inArray(personNames.personId, ids)).orderBy(asc(personNames.ordinal)),
    () => db.select().from(personNationalities).where(inArray(personNationalities.personId, ids)),
    () => db.select().from(identityDocuments).where(inArray(identityDocuments.personId, ids)),
    () =>
      db
        .select()
        .from(personRelations)
        .where(or(inArray(personRelations.personId, ids), inArray(personRelations.relatedPersonId, ids))),
  );
  for (const person of ps) out.set(person.id, { person, names: [], nationalities: [], documents: [], relations: [] });
  for (const n of ns) out.get(n.personId)?.names.push(n);
  for (const n of nats) out.get(n.personId)?.nationalities.push(n);
  for (const d of docs) out.get(d.personId)?.documents.push(d);
  for (const r of rels) {
    out.get(r.personId)?.relations.push(r);
    if (r.relatedPersonId !== r.personId) out.get(r.relatedPersonId)?.relations.push(r);
  }
  return out;
}

/**
 * What a scope check reads of each person (registered facility, nationalities), for many at once: one grouped query
 * rather than whole aggregates (a review's timeline checks thousands). Ids that are not uuids are no person's.
 */
export async function scopeFactsOf(db: Db, ids: readonly string[]): Promise<Map<string, { registeredFacilityId: string | null; nationalities: string[] }>> {
  const valid = ids.filter((id) => UUID_PATTERN.test(id));
  if (valid.length === 0) return new Map();
  const rows = await queryRows<{ id: string; registered_facility_id: string | null; nationalities: string[] | null }>(
    db,
    sql`select p.id, p.registered_facility_id, array_remove(array_agg(n.country), null) as nationalities
          from ${persons} p left join ${personNationalities} n on n.person_id = p.id
         where p.id = any(${sql.param(valid)}::uuid[])
         group by p.id`,
  );
  return new Map(rows.map((r) => [r.id, { registeredFacilityId: r.registered_facility_id, nationalities: r.nationalities ?? [] }]));
}

export async function primaryNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ person_id: string; full_name: string }>(
    db,
    sql`select distinct on (person_id) person_id, full_name from person_names
        where person_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) order by person_id, ordinal`,
  );
  return new Map(rows.map((r) => [r.person_id, r.full_name]));
}

/** Applies a correction; with `expectedVersion`, only to that version of the row. Returns whether a row changed. */
export async function updatePersonRow(tx: Db, id: string, patch: Partial<PersonRow>, expectedVersion?: number): Promise<boolean> {
  const rows = await tx
    .update(persons)
    .set({ ...patch, version: sql`${persons.version} + 1` })
    .where(expectedVersion === undefined ? eq(persons.id, id) : and(eq(persons.id, id), eq(persons.version, expectedVersion)))
    .returning({ id: persons.id });
  return rows.length > 0;
}

export async function nextNameOrdinal(tx: Db, personId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, sql`select coalesce(max(ordinal), -1)::int + 1 as n from person_names where person_id = ${personId}`);
  return row?.n ?? 0;
}

export async function insertName(tx: Db, row: NameRow): Promise<void> {
  await tx.insert(personNames).values(row);
}

export async function insertDocument(tx: Db, row: DocumentRow): Promise<void> {
  await tx.insert(identityDocuments).values(row);
}

/** Records a link; a live link of the same kind between the same two persons is kept as it is (false). */
export async function insertRelation(tx: Db, row: NewRelationRow): Promise<boolean> {
  const inserted = await tx.insert(personRelations).values(row).onConflictDoNothing().returning({ id: personRelations.id });
  return inserted.length > 0;
}

export async function findRelation(tx: Db, id: string, lock = false): Promise<RelationRow | undefined> {
  const q = tx.select().from(personRelations).where(eq(personRelations.id, id));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

/** Ends a link (the row stays, with who ended it, when and why). */
export async function endRelationRow(tx: Db, id: string, end: { endedAt: Date; endedBy: string; endReason: string }): Promise<void> {
  await tx.update(personRelations).set(end).where(eq(personRelations.id, id));
}

export async function upsertNationality(tx: Db, row: NationalityRow): Promise<void> {
  await tx
    .insert(personNationalities)
    .values(row)
    .onConflictDoUpdate({ target: [personNationalities.personId, personNationalities.country], set: { status: row.status } });
}

export async function insertHousehold(tx: Db, row: HouseholdRow): Promise<void> {
  await tx.insert(households).values(row);
}

export async function insertHouseholds(tx: Db, rows: HouseholdRow[]): Promise<void> {
  if (rows.length) await tx.insert(households).values(rows);
}

export async function findHousehold(db: Db, id: string): Promise<HouseholdRow | undefined> {
  const [row] = await db.select().from(households).where(eq(households.id, id));
  return row;
}

export async function householdMembers(db: Db, householdId: string): Promise<string[]> {
  const rows = await db.select({ id: persons.id }).from(persons).where(eq(persons.householdId, householdId));
  return rows.map((r) => r.id);
}

export interface ScopeFilter {
  facilityIds: readonly string[];
  nationalities: readonly string[];
}

/** SQL condition (on aliases p = persons, pl = placements) keeping only persons the actor may see. */
export function scopeCondition(scope: ScopeFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (scope.facilityIds.length > 0) {
    const list = sql.join(
      scope.facilityIds.map((f) => sql`${f}::uuid`),
      sql`, `,
    );
    parts.push(sql`(pl.facility_id in (${list}) or pl.destination_facility_id in (${list}) or p.registered_facility_id in (${list}))`);
  }
  if (scope.nationalities.length > 0) {
    const list = sql.join(
      scope.nationalities.map((n) => sql`${n}`),
      sql`, `,
    );
    parts.push(sql`exists (select 1 from person_nationalities pn where pn.person_id = p.id and pn.country in (${list}))`);
  }
  return sql.join(parts, sql` and `);
}

export interface SearchFilter extends ScopeFilter {
  key?: string;
  facilityId?: string;
  /** Persons placed in this unit now (a block's manifest). */
  unitId?: string;
  /** A placement status, `registered` (never admitted) or `on_roll` (in custody, temporarily out or unaccounted). */
  status?: string;
  nationality?: string;
  limit: number;
  offset?: number;
}

function filterConditions(f: Omit<SearchFilter, 'limit'>): SQL {
  const conditions: SQL[] = [scopeCondition(f)];
  if (f.facilityId) conditions.push(sql`pl.facility_id = ${f.facilityId}`);
  if (f.unitId) conditions.push(sql`pl.unit_id = ${f.unitId}`);
  if (f.status) {
    conditions.push(
      f.status === 'registered'
        ? sql`pl.person_id is null`
        : f.status === 'on_roll'
          ? sql`pl.status in ('in_custody', 'temporarily_out', 'unaccounted')`
          : sql`pl.status = ${f.status}`,
    );
  }
  if (f.nationality) {
    conditions.push(sql`exists (select 1 from person_nationalities pn2 where pn2.person_id = p.id and pn2.country = ${f.nationality})`);
  }
  return sql.join(conditions, sql` and `);
}

/** Trigram search on the cross-script name key, filtered by scope in SQL so hidden records are never returned. */
export async function searchPersonIds(tx: Db, f: SearchFilter): Promise<{ id: string; score: number }[]> {
  const where = filterConditions(f);
  if (f.key) {
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', '0.45', true)`);
    return queryRows(
      tx,
      sql`select p.id, max(word_similarity(${f.key}, n.search_key))::float8 as score
          from person_names n
          join persons p on p.id = n.person_id
          left join ${placements} pl on pl.person_id = p.id
          where ${f.key} <% n.search_key and ${where}
          group by p.id
          order by score desc, p.id
          limit ${f.limit}`,
    );
  }
  return queryRows(
    tx,
    sql`select p.id, 1::float8 as score from persons p left join ${placements} pl on pl.person_id = p.id
        where ${where} order by p.created_at desc, p.id limit ${f.limit} offset ${f.offset ?? 0}`,
  );
}

/** How many persons the filters (without a name) select, in scope: the total of a list. */
export async function countPersons(tx: Db, f: Omit<SearchFilter, 'limit' | 'key'>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from persons p left join ${placements} pl on pl.person_id = p.id where ${filterConditions(f)}`,
  );
  return row?.n ?? 0;
}

/** Codes of facilities and units (the facilities module's read model), for exports people read. */
export async function placeCodes(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; code: string }>(
    db,
    sql`select id, code from ${facilities} where id = any(${sql.param([...ids])}::uuid[])
        union all select id, code from ${units} where id = any(${sql.param([...ids])}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, r.code]));
}

/** Names whose search key was computed by an older version of the key function. */
export async function staleSearchKeys(db: Db, version: number, limit: number): Promise<{ id: string; fullName: string }[]> {
  return queryRows(db, sql`select id, full_name as "fullName" from person_names where search_key_version < ${version} order by id limit ${limit}`);
}

export async function updateSearchKeys(db: Db, keys: { id: string; key: string }[], version: number): Promise<void> {
  if (keys.length === 0) return;
  await db.execute(sql`update person_names n set search_key = v.key, search_key_version = ${version}
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as v(id uuid, key text) where n.id = v.id`);
}

/** The recorded birth (date, precision, range) of each of these persons. */
export async function birthsOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: persons.id, date: persons.birthDate, precision: persons.birthPrecision, from: persons.birthFrom, to: persons.birthTo })
    .from(persons)
    .where(inArray(persons.id, [...ids]));
}
