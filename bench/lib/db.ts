import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';
import { createServices, type Services } from '../../src/services';

export type BenchTarget = 'pglite' | 'postgres';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database for one benchmark run: in-memory PGlite, or a scratch database on the server. */
export async function benchServices(target: BenchTarget): Promise<{ services: Services; close: () => Promise<void> }> {
  let url: string | undefined;
  let drop = async (): Promise<void> => undefined;
  if (target === 'postgres') {
    const name = `custos_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const database = await openDatabase({ url, dataDir: 'memory://' });
  await migrate(database);
  const services = createServices(database);
  return {
    services,
    close: async () => {
      await services.close();
      await drop();
    },
  };
}

export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function targetsFromArgs(argv: string[]): BenchTarget[] {
  const i = argv.indexOf('--db');
  const v = i >= 0 ? argv[i + 1] : 'both';
  return v === 'both' ? ['pglite', 'postgres'] : [v as BenchTarget];
}

export function numberArg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

export const machine = () => ({ node: process.version, platform: `${process.platform}-${process.arch}` });
