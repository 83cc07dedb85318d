import { systemClock, type Clock } from './platform/clock';
import type { Database, Db } from './platform/db/database';
import { uuidV7Ids, type IdGenerator } from './platform/ids';
import { silentLogger, type Logger } from './platform/logger';
import { EnvironmentError } from './platform/errors';
import { Dispatcher, Outbox } from './platform/outbox';
import { Deadlines } from './platform/deadlines';
import { AccessService, DEFAULT_ACCESS_CONFIG, type AccessConfig } from './modules/access';
import { AuditService } from './modules/audit';
import { CustodyConfirmations, CustodyService, placementSummaries, type CustodyMove } from './modules/custody';
import { FacilitiesService } from './modules/facilities';
import { RegistryService } from './modules/registry';
import { ReportsService } from './modules/reports';
import { RollcallsService } from './modules/rollcalls';
import { AlertsService, alertConsumers } from './modules/alerts';
import { ScreeningService, screeningConsumers } from './modules/screening';
import {
  BiometricsService,
  generateTransitKey,
  HQ_PUBLIC_KEY_ENV,
  IDENTITY_KEY_ENV,
  loadTransitKey,
  transitRecipientFromBase64,
  type BiometricsOptions,
  type TransitKey,
  type TransitRecipient,
} from './modules/biometrics';
import { TransfersArrivalService, TransfersDisputesService, TransfersService } from './modules/transfers';
import { GuardsService, guardsConsumers } from './modules/guards';
import { IncidentsService, SensorsService } from './modules/sensors';
import { SightingsService, sightingsConsumers } from './modules/sightings';
import { ReviewsService } from './modules/reviews';
import { fromHeadquarters, hqDownIssuers, siteDownAppliers, siteIdentityConsumer, SyncDown, SyncService, type SyncRole } from './modules/sync';
import { acceptedRepatriations, REPATRIATION_DEADLINE_KIND, RepatriationService } from './modules/cases';
import { CasesService, casesConsumers, FamiliesService, familiesConsumers } from './modules/cases';

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
  /**
   * Identity across sites (issue 22): at headquarters its identity key pair (default CUSTOS_SYNC_IDENTITY_KEY, else
   * `sync-identity.key` in the data folder, else one in memory); at a site headquarters' public key (default
   * CUSTOS_SYNC_HQ_KEY, which `custos site init --hq-key` records; none: templates go up for names-only cases).
   */
  sync?: { identityKey?: TransitKey | null; hqKey?: TransitRecipient | null };
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
  /** Deadlines kept as rows and fired on the clock (reviews of detention, check-ins, repatriation stages). */
  deadlines: Deadlines;
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
  /** Repatriation requests to states, their stages and deadlines, the handover (issue 23, part B). */
  repatriation: RepatriationService;
  /** Cases, families and children (issue 23 part C): family view, best interests, separated children, tracing. */
  families: FamiliesService;
  /** Case work (issue 23): legal cases and reviews, reintegration after release, the stasis figures. */
  cases: CasesService;
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
  const deadlines = new Deadlines(database, (work) => outbox.transaction(work), clock, ids, logger);

  const audit = new AuditService(db, clock, ids, outbox, logger);
  const access = new AccessService(db, clock, ids, audit, { ...DEFAULT_ACCESS_CONFIG, ...opts.access }, outbox);
  const alerts = new AlertsService(database, clock, ids, audit, outbox, logger);
  const facilities = new FacilitiesService(db, clock, ids, audit, outbox, {
    openAlerts: (tx, facilityId) => alerts.openFor(tx, facilityId),
  });
  const registry = new RegistryService(db, clock, ids, audit, outbox, {
    placements: placementSummaries,
    facilityExists: async (tx, facilityId) => facilities.exists(tx, facilityId),
  });
  // REPATRIATED only for a person whose state has accepted them: the ledger asks the cases module's read of its requests.
  const repatriations = { acceptedAmong: acceptedRepatriations };
  const families = new FamiliesService(db, clock, ids, audit, outbox, {
    persons: {
      loadInScope: (tx, actor, personId) => registry.loadInScope(tx, actor, personId),
      inScopeAmong: (tx, actor, personIds) => registry.inScopeAmong(tx, actor, personIds),
      searchByName: async (actor, name, limit) => (await registry.searchPage(actor, { q: name, limit })).rows,
    },
    facilities,
  });
  // The best-interests step before a move that would separate a child from their carer: checked in the ledger's transaction.
  const moveChecks = (tx: Db, moves: readonly CustodyMove[]) => families.requireBestInterestsForMoves(tx, moves);
  const custody = new CustodyService(db, clock, ids, audit, outbox, { persons: registry, facilities, repatriations, moveChecks }, logger, siteId);
  const confirmations = new CustodyConfirmations(db, clock, ids, audit, outbox, custody, { persons: registry, facilities, repatriations, moveChecks });
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
  const cases = new CasesService(db, clock, ids, audit, outbox, deadlines, {
    personInScope: async (tx, actor, personId) => (await registry.inScopeAmong(tx, actor, [personId])).has(personId),
    identity: async (tx, actor, personId) => {
      const person = await registry.loadInScope(tx, actor, personId);
      return {
        nationalities: person.nationalities.map((n) => ({ country: n.country, status: n.status })),
        documents: person.documents.map((d) => ({ id: d.id, type: d.type, number: d.number, issuingCountry: d.issuingCountry })),
      };
    },
    matchedVerifications: (tx, personId) => biometrics.matchedVerificationsOf(tx, personId),
    citedVerificationProblem: (tx, verificationId, claim) => biometrics.citedVerificationProblem(tx, verificationId, claim),
  });
  // Replication (issue 22): a site writes its persons' identity for headquarters; headquarters issues items for the
  // sites from its own events. The way down's items are taken into the modules in the transaction that applies them.
  const syncRole = opts.syncRole === undefined ? syncRoleFromEnv() : opts.syncRole;
  const syncDown = new SyncDown(database, clock, siteId, (work) => outbox.transaction(work), null);
  const hqKey = syncRole === 'site' ? siteHqKey(opts) : null;
  const syncConsumers =
    syncRole === 'site'
      ? [siteIdentityConsumer(outbox, (tx, personId) => biometrics.templatesForHeadquarters(tx, personId, siteId, hqKey))]
      : syncRole === 'hq'
        ? hqDownIssuers(syncDown, {
            releaseForSites: (tx, versionId) => screening.releaseForSites(tx, versionId),
            accountForSites: (tx, userId) => access.accountForSites(tx, userId),
          })
        : [];
  const dispatcher = new Dispatcher(
    outbox,
    database,
    clock,
    [
      ...syncConsumers,
      ...alertConsumers(alerts),
      ...screeningConsumers(screening),
      ...guardsConsumers(guards),
      ...sightingsConsumers(sightings),
      ...casesConsumers(cases),
      ...familiesConsumers(families),
    ],
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
      bestInterests: (tx, departures) => families.requireBestInterestsForPlannedDepartures(tx, departures),
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
        escapesFrom: (tx, facilityId) => custody.escapesFrom(tx, facilityId),
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

  // ---- repatriation (issue 23, part B) ----
  const repatriation = new RepatriationService(db, clock, ids, audit, outbox, { ledger: custody, persons: registry, deadlines });
  // a stage's deadline: a reminder before, an overdue alert after (fired by the scheduler, after a restart too)
  deadlines.register(REPATRIATION_DEADLINE_KIND, repatriation.deadlineHandler);
  // ---- end of repatriation ----

  const sync = new SyncService(database, outbox, clock, ids, logger, siteId, syncRole, {
    audit,
    appliers: siteDownAppliers({
      importRelease: (tx, release, label) => screening.importReleaseIn(tx, fromHeadquarters(), release, label),
      applyWanted: (tx, item, issuedAt) => sightings.applyWantedFromHqIn(tx, item, issuedAt),
      applyAccount: (tx, account) => access.applyAccountFromHqIn(tx, account),
      raiseAlert: (tx, key, alert, hqId) => alerts.raiseFromHeadquartersIn(tx, key, alert, hqId),
    }),
    identityKey: syncRole === 'hq' ? () => hqIdentityKey(opts, logger) : null,
  });

  const settle = async () => {
    await dispatcher.idle();
    await screening.idle();
  };
  const close = async () => {
    await alerts.stop();
    await deadlines.stop();
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
    deadlines,
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
    repatriation,
    families,
    cases,
    settle,
    close,
  };
}

/** At a site: headquarters' public identity key, to re-seal templates to (null when the site was not given one). */
function siteHqKey(opts: ServiceOptions): TransitRecipient | null {
  if (opts.sync?.hqKey !== undefined) return opts.sync.hqKey;
  const text = process.env[HQ_PUBLIC_KEY_ENV]?.trim();
  return text ? transitRecipientFromBase64(text, HQ_PUBLIC_KEY_ENV) : null;
}

/** At headquarters: its identity key pair (see ServiceOptions.sync). */
async function hqIdentityKey(opts: ServiceOptions, logger: Logger): Promise<TransitKey | null> {
  if (opts.sync?.identityKey !== undefined) return opts.sync.identityKey;
  if (opts.dataDir || process.env[IDENTITY_KEY_ENV]) return loadTransitKey({ dataDir: opts.dataDir ?? '.' });
  logger.warn({}, 'sync: no data folder or CUSTOS_SYNC_IDENTITY_KEY; the identity key lives only in this process');
  return generateTransitKey();
}

/** CUSTOS_ROLE: `site` or `hq` turns replication on in `serve`; unset (or empty) leaves it off. */
export function syncRoleFromEnv(): SyncRole | null {
  const role = process.env.CUSTOS_ROLE?.trim();
  if (!role) return null;
  if (role !== 'site' && role !== 'hq') throw new EnvironmentError('sync.bad_role', `CUSTOS_ROLE (or --role) must be site or hq, not ${JSON.stringify(role)}`);
  return role;
}
