import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { FakeClock, type Clock } from '../src/platform/clock';
import { createServices, type ServiceOptions, type Services } from '../src/services';
import { buildHttp } from '../src/main';
import { systemActor, type AccessConfig, type Role } from '../src/modules/access';

export type Target = 'pglite' | 'postgres';

const ADMIN_URL = process.env.CUSTOS_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let reachable: Promise<boolean> | undefined;

/** PostgreSQL server reachable for the contract suite? (set CUSTOS_TEST_PG=0 to skip it) */
export function postgresReachable(): Promise<boolean> {
  if (process.env.CUSTOS_TEST_PG === '0') return Promise.resolve(false);
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** The databases every integration test runs on: PGlite always, the PostgreSQL server whenever it answers. */
export async function targets(): Promise<Target[]> {
  return (await postgresReachable()) ? ['pglite', 'postgres'] : ['pglite'];
}

/** A new, empty database on the PostgreSQL server; `drop` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `custos_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestApp {
  target: Target;
  services: Services;
  clock: Clock;
  http: FastifyInstance;
  /** The scratch database's URL on PostgreSQL (another process's connection); undefined on PGlite. */
  databaseUrl?: string;
  close(): Promise<void>;
  /** Creates a user of this role (and scope) and returns a bearer token. */
  tokenFor(role: Role, scope?: { facilityIds?: string[]; nationalities?: string[] }): Promise<string>;
}

let userCounter = 0;

export async function createTestApp(
  target: Target,
  opts: {
    clock?: Clock;
    siteId?: string;
    access?: Partial<AccessConfig>;
    biometrics?: ServiceOptions['biometrics'];
    syncRole?: ServiceOptions['syncRole'];
    sync?: ServiceOptions['sync'];
  } = {},
): Promise<TestApp> {
  let drop: (() => Promise<void>) | undefined;
  let url: string | undefined;
  if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
  const database = await openDatabase({ url, dataDir: 'memory://' });
  await migrate(database);
  const clock = opts.clock ?? new FakeClock('2026-01-10T08:00:00Z');
  const services = createServices(database, {
    clock,
    siteId: opts.siteId,
    access: opts.access,
    biometrics: opts.biometrics,
    syncRole: opts.syncRole,
    sync: opts.sync,
  });
  // Every answer a test receives is checked against its route's documented schema (platform/http/responses.ts).
  const http = await buildHttp(services, { logger: false, responseCheck: 'strict' });
  await http.ready();
  return {
    target,
    services,
    clock,
    http,
    databaseUrl: url,
    async close() {
      await http.close();
      await services.close();
      await drop?.();
    },
    async tokenFor(role, scope = {}) {
      userCounter += 1;
      const username = `${role}-${userCounter}-${randomBytes(3).toString('hex')}`;
      const password = 'correct horse battery staple';
      await services.access.createUser(systemActor('test'), {
        username,
        password,
        role,
        facilityIds: scope.facilityIds ?? (role === 'officer' ? await anyFacility(services) : []),
        nationalities: scope.nationalities ?? (role === 'liaison' ? ['FRA'] : []),
      });
      const session = await services.access.login(username, password, '127.0.0.1');
      return session.token;
    },
  };
}

async function anyFacility(services: Services): Promise<string[]> {
  const list = await services.facilities.list(systemActor('test'));
  if (list[0]) return [list[0].id];
  const f = await services.facilities.create(systemActor('test'), { code: `F${++userCounter}`, name: 'Scratch', kind: 'camp' });
  return [f.id];
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
