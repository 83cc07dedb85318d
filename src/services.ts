import { Bus } from './platform/bus';
import { systemClock, type Clock } from './platform/clock';
import type { Database } from './platform/db/database';
import { uuidV7Ids, type IdGenerator } from './platform/ids';
import { silentLogger, type Logger } from './platform/logger';
import { AccessService, DEFAULT_ACCESS_CONFIG, type AccessConfig } from './modules/access';
import { AuditService } from './modules/audit';
import { CustodyService } from './modules/custody';
import { FacilitiesService } from './modules/facilities';
import { RegistryService } from './modules/registry';
import { ReportsService } from './modules/reports';
import { RollcallsService } from './modules/rollcalls';
import { AlertsService } from './modules/alerts';

export interface ServiceOptions {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  siteId?: string;
  access?: Partial<AccessConfig>;
}

/** Every service of the application, wired once; the HTTP server, the CLI and the benchmarks all use this. */
export interface Services {
  database: Database;
  clock: Clock;
  ids: IdGenerator;
  bus: Bus;
  logger: Logger;
  siteId: string;
  audit: AuditService;
  access: AccessService;
  facilities: FacilitiesService;
  registry: RegistryService;
  custody: CustodyService;
  reports: ReportsService;
  rollcalls: RollcallsService;
  alerts: AlertsService;
}

export function createServices(database: Database, opts: ServiceOptions = {}): Services {
  const { db } = database;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? uuidV7Ids;
  const bus = new Bus();
  const siteId = opts.siteId ?? process.env.CUSTOS_SITE_ID ?? 'hq';
  const audit = new AuditService(db, clock, ids);
  const access = new AccessService(db, clock, ids, audit, { ...DEFAULT_ACCESS_CONFIG, ...opts.access });
  const facilities = new FacilitiesService(db, clock, ids, audit);
  const registry = new RegistryService(db, clock, ids, audit, async (tx, id) => {
    try {
      await facilities.require(tx, id);
      return true;
    } catch {
      return false;
    }
  });
  const custody = new CustodyService(db, clock, ids, audit, bus, registry, facilities, siteId);
  registry.placements = custody.readPlacements;
  registry.onChange((e) => bus.emit('person.changed', { personIds: e.personIds, change: e.change }));
  const reports = new ReportsService(db, clock);
  const logger = opts.logger ?? silentLogger;
  const rollcalls = new RollcallsService(db, clock, ids, audit, bus, custody, facilities, logger);
  const alerts = new AlertsService(database, clock, ids, audit, bus, logger);
  rollcalls.afterClose = (actor, closed) => alerts.evaluateClose(actor, closed);
  facilities.openAlerts = (tx, facilityId) => alerts.openFor(tx, facilityId);
  bus.on('custody.appended', (e) => {
    alerts.checkCapacity(e.facilityIds).catch((err) => logger.warn({ err }, 'capacity check failed'));
  });
  return { database, clock, ids, bus, logger, siteId, audit, access, facilities, registry, custody, reports, rollcalls, alerts };
}
