import { CaseReviewDueSoon, CaseReviewOverdue, ReintegrationCheckinMissed, RepatriationDeadline, RepatriationStageChanged } from '../cases';
import {
  caseDeadlineAlert,
  overdueByFacility,
  repatriationDeadlineAlert,
  REVIEW_FLOOD_THRESHOLD,
  reviewsOverdueAlert,
  reviewsOverdueSituation,
} from './alerts.cases';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Database, Db } from '../../platform/db/database';
import { NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { eventsOf, type DomainEvent, type Outbox } from '../../platform/outbox';
import { canSeeFacility, hasPermission, isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, systemActor, type Actor } from '../access';
import { AuditChainBroken, type AuditService } from '../audit';
import { LedgerChainBroken, CustodyEventAppended } from '../custody';
import { activeSchedules, repeatedlyAbsent, RollcallClosed, rollcallsOpenedBetween, slotsDue, slotVerdict } from '../rollcalls';
import { CustodianChanged, GovernanceStateChanged, GuardsNoShow, PatrolCheckpointsMissed, PatrolGapOpened } from '../guards';
import { patrolGapAlert, patrolMissedAlert } from './alerts.patrols';
import { guardsWatchAlert } from './alerts.guards';
import { ScreeningHitsRecorded } from '../screening';
import { ArrivalCounted, TransitOverdue } from '../transfers';
import { IncidentOpened, SensorsWentDark } from '../sensors';
import { deadZoneAlert, incidentAlert } from './alerts.sensors';
import { SightingReported } from '../sightings';
import { SyncForkDetected, SyncIdentityCaseOpened } from '../sync';
import { identityCaseAlert, syncForkAlert } from './alerts.sync';
import { ChildSeparated } from '../cases';
import { childSeparatedAlert } from './alerts.families';
import {
  countDiscrepancyAlert,
  transitOverdueAlert,
  capacityAlert,
  chainBrokenAlert,
  custodianAlert,
  governanceAlert,
  noShowAlert,
  closeAlerts,
  screeningHitsAlert,
  sightingAlerts,
  DEFAULT_RULES,
  escalationDue,
  mergeSituation,
  nextStatus,
  RuleSettings,
  slotAlert,
  type AlertDraft,
  type AlertStatus,
  type Severity,
} from './alerts.domain';
import type { AlertResponse, OpenAlertSummaryResponse } from './alerts.dto';
import { ALERT_CHANGES, AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved, AlertUpdated } from './alerts.events';
import {
  alertsOfRollcall,
  countAlerts,
  dedupeKeyUsed,
  facilityCodes,
  findAlert,
  findRules,
  insertAlert,
  listAlerts,
  liveSituation,
  liveAlertsOfRun,
  liveStageAlerts,
  openUnacknowledged,
  rollVersusCapacity,
  stillUnaccounted,
  unitCodes,
  updateAlert,
  upsertRules,
  type AlertRow,
} from './alerts.repository';

export type AlertChange = 'raised' | 'acknowledged' | 'resolved' | 'escalated' | 'updated';

export type AlertView = z.output<typeof AlertResponse>;

export interface AlertMessage {
  change: AlertChange;
  alert: AlertView;
}

export interface TickReport {
  at: Date;
  missed: number;
  late: number;
  escalated: number;
  overCapacity: number;
}

export function alertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    facilityId: row.facilityId,
    nationality: row.nationality ?? null,
    unitId: row.unitId,
    rule: row.rule,
    severity: row.severity,
    status: row.status,
    title: row.title,
    details: (row.details as Record<string, unknown> | null) ?? null,
    rollcallId: row.rollcallId,
    raisedAt: row.raisedAt,
    raisedBy: row.raisedBy,
    escalationLevel: row.escalationLevel,
    escalatedAt: row.escalatedAt,
    occurrences: row.occurrences,
    lastSeenAt: row.lastSeenAt ?? row.raisedAt,
    acknowledged: row.acknowledgedAt ? { at: row.acknowledgedAt, by: row.acknowledgedBy, note: row.acknowledgeNote } : null,
    resolved: row.resolvedAt ? { at: row.resolvedAt, by: row.resolvedBy, note: row.resolutionNote } : null,
  };
}

/** Person lists inside alerts are for roles that may read person records; others (monitors) see the figures. */
export function presentAlert(actor: Actor, alert: AlertView): AlertView {
  if (hasPermission(actor.role, 'persons.read') || !alert.details || !('personIds' in alert.details)) return alert;
  const { personIds: _hidden, ...details } = alert.details;
  return { ...alert, details };
}

/** The alert as JSON (instants as ISO strings): the payload of its change events. */
function alertJson(row: AlertRow) {
  return JSON.parse(JSON.stringify(alertView(row))) as {
    id: string;
    facilityId: string | null;
    unitId: string | null;
    rule: string;
    severity: string;
    status: string;
    title: string;
    raisedAt: string;
  } & Record<string, unknown>;
}

/** An alert read back from an event's payload. */
function alertFromJson(json: Record<string, unknown>): AlertView {
  const a = json as unknown as AlertView & { raisedAt: string; escalatedAt: string | null };
  const handled = (h: { at: string | Date; by: string | null; note: string | null } | null) => (h ? { ...h, at: new Date(h.at) } : null);
  return {
    ...a,
    raisedAt: new Date(a.raisedAt),
    escalatedAt: a.escalatedAt ? new Date(a.escalatedAt) : null,
    // Events written before alerts had situations carry neither.
    occurrences: a.occurrences ?? 1,
    lastSeenAt: new Date((a.lastSeenAt as unknown as string | undefined) ?? a.raisedAt),
    acknowledged: handled(a.acknowledged),
    resolved: handled(a.resolved),
  };
}

const CHANGE_EVENTS = {
  raised: AlertRaised,
  acknowledged: AlertAcknowledged,
  resolved: AlertResolved,
  escalated: AlertEscalated,
  updated: AlertUpdated,
} as const;

/**
 * Alerts follow facility scope. Most count and list persons of every nationality, so nationality scope sees none of
 * them; an alert about one state's nationals (a repatriation stage) is seen by that state's liaisons.
 */
export function canSeeAlert(actor: Actor, alert: { facilityId: string | null; nationality?: string | null; rule?: string }): boolean {
  const rules = caseworkRulesOnly(actor);
  if (rules && !(alert.rule && isCaseworkRule(alert.rule))) return false;
  if (isNationalityScoped(actor)) {
    if (!alert.nationality || !actor.nationalities.includes(alert.nationality)) return false;
    return alert.facilityId === null || canSeeFacility(actor, alert.facilityId);
  }
  return alert.facilityId === null ? !isFacilityScoped(actor) : canSeeFacility(actor, alert.facilityId);
}

/**
 * Legal officers and liaisons read alerts for their case work only (reviews, check-ins, repatriation stages, separated
 * children): the custody side's alerts (counts that list the missing, sightings, screening hits) are not theirs.
 */
const CASEWORK_ROLES: ReadonlySet<string> = new Set(['legal', 'liaison']);
export const CASEWORK_RULE_PREFIXES = ['cases.', 'repatriation.', 'family.'] as const;
const isCaseworkRule = (rule: string) => CASEWORK_RULE_PREFIXES.some((p) => rule.startsWith(p));
const caseworkRulesOnly = (actor: Actor): boolean => CASEWORK_ROLES.has(actor.role);

const scheduler = () => systemActor('scheduler');
/** The actor of the alerts the rules raise in reaction to other modules' events (a close, a hit, a broken chain). */
const RULES = systemActor('alert rules');

export class AlertsService {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<TickReport> | undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  private get db(): Db {
    return this.database.db;
  }

  /** Rules in force for a facility: its saved settings over the defaults. */
  async rulesFor(db: Db, facilityId: string): Promise<RuleSettings> {
    const row = await findRules(db, facilityId);
    return row ? RuleSettings.parse({ ...DEFAULT_RULES, ...(row.rules as object) }) : DEFAULT_RULES;
  }

  async getRules(actor: Actor, facilityId: string): Promise<RuleSettings> {
    requirePermission(actor, 'alerts.read');
    requireFacility(actor, facilityId);
    await this.requireFacilityRow(facilityId);
    return this.rulesFor(this.db, facilityId);
  }

  async setRules(actor: Actor, facilityId: string, patch: Partial<RuleSettings>): Promise<RuleSettings> {
    requirePermission(actor, 'alerts.configure');
    requireFacility(actor, facilityId);
    await this.requireFacilityRow(facilityId);
    return this.db.transaction(async (tx) => {
      const rules = RuleSettings.parse({ ...(await this.rulesFor(tx, facilityId)), ...patch });
      await upsertRules(tx, { facilityId, rules, updatedAt: this.clock.now(), updatedBy: actor.userId });
      await this.audit.record(tx, actor, { action: 'alerts.rules', subjectType: 'facility', subjectId: facilityId, details: rules });
      return rules;
    });
  }

  private async requireFacilityRow(facilityId: string): Promise<void> {
    if ((await facilityCodes(this.db, [facilityId])).size === 0) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
  }

  /**
   * An alert headquarters addressed to this site, come down with the sync: raised in the caller's transaction (the one
   * that records the item applied). A newer version of the same item updates the live alert (its situation is the
   * item's key) rather than raising another.
   */
  async raiseFromHeadquartersIn(
    tx: Db,
    key: string,
    alert: { severity: Severity; title: string; details?: Record<string, unknown> },
    hqId: number,
  ): Promise<void> {
    await this.raiseIn(tx, systemActor('headquarters'), [
      {
        facilityId: null,
        rule: 'sync.hq_notice',
        severity: alert.severity,
        title: alert.title,
        details: { ...(alert.details ?? {}), hqItemKey: key, hqItemId: hqId },
        dedupeKey: `sync.hq_notice:${key}:${hqId}`,
        situationKey: `sync.hq_notice:${key}`,
      },
    ]);
  }

  /**
   * Inserts drafts (skipping live duplicates) with their audit rows and `alert.raised@1` in the caller's transaction.
   * A draft whose situation has a live alert updates that alert instead (`alert.updated@1`).
   */
  private async raiseIn(tx: Db, actor: Actor, drafts: readonly AlertDraft[]): Promise<AlertRow[]> {
    const raised: AlertRow[] = [];
    const now = this.clock.now();
    for (const d of drafts) {
      if (d.situationKey) {
        const live = await liveSituation(tx, d.situationKey);
        if (live) {
          await this.updateSituation(tx, actor, live, d);
          continue;
        }
      }
      const row = await insertAlert(tx, {
        id: this.ids.next(),
        facilityId: d.facilityId,
        nationality: d.nationality ?? null,
        unitId: d.unitId ?? null,
        rule: d.rule,
        severity: d.severity,
        status: 'open',
        title: d.title,
        details: d.details,
        dedupeKey: d.dedupeKey,
        rollcallId: d.rollcallId ?? null,
        raisedAt: this.clock.now(),
        raisedBy: actor.userId,
        escalationLevel: 0,
        escalatedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgeNote: null,
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        situationKey: d.situationKey ?? null,
        occurrences: 1,
        lastSeenAt: now,
        waitingSince: now,
      });
      if (row) raised.push(row);
    }
    if (raised.length) {
      await this.audit.record(
        tx,
        actor,
        raised.map((a) => ({
          action: 'alert.raise',
          subjectType: 'alert',
          subjectId: a.id,
          details: { rule: a.rule, severity: a.severity, facilityId: a.facilityId },
        })),
      );
      for (const a of raised) this.changed(tx, 'raised', a);
    }
    return raised;
  }

  /**
   * The situation of a live alert was found again: one alert, its occurrences counted, its persons and figures those
   * of now, its rule and severity raised when the news is worse. Escalation keeps counting from when it began to wait
   * for an acknowledgement (a repetition is not an escalation); an acknowledged alert that new persons join is open
   * again and waits anew. An alert is never resolved by a roll call: a human resolves it.
   */
  private async updateSituation(tx: Db, actor: Actor, live: AlertRow, draft: AlertDraft): Promise<AlertRow> {
    const now = this.clock.now();
    const previous = Array.isArray((live.details as { personIds?: unknown } | null)?.personIds) ? (live.details as { personIds: string[] }).personIds : [];
    const update = mergeSituation(
      { rule: live.rule, severity: live.severity, status: live.status, details: live.details as Record<string, unknown> | null, occurrences: live.occurrences },
      draft,
      await stillUnaccounted(tx, previous),
    );
    const patch: Partial<AlertRow> = {
      rule: update.rule,
      severity: update.severity,
      title: update.title,
      details: update.details,
      occurrences: update.occurrences,
      lastSeenAt: now,
      rollcallId: draft.rollcallId ?? live.rollcallId,
      unitId: draft.unitId ?? null,
    };
    if (update.reopen)
      Object.assign(patch, {
        status: 'open',
        waitingSince: now,
        escalationLevel: 0,
        escalatedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgeNote: null,
      });
    const row = await updateAlert(tx, live.id, patch);
    await this.audit.record(tx, actor, {
      action: 'alert.update',
      subjectType: 'alert',
      subjectId: row.id,
      details: { rule: row.rule, severity: row.severity, occurrences: row.occurrences, newPersons: update.newPersons, reopened: update.reopen },
    });
    this.changed(tx, 'updated', row);
    return row;
  }

  /** An alert's change as an event: live streams in every process and the after-action timeline read it. */
  private changed(tx: Db, change: AlertChange, row: AlertRow): void {
    const personIds = Array.isArray((row.details as { personIds?: unknown } | null)?.personIds)
      ? ((row.details as { personIds: string[] }).personIds ?? [])
      : [];
    this.outbox.emit(
      tx,
      CHANGE_EVENTS[change],
      { alert: alertJson(row) },
      { occurredAt: this.clock.now(), subjects: { facilityIds: [row.facilityId], unitIds: [row.unitId], personIds } },
    );
  }

  /** Raises alerts now (used by the rules below and by other modules' checks). */
  async raise(actor: Actor, drafts: readonly AlertDraft[]): Promise<AlertView[]> {
    const raised = await this.outbox.transaction((tx) => this.raiseIn(tx, actor, drafts));
    return raised.map(alertView);
  }

  // --- reactions to other modules' events (outbox consumers, alerts.consumers.ts) ----------------------------------

  /** A roll call closed: its Delta (or mass absence), and persons absent at consecutive roll calls. */
  async onRollcallsClosed(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    for (const { payload: closed } of eventsOf(RollcallClosed, events)) {
      const rules = await this.rulesFor(tx, closed.facilityId);
      const repeated = closed.unaccounted.length
        ? await repeatedlyAbsent(tx, closed.rollcallId, closed.facilityId, closed.unaccounted, rules.consecutiveAbsences - 1)
        : [];
      const codes = closed.delta > 0 ? await unitCodes(tx, closed.facilityId) : new Map<string, string>();
      await this.raiseIn(tx, RULES, closeAlerts(closed, rules, repeated, codes));
    }
  }

  /** The ledger changed facilities' rolls: is any of them over its capacity now? */
  async onLedgerChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const facilityIds = new Set<string>();
    for (const { payload: e } of eventsOf(CustodyEventAppended, events)) {
      if (e.fromFacilityId) facilityIds.add(e.fromFacilityId);
      if (e.toFacilityId) facilityIds.add(e.toFacilityId);
    }
    await this.checkCapacity(tx, [...facilityIds]);
  }

  /** Screening recorded new candidates: one alert per recording says how many wait for review. */
  async onScreeningHits(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    for (const { payload } of eventsOf(ScreeningHitsRecorded, events)) {
      if (payload.hits.length > 0) await this.raiseIn(tx, systemActor('watchlist screening'), [screeningHitsAlert(payload.hits)]);
    }
  }

  /** A verification found a hash chain broken. */
  async onChainBroken(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts = [
      ...eventsOf(LedgerChainBroken, events).map(({ payload }) => chainBrokenAlert({ chain: 'ledger', ...payload })),
      ...eventsOf(AuditChainBroken, events).map(({ payload }) => chainBrokenAlert({ chain: 'audit', ...payload })),
    ];
    if (drafts.length) await this.raiseIn(tx, systemActor('chain verification'), drafts);
  }

  /** The guard force: nobody on duty, the ratio below threshold, a custody gap, planned guards who did not come, patrols late. */
  async onGuardsChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const e of events) {
      const d =
        e.type === GovernanceStateChanged.type
          ? governanceAlert(e.payload as never)
          : e.type === CustodianChanged.type
            ? custodianAlert(e.payload as never)
            : e.type === GuardsNoShow.type
              ? noShowAlert(e.payload as never)
              : e.type === PatrolCheckpointsMissed.type
                ? patrolMissedAlert(e.payload as never)
                : e.type === PatrolGapOpened.type
                  ? patrolGapAlert(e.payload as never)
                  : guardsWatchAlert(e);
      if (d && !(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('guard force rules'), drafts);
  }

  /** A sector's alarms opened an incident, or a sector's sensors went silent: alerts on the stream (issue 20). */
  async onSensorFacts(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const e of events) {
      const d = e.type === IncidentOpened.type ? incidentAlert(e.payload as never) : e.type === SensorsWentDark.type ? deadZoneAlert(e.payload as never) : null;
      if (d && !(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('sensor rules'), drafts);
  }

  /** Headquarters found a fork in a site's replicated chain (sync): critical, once per offered version. */
  async onChildrenSeparated(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(ChildSeparated, events)) {
      const d = childSeparatedAlert(payload);
      if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('families'), drafts);
  }

  async onSyncForks(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(SyncForkDetected, events)) {
      const d = syncForkAlert(payload);
      if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('site replication'), drafts);
  }

  /** Identity cases opened at headquarters (one person at two sites): a warning each, for a person to decide. */
  async onIdentityCases(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(SyncIdentityCaseOpened, events)) {
      const d = identityCaseAlert(payload);
      if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('site replication'), drafts);
  }

  /** A movement's arrival count with persons missing or extra: the CountDiscrepancy alert (transfers). */
  async onArrivalsCounted(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts = eventsOf(ArrivalCounted, events)
      .map(({ payload }) => countDiscrepancyAlert(payload))
      .filter((d): d is AlertDraft => d !== null);
    if (drafts.length) await this.raiseIn(tx, systemActor('transfer arrival count'), drafts);
  }

  /** A movement in transit past its limit (the transfers timer): critical, once per movement. */
  async onTransitOverdue(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(TransitOverdue, events)) {
      const d = transitOverdueAlert(payload);
      if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('transfer transit timer'), drafts);
  }

  /** A wanted person seen (sightings): alerts to the facility they left and to headquarters. */
  async onSightingsReported(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(SightingReported, events)) {
      for (const d of sightingAlerts(payload)) if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('sightings'), drafts);
  }

  /**
   * A case deadline passed or comes near (cases, issue 23): review overdue or due soon, a check-in missed. Overdue
   * reviews of one facility come one alert each, unless many fall due in one run of the scheduler (a bulk intake):
   * from REVIEW_FLOOD_THRESHOLD in a run, one alert per facility counts them (`cases.reviews_overdue`, a situation
   * per facility), taking over the run's single alerts raised before (resolved, counted in it) and counting the
   * later ones while it is live. Each case stays flagged overdue in the case list and the figures either way.
   */
  async onCaseDeadlines(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    const overdue = eventsOf(CaseReviewOverdue, events).map((e) => e.payload);
    const oneEach: typeof overdue = [];
    for (const [facilityId, reviews] of overdueByFacility(overdue)) {
      const live = await liveSituation(tx, reviewsOverdueSituation(facilityId));
      if (live) {
        await this.foldIntoSituation(tx, live, reviewsOverdueAlert(facilityId, reviews, (live.details as Record<string, unknown> | null) ?? null));
        continue;
      }
      const runs = [...new Set(reviews.flatMap((r) => (r.at ? [r.at] : [])))];
      const earlier = (await liveAlertsOfRun(tx, 'cases.review_overdue', facilityId, runs)).filter(
        (a) => !reviews.some((r) => r.caseId === (a.details as { caseId?: string } | null)?.caseId),
      );
      if (earlier.length + reviews.length < REVIEW_FLOOD_THRESHOLD) {
        oneEach.push(...(reviews as typeof overdue));
        continue;
      }
      const taken = earlier.map((a) => {
        const d = a.details as { caseId: string; dueAt: string };
        return { caseId: d.caseId, facilityId, dueAt: d.dueAt };
      });
      const [raised] = await this.raiseIn(tx, systemActor('case deadlines'), [reviewsOverdueAlert(facilityId, [...taken, ...reviews], null)]);
      if (raised) await this.resolveInto(tx, earlier, raised);
    }
    const facts = [
      ...oneEach.map((p) => caseDeadlineAlert('review_overdue', p)),
      ...eventsOf(CaseReviewDueSoon, events).map((e) => caseDeadlineAlert('review_due_soon', e.payload)),
      ...eventsOf(ReintegrationCheckinMissed, events).map((e) => caseDeadlineAlert('checkin_missed', e.payload)),
    ];
    for (const d of facts) if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    if (drafts.length) await this.raiseIn(tx, systemActor('case deadlines'), drafts);
  }

  /** A repatriation stage's deadline came near or passed (cases, issue 23 part B): an alert its state's liaisons see. */
  async onRepatriationDeadlines(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const drafts: AlertDraft[] = [];
    for (const { payload } of eventsOf(RepatriationDeadline, events)) {
      const d = repatriationDeadlineAlert(payload);
      if (!(d.dedupeKey && (await dedupeKeyUsed(tx, d.dedupeKey)))) drafts.push(d);
    }
    if (drafts.length) await this.raiseIn(tx, systemActor('repatriation deadlines'), drafts);
  }

  /** A repatriation request left a stage: that stage's reminder and overdue alert have nothing left to ask, resolved. */
  async onRepatriationStagesChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const now = this.clock.now();
    for (const { payload } of eventsOf(RepatriationStageChanged, events)) {
      if (!payload.fromStage) continue;
      const done = payload.fromStage.replaceAll('_', ' ');
      for (const live of await liveStageAlerts(tx, payload.requestId, payload.fromStage)) {
        const row = await updateAlert(tx, live.id, {
          status: 'resolved',
          resolvedAt: now,
          resolvedBy: null,
          resolutionNote: `Stage "${done}" left for "${payload.toStage.replaceAll('_', ' ')}" on ${payload.at.slice(0, 10)}`,
        });
        await this.audit.record(tx, systemActor('repatriation stages'), {
          action: 'alert.resolve',
          subjectType: 'alert',
          subjectId: row.id,
          details: { rule: row.rule, requestId: payload.requestId, stage: payload.fromStage, to: payload.toStage },
        });
        this.changed(tx, 'resolved', row);
      }
    }
  }

  /**
   * A live alert that counts a situation (not an absence) takes the new count: title and details replaced, seen again;
   * an acknowledged one is opened again, since there is more to do.
   */
  private async foldIntoSituation(tx: Db, live: AlertRow, draft: AlertDraft): Promise<void> {
    const now = this.clock.now();
    const patch: Partial<AlertRow> = { title: draft.title, details: draft.details, occurrences: live.occurrences + 1, lastSeenAt: now };
    const reopen = live.status === 'acknowledged';
    if (reopen) Object.assign(patch, { status: 'open', waitingSince: now, acknowledgedAt: null, acknowledgedBy: null, acknowledgeNote: null });
    const row = await updateAlert(tx, live.id, patch);
    await this.audit.record(tx, systemActor('case deadlines'), {
      action: 'alert.update',
      subjectType: 'alert',
      subjectId: row.id,
      details: { rule: row.rule, occurrences: row.occurrences, count: (draft.details as { count?: number }).count, reopened: reopen },
    });
    this.changed(tx, 'updated', row);
  }

  /** Single alerts a facility's one alert now counts: resolved, with a note naming it (nothing is lost). */
  private async resolveInto(tx: Db, rows: readonly AlertRow[], into: AlertRow): Promise<void> {
    if (rows.length === 0) return;
    const now = this.clock.now();
    for (const r of rows) {
      const row = await updateAlert(tx, r.id, { status: 'resolved', resolvedAt: now, resolvedBy: null, resolutionNote: `Counted in alert ${into.id}` });
      this.changed(tx, 'resolved', row);
    }
    await this.audit.record(tx, systemActor('case deadlines'), {
      action: 'alert.merge',
      subjectType: 'alert',
      subjectId: into.id,
      details: { rule: into.rule, merged: rows.map((r) => r.id) },
    });
  }

  /** The alerts a roll call's close raised (the close's answer names them). */
  async raisedForRollcall(rollcallId: string): Promise<{ id: string; rule: string; severity: string }[]> {
    return (await alertsOfRollcall(this.db, rollcallId)).map((a) => ({ id: a.id, rule: a.rule, severity: a.severity }));
  }

  async list(actor: Actor, f: { status?: AlertStatus; facilityId?: string; rule?: string; limit: number; offset?: number }): Promise<AlertView[]> {
    return (await this.listPage(actor, f)).rows;
  }

  /** A page of the alerts in scope, newest first, with how many there are in all. */
  async listPage(
    actor: Actor,
    f: { status?: AlertStatus; facilityId?: string; rule?: string; limit: number; offset?: number },
  ): Promise<{ total: number; rows: AlertView[] }> {
    requirePermission(actor, 'alerts.read');
    if (f.facilityId) requireFacility(actor, f.facilityId);
    const scoped = isNationalityScoped(actor)
      ? { ...f, nationalities: actor.nationalities, facilityIdsOrNone: isFacilityScoped(actor) ? actor.facilityIds : undefined }
      : { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined };
    const filter = caseworkRulesOnly(actor) ? { ...scoped, rulePrefixes: CASEWORK_RULE_PREFIXES } : scoped;
    const [rows, total] = await Promise.all([listAlerts(this.db, filter), countAlerts(this.db, filter)]);
    return { total, rows: rows.map((r) => presentAlert(actor, alertView(r))) };
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    requirePermission(actor, 'alerts.read');
    const row = await findAlert(this.db, id);
    if (!row || !canSeeAlert(actor, row)) throw new NotFoundError('alerts.not_found', `No alert ${id}`);
    return presentAlert(actor, alertView(row));
  }

  /**
   * Open alerts of a facility, for the facility page (the facilities module's provider hook). The page is readable by
   * roles without alerts.read, so it carries the headline only: no details, no person lists.
   */
  async openFor(db: Db, facilityId: string): Promise<z.output<typeof OpenAlertSummaryResponse>[]> {
    const rows = await listAlerts(db, { facilityId, limit: 100 });
    return rows
      .filter((r) => r.status !== 'resolved')
      .map((r) => ({
        id: r.id,
        unitId: r.unitId,
        rule: r.rule,
        severity: r.severity,
        status: r.status,
        title: r.title,
        raisedAt: r.raisedAt,
        escalationLevel: r.escalationLevel,
        rollcallId: r.rollcallId,
      }));
  }

  acknowledge(actor: Actor, id: string, note?: string): Promise<AlertView> {
    return this.transition(actor, id, 'acknowledge', note);
  }

  resolve(actor: Actor, id: string, note: string): Promise<AlertView> {
    return this.transition(actor, id, 'resolve', note);
  }

  private async transition(actor: Actor, id: string, action: 'acknowledge' | 'resolve', note?: string): Promise<AlertView> {
    requirePermission(actor, 'alerts.manage');
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const current = await findAlert(tx, id, true);
      if (!current || !canSeeAlert(actor, current)) throw new NotFoundError('alerts.not_found', `No alert ${id}`);
      const status = nextStatus(current.status as AlertStatus, action);
      const patch: Partial<AlertRow> =
        action === 'acknowledge'
          ? { status, acknowledgedAt: now, acknowledgedBy: actor.userId, acknowledgeNote: note ?? null }
          : { status, resolvedAt: now, resolvedBy: actor.userId, resolutionNote: note ?? null };
      const updated = await updateAlert(tx, id, patch);
      await this.audit.record(tx, actor, {
        action: `alert.${action}`,
        subjectType: 'alert',
        subjectId: id,
        details: { note: note ?? null, from: current.status },
      });
      this.changed(tx, action === 'acknowledge' ? 'acknowledged' : 'resolved', updated);
      return updated;
    });
    return presentAlert(actor, alertView(row));
  }

  /**
   * Subscribes a live stream to the alert changes this actor may see, made by this process or (once the dispatcher
   * listens, in a serving process) by any other; returns the unsubscribe function.
   */
  subscribe(actor: Actor, listener: (msg: AlertMessage) => void): Promise<() => void> {
    requirePermission(actor, 'alerts.read');
    return this.outbox.subscribe(ALERT_CHANGES, (event) => {
      const change = event.type.slice('alert.'.length) as AlertChange;
      const alert = alertFromJson((event.payload as { alert: Record<string, unknown> }).alert);
      if (canSeeAlert(actor, alert)) listener({ change, alert: presentAlert(actor, alert) });
    });
  }

  // --- the scheduler ------------------------------------------------------------------------------------------

  /**
   * One pass of the time-driven rules at `now` (the injected clock's time by default): roll calls missed or not
   * closed in time, unacknowledged alerts due for escalation, facilities over capacity. Idempotent: a second tick at
   * the same moment raises nothing new. Tests call it with a fake clock; `start()` runs it on a timer.
   */
  async tick(now: Date = this.clock.now()): Promise<TickReport> {
    // Ticks never overlap: a slow one makes the next wait for it instead of racing it.
    while (this.ticking) await this.ticking.catch(() => undefined);
    this.ticking = this.runTick(now);
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async runTick(now: Date): Promise<TickReport> {
    const report: TickReport = { at: now, missed: 0, late: 0, escalated: 0, overCapacity: 0 };
    const schedules = await activeSchedules(this.db);
    const codes = await facilityCodes(
      this.db,
      schedules.map((s) => s.facilityId),
    );
    const drafts: AlertDraft[] = [];
    for (const s of schedules) {
      const rules = await this.rulesFor(this.db, s.facilityId);
      if (!rules.missedRollcall) continue;
      for (const slot of slotsDue(s, now)) {
        const opened = await rollcallsOpenedBetween(this.db, s.facilityId, slot.openFrom, slot.openBy);
        const verdict = slotVerdict(slot, opened, now);
        if (verdict !== 'missed' && verdict !== 'late') continue;
        const draft = slotAlert(verdict, s.facilityId, codes.get(s.facilityId) ?? s.facilityId, slot);
        if (await dedupeKeyUsed(this.db, draft.dedupeKey!)) continue;
        drafts.push(draft);
      }
    }
    for (const f of await rollVersusCapacity(this.db)) {
      if (f.on_roll > f.capacity && (await this.rulesFor(this.db, f.id)).overCapacity) drafts.push(capacityAlert(f.id, f.code, f.on_roll, f.capacity));
    }
    if (drafts.length) {
      const raised = await this.raise(scheduler(), drafts);
      for (const a of raised) {
        if (a.rule === 'rollcall.missed') report.missed += 1;
        else if (a.rule === 'rollcall.late') report.late += 1;
        else if (a.rule === 'facility.over_capacity') report.overCapacity += 1;
      }
    }
    report.escalated = await this.escalate(now);
    return report;
  }

  private async escalate(now: Date): Promise<number> {
    const due = (await openUnacknowledged(this.db))
      .map((a) => {
        const rules = RuleSettings.parse({ ...DEFAULT_RULES, ...((a.rules as object | null) ?? {}) });
        // Escalation is by time waiting for an acknowledgement, never by how often the situation repeats.
        return { alert: a, level: escalationDue(a.waitingSince ?? a.raisedAt, now, rules.escalateAfterMinutes) };
      })
      .filter((d) => d.level > d.alert.escalationLevel);
    if (due.length === 0) return 0;
    const actor = scheduler();
    const updated = await this.outbox.transaction(async (tx) => {
      const rows: AlertRow[] = [];
      for (const d of due) {
        const current = await findAlert(tx, d.alert.id, true);
        if (current?.status !== 'open' || current.escalationLevel >= d.level) continue;
        rows.push(await updateAlert(tx, current.id, { escalationLevel: d.level, escalatedAt: now, severity: 'critical' }));
      }
      if (rows.length) {
        await this.audit.record(
          tx,
          actor,
          rows.map((r) => ({ action: 'alert.escalate', subjectType: 'alert', subjectId: r.id, details: { level: r.escalationLevel } })),
        );
        for (const r of rows) this.changed(tx, 'escalated', r);
      }
      return rows;
    });
    return updated.length;
  }

  /** Raises the capacity alert of these facilities that hold more than their capacity (in the caller's transaction). */
  private async checkCapacity(tx: Db, facilityIds: readonly string[]): Promise<void> {
    if (facilityIds.length === 0) return;
    const over = (await rollVersusCapacity(tx, facilityIds)).filter((f) => f.on_roll > f.capacity);
    const drafts: AlertDraft[] = [];
    for (const f of over) if ((await this.rulesFor(tx, f.id)).overCapacity) drafts.push(capacityAlert(f.id, f.code, f.on_roll, f.capacity));
    if (drafts.length) await this.raiseIn(tx, scheduler(), drafts);
  }

  /** Starts the scheduler timer of a serving process (missed roll calls, escalation, capacity); `stop()` ends it. */
  async start(opts: { intervalMs?: number } = {}): Promise<void> {
    if (this.timer) return;
    const interval = opts.intervalMs ?? 15_000;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.logger.error({ err }, 'alert scheduler tick failed'));
    }, interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }
}
