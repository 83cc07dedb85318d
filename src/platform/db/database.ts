import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { lockDataFolder } from './data-lock';
import { privateUmask, tightenDataFolder } from './private-files';

/** The drizzle handle services use; a transaction handle has the same shape. */
// biome-ignore lint/suspicious/noExplicitAny: drizzle's schema parameter; services use no relational queries
export type Db = PgDatabase<PgQueryResultHKT, any>;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** Human-readable location for logs: the data folder or the server URL without its password. */
  location: string;
  /** Runs raw SQL with no parameters (migrations, multi-statement scripts). */
  exec(text: string): Promise<void>;
  /** Runs a multi-statement script in one transaction: all of it or none of it. */
  runScript(text: string): Promise<void>;
  /** Subscribes to a PostgreSQL NOTIFY channel; returns the unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL server URL; when absent, embedded PGlite is used. */
  url?: string;
  /** Folder for PGlite's files; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 10) : openPglite(opts.dataDir ?? './data');
}

async function openPglite(dataDir: string): Promise<Database> {
  let location = 'memory://';
  let client: PGlite;
  let unlock = () => {};
  let tighten = () => {};
  if (dataDir.startsWith('memory://')) {
    client = await PGlite.create({ extensions: { pg_trgm } });
  } else {
    const folder = resolve(dataDir, 'pglite');
    // The database and the template key are personal data. PGlite sets 0666 on the files it writes whatever the umask,
    // so the folders (0700) are what keeps others out; the files are made 0600 on start and again on close.
    privateUmask();
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // The data folder itself (it holds the template key) but not what else a user keeps there; PGlite's all through.
    tightenDataFolder(resolve(dataDir), { recursive: false });
    tightenDataFolder(folder);
    tighten = () => tightenDataFolder(folder);
    location = folder;
    // before PGlite touches the files: a second process on them fails obscurely or corrupts them
    unlock = lockDataFolder(resolve(dataDir), folder);
    try {
      client = await PGlite.create({ dataDir: folder, extensions: { pg_trgm } });
      tighten();
    } catch (err) {
      unlock();
      throw err;
    }
  }
  const db = drizzlePglite({ client }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    location,
    exec: async (text) => {
      await client.exec(text);
    },
    runScript: async (text) => {
      await client.transaction(async (tx) => {
        await tx.exec(text);
      });
    },
    listen: async (channel, onPayload) => {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    close: async () => {
      try {
        if (!client.closed) await client.close();
        tighten();
      } finally {
        unlock();
      }
    },
  };
}

/** SQLSTATEs after which the whole transaction may simply run again: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);
/** Attempts in all for one transaction (the first and the retries). */
export const TRANSACTION_ATTEMPTS = 5;

/** The SQLSTATE of a database error, also when drizzle wraps the driver's error (DrizzleQueryError.cause). */
export function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Makes every top-level `db.transaction(work)` run `work` again, from the start and in a new transaction, when
 * PostgreSQL aborted it as a deadlock victim or for a serialisation failure: nothing of the aborted attempt was
 * committed, so a retry is safe for work that touches only the database (side effects in memory belong after the
 * transaction, as the outbox's wake-ups are). Bounded, with random backoff so that the rivals do not meet again in
 * step. Savepoints (`tx.transaction`) are not retried on their own: the abort is the outer transaction's.
 */
export function retryTransactions(db: Db, opts: { attempts?: number; baseDelayMs?: number } = {}): Db {
  const attempts = opts.attempts ?? TRANSACTION_ATTEMPTS;
  const base = opts.baseDelayMs ?? 5;
  const original = db.transaction.bind(db) as Db['transaction'];
  const retrying = (async (work: Parameters<Db['transaction']>[0], config?: Parameters<Db['transaction']>[1]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await original(work, config);
      } catch (err) {
        const state = sqlState(err);
        if (!state || !RETRYABLE.has(state) || attempt >= attempts) throw err;
        const delay = base * 2 ** (attempt - 1) * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }) as Db['transaction'];
  (db as { transaction: Db['transaction'] }).transaction = retrying;
  return db;
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A pool error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = retryTransactions(drizzlePg({ client: pool }) as unknown as Db);
  const listeners: pg.PoolClient[] = [];
  return {
    kind: 'postgres',
    db,
    location: redactUrl(url),
    exec: async (text) => {
      await pool.query(text);
    },
    runScript: async (text) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(text);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    listen: async (channel, onPayload) => {
      const client = await pool.connect();
      listeners.push(client);
      client.on('notification', (msg) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      });
      await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        await client.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
        client.release();
        listeners.splice(listeners.indexOf(client), 1);
      };
    },
    close: async () => {
      for (const client of listeners.splice(0)) client.release();
      await pool.end();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Rows of a raw query, the same on both drivers. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/**
 * Runs queries one after another and returns their results in order. Reads that may run inside a transaction must not
 * use Promise.all: a transaction holds one connection, on which node-postgres queues concurrent queries (and warns that
 * pg 9 will refuse them), so there is nothing to gain and a deprecation to lose.
 */
export async function inTurn<T extends readonly unknown[]>(...steps: { [K in keyof T]: () => PromiseLike<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as unknown as T;
}
