import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from './platform/db/database';
import { migrate } from './platform/db/migrate';
import { createLogger, silentLogger, type Logger } from './platform/logger';
import { buildServer } from './platform/http/server';
import { responseCheckFrom, type ResponseCheck } from './platform/http/responses';
import { randomToken } from './platform/ids';
import { runningFrom } from './platform/clock';
import { readDemoWorld, saveScenarioNow } from './platform/demo-world';
import { createServices, type ServiceOptions, type Services } from './services';
import { apiRoutes } from './routes';
import { systemActor } from './modules/access';
import { EnvironmentError } from './platform/errors';
import { MqttIngest } from './modules/sensors';
import { startSyncLink, syncLinkOptionsFromEnv } from './modules/sync';
import { applySiteConfig } from './modules/sync';

export const WEB_ROOT = fileURLToPath(new URL('../web/dist/', import.meta.url));

export interface AppConfig {
  /** Folder for PGlite's files and the template key; ignored for the database when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl?: string;
  logger?: Logger;
}

/** The composition root: config -> database (migrated) -> services. */
export async function openApp(config: AppConfig, opts: ServiceOptions = {}): Promise<Services> {
  const database: Database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  // A demo world goes on in its scenario's time wherever it is opened (serve, the CLI), not on today's date.
  const world = opts.clock ? null : await readDemoWorld(database.db).catch(() => null);
  const clock = world?.state === 'ready' ? runningFrom(world.scenarioNow, 'scenario') : undefined;
  const services = createServices(database, { logger: config.logger ?? silentLogger, dataDir: config.dataDir, ...opts, clock: opts.clock ?? clock });
  try {
    // derived data that migrations cannot compute in SQL (search keys of an older key version)
    await services.registry.refreshSearchKeys();
  } catch (err) {
    await services.close();
    throw err;
  }
  return services;
}

export function configFromOptions(opts: { data?: string }): AppConfig {
  const dataDir = opts.data ?? process.env.CUSTOS_DATA ?? './data';
  // a site set up with `custos site init` names itself and its headquarters in its data folder (the environment wins)
  applySiteConfig(dataDir);
  return { dataDir, databaseUrl: process.env.DATABASE_URL || undefined };
}

/**
 * The HTTP server with every module's routes. `responseCheck` (default: `CUSTOS_RESPONSE_CHECK`, else `off`) says
 * whether answers are checked against their documented schemas; the test harnesses ask for `strict`.
 */
export async function buildHttp(services: Services, opts: { logger?: Logger | false; responseCheck?: ResponseCheck } = {}): Promise<FastifyInstance> {
  const responseCheck = opts.responseCheck ?? responseCheckFrom(process.env.CUSTOS_RESPONSE_CHECK);
  return buildServer({ services, routes: apiRoutes, logger: opts.logger, webRoot: WEB_ROOT, responseCheck });
}

/**
 * On the first start of an empty database there is nobody to sign in as: create `admin` with a random one-time
 * password and return it so that the caller prints it once. Returns null when users exist.
 */
export async function bootstrapAdmin(services: Services): Promise<{ username: string; password: string } | null> {
  if (await services.access.hasUsers()) return null;
  const password = randomToken(12);
  await services.access.createUser(systemActor('bootstrap'), { username: 'admin', password, role: 'admin', mustChangePassword: true });
  return { username: 'admin', password };
}

function portProblem(err: unknown, port: number, host: string): EnvironmentError | null {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new EnvironmentError('serve.port_in_use', `port ${port} is in use; set PORT (or --port) or stop the other process`);
  if (code === 'EACCES') return new EnvironmentError('serve.port_denied', `port ${port} may not be opened by this user; set PORT (or --port) to 1024 or above`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new EnvironmentError('serve.bad_host', `address ${host} is not on this machine; set --host to one of its addresses`);
  return null;
}

/**
 * Fails with one plain line when the port cannot be had, before the database is opened (a demo seeds for minutes
 * first). The real listen can still lose a race; `serve` reports that the same way.
 */
export async function checkPortFree(port: number, host: string): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EnvironmentError('serve.bad_port', `port ${port} is not a port number (0-65535)`);
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once('error', (err) => fail(portProblem(err, port, host) ?? err));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

export async function serve(services: Services, opts: { port: number; host: string }): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildHttp(services, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    await app.listen({ port: opts.port, host: opts.host });
  } catch (err) {
    const plain = portProblem(err, opts.port, opts.host);
    if (!plain) throw err;
    await app.close().catch(() => undefined);
    await services.close();
    throw plain;
  }
  // The modules' reactions to domain events: what other processes commit (NOTIFY, and a poll as a safety net), and
  // whatever was committed but not yet delivered before this process started (a crash, a kill).
  await services.dispatcher.start({ pollMs: Number(process.env.CUSTOS_OUTBOX_POLL_MS) || 5_000 });
  // The alert scheduler (missed roll calls, escalation, capacity).
  await services.alerts.start({ intervalMs: Number(process.env.CUSTOS_ALERT_TICK_MS) || 15_000 });
  services.guards.start({ intervalMs: Number(process.env.CUSTOS_ALERT_TICK_MS) || 30_000 });
  // Deadlines kept as rows (reviews of detention, check-ins): what came due while no process ran fires at once.
  services.deadlines.start({ intervalMs: Number(process.env.CUSTOS_DEADLINE_TICK_MS) || 30_000 });
  // Sensor health (missed heartbeats make dead zones) and, when a broker is configured, the MQTT ingest.
  services.sensors.start({ intervalMs: Number(process.env.CUSTOS_SENSOR_TICK_MS) || 15_000 });
  let mqttIngest: MqttIngest | null = null;
  if (process.env.CUSTOS_MQTT_URL) {
    mqttIngest = new MqttIngest(services.sensors, services.logger, { url: process.env.CUSTOS_MQTT_URL, prefix: process.env.CUSTOS_MQTT_PREFIX || 'custos' });
    // a broker that does not answer does not stop the server: the webhook still takes alarms; logged, retried on restart
    await mqttIngest.start().catch((err) => {
      services.logger.error({ err }, `MQTT broker ${process.env.CUSTOS_MQTT_URL} did not answer: sensor ingest over MQTT is off`);
      mqttIngest = null;
    });
  }
  // The in-transit timer: movements past their limit raise their alert once (deadlines read from the database).
  services.transfersArrival.start({ intervalMs: Number(process.env.CUSTOS_ALERT_TICK_MS) || 30_000 });
  // A signed custody statement at least daily (checked hourly; the first at start when none is a day old).
  services.reviews.start({ intervalMs: Number(process.env.CUSTOS_STATEMENT_CHECK_MS) || 3_600_000 });
  // Both hash chains walked in full now and every 10 minutes: the monitor view's tail checks rest on these walks.
  const checkEvery = Number(process.env.CUSTOS_CHAIN_CHECK_MS) || 10 * 60_000;
  const onError = (err: unknown) => services.logger.error({ err }, 'chain verification failed to run');
  services.custody.startFullChecks({
    intervalMs: checkEvery,
    onResult: (r) => (r.ok ? undefined : services.logger.error({ firstBad: r.firstBad }, 'the custody ledger does not verify')),
    onError,
  });
  services.audit.startFullChecks({
    intervalMs: checkEvery,
    onResult: (r) => (r.ok ? undefined : services.logger.error({ firstBad: r.firstBad }, 'the audit log does not verify')),
    onError,
  });
  // Persons who turn 18 are screened within hours, not at the next list update (possible minors are skipped otherwise).
  services.screening.startComingOfAgeScreening(Number(process.env.CUSTOS_COMING_OF_AGE_MS) || 6 * 3_600_000);
  // Biometric galleries (decrypted templates) in memory from the start; a failure is logged, the first use retries.
  services.biometrics.start().catch((err) => services.logger.error({ err }, 'biometric galleries could not be loaded'));
  // A demo world's scenario clock is saved as it runs, so that the next start resumes there (a kill loses seconds).
  const saveClock =
    services.clock.kind === 'scenario'
      ? setInterval(() => void saveScenarioNow(services.database.db, services.clock.now()).catch(() => undefined), 10_000).unref()
      : null;
  // Sites and headquarters (issue 22): CUSTOS_ROLE=site runs the relay, hq the ingest; unset, nothing (the default).
  const syncLink = startSyncLink(services.sync, services.logger, syncLinkOptionsFromEnv(), (wake) => services.outbox.onCommitted(() => wake()));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shown = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host;
  const close = async () => {
    if (saveClock) {
      clearInterval(saveClock);
      await saveScenarioNow(services.database.db, services.clock.now()).catch(() => undefined);
    }
    await app.close();
    await mqttIngest?.stop();
    await syncLink.stop().catch(() => undefined);
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  return { app, url: `http://${shown}:${port}/` };
}
