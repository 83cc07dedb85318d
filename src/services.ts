import { systemClock, type Clock } from './platform/clock';
import type { Database } from './platform/db/database';
import { uuidV7Ids, type IdGenerator } from './platform/ids';
import { silentLogger, type Logger } from './platform/logger';
import { EnvironmentError } from './platform/errors';
import { Dispatcher, Outbox } from './platform/outbox';
import { AccessService, DEFAULT_ACCESS_CONFIG, type AccessConfig } from './modules/access';
import { AuditService } from './modules/audit';
import { CustodyConfirmations, CustodyService, placementSummaries } from './modules/custody';
import { FacilitiesService } from './modules/facilities';
import { RegistryService } from './modules/registry';
import { ReportsService } from './modules/reports';
import { RollcallsService } from './modules/rollcalls';
import { AlertsService, alertConsumers } from './modules/alerts';
import { ScreeningService, screeningConsumers } from './modules/screening';
import { BiometricsService, type BiometricsOptions } from './modules/biometrics';
import { TransfersArrivalService, TransfersDisputesService, TransfersService } from './modules/transfers';
import { GuardsService, guardsConsumers } from './modules/guards';
import { IncidentsService, SensorsService } from './modules/sensors';
import { SightingsService, sightingsConsumers } from './modules/sightings';
import { ReviewsService } from './modules/reviews';
import { SyncService, type SyncRole } from './modules/sync';

export interface ServiceOptions {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  siteId?: string;
  access?: Partial<AccessConfig>;
  /** Data folder: where the biometric template key file lives (unless CUSTOS_TEMPLATE_KEY is set). */
  dataDir?: string;
  /** Replication to headquarters (issue 22): `site` or `hq`; default CUSTOS_ROLE, else off (null). */
  syncRole?: SyncRole | null;
  /** Template key, face engine factory and workers (tests). */
  biometrics?: Omit<BiometricsOptions, 'dataDir'>;
}

/** Every service of the application, wired once; the HTTP server, the CLI and the benchmarks all use this. */
export interface Services {
  database: Database;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  siteId: string;
  /** Domain events, written in the transaction of each change (platform/outbox). */
  outbox: Outbox;
  /** Delivers the outbox to the modules' consumers (alert rules, screening). */
  dispatcher: Dispatcher;
  audit: AuditService;
  access: AccessService;
  facilities: FacilitiesService;
  registry: RegistryService;
  custody: CustodyService;
  /** The two-person rule over the ledger's releases and corrections of escapes (issue 17). */
  confirmations: CustodyConfirmations;
  reports: ReportsService;
  rollcalls: RollcallsService;
  alerts: AlertsService;
  screening: ScreeningService;
  biometrics: BiometricsService;
  transfers: TransfersService;
  /** Arrival by 1:N against the movement's gallery, the in-transit timer, diversions and lodging (issue 18). */
  transfersArrival: TransfersArrivalService;
  transfersDisputes: TransfersDisputesService;
  /** The guard force: staff, posts, rosters, attendance, the governance ratio, the custodian of record. */
  guards: GuardsService;
  /** Perimeter sensors: registry, ingest (MQTT consumer started by `serve`, the webhook), health, correlation. */
  sensors: SensorsService;
  /** Incidents' life, the emergency headcount, staff incident reports. */
  incidents: IncidentsService;
  /** Escaped persons: the wanted gallery, checkpoint checks, sightings, recapture, notices to states. */
  sightings: SightingsService;
  /** Signed custody statements, the ledger export for monitors, inclusion proofs (issue 21). */
  reviews: ReviewsService;
  /** Sites and headquarters: the replication chain, the relay's place and receipts, headquarters' copy of each site. */
  sync: SyncService;
  /**
   * Resolves when the reactions to everything committed so far have run: the outbox delivered to every consumer
   * (alerts raised, persons screened) and the screening queued behind them finished (tests, CLI commands).
   */
  settle(): Promise<void>;
  /**
   * Ends everything in order: the alert scheduler, the periodic chain checks, the scheduled screening of persons come
   * of age, the delivery of what is pending to the consumers, screening still running, the face workers, then the
   * database. Every process (server, CLI command, test, benchmark) closes through here.
   */
  close(): Promise<void>;
}

/**
 * The composition root of the modules: it only wires. Each service receives what it needs through its constructor
 * (other modules through the ports each declares in its `<module>.ports.ts`), and the modules' reactions to each
 * other's events are outbox consumers that each module declares (`<module>.consumers.ts`).
 */
export function createServices(database: Database, opts: ServiceOptions = {}): Services {
  const { db } = database;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? uuidV7Ids;
  const logger = opts.logger ?? silentLogger;
  const siteId = opts.siteId ?? process.env.CUSTOS_SITE_ID ?? 'hq';
  const outbox = new Outbox(database, clock, ids, siteId, logger);

  const audit = new AuditService(db, clock, ids, outbox, logger);
  const access = new AccessService(db, clock, ids, audit, { ...DEFAULT_ACCESS_CONFIG, ...opts.access });
  const alerts = new AlertsService(database, clock, ids, audit, outbox, logger);
  const facilities = new FacilitiesService(db, clock, ids, audit, outbox, {
    openAlerts: (tx, facilityId) => alerts.openFor(tx, facilityId),
  });
  const registry = new RegistryService(db, clock, ids, audit, outbox, {
    placements: placementSummaries,
    facilityExists: async (tx, facilityId) => facilities.exists(tx, facilityId),
  });
  const custody = new CustodyService(db, clock, ids, audit, outbox, { persons: registry, facilities }, logger, siteId);
  const confirmations = new CustodyConfirmations(db, clock, ids, audit, outbox, custody, { persons: registry, facilities });
  const reports = new ReportsService(db, clock);
  const screening = new ScreeningService(db, clock, ids, audit, outbox, registry, logger);
  // Templates and galleries load on first use (or services.biometrics.start()); the face engine only when a face is
  // first processed. Without a data folder or CUSTOS_TEMPLATE_KEY (tests) the key lives only in this process.
  const biometrics = new BiometricsService(db, clock, ids, audit, outbox, registry, logger, {
    ...opts.biometrics,
    dataDir: opts.dataDir,
    ephemeralKeyAllowed: opts.dataDir === undefined,
  });
  const guards = new GuardsService(db, clock, ids, audit, outbox, logger, { faceEngine: biometrics.sealedFaces });
  const sightings = new SightingsService(
    db,
    clock,
    ids,
    audit,
    outbox,
    { biometrics, persons: registry, ledger: custody, facilities },
    logger,
    siteId,
    opts.dataDir,
  );
  const dispatcher = new Dispatcher(
    outbox,
    database,
    clock,
    [...alertConsumers(alerts), ...screeningConsumers(screening), ...guardsConsumers(guards), ...sightingsConsumers(sightings)],
    logger,
  );
  const rollcalls = new RollcallsService(
    db,
    clock,
    ids,
    audit,
    outbox,
    {
      ledger: custody,
      facilities,
      citedVerificationProblem: (tx, verificationId, claim) => biometrics.citedVerificationProblem(tx, verificationId, claim),
      // a close's answer names the alerts the rules raised from it: they react in this process at once
      alertsRaisedBy: async (rollcallId) => {
        await dispatcher.idle(['alerts.rollcall_closed']);
        return alerts.raisedForRollcall(rollcallId);
      },
    },
    logger,
  );

  const transfers = new TransfersService(
    db,
    clock,
    ids,
    audit,
    outbox,
    {
      ledger: custody,
      facilities,
      citedVerificationProblem: (tx, verificationId, claim) => biometrics.citedVerificationProblem(tx, verificationId, claim),
    },
    opts.dataDir,
  );
  const transfersArrival = new TransfersArrivalService(
    db,
    clock,
    ids,
    audit,
    outbox,
    transfers,
    { identifyWithin: (actor, input) => biometrics.identifyWithin(actor, input), facilities },
    logger,
  );
  const transfersDisputes = new TransfersDisputesService(db, clock, ids, audit, outbox, transfers, { ledger: custody });

  const sensors = new SensorsService(db, clock, ids, audit, outbox, logger);
  const incidents = new IncidentsService(db, clock, ids, audit, outbox, {
    openRollcall: async (tx, actor, input) => {
      const r = await rollcalls.openIn(tx, actor, input);
      return { id: r.id, unitIds: r.unitIds };
    },
  });
  const reviews = new ReviewsService(
    db,
    clock,
    ids,
    audit,
    outbox,
    {
      ledger: {
        chainHeads: (tx) => custody.chainHeads(tx),
        chainPage: (tx, site, after, upTo, limit) => custody.chainPage(tx, site, after, upTo, limit),
        chainHashes: (tx, site, after, upTo, limit) => custody.chainHashes(tx, site, after, upTo, limit),
        eventById: (tx, id) => custody.eventById(tx, id),
      },
      auditHead: (tx) => audit.head(tx),
      personInScope: async (tx, actor, personId) => (await registry.inScopeAmong(tx, actor, [personId])).has(personId),
      personsInScope: (tx, actor, ids) => registry.inScopeAmong(tx, actor, ids),
      incident: (tx, id) => incidents.reviewSubject(tx, id),
    },
    siteId,
    logger,
    opts.dataDir,
  );

  const sync = new SyncService(database, outbox, clock, ids, logger, siteId, opts.syncRole === undefined ? syncRoleFromEnv() : opts.syncRole);

  const settle = async () => {
    await dispatcher.idle();
    await screening.idle();
  };
  const close = async () => {
    await alerts.stop();
    await guards.stop();
    await sensors.stop();
    await transfersArrival.stop();
    reviews.stop();
    await custody.stopFullChecks();
    await audit.stopFullChecks();
    screening.stopComingOfAgeScreening();
    await dispatcher.stop();
    await screening.idle();
    await biometrics.close();
    await database.close();
  };
  return {
    database,
    clock,
    ids,
    logger,
    siteId,
    outbox,
    dispatcher,
    audit,
    access,
    facilities,
    registry,
    custody,
    confirmations,
    reports,
    rollcalls,
    alerts,
    screening,
    biometrics,
    transfers,
    transfersArrival,
    transfersDisputes,
    guards,
    sensors,
    incidents,
    sightings,
    reviews,
    sync,
    settle,
    close,
  };
}

/** CUSTOS_ROLE: `site` or `hq` turns replication on in `serve`; unset (or empty) leaves it off. */
export function syncRoleFromEnv(): SyncRole | null {
  const role = process.env.CUSTOS_ROLE?.trim();
  if (!role) return null;
  if (role !== 'site' && role !== 'hq') throw new EnvironmentError('sync.bad_role', `CUSTOS_ROLE (or --role) must be site or hq, not ${JSON.stringify(role)}`);
  return role;
}
