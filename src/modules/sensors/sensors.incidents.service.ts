import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { canSeeFacility, hasPermission, isFacilityScoped, isNationalityScoped, type Actor } from '../access';
import type { AuditService } from '../audit';
import { checkTransition, type IncidentStatus } from './sensors.domain';
import type {
  CreateStaffReportInput,
  HeadcountResponse,
  IncidentDetailResponse,
  IncidentPageResponse,
  StaffReportPageResponse,
  StaffReportResponse,
  UpdateStaffReportInput,
} from './sensors.dto';
import { IncidentStatusChanged, StaffReportFiled } from './sensors.events';
import { requireIncidentsManage, requireReportFiling, requireSensorsRead } from './sensors.policy';
import {
  actionsOf,
  alarmsOf,
  evidenceOf,
  facilityById,
  findIncident,
  personsReportedFor,
  findStaffReport,
  insertActions,
  insertEvidence,
  insertStaffReport,
  listIncidents,
  listStaffReports,
  personsHeldIn,
  unitsOfFacility,
  updateIncident,
  updateStaffReport,
  type IncidentRow,
  type StaffReportRow,
} from './sensors.repository';
import { incidentView, type IncidentView } from './sensors.service';

type Out<T extends z.ZodType> = z.output<T>;

/** An incident as an after-action timeline sees it (IncidentsService.reviewSubject). */
export interface IncidentReviewSubject {
  id: string;
  facilityId: string;
  unitIds: string[];
  firstAlarmAt: Date;
  closedAt: Date | null;
  headcountRollcallId: string | null;
  reportedPersonIds: string[];
}

/** What incidents need of other modules: opening a roll call (the emergency headcount). */
export interface IncidentsPorts {
  /** Opens the roll call inside `tx`, the incident's transaction (both commit or neither). */
  openRollcall(tx: Db, actor: Actor, input: { facilityId: string; unitIds?: string[] }): Promise<{ id: string; unitIds: string[] }>;
}

const STEP_COLUMNS: Record<Exclude<IncidentStatus, 'open'>, { at: keyof IncidentRow; by: keyof IncidentRow }> = {
  acknowledged: { at: 'acknowledgedAt', by: 'acknowledgedBy' },
  responding: { at: 'respondingAt', by: 'respondingBy' },
  contained: { at: 'containedAt', by: 'containedBy' },
  closed: { at: 'closedAt', by: 'closedBy' },
};

export type StaffReportView = Out<typeof StaffReportResponse>;

function reportView(actor: Actor, r: StaffReportRow): StaffReportView {
  return {
    id: r.id,
    facilityId: r.facilityId,
    type: r.type as StaffReportView['type'],
    severity: r.severity as StaffReportView['severity'],
    occurredAt: r.occurredAt,
    summary: r.summary,
    unitIds: r.unitIds,
    personIds: hasPermission(actor.role, 'persons.read') ? r.personIds : null,
    personCount: r.personIds.length,
    incidentId: r.incidentId,
    status: r.status as StaffReportView['status'],
    followUp: r.followUp,
    followUpDue: r.followUpDue,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Incidents' life (open -> acknowledged -> responding -> contained -> closed, each step with who and when), their
 * action log and evidence, the emergency headcount, and the staff's typed incident reports.
 */
export class IncidentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: IncidentsPorts,
  ) {}

  private async visible(db: Db, actor: Actor, id: string, lock = false): Promise<IncidentRow> {
    const row = await findIncident(db, id, lock);
    // an incident outside the caller's scope is as unknown as one that does not exist
    if (!row || !canSeeFacility(actor, row.facilityId)) throw new NotFoundError('incidents.not_found', `No incident ${id}`);
    return row;
  }

  async list(actor: Actor, f: { facilityId?: string; status?: string; limit: number; offset: number }): Promise<Out<typeof IncidentPageResponse>> {
    requireSensorsRead(actor, f.facilityId);
    const page = await listIncidents(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    return { total: page.total, rows: page.rows.map(incidentView) };
  }

  /**
   * What an after-action timeline of an incident rests on (the reviews module, through its ports): facility, units,
   * when its alarms began and when it closed, its headcount roll call and the persons its staff reports name. No
   * authorisation here: the reviews module checks the reader's facility.
   */
  async reviewSubject(db: Db, id: string): Promise<IncidentReviewSubject | null> {
    const row = await findIncident(db, id);
    if (!row) return null;
    return {
      id: row.id,
      facilityId: row.facilityId,
      unitIds: row.unitIds,
      firstAlarmAt: row.firstAlarmAt,
      closedAt: row.closedAt,
      headcountRollcallId: row.headcountRollcallId,
      reportedPersonIds: await personsReportedFor(db, id),
    };
  }

  async get(actor: Actor, id: string): Promise<Out<typeof IncidentDetailResponse>> {
    requireSensorsRead(actor);
    const row = await this.visible(this.db, actor, id);
    const [actions, evidence, alarms] = await Promise.all([actionsOf(this.db, id), evidenceOf(this.db, id), alarmsOf(this.db, id)]);
    return {
      ...incidentView(row),
      actions: actions.map((a) => ({ id: a.id, at: a.at, actorName: a.actorName, kind: a.kind, note: a.note })),
      evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, ref: e.ref, note: e.note, addedAt: e.addedAt })),
      alarms,
    };
  }

  /** The incident's next step, by the caller, now; each step is an action in the log and an event. */
  async transition(actor: Actor, id: string, input: { to: Exclude<IncidentStatus, 'open'>; note?: string }): Promise<IncidentView> {
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const current = await this.visible(tx, actor, id, true);
      requireIncidentsManage(actor, current.facilityId);
      checkTransition(current.status as IncidentStatus, input.to, input.note);
      const patch: Partial<IncidentRow> = { status: input.to };
      // a step skipped is taken at the same moment (a false alarm closed from open is also acknowledged then)
      const order: Exclude<IncidentStatus, 'open'>[] = ['acknowledged', 'responding', 'contained', 'closed'];
      for (const step of order.slice(0, order.indexOf(input.to) + 1)) {
        const cols = STEP_COLUMNS[step];
        if (current[cols.at] === null) Object.assign(patch, { [cols.at]: now, [cols.by]: actor.userId });
      }
      const updated = await updateIncident(tx, id, patch);
      await insertActions(tx, [
        { id: this.ids.next(), incidentId: id, at: now, actorId: actor.userId, actorName: actor.username, kind: input.to, note: input.note ?? null },
      ]);
      await this.audit.record(tx, actor, { action: `incidents.${input.to}`, subjectType: 'incident', subjectId: id, details: { from: current.status } });
      this.outbox.emit(
        tx,
        IncidentStatusChanged,
        { incidentId: id, facilityId: current.facilityId, from: current.status, to: input.to, at: now.toISOString(), by: actor.username },
        { occurredAt: now, subjects: { facilityIds: [current.facilityId] } },
      );
      return updated;
    });
    return incidentView(row);
  }

  async addAction(actor: Actor, id: string, note: string): Promise<Out<typeof IncidentDetailResponse>> {
    await this.outbox.transaction(async (tx) => {
      const current = await this.visible(tx, actor, id, true);
      requireIncidentsManage(actor, current.facilityId);
      if (current.status === 'closed') throw new ConflictError('incidents.closed', 'The incident is closed: its log takes no more actions');
      await insertActions(tx, [
        { id: this.ids.next(), incidentId: id, at: this.clock.now(), actorId: actor.userId, actorName: actor.username, kind: 'note', note },
      ]);
      await this.audit.record(tx, actor, { action: 'incidents.action', subjectType: 'incident', subjectId: id });
    });
    return this.get(actor, id);
  }

  async addEvidence(actor: Actor, id: string, input: { kind: string; ref: string; note?: string }): Promise<Out<typeof IncidentDetailResponse>> {
    await this.outbox.transaction(async (tx) => {
      const current = await this.visible(tx, actor, id, true);
      requireIncidentsManage(actor, current.facilityId);
      const now = this.clock.now();
      await insertEvidence(tx, {
        id: this.ids.next(),
        incidentId: id,
        kind: input.kind,
        ref: input.ref,
        note: input.note ?? null,
        addedAt: now,
        addedBy: actor.userId,
      });
      await insertActions(tx, [
        {
          id: this.ids.next(),
          incidentId: id,
          at: now,
          actorId: actor.userId,
          actorName: actor.username,
          kind: 'evidence',
          note: `${input.kind}: ${input.ref}`,
        },
      ]);
      await this.audit.record(tx, actor, { action: 'incidents.evidence', subjectType: 'incident', subjectId: id, details: { kind: input.kind } });
    });
    return this.get(actor, id);
  }

  /**
   * The emergency headcount the incident proposes: a roll call of its units (the whole facility when it has none).
   * The roll call is opened and linked to the incident in ONE transaction, under the incident's row lock: a second
   * request (a double click, two officers) waits, then finds the link and is refused; a failure leaves neither.
   */
  async headcount(actor: Actor, id: string): Promise<Out<typeof HeadcountResponse>> {
    const seen = await this.visible(this.db, actor, id);
    requireIncidentsManage(actor, seen.facilityId);
    return this.outbox.transaction(async (tx) => {
      const row = await findIncident(tx, id, true);
      if (!row) throw new NotFoundError('incidents.not_found', `No incident ${id}`);
      if (row.headcountRollcallId)
        throw new ConflictError('incidents.headcount_taken', 'This incident already opened its headcount', { rollcallId: row.headcountRollcallId });
      if (row.status === 'closed') throw new ConflictError('incidents.closed', 'The incident is closed');
      const rollcall = await this.ports.openRollcall(tx, actor, { facilityId: row.facilityId, unitIds: row.unitIds.length ? row.unitIds : undefined });
      await updateIncident(tx, id, { headcountRollcallId: rollcall.id });
      await insertActions(tx, [
        { id: this.ids.next(), incidentId: id, at: this.clock.now(), actorId: actor.userId, actorName: actor.username, kind: 'headcount', note: rollcall.id },
      ]);
      await this.audit.record(tx, actor, { action: 'incidents.headcount', subjectType: 'incident', subjectId: id, details: { rollcallId: rollcall.id } });
      return { incidentId: id, rollcallId: rollcall.id, facilityId: row.facilityId, unitIds: row.unitIds };
    });
  }

  // --- staff incident reports ------------------------------------------------------------------------------------------

  async fileReport(actor: Actor, input: CreateStaffReportInput): Promise<StaffReportView> {
    requireReportFiling(actor, input.facilityId);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      if (!(await facilityById(tx, input.facilityId))) throw new NotFoundError('facilities.not_found', `No facility ${input.facilityId}`);
      const unitIds = [...new Set(input.unitIds)];
      if ((await unitsOfFacility(tx, input.facilityId, unitIds)).length !== unitIds.length) {
        throw new ValidationError('staff_reports.unit_outside_facility', 'A unit named is not a unit of this facility');
      }
      const personIds = [...new Set(input.personIds)];
      const held = await personsHeldIn(tx, input.facilityId, personIds);
      const stray = personIds.filter((p) => !held.has(p));
      if (stray.length) throw new ValidationError('staff_reports.person_not_held', 'A person named is not held in this facility', { personIds: stray });
      if (input.incidentId) {
        const incident = await findIncident(tx, input.incidentId);
        if (!incident || incident.facilityId !== input.facilityId) {
          throw new ValidationError('staff_reports.incident_not_found', `No incident ${input.incidentId} at this facility`);
        }
      }
      const row: StaffReportRow = {
        id: this.ids.next(),
        facilityId: input.facilityId,
        type: input.type,
        severity: input.severity,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : now,
        summary: input.summary,
        unitIds,
        personIds,
        incidentId: input.incidentId ?? null,
        status: input.followUp ? 'follow_up' : 'open',
        followUp: input.followUp ?? null,
        followUpDue: input.followUpDue ? new Date(input.followUpDue) : null,
        createdAt: now,
        createdBy: actor.userId,
        updatedAt: now,
      };
      await insertStaffReport(tx, row);
      if (row.incidentId) {
        await insertActions(tx, [
          {
            id: this.ids.next(),
            incidentId: row.incidentId,
            at: now,
            actorId: actor.userId,
            actorName: actor.username,
            kind: 'staff_report',
            note: `${row.type}: ${row.id}`,
          },
        ]);
      }
      await this.audit.record(tx, actor, {
        action: 'staff_reports.file',
        subjectType: 'staff_report',
        subjectId: row.id,
        details: { type: row.type, severity: row.severity, persons: personIds },
      });
      this.outbox.emit(
        tx,
        StaffReportFiled,
        { reportId: row.id, facilityId: row.facilityId, type: row.type, severity: row.severity, incidentId: row.incidentId },
        { occurredAt: row.occurredAt, subjects: { facilityIds: [row.facilityId], personIds, unitIds } },
      );
      return row;
    });
    return reportView(actor, row);
  }

  async updateReport(actor: Actor, id: string, input: UpdateStaffReportInput): Promise<StaffReportView> {
    const row = await this.outbox.transaction(async (tx) => {
      const current = await findStaffReport(tx, id);
      if (!current || !canSeeFacility(actor, current.facilityId)) throw new NotFoundError('staff_reports.not_found', `No staff report ${id}`);
      requireIncidentsManage(actor, current.facilityId);
      if (current.status === 'closed') throw new ConflictError('staff_reports.closed', 'The report is closed');
      const updated = await updateStaffReport(tx, id, {
        ...(input.status ? { status: input.status } : {}),
        ...(input.followUp ? { followUp: input.followUp } : {}),
        ...(input.followUpDue ? { followUpDue: new Date(input.followUpDue) } : {}),
        updatedAt: this.clock.now(),
      });
      await this.audit.record(tx, actor, { action: 'staff_reports.update', subjectType: 'staff_report', subjectId: id, details: input });
      return updated;
    });
    return reportView(actor, row);
  }

  /** Reports in scope; a page naming persons is a read of person records, audited with the caller's purpose. */
  async reports(
    actor: Actor,
    f: { facilityId?: string; type?: string; status?: string; limit: number; offset: number },
  ): Promise<Out<typeof StaffReportPageResponse>> {
    requireSensorsRead(actor, f.facilityId);
    if (isNationalityScoped(actor)) return { total: 0, rows: [] };
    const page = await listStaffReports(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    const rows = page.rows.map((r) => reportView(actor, r));
    const named = [...new Set(rows.flatMap((r) => r.personIds ?? []))];
    if (named.length) {
      await this.outbox.transaction((tx) =>
        this.audit.record(tx, actor, { action: 'staff_reports.read', subjectType: 'staff_report', details: { reports: rows.length, persons: named } }),
      );
    }
    return { total: page.total, rows };
  }
}
