import { Bus } from './platform/bus';
import { systemClock, type Clock } from './platform/clock';
import type { Database } from './platform/db/database';
import { uuidV7Ids, type IdGenerator } from './platform/ids';
import { silentLogger, type Logger } from './platform/logger';
import { AccessService, DEFAULT_ACCESS_CONFIG, systemActor, type AccessConfig } from './modules/access';
import { AuditService } from './modules/audit';
import { CustodyService } from './modules/custody';
import { FacilitiesService } from './modules/facilities';
import { RegistryService } from './modules/registry';
import { ReportsService } from './modules/reports';
import { RollcallsService } from './modules/rollcalls';
import { AlertsService, type AlertDraft } from './modules/alerts';
import { ScreeningService } from './modules/screening';
import { BiometricsService, type BiometricsOptions } from './modules/biometrics';

export interface ServiceOptions {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  siteId?: string;
  access?: Partial<AccessConfig>;
  /** Data folder: where the biometric template key file lives (unless CUSTOS_TEMPLATE_KEY is set). */
  dataDir?: string;
  /** Template key, face engine factory and workers (tests). */
  biometrics?: Omit<BiometricsOptions, 'dataDir'>;
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
  screening: ScreeningService;
  /**
   * Ends everything in order: the alert scheduler, the periodic chain checks, the scheduled screening of persons come
   * of age, screening still running in the
   * background, the face workers, then the database. Every process (server, CLI command, test, benchmark) closes through here.
   */
  close(): Promise<void>;
  biometrics: BiometricsService;
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
  const screening = new ScreeningService(db, clock, ids, audit, registry, logger);
  // Screening runs on enrolment and on every change of a person's names or details, after the commit.
  registry.onChange((e) =>
    screening.enqueue(`person ${e.change}`, () => screening.screenPersons(e.personIds, e.change === 'created' ? 'enrolment' : `person_${e.change}`)),
  );
  screening.onNewHits(async (hits) => {
    bus.emit('screening.hit', { hitIds: hits.map((h) => h.hitId), personIds: [...new Set(hits.map((h) => h.personId))], trigger: hits[0]!.trigger });
    // The alert says only that candidates wait for review: names and lists stay on the security side.
    await alerts.raise(systemActor('watchlist screening'), [
      {
        facilityId: null,
        rule: 'screening.hit',
        severity: 'warning',
        title: `${hits.length} new watchlist candidate${hits.length === 1 ? '' : 's'} awaiting review`,
        details: { hitIds: hits.map((h) => h.hitId), count: hits.length, trigger: hits[0]!.trigger },
        dedupeKey: null,
      },
    ]);
  });
  // Templates and galleries load on first use (or services.biometrics.start()); the face engine only when a face is
  // first processed. Without a data folder or CUSTOS_TEMPLATE_KEY (tests) the key lives only in this process.
  const biometrics = new BiometricsService(db, clock, ids, audit, registry, logger, {
    ...opts.biometrics,
    dataDir: opts.dataDir,
    ephemeralKeyAllowed: opts.dataDir === undefined,
  });
  // A broken hash chain is an incident, not a log line: whoever or whatever ran the check, an alert is raised (one per
  // break while it is live).
  const chainAlert = (draft: Omit<AlertDraft, 'facilityId' | 'rule' | 'severity'>) =>
    alerts
      .raise(systemActor('chain verification'), [{ facilityId: null, rule: 'integrity.chain_broken', severity: 'critical', ...draft }])
      .catch((err) => logger.error({ err }, 'could not raise the alert for a broken chain'));
  custody.onChainBroken(({ firstBad }) => {
    void chainAlert({
      title: `The custody ledger does not verify: ${firstBad.problem.replace(/_/g, ' ')} at event ${firstBad.seq} of site ${firstBad.siteId}`,
      details: {
        chain: 'ledger',
        firstBad: { id: firstBad.id, siteId: firstBad.siteId, seq: firstBad.seq, problem: firstBad.problem, message: firstBad.message },
      },
      dedupeKey: `chain:ledger:${firstBad.siteId}:${firstBad.seq}:${firstBad.problem}`,
    });
  });
  audit.onChainBroken(({ firstBad }) => {
    void chainAlert({
      title: `The audit log does not verify at entry ${firstBad.seq}`,
      details: { chain: 'audit', firstBad: { id: firstBad.id, seq: firstBad.seq, message: firstBad.message } },
      dedupeKey: `chain:audit:${firstBad.seq}`,
    });
  });
  rollcalls.citedVerificationProblem = (tx, verificationId, claim) => biometrics.citedVerificationProblem(tx, verificationId, claim);
  const close = async () => {
    await alerts.stop();
    await custody.stopFullChecks();
    await audit.stopFullChecks();
    screening.stopComingOfAgeScreening();
    await screening.idle();
    await biometrics.close();
    await database.close();
  };
  return { database, clock, ids, bus, logger, siteId, audit, access, facilities, registry, custody, reports, rollcalls, alerts, screening, biometrics, close };
}
