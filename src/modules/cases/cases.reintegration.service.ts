import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Deadline, Deadlines } from '../../platform/deadlines';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import { eventsOf, type DomainEvent, type Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { CustodyEventAppended } from '../custody';
import { ReintegrationCheckinMissed } from './cases.events';
import { checkNotFuture } from './cases.legal.domain';
import type { CasesLegalService } from './cases.legal.service';
import type { CasesPorts } from './cases.ports';
import { CASE_CLOSING_EVENTS, checkOutcomeDue, nextCheckin, REINTEGRATION_TRIGGERS, type ReintegrationOutcome } from './cases.reintegration.domain';
import {
  checkinsOf,
  findReintegration,
  insertCheckin,
  insertOutcome,
  insertReintegration,
  listReintegration,
  outcomesOf,
  updateReintegration,
  type ReintegrationRow,
} from './cases.reintegration.repository';

export const CHECKIN_DEADLINE = 'cases.reintegration_checkin';

/**
 * Life after release: a case opened for every person the ledger records as released or repatriated (an outbox
 * consumer of the custody events), with a programme, a case plan, check-ins on a rhythm (a missed one is an alert)
 * and the outcome at 6, 12 and 24 months.
 */
export class CasesReintegrationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly deadlines: Deadlines,
    private readonly ports: CasesPorts,
    private readonly legal: CasesLegalService,
  ) {
    deadlines.register(CHECKIN_DEADLINE, { due: (tx, d, now) => this.checkinMissed(tx, d, now) });
  }

  /** The outbox consumer: exits from custody open a reintegration case and close the legal case (idempotent). */
  async onCustodyEvents(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    for (const { payload: e } of eventsOf(CustodyEventAppended, events)) {
      if (!(CASE_CLOSING_EVENTS as readonly string[]).includes(e.type)) continue;
      const at = new Date(e.occurredAt);
      await this.legal.closeForPerson(tx, e.personId, e.type.toLowerCase(), at);
      if (!(REINTEGRATION_TRIGGERS as readonly string[]).includes(e.type)) continue;
      await insertReintegration(tx, {
        id: this.ids.next(),
        personId: e.personId,
        ledgerEventId: e.eventId,
        reason: e.type,
        releasedAt: at,
        facilityId: e.fromFacilityId,
        now: this.clock.now(),
      });
    }
  }

  async list(actor: Actor, q: { personId?: string; facilityId?: string; missed?: 'true' | 'false'; limit: number; offset: number }) {
    requirePermission(actor, 'cases.read');
    if (q.facilityId && actor.facilityIds.length > 0 && !actor.facilityIds.includes(q.facilityId)) {
      throw new ForbiddenError('access.out_of_scope', 'This facility is outside your scope');
    }
    const now = this.clock.now();
    const page = await listReintegration(
      this.db,
      {
        facilityIds: actor.facilityIds,
        nationalities: actor.nationalities,
        personId: q.personId,
        facilityId: q.facilityId,
        missed: q.missed === undefined ? undefined : q.missed === 'true',
        now,
      },
      q,
    );
    return { total: page.total, rows: page.rows.map((r) => summary(r, now)) };
  }

  async get(actor: Actor, id: string) {
    requirePermission(actor, 'cases.read');
    return this.db.transaction(async (tx) => {
      const r = await this.load(tx, actor, id);
      await this.audit.record(tx, actor, {
        action: 'case.reintegration_read',
        subjectType: 'reintegration_case',
        subjectId: id,
        details: { personId: r.personId },
      });
      return this.view(tx, id);
    });
  }

  async setPlan(actor: Actor, id: string, input: { programme: string; casePlan: string; checkinEveryDays: number }) {
    return this.change(actor, id, 'case.reintegration_plan', async (tx, r, now) => {
      const next = nextCheckin(r.lastCheckinAt && r.lastCheckinAt > r.releasedAt ? r.lastCheckinAt : now, input.checkinEveryDays);
      await updateReintegration(
        tx,
        id,
        { programme: input.programme, casePlan: input.casePlan, checkinEveryDays: input.checkinEveryDays, nextCheckinAt: next },
        now,
      );
      await this.deadlines.cancel(tx, CHECKIN_DEADLINE, id);
      await this.deadlines.schedule(tx, { kind: CHECKIN_DEADLINE, subjectId: id, dueAt: next });
      return { programme: input.programme, checkinEveryDays: input.checkinEveryDays };
    });
  }

  async checkin(actor: Actor, id: string, input: { heldAt?: string; note: string }) {
    return this.change(actor, id, 'case.reintegration_checkin', async (tx, r, now) => {
      const heldAt = input.heldAt ? new Date(input.heldAt) : now;
      checkNotFuture(heldAt, now, 'The check-in');
      if (heldAt < r.releasedAt) throw new ConflictError('cases.checkin_before_release', 'A check-in cannot be before the release');
      await insertCheckin(tx, { id: this.ids.next(), caseId: id, heldAt, note: input.note, now, by: actor.username });
      const last = r.lastCheckinAt && r.lastCheckinAt > heldAt ? r.lastCheckinAt : heldAt;
      const next = r.checkinEveryDays ? nextCheckin(last, r.checkinEveryDays) : null;
      await updateReintegration(tx, id, { lastCheckinAt: last, nextCheckinAt: next }, now);
      await this.deadlines.cancel(tx, CHECKIN_DEADLINE, id);
      if (next) await this.deadlines.schedule(tx, { kind: CHECKIN_DEADLINE, subjectId: id, dueAt: next > now ? next : nextCheckin(now, r.checkinEveryDays!) });
      return { heldAt: heldAt.toISOString() };
    });
  }

  async recordOutcome(actor: Actor, id: string, input: { month: 6 | 12 | 24; outcome: ReintegrationOutcome; note: string }) {
    return this.change(actor, id, 'case.reintegration_outcome', async (tx, r, now) => {
      checkOutcomeDue(r.releasedAt, input.month, now);
      if (!(await insertOutcome(tx, { caseId: id, month: input.month, outcome: input.outcome, note: input.note, now, by: actor.username }))) {
        throw new ConflictError('cases.outcome_recorded', `The ${input.month}-month outcome is already recorded`);
      }
      return { month: input.month, outcome: input.outcome };
    });
  }

  private async checkinMissed(tx: Db, d: Deadline, now: Date): Promise<void> {
    const r = await findReintegration(tx, d.subjectId, { lock: true });
    // a check-in or a new plan cancels the pending deadline, so one that fires was missed
    if (!r?.nextCheckinAt || !r.checkinEveryDays) return;
    this.outbox.emit(
      tx,
      ReintegrationCheckinMissed,
      { caseId: r.id, personId: r.personId, facilityId: r.facilityId, dueAt: d.dueAt.toISOString(), at: now.toISOString() },
      { occurredAt: now, subjects: { personIds: [r.personId], facilityIds: [r.facilityId] } },
    );
    // the case stays flagged (next_checkin_at past) until a check-in; the next missed interval alerts again
    await this.deadlines.schedule(tx, {
      kind: CHECKIN_DEADLINE,
      subjectId: r.id,
      dueAt: nextCheckin(d.dueAt > now ? d.dueAt : now, r.checkinEveryDays),
      payload: { after: d.id },
    });
  }

  private async change(actor: Actor, id: string, action: string, work: (tx: Db, r: ReintegrationRow, now: Date) => Promise<Record<string, unknown>>) {
    requirePermission(actor, 'cases.write');
    const now = this.clock.now();
    await this.outbox.transaction(async (tx) => {
      const r = await this.load(tx, actor, id, { lock: true });
      const details = await work(tx, r, now);
      await this.audit.record(tx, actor, { action, subjectType: 'reintegration_case', subjectId: id, details: { personId: r.personId, ...details } });
    });
    return this.view(this.db, id);
  }

  private async load(tx: Db, actor: Actor, id: string, opts: { lock?: boolean } = {}): Promise<ReintegrationRow> {
    const r = await findReintegration(tx, id, opts);
    if (!r || !(await this.ports.personInScope(tx, actor, r.personId))) throw new NotFoundError('cases.case_not_found', `No reintegration case ${id}`);
    return r;
  }

  private async view(db: Db, id: string) {
    const r = (await findReintegration(db, id))!;
    const now = this.clock.now();
    return { ...summary(r, now), casePlan: r.casePlan, checkins: await checkinsOf(db, id), outcomes: await outcomesOf(db, id) };
  }
}

function summary(r: ReintegrationRow, now: Date) {
  return {
    id: r.id,
    personId: r.personId,
    personName: r.personName,
    reason: r.reason,
    releasedAt: r.releasedAt,
    facilityId: r.facilityId,
    programme: r.programme,
    checkinEveryDays: r.checkinEveryDays,
    nextCheckinAt: r.nextCheckinAt,
    lastCheckinAt: r.lastCheckinAt,
    checkinMissed: r.nextCheckinAt !== null && r.nextCheckinAt < now,
  };
}
