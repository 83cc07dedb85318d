import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from './database';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/**
 * Applies the committed SQL migrations that are not yet applied, each in its own transaction, in name order.
 * The migration's row is inserted first, so a second process migrating the same server at the same moment blocks on
 * it and then finds the migration applied. A migration whose file changed after it was applied is refused.
 */
export async function migrate(database: Database): Promise<string[]> {
  await database.exec(`create table if not exists schema_migrations (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of listMigrations()) {
    const done = await appliedChecksums(database);
    const previous = done.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new Error(`Migration ${m.name} was changed after it was applied; add a new migration instead`);
      }
      continue;
    }
    const record = `insert into schema_migrations (name, checksum) values ('${m.name}', '${m.checksum}');\n`;
    try {
      await database.runScript(record + m.sql);
      applied.push(m.name);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') continue; // applied meanwhile by another process
      throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}

async function appliedChecksums(database: Database): Promise<Map<string, string>> {
  const rows = await queryRows<{ name: string; checksum: string }>(database.db, sql`select name, checksum from schema_migrations`);
  return new Map(rows.map((r) => [r.name, r.checksum]));
}
