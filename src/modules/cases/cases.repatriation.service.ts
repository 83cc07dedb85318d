import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { csvLines } from '../../platform/csv';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { possiblyMinor } from '../registry';
import {
  actionsFrom,
  decideNationality,
  decideStep,
  isOpen,
  isOverdue,
  requireOpenForEvidence,
  stageDeadline,
  type RepatriationAction,
  type RepatriationStage,
} from './cases.repatriation.domain';
import type {
  CreateRepatriationBody,
  EvidenceBody,
  HandoverBody,
  NationalityDecisionBody,
  RepatriationFiguresView,
  RepatriationListQuery,
  RepatriationStepBody,
  RepatriationSummaryView,
  RepatriationView,
} from './cases.repatriation.dto';
import { RepatriationDeadline, RepatriationStageChanged } from './cases.repatriation.events';
import type { RepatriationPorts } from './cases.repatriation.ports';
import {
  acceptedAmong,
  evidenceOf,
  figuresByState,
  findRequest,
  HELD_STATUSES,
  insertEvidence,
  insertRequest,
  insertStep,
  listRequests,
  markDeadline,
  openRequestOf,
  personFacts,
  stepsOf,
  updateNationality,
  updateStage,
  type RequestRow,
  type RequestScope,
  type StateFigureRow,
} from './cases.repatriation.repository';

/** The kind of the stage deadlines in the deadline scheduler. */
export const REPATRIATION_DEADLINE_KIND = 'cases.repatriation_stage';

const ACCEPTED: readonly RepatriationStage[] = ['accepted', 'travel_documents'];
const notFound = (id: string) => new NotFoundError('repatriation.not_found', `No repatriation request ${id}`);

/** What narrows what an actor sees: a liaison's states (nationalities), a facility-bound reader's facilities. */
export function repatriationScope(actor: Actor): RequestScope {
  return {
    states: actor.nationalities.length > 0 ? actor.nationalities.map((n) => n.toUpperCase()) : null,
    facilityIds: actor.facilityIds.length > 0 ? actor.facilityIds : null,
  };
}

/** The rule of the lists' SQL (repository `scopeSql`) for one request: the state, then the facility then or now. */
function visibleTo(actor: Actor, r: RequestRow): boolean {
  const scope = repatriationScope(actor);
  if (scope.states && !scope.states.includes(r.state)) return false;
  if (scope.facilityIds && !scope.facilityIds.some((f) => f === r.facility_id || f === r.current_facility_id)) return false;
  return true;
}

/**
 * Repatriation (issue 23, part B): requests to states, their stages and deadlines, the state's decision on the
 * nationality, the evidence for a child, and the handover that puts REPATRIATED on the ledger. A state's liaison sees
 * and acts only for requests to their own state: another state's request answers as an unknown one (404), and no list,
 * total or figure counts it.
 */
export class RepatriationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: RepatriationPorts,
  ) {}

  /** For the custody ledger: of these persons, those whose state has accepted them, with the request. */
  acceptedAmong(db: Db, personIds: readonly string[]): Promise<Map<string, string>> {
    return acceptedAmong(db, personIds);
  }

  async create(actor: Actor, input: z.output<typeof CreateRepatriationBody>): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.write');
    const scope = repatriationScope(actor);
    if (scope.states && !scope.states.includes(input.state)) {
      throw new ForbiddenError('access.out_of_scope', 'A liaison acts only for their own state: this state is outside your scope');
    }
    const now = this.clock.now();
    const given = input.dueAt ? new Date(input.dueAt) : null;
    const { dueAt, remindAt } = stageDeadline('requested', now, given);
    const id = this.ids.next();
    await this.outbox.transaction(async (tx) => {
      const facts = await this.checkRequestable(tx, actor, input.personId, input.state);
      const minor = possiblyMinor({ birthTo: facts.birth_to }, now);
      await insertRequest(tx, {
        id,
        personId: input.personId,
        state: input.state,
        stage: 'requested',
        nationalityStatus: 'claimed',
        minor,
        facilityId: facts.facility_id,
        dueAt,
        at: now,
        by: actor.userId,
      });
      await insertStep(tx, {
        id: this.ids.next(),
        requestId: id,
        at: now,
        by: actor.userId,
        byName: actor.username,
        kind: 'opened',
        from: null,
        to: 'requested',
        dueAt,
        note: input.note ?? null,
      });
      await this.scheduleDeadline(tx, id, input.personId, input.state, 'requested', dueAt, remindAt);
      await this.audit.record(tx, actor, {
        action: 'repatriation.requested',
        subjectType: 'person',
        subjectId: input.personId,
        details: { requestId: id, state: input.state },
      });
      this.outbox.emit(
        tx,
        RepatriationStageChanged,
        {
          requestId: id,
          personId: input.personId,
          state: input.state,
          fromStage: null,
          toStage: 'requested',
          at: now.toISOString(),
          dueAt: dueAt?.toISOString() ?? null,
          ledgerEventId: null,
        },
        { subjects: { personIds: [input.personId], facilityIds: [facts.facility_id] } },
      );
    });
    return this.present(actor, id, this.db);
  }

  async list(actor: Actor, q: z.output<typeof RepatriationListQuery>): Promise<{ total: number; rows: RepatriationSummaryView[] }> {
    requirePermission(actor, 'repatriation.read');
    const now = this.clock.now();
    const page = await listRequests(
      this.db,
      repatriationScope(actor),
      { state: q.state, stage: q.stage, overdue: q.overdue === 'true', personId: q.personId, limit: q.limit, offset: q.offset },
      now,
    );
    if (page.rows.length > 0) {
      await this.outbox.transaction((tx) =>
        this.audit.record(tx, actor, {
          action: 'repatriation.list_read',
          subjectType: 'person_list',
          details: { personIds: [...new Set(page.rows.map((r) => r.person_id))] },
        }),
      );
    }
    return { total: page.total, rows: page.rows.map((r) => this.summary(r, now)) };
  }

  async get(actor: Actor, id: string): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.read');
    return this.present(actor, id, this.db);
  }

  async step(actor: Actor, id: string, input: z.output<typeof RepatriationStepBody>): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.write');
    await this.outbox.transaction(async (tx) => {
      const row = await this.loadForChange(tx, actor, id);
      const now = this.clock.now();
      const evidence = row.minor && input.action === 'accept' ? (await evidenceOf(tx, id)).length : 0;
      const out = decideStep(
        { stage: row.stage, nationalityStatus: row.nationality_status, minor: row.minor, evidenceCount: evidence },
        input.action as RepatriationAction,
        now,
        input.dueAt ? new Date(input.dueAt) : null,
      );
      await this.moveTo(tx, actor, row, out.stage, out.dueAt, out.remindAt, now, { note: input.note ?? null, reason: input.reason ?? null });
    });
    return this.present(actor, id, this.db);
  }

  async decideNationality(actor: Actor, id: string, input: z.output<typeof NationalityDecisionBody>): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.write');
    await this.outbox.transaction(async (tx) => {
      const row = await this.loadForChange(tx, actor, id);
      const now = this.clock.now();
      const status = decideNationality({ stage: row.stage, nationalityStatus: row.nationality_status, minor: row.minor, evidenceCount: 0 }, input.status);
      await updateNationality(tx, id, { status, at: now, by: actor.userId });
      await insertStep(tx, {
        id: this.ids.next(),
        requestId: id,
        at: now,
        by: actor.userId,
        byName: actor.username,
        kind: `nationality_${status}`,
        from: null,
        to: null,
        dueAt: null,
        note: input.note ?? null,
      });
      await this.audit.record(tx, actor, {
        action: 'repatriation.nationality_decided',
        subjectType: 'person',
        subjectId: row.person_id,
        details: { requestId: id, state: row.state, status },
      });
    });
    return this.present(actor, id, this.db);
  }

  async addEvidence(actor: Actor, id: string, input: z.output<typeof EvidenceBody>): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.write');
    await this.outbox.transaction(async (tx) => {
      const row = await this.loadForChange(tx, actor, id);
      requireOpenForEvidence(row.stage);
      const now = this.clock.now();
      await insertEvidence(tx, {
        id: this.ids.next(),
        requestId: id,
        kind: input.kind,
        reference: input.reference,
        note: input.note ?? null,
        at: now,
        by: actor.userId,
        byName: actor.username,
      });
      await this.audit.record(tx, actor, {
        action: 'repatriation.evidence_recorded',
        subjectType: 'person',
        subjectId: row.person_id,
        details: { requestId: id, kind: input.kind },
      });
    });
    return this.present(actor, id, this.db);
  }

  /**
   * The handover to the state's representative: REPATRIATED on the ledger with the request as evidence, and the
   * request closed as handed over, in one transaction (the ledger refuses it unless the state has accepted). Requests
   * named in `withRequestIds` (to the same state) are handed over in the same act: a family leaving together, which the
   * best-interests step judges as one batch.
   */
  async handover(actor: Actor, id: string, input: z.output<typeof HandoverBody>): Promise<RepatriationView> {
    requirePermission(actor, 'repatriation.handover');
    await this.outbox.transaction(async (tx) => {
      const ids = [id, ...new Set((input.withRequestIds ?? []).filter((x) => x !== id))];
      const rows: RequestRow[] = [];
      for (const requestId of ids) rows.push(await this.loadForChange(tx, actor, requestId));
      const now = this.clock.now();
      const steps = rows.map((row) => {
        if (row.state !== rows[0]!.state) {
          throw new ValidationError(
            'repatriation.handover_mixed_states',
            `Request ${row.id} is to ${row.state}, not ${rows[0]!.state}: hand each state's over apart`,
          );
        }
        return decideStep({ stage: row.stage, nationalityStatus: row.nationality_status, minor: row.minor, evidenceCount: 0 }, 'hand_over', now);
      });
      const events = await this.ports.ledger.appendManyIn(
        tx,
        actor,
        rows.map((row) => ({
          personId: row.person_id,
          type: 'REPATRIATED' as const,
          occurredAt: input.occurredAt,
          authority: input.authority ?? `Handed over to ${row.state}: ${input.representative}`,
          evidence: { repatriationRequestId: row.id, state: row.state, representative: input.representative },
        })),
        { auditAction: 'repatriation.handed_over', context: { requestId: id, requestIds: ids }, permission: 'repatriation.handover' },
      );
      for (const [i, row] of rows.entries()) {
        await this.moveTo(tx, actor, row, steps[i]!.stage, null, null, now, {
          note: input.note ?? null,
          representative: input.representative,
          ledgerEventId: events[i]!.id,
        });
      }
    });
    return this.present(actor, id, this.db);
  }

  /**
   * A phased return by convoy (the Iraqi returns from al-Hol): the state's list of accepted nationals becomes one
   * request each, accepted with travel documents on the state's word, and the persons are handed over together:
   * REPATRIATED for each on the ledger (the request as evidence) and every request closed, in one transaction.
   */
  async handOverConvoy(
    actor: Actor,
    input: { state: string; personIds: readonly string[]; representative: string; authority: string; occurredAt?: Date; listReference: string },
  ): Promise<{ requestIds: string[]; ledgerEventIds: string[] }> {
    requirePermission(actor, 'repatriation.write');
    requirePermission(actor, 'repatriation.handover');
    if (input.personIds.length === 0) return { requestIds: [], ledgerEventIds: [] };
    return this.outbox.transaction(async (tx) => {
      const now = this.clock.now();
      const rows: RequestRow[] = [];
      for (const personId of input.personIds) {
        const facts = await this.checkRequestable(tx, actor, personId, input.state);
        const id = this.ids.next();
        const minor = possiblyMinor({ birthTo: facts.birth_to }, now);
        await insertRequest(tx, {
          id,
          personId,
          state: input.state,
          stage: 'travel_documents',
          nationalityStatus: 'verified',
          minor,
          facilityId: facts.facility_id,
          dueAt: null,
          at: now,
          by: actor.userId,
        });
        await insertStep(tx, {
          id: this.ids.next(),
          requestId: id,
          at: now,
          by: actor.userId,
          byName: actor.username,
          kind: 'accepted_on_list',
          from: null,
          to: 'travel_documents',
          dueAt: null,
          note: `On the state's list ${input.listReference}: nationality verified, accepted, travel documents issued`,
        });
        if (minor) {
          await insertEvidence(tx, {
            id: this.ids.next(),
            requestId: id,
            kind: 'consular_record',
            reference: input.listReference,
            note: "Listed with the family on the state's return list",
            at: now,
            by: actor.userId,
            byName: actor.username,
          });
        }
        rows.push((await findRequest(tx, id))!);
      }
      const events = await this.ports.ledger.appendManyIn(
        tx,
        actor,
        rows.map((r) => ({
          personId: r.person_id,
          type: 'REPATRIATED' as const,
          occurredAt: input.occurredAt?.toISOString(),
          authority: input.authority,
          evidence: { repatriationRequestId: r.id, state: input.state, representative: input.representative },
        })),
        { auditAction: 'repatriation.convoy_handed_over', context: { state: input.state, list: input.listReference }, permission: 'repatriation.handover' },
      );
      for (const [i, r] of rows.entries()) {
        await this.moveTo(tx, actor, r, 'handed_over', null, null, now, {
          note: null,
          representative: input.representative,
          ledgerEventId: events[i]!.id,
        });
      }
      return { requestIds: rows.map((r) => r.id), ledgerEventIds: events.map((e) => e.id) };
    });
  }

  /**
   * The requests already under way when the record starts (a state's case file taken over): each with the stage it
   * has reached and since when, so that its deadline (and whether it is overdue) follows from those dates. The rules
   * of `create` hold for each (a national of the state, held, one open request); the acceptance needs a verified
   * nationality, and a child's the evidence given with it.
   */
  async importUnderWay(
    actor: Actor,
    rows: readonly {
      personId: string;
      state: string;
      stage: RepatriationStage;
      openedAt: Date;
      stageSince: Date;
      nationalityStatus: 'claimed' | 'verified' | 'disputed';
      evidence?: { kind: z.output<typeof EvidenceBody>['kind']; reference: string }[];
      reason?: string;
    }[],
  ): Promise<number> {
    requirePermission(actor, 'repatriation.write');
    let done = 0;
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      await this.outbox.transaction(async (tx) => {
        const now = this.clock.now();
        for (const r of chunk) {
          if (r.stage === 'handed_over') throw new ValidationError('repatriation.import_handover', 'A handover is recorded on the ledger, never imported');
          if (r.openedAt > now || r.stageSince > now || r.stageSince < r.openedAt) {
            throw new ValidationError('repatriation.import_dates', 'An imported request was opened, and reached its stage, in the past, in that order');
          }
          const facts = await this.checkRequestable(tx, actor, r.personId, r.state);
          const minor = possiblyMinor({ birthTo: facts.birth_to }, r.openedAt);
          if (ACCEPTED.includes(r.stage)) {
            decideStep(
              { stage: 'consular_interview', nationalityStatus: r.nationalityStatus, minor, evidenceCount: r.evidence?.length ?? 0 },
              'accept',
              r.stageSince,
            );
          }
          const { dueAt } = isOpen(r.stage) ? stageDeadline(r.stage, r.stageSince) : { dueAt: null };
          const id = this.ids.next();
          await insertRequest(tx, {
            id,
            personId: r.personId,
            state: r.state,
            stage: r.stage,
            nationalityStatus: r.nationalityStatus,
            minor,
            facilityId: facts.facility_id,
            dueAt,
            at: r.openedAt,
            by: actor.userId,
          });
          if (!isOpen(r.stage)) await updateStage(tx, id, { stage: r.stage, dueAt: null, at: r.stageSince, closed: true, reason: r.reason ?? null });
          await insertStep(tx, {
            id: this.ids.next(),
            requestId: id,
            at: r.openedAt,
            by: actor.userId,
            byName: actor.username,
            kind: 'opened',
            from: null,
            to: 'requested',
            dueAt: r.stage === 'requested' ? dueAt : null,
            note: 'Taken over from the case file under way',
          });
          if (r.stage !== 'requested') {
            await insertStep(tx, {
              id: this.ids.next(),
              requestId: id,
              at: r.stageSince,
              by: actor.userId,
              byName: actor.username,
              kind: 'stage',
              from: null,
              to: r.stage,
              dueAt,
              note: r.reason ?? null,
            });
          }
          for (const e of r.evidence ?? []) {
            await insertEvidence(tx, {
              id: this.ids.next(),
              requestId: id,
              kind: e.kind,
              reference: e.reference,
              note: null,
              at: r.openedAt,
              by: actor.userId,
              byName: actor.username,
            });
          }
          if (dueAt && dueAt > now) {
            await this.scheduleDeadline(tx, id, r.personId, r.state, r.stage, dueAt, stageDeadline(r.stage, r.stageSince).remindAt);
          } else if (dueAt) {
            // already past: the scheduler fires it at its first tick (an overdue alert for the case file's backlog)
            await this.scheduleDeadline(tx, id, r.personId, r.state, r.stage, dueAt, null);
          }
        }
        await this.audit.record(tx, actor, {
          action: 'repatriation.imported',
          subjectType: 'person_list',
          details: { personIds: chunk.map((r) => r.personId), count: chunk.length },
        });
      });
      done += chunk.length;
    }
    return done;
  }

  /** The rules of a new request for a person and a state; the person's facts when they hold. */
  private async checkRequestable(tx: Db, actor: Actor, personId: string, state: string) {
    const facts = await personFacts(tx, personId);
    if (!facts) throw new NotFoundError('registry.person_not_found', `No person ${personId}`);
    const visible = await this.ports.persons.inScopeAmong(tx, actor, [personId]);
    if (!visible.has(personId)) throw new ForbiddenError('access.out_of_scope', 'This person is outside your scope');
    if (!facts.nationalities.some((n) => n.country === state)) {
      throw new ValidationError(
        'repatriation.nationality_mismatch',
        `The person's record claims no ${state} nationality (${facts.nationalities.map((n) => n.country).join(', ') || 'none recorded'}): a state takes back its own nationals only`,
        { state, nationalities: facts.nationalities.map((n) => n.country) },
      );
    }
    if (!facts.status || !(HELD_STATUSES as readonly string[]).includes(facts.status)) {
      throw new ConflictError('repatriation.person_not_held', `Only a person held can be repatriated; this person is ${facts.status ?? 'not admitted'}`, {
        status: facts.status ?? 'registered',
      });
    }
    if (await openRequestOf(tx, personId)) {
      // The other request may be to a state the reader does not hold: say only that one is open.
      throw new ConflictError('repatriation.request_open', 'This person already has an open repatriation request: close it before opening another');
    }
    return facts;
  }

  async figures(actor: Actor): Promise<RepatriationFiguresView> {
    requirePermission(actor, 'repatriation.read');
    const now = this.clock.now();
    const rows = await figuresByState(this.db, repatriationScope(actor), now);
    const states = rows.map(figureView);
    const totals = { held: 0, requested: 0, consularInterview: 0, accepted: 0, travelDocuments: 0, handedOver: 0, refused: 0, withdrawn: 0, overdue: 0 };
    for (const s of states) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s[k];
    return { at: now, states, totals };
  }

  async figuresCsv(actor: Actor): Promise<string> {
    const f = await this.figures(actor);
    const header = ['state', 'held', 'requested', 'consular_interview', 'accepted', 'travel_documents', 'handed_over', 'refused', 'withdrawn', 'overdue'];
    return csvLines(
      header,
      f.states.map((s) => [s.state, s.held, s.requested, s.consularInterview, s.accepted, s.travelDocuments, s.handedOver, s.refused, s.withdrawn, s.overdue]),
    );
  }

  // ---- deadlines ---------------------------------------------------------------------------------------------------

  /** The handler of the scheduler's stage deadlines: a reminder before, an overdue alert after (once per stage). */
  readonly deadlineHandler = {
    remind: (tx: Db, d: { subjectId: string; dueAt: Date; payload: Record<string, unknown> }, now: Date) => this.onDeadline(tx, d, now, 'reminder'),
    due: (tx: Db, d: { subjectId: string; dueAt: Date; payload: Record<string, unknown> }, now: Date) => this.onDeadline(tx, d, now, 'overdue'),
  };

  private async onDeadline(tx: Db, d: { subjectId: string; dueAt: Date }, now: Date, kind: 'reminder' | 'overdue'): Promise<void> {
    const row = await findRequest(tx, d.subjectId, { lock: true });
    if (!row || !isOpen(row.stage)) return;
    if (!(await markDeadline(tx, row.id, kind === 'reminder' ? 'reminded' : 'alerted', now, d.dueAt))) return;
    this.outbox.emit(
      tx,
      RepatriationDeadline,
      { requestId: row.id, personId: row.person_id, state: row.state, stage: row.stage, dueAt: d.dueAt.toISOString(), kind },
      { subjects: { personIds: [row.person_id], facilityIds: [row.facility_id] } },
    );
  }

  private async scheduleDeadline(
    tx: Db,
    requestId: string,
    personId: string,
    state: string,
    stage: RepatriationStage,
    dueAt: Date | null,
    remindAt: Date | null,
  ): Promise<void> {
    const deadlines = this.ports.deadlines;
    if (!deadlines) return;
    await deadlines.cancel(tx, REPATRIATION_DEADLINE_KIND, requestId);
    if (dueAt) await deadlines.schedule(tx, { kind: REPATRIATION_DEADLINE_KIND, subjectId: requestId, dueAt, remindAt, payload: { personId, state, stage } });
  }

  // ---- inside ------------------------------------------------------------------------------------------------------

  /** A request the actor may act on, locked; another state's or facility's answers as unknown. */
  private async loadForChange(tx: Db, actor: Actor, id: string): Promise<RequestRow> {
    const row = await findRequest(tx, id, { lock: true });
    if (!row || !visibleTo(actor, row)) throw notFound(id);
    return row;
  }

  private async moveTo(
    tx: Db,
    actor: Actor,
    row: RequestRow,
    stage: RepatriationStage,
    dueAt: Date | null,
    remindAt: Date | null,
    now: Date,
    extra: { note: string | null; reason?: string | null; representative?: string; ledgerEventId?: string },
  ): Promise<void> {
    await updateStage(tx, row.id, {
      stage,
      dueAt,
      at: now,
      closed: !isOpen(stage),
      reason: extra.reason ?? null,
      representative: extra.representative ?? null,
      handoverEventId: extra.ledgerEventId ?? null,
    });
    await insertStep(tx, {
      id: this.ids.next(),
      requestId: row.id,
      at: now,
      by: actor.userId,
      byName: actor.username,
      kind: 'stage',
      from: row.stage,
      to: stage,
      dueAt,
      note: [extra.reason, extra.note].filter(Boolean).join(' / ') || null,
    });
    await this.scheduleDeadline(tx, row.id, row.person_id, row.state, stage, dueAt, remindAt);
    await this.audit.record(tx, actor, {
      action: 'repatriation.stage_changed',
      subjectType: 'person',
      subjectId: row.person_id,
      details: { requestId: row.id, state: row.state, from: row.stage, to: stage },
    });
    this.outbox.emit(
      tx,
      RepatriationStageChanged,
      {
        requestId: row.id,
        personId: row.person_id,
        state: row.state,
        fromStage: row.stage,
        toStage: stage,
        at: now.toISOString(),
        dueAt: dueAt?.toISOString() ?? null,
        ledgerEventId: extra.ledgerEventId ?? null,
      },
      { subjects: { personIds: [row.person_id], facilityIds: [row.facility_id] } },
    );
  }

  /** A request as the actor may see it, with its timeline and evidence; the read audited with the actor's purpose. */
  private async present(actor: Actor, id: string, db: Db): Promise<RepatriationView> {
    const row = await findRequest(db, id);
    if (!row || !visibleTo(actor, row)) throw notFound(id);
    const [steps, evidence] = await Promise.all([stepsOf(db, id), evidenceOf(db, id)]);
    await this.outbox.transaction((tx) =>
      this.audit.record(tx, actor, { action: 'repatriation.read', subjectType: 'person', subjectId: row.person_id, details: { requestId: id } }),
    );
    const now = this.clock.now();
    return {
      ...this.summary(row, now),
      representative: row.representative,
      handoverEventId: row.handover_event_id,
      reason: row.reason,
      remindedAt: row.reminded_at,
      alertedAt: row.alerted_at,
      actions: actionsFrom(row.stage),
      steps: steps.map((s) => ({
        id: s.id,
        at: s.at,
        by: s.recorded_by_name,
        kind: s.kind,
        fromStage: s.from_stage,
        toStage: s.to_stage,
        dueAt: s.due_at,
        note: s.note,
      })),
      evidence: evidence.map((e) => ({
        id: e.id,
        kind: e.kind as RepatriationView['evidence'][number]['kind'],
        reference: e.reference,
        note: e.note,
        recordedAt: e.recorded_at,
        recordedBy: e.recorded_by_name,
      })),
    };
  }

  private summary(r: RequestRow, now: Date): RepatriationSummaryView {
    return {
      id: r.id,
      personId: r.person_id,
      name: r.name,
      state: r.state,
      stage: r.stage,
      nationalityStatus: r.nationality_status,
      minor: r.minor,
      facilityId: r.facility_id,
      facility: r.facility,
      custodyStatus: r.custody_status,
      dueAt: r.due_at,
      overdue: isOverdue({ stage: r.stage, dueAt: r.due_at }, now),
      openedAt: r.opened_at,
      updatedAt: r.updated_at,
      closedAt: r.closed_at,
    };
  }
}

function figureView(r: StateFigureRow): RepatriationFiguresView['states'][number] {
  return {
    state: r.state,
    held: r.held,
    requested: r.requested,
    consularInterview: r.consular_interview,
    accepted: r.accepted,
    travelDocuments: r.travel_documents,
    handedOver: r.handed_over,
    refused: r.refused,
    withdrawn: r.withdrawn,
    overdue: r.overdue,
  };
}
