import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/platform/db/database';

const tableLists = new WeakMap<Database, Promise<string[]>>();

/** The tables of the public schema (a migration adds none while a test runs, so it is read once). */
function tablesOf(database: Database): Promise<string[]> {
  let list = tableLists.get(database);
  if (!list) {
    list = queryRows<{ name: string }>(
      database.db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ).then((rows) => rows.map((r) => r.name));
    tableLists.set(database, list);
  }
  return list;
}

/**
 * A fingerprint of everything the database holds: each table of the public schema with its row count and a sum of
 * its rows' hashes (order-free, so no sort). Equal fingerprints mean nothing was inserted, deleted or updated in
 * between; the ledger, audit and outbox heads are tables too, so their heads are covered.
 */
export async function fingerprint(database: Database): Promise<Map<string, string>> {
  const parts = (await tablesOf(database)).map(
    (name) => `select '${name}' as name, count(*)::text || ':' || coalesce(sum(hashtext(t::text)::bigint), 0)::text as fp from "${name}" t`,
  );
  const rows = await queryRows<{ name: string; fp: string }>(database.db, sql.raw(parts.join(' union all ')));
  return new Map(rows.map((r) => [r.name, r.fp]));
}

/** The tables whose fingerprint differs (empty when nothing changed). */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

/**
 * The next transaction id the server will assign. A request that wrote nothing (not even a write later rolled back)
 * leaves it where it was, which is much cheaper to see than a full fingerprint; when it moved, compare fingerprints.
 */
export async function nextXid(database: Database): Promise<string> {
  const [row] = await queryRows<{ x: string }>(database.db, sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`);
  return row!.x;
}

/** Watches a database for changes between two moments at the cost of one tiny query when nothing was written. */
export class StateWatch {
  private fp: Map<string, string> | undefined;
  private xid = '';
  constructor(private readonly database: Database) {}

  /** Takes the state now as the reference. */
  async reset(): Promise<void> {
    this.xid = await nextXid(this.database);
    this.fp = await fingerprint(this.database);
  }

  /** The tables that changed since the reference (which becomes the state now). */
  async changes(): Promise<string[]> {
    const xid = await nextXid(this.database);
    if (xid === this.xid && this.fp) return [];
    const before = this.fp ?? new Map();
    this.fp = await fingerprint(this.database);
    this.xid = xid;
    return changedTables(before, this.fp);
  }
}
