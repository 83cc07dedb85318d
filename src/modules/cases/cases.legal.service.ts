import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Deadline, Deadlines } from '../../platform/deadlines';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { CaseReviewDueSoon, CaseReviewOverdue } from './cases.events';
import {
  checkDeadlineAhead,
  checkHearingDate,
  checkNotFuture,
  daysWithoutReview,
  DEFAULT_REVIEW_MONTHS,
  decideStatusChange,
  identificationStatus,
  isOverdue,
  nextReviewDue,
  reviewReminder,
  UNDER_REVIEW,
  type EvidenceKind,
  type LegalStatus,
} from './cases.legal.domain';
import {
  caseCounts,
  countEntries,
  entriesOf,
  findCase,
  findCaseOfPerson,
  insertCase,
  insertCasesForFacility,
  insertEntry,
  listCases,
  placementOf,
  updateCase,
  type CaseListRow,
  type EntryRow,
  type LegalCaseRow,
} from './cases.legal.repository';
import type { CasesPorts } from './cases.ports';

export const REVIEW_DEADLINE = 'cases.legal_review';
const OUT_OF_CUSTODY = ['released', 'repatriated', 'deceased', 'registered'];

export interface CaseSummaryView {
  id: string;
  personId: string;
  personName: string | null;
  facilityId: string | null;
  facilityCode: string | null;
  status: LegalStatus;
  openedAt: Date;
  lastReviewAt: Date | null;
  nextReviewAt: Date | null;
  overdue: boolean;
  daysWithoutReview: number;
  closedAt: Date | null;
}

export interface CaseView extends CaseSummaryView {
  grounds: string;
  authority: string;
  reviewIntervalMonths: number;
  closedReason: string | null;
  charges: EntryRow[];
  hearings: EntryRow[];
  reviews: EntryRow[];
  evidence: EntryRow[];
  timeline: EntryRow[];
}

/**
 * The legal case of a detainee: opened by a legal officer while the person is in custody, moved through its legal
 * statuses, charges and hearings recorded, detention reviewed every few months (a deadline: reminded before, an alert
 * when overdue), the dossier's evidence cited by reference. Every read of a case is audited with its purpose.
 */
export class CasesLegalService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly deadlines: Deadlines,
    private readonly ports: CasesPorts,
  ) {
    deadlines.register(REVIEW_DEADLINE, {
      due: (tx, d, now) => this.reviewDeadline(tx, d, now, 'due'),
      remind: (tx, d, now) => this.reviewDeadline(tx, d, now, 'remind'),
    });
  }

  async open(
    actor: Actor,
    input: { personId: string; grounds: string; authority: string; openedAt?: string; status: LegalStatus; reviewIntervalMonths: number },
  ): Promise<CaseView> {
    requirePermission(actor, 'cases.write');
    const now = this.clock.now();
    const openedAt = input.openedAt ? new Date(input.openedAt) : now;
    checkNotFuture(openedAt, now, 'The opening of the case');
    const id = await this.outbox.transaction(async (tx) => {
      await this.requirePerson(tx, actor, input.personId);
      const placement = await placementOf(tx, input.personId);
      if (!placement || OUT_OF_CUSTODY.includes(placement.status)) {
        throw new ConflictError('cases.not_in_custody', 'A legal case is opened for a person in custody');
      }
      if (await findCaseOfPerson(tx, input.personId)) throw new ConflictError('cases.case_exists', 'This person already has a legal case');
      const id = this.ids.next();
      const nextReviewAt = UNDER_REVIEW.includes(input.status) ? nextReviewDue(openedAt, input.reviewIntervalMonths) : null;
      await insertCase(tx, {
        id,
        personId: input.personId,
        facilityId: placement.facilityId,
        openedAt,
        grounds: input.grounds,
        authority: input.authority,
        status: input.status,
        reviewIntervalMonths: input.reviewIntervalMonths,
        lastReviewAt: null,
        nextReviewAt,
        closedAt: null,
        closedReason: null,
        createdBy: actor.username,
        updatedAt: now,
      });
      await this.entry(tx, actor, id, 'opened', openedAt, { status: input.status, grounds: input.grounds, authority: input.authority });
      if (nextReviewAt) await this.scheduleReview(tx, id, nextReviewAt);
      await this.audit.record(tx, actor, { action: 'case.open', subjectType: 'legal_case', subjectId: id, details: { personId: input.personId } });
      return id;
    });
    return this.view(this.db, id);
  }

  /**
   * Opens a case for everyone on a facility's roll who has none, in one transaction (demo world, bench, a population
   * taken over at once), with their reviews scheduled; one audit row for the intake. Returns how many were opened.
   */
  async openForFacility(actor: Actor, facilityId: string, input: { grounds: string; authority: string; reviewIntervalMonths?: number }): Promise<number> {
    requirePermission(actor, 'cases.write');
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const opened = await insertCasesForFacility(tx, {
        facilityId,
        grounds: input.grounds,
        authority: input.authority,
        intervalMonths: input.reviewIntervalMonths ?? DEFAULT_REVIEW_MONTHS,
        now,
        createdBy: actor.username,
        newId: () => this.ids.next(),
      });
      await this.deadlines.scheduleMany(
        tx,
        opened.map((c) => ({ kind: REVIEW_DEADLINE, subjectId: c.id, dueAt: c.nextReviewAt, remindAt: reviewReminder(c.nextReviewAt) })),
      );
      await this.audit.record(tx, actor, { action: 'case.open_bulk', subjectType: 'facility', subjectId: facilityId, details: { opened: opened.length } });
      return opened.length;
    });
  }

  async list(
    actor: Actor,
    q: { facilityId?: string; status?: LegalStatus; overdue?: 'true' | 'false'; personId?: string; limit: number; offset: number },
  ): Promise<{ total: number; rows: CaseSummaryView[] }> {
    requirePermission(actor, 'cases.read');
    if (q.facilityId && actor.facilityIds.length > 0 && !actor.facilityIds.includes(q.facilityId)) {
      throw new ForbiddenError('access.out_of_scope', 'This facility is outside your scope');
    }
    const now = this.clock.now();
    const page = await listCases(
      this.db,
      {
        facilityIds: actor.facilityIds,
        nationalities: actor.nationalities,
        facilityId: q.facilityId,
        status: q.status,
        overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        personId: q.personId,
        now,
      },
      q,
    );
    return { total: page.total, rows: page.rows.map((r) => summary(r, now)) };
  }

  /** Open and overdue cases in the actor's scope: the dashboard's figure (no person named). */
  async counts(actor: Actor): Promise<{ open: number; overdue: number; dueWithin30Days: number }> {
    requirePermission(actor, 'cases.figures');
    return caseCounts(this.db, { facilityIds: actor.facilityIds, nationalities: actor.nationalities, now: this.clock.now() });
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    requirePermission(actor, 'cases.read');
    return this.db.transaction(async (tx) => {
      const c = await this.load(tx, actor, id);
      await this.audit.record(tx, actor, { action: 'case.read', subjectType: 'legal_case', subjectId: id, details: { personId: c.personId } });
      return this.view(tx, id);
    });
  }

  async changeStatus(actor: Actor, id: string, input: { status: LegalStatus; reason: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c, now) => {
      decideStatusChange(c.status, input.status, { charges: await countEntries(tx, id, 'charge'), closed: c.closedAt !== null });
      const stillReviewed = UNDER_REVIEW.includes(input.status);
      await updateCase(tx, id, { status: input.status, nextReviewAt: stillReviewed ? c.nextReviewAt : null }, now);
      if (!stillReviewed) await this.deadlines.cancel(tx, REVIEW_DEADLINE, id);
      await this.entry(tx, actor, id, 'status_changed', now, { from: c.status, to: input.status, reason: input.reason });
      return { action: 'case.status', details: { from: c.status, to: input.status } };
    });
  }

  async addCharge(actor: Actor, id: string, input: { offence: string; legalBasis?: string; filedAt?: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c, now) => {
      const filedAt = input.filedAt ? new Date(input.filedAt) : now;
      checkNotFuture(filedAt, now, 'The charge');
      if (filedAt < c.openedAt) throw new ValidationError('cases.charge_before_case', 'A charge cannot be filed before the case opened');
      await this.entry(tx, actor, id, 'charge', filedAt, { offence: input.offence, legalBasis: input.legalBasis ?? null });
      return { action: 'case.charge', details: { offence: input.offence } };
    });
  }

  async recordHearing(actor: Actor, id: string, input: { heldAt: string; court: string; outcome: string; notes?: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c) => {
      const heldAt = new Date(input.heldAt);
      checkHearingDate(heldAt, c.openedAt);
      await this.entry(tx, actor, id, 'hearing', heldAt, { court: input.court, outcome: input.outcome, notes: input.notes ?? null });
      return { action: 'case.hearing', details: { heldAt: input.heldAt, outcome: input.outcome } };
    });
  }

  /** A review of detention held: recorded, and the next one scheduled (the interval, or sooner when asked). */
  async recordReview(actor: Actor, id: string, input: { heldAt?: string; decision: string; reason: string; nextDueAt?: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c, now) => {
      if (!UNDER_REVIEW.includes(c.status)) throw new ConflictError('cases.not_under_review', `A case ${c.status.replaceAll('_', ' ')} is not reviewed`);
      const heldAt = input.heldAt ? new Date(input.heldAt) : now;
      checkNotFuture(heldAt, now, 'The review');
      checkHearingDate(heldAt, c.openedAt);
      let next = nextReviewDue(heldAt, c.reviewIntervalMonths);
      if (input.nextDueAt) {
        const asked = new Date(input.nextDueAt);
        checkDeadlineAhead(asked, now);
        if (asked > next)
          throw new ValidationError('cases.review_too_late', `The next review cannot be later than the interval allows (${next.toISOString()})`);
        next = asked;
      }
      if (next <= now) next = nextReviewDue(now, c.reviewIntervalMonths);
      await updateCase(tx, id, { lastReviewAt: heldAt, nextReviewAt: next }, now);
      await this.deadlines.cancel(tx, REVIEW_DEADLINE, id);
      await this.scheduleReview(tx, id, next);
      await this.entry(tx, actor, id, 'review', heldAt, { decision: input.decision, reason: input.reason, nextDueAt: next.toISOString() });
      return { action: 'case.review', details: { decision: input.decision, nextDueAt: next.toISOString() } };
    });
  }

  /** The next review set by hand (sooner, or later with a reason): never in the past. */
  async setNextReview(actor: Actor, id: string, input: { dueAt: string; reason: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c, now) => {
      const due = new Date(input.dueAt);
      checkDeadlineAhead(due, now);
      if (!UNDER_REVIEW.includes(c.status)) throw new ConflictError('cases.not_under_review', `A case ${c.status.replaceAll('_', ' ')} is not reviewed`);
      await updateCase(tx, id, { nextReviewAt: due }, now);
      await this.deadlines.cancel(tx, REVIEW_DEADLINE, id);
      await this.scheduleReview(tx, id, due);
      await this.entry(tx, actor, id, 'review_date_set', now, {
        dueAt: due.toISOString(),
        previous: c.nextReviewAt?.toISOString() ?? null,
        reason: input.reason,
      });
      return { action: 'case.review_date', details: { dueAt: due.toISOString() } };
    });
  }

  /** Cites a biometric verification or an identity document the prosecution rests on (a reference, checked now). */
  async citeEvidence(actor: Actor, id: string, input: { kind: EvidenceKind; referenceId: string; note?: string }): Promise<CaseView> {
    return this.change(actor, id, async (tx, c, now) => {
      if (input.kind === 'biometric_verification') {
        const problem = await this.ports.citedVerificationProblem(tx, input.referenceId, { personId: c.personId });
        if (problem) throw new ValidationError('cases.evidence_invalid', problem);
      } else {
        const { documents } = await this.ports.identity(tx, actor, c.personId);
        if (!documents.some((doc) => doc.id === input.referenceId)) {
          throw new ValidationError('cases.evidence_invalid', 'No such identity document on this person’s record');
        }
      }
      const cited = (await entriesOf(tx, id)).some((e) => e.kind === 'evidence' && e.details.referenceId === input.referenceId);
      if (cited) throw new ConflictError('cases.evidence_cited', 'This evidence is already cited on the case');
      await this.entry(tx, actor, id, 'evidence', now, { kind: input.kind, referenceId: input.referenceId, note: input.note ?? null });
      return { action: 'case.evidence', details: { kind: input.kind, referenceId: input.referenceId } };
    });
  }

  /** The prosecution dossier: how the person is identified, from the registry and biometrics as they stand now. */
  async dossier(actor: Actor, id: string) {
    requirePermission(actor, 'cases.read');
    return this.db.transaction(async (tx) => {
      const c = await this.load(tx, actor, id);
      const cited = (await entriesOf(tx, id)).filter((e) => e.kind === 'evidence');
      const identity = await this.ports.identity(tx, actor, c.personId);
      const citedIds = new Set(cited.map((e) => e.details.referenceId as string));
      const verifications = [];
      for (const e of cited.filter((x) => x.details.kind === 'biometric_verification')) {
        const problem = await this.ports.citedVerificationProblem(tx, e.details.referenceId as string, { personId: c.personId });
        verifications.push({ id: e.details.referenceId as string, valid: problem === null, problem });
      }
      await this.audit.record(tx, actor, { action: 'case.dossier_read', subjectType: 'legal_case', subjectId: id, details: { personId: c.personId } });
      return {
        caseId: id,
        personId: c.personId,
        identification: identificationStatus({
          verificationsValid: verifications.filter((v) => v.valid).length,
          documents: identity.documents.length,
          nationalitiesVerified: identity.nationalities.filter((n) => n.status === 'verified').length,
        }),
        nationalities: identity.nationalities,
        documents: identity.documents.map((doc) => ({ ...doc, cited: citedIds.has(doc.id) })),
        verifications,
        matchedVerifications: (await this.ports.matchedVerifications(tx, c.personId)).map((v) => ({ ...v, cited: citedIds.has(v.id) })),
      };
    });
  }

  /**
   * The person left custody (released, repatriated, deceased): the case closes and its reviews stop. Called by the
   * cases' outbox consumer in its transaction.
   */
  async closeForPerson(tx: Db, personId: string, reason: string, at: Date): Promise<void> {
    const c = await findCaseOfPerson(tx, personId);
    if (!c || c.closedAt) return;
    await updateCase(tx, c.id, { closedAt: at, closedReason: reason, nextReviewAt: null }, this.clock.now());
    await this.deadlines.cancel(tx, REVIEW_DEADLINE, c.id);
    await insertEntry(tx, { id: this.ids.next(), caseId: c.id, kind: 'closed', at, recordedAt: this.clock.now(), recordedBy: 'system', details: { reason } });
  }

  // --- internals ---------------------------------------------------------------------------------------------------

  private async reviewDeadline(tx: Db, d: Deadline, now: Date, step: 'due' | 'remind'): Promise<void> {
    const c = await findCase(tx, d.subjectId);
    // a deadline left behind by a case since closed or rescheduled says nothing
    if (!c || c.closedAt || !c.nextReviewAt || c.nextReviewAt.getTime() !== d.dueAt.getTime()) return;
    const payload = { caseId: c.id, personId: c.personId, facilityId: c.facilityId, dueAt: d.dueAt.toISOString(), at: now.toISOString() };
    const subjects = { personIds: [c.personId], facilityIds: [c.facilityId] };
    if (step === 'due') this.outbox.emit(tx, CaseReviewOverdue, payload, { occurredAt: now, subjects });
    else this.outbox.emit(tx, CaseReviewDueSoon, payload, { occurredAt: now, subjects });
  }

  private async scheduleReview(tx: Db, caseId: string, due: Date): Promise<void> {
    await this.deadlines.schedule(tx, { kind: REVIEW_DEADLINE, subjectId: caseId, dueAt: due, remindAt: reviewReminder(due) });
  }

  private async change(
    actor: Actor,
    id: string,
    work: (tx: Db, c: LegalCaseRow, now: Date) => Promise<{ action: string; details: Record<string, unknown> }>,
  ): Promise<CaseView> {
    requirePermission(actor, 'cases.write');
    const now = this.clock.now();
    await this.outbox.transaction(async (tx) => {
      const c = await this.load(tx, actor, id, { lock: true });
      const { action, details } = await work(tx, c, now);
      await this.audit.record(tx, actor, { action, subjectType: 'legal_case', subjectId: id, details: { personId: c.personId, ...details } });
    });
    return this.view(this.db, id);
  }

  private async load(tx: Db, actor: Actor, id: string, opts: { lock?: boolean } = {}): Promise<LegalCaseRow> {
    const c = await findCase(tx, id, opts);
    if (!c || !(await this.ports.personInScope(tx, actor, c.personId))) throw new NotFoundError('cases.case_not_found', `No legal case ${id}`);
    return c;
  }

  private async requirePerson(tx: Db, actor: Actor, personId: string): Promise<void> {
    if (!(await this.ports.personInScope(tx, actor, personId))) throw new NotFoundError('cases.person_not_found', `No person ${personId}`);
  }

  private async entry(tx: Db, actor: Actor, caseId: string, kind: string, at: Date, details: Record<string, unknown>): Promise<void> {
    await insertEntry(tx, { id: this.ids.next(), caseId, kind, at, recordedAt: this.clock.now(), recordedBy: actor.username, details });
  }

  private async view(db: Db, id: string): Promise<CaseView> {
    const now = this.clock.now();
    const c = (await findCase(db, id))!;
    const rows = await listCaseRow(db, c, now);
    const timeline = await entriesOf(db, id);
    return {
      ...summary(rows, now),
      grounds: c.grounds,
      authority: c.authority,
      reviewIntervalMonths: c.reviewIntervalMonths,
      closedReason: c.closedReason,
      charges: timeline.filter((e) => e.kind === 'charge'),
      hearings: timeline.filter((e) => e.kind === 'hearing'),
      reviews: timeline.filter((e) => e.kind === 'review'),
      evidence: timeline.filter((e) => e.kind === 'evidence'),
      timeline,
    };
  }
}

async function listCaseRow(db: Db, c: LegalCaseRow, now: Date): Promise<CaseListRow> {
  const page = await listCases(db, { facilityIds: [], nationalities: [], personId: c.personId, now }, { limit: 1, offset: 0 });
  return page.rows[0]!;
}

function summary(r: CaseListRow, now: Date): CaseSummaryView {
  return {
    id: r.id,
    personId: r.personId,
    personName: r.personName,
    facilityId: r.currentFacilityId,
    facilityCode: r.facilityCode,
    status: r.status,
    openedAt: r.openedAt,
    lastReviewAt: r.lastReviewAt,
    nextReviewAt: r.nextReviewAt,
    overdue: isOverdue(r, now),
    daysWithoutReview: daysWithoutReview(r, r.closedAt && r.closedAt < now ? r.closedAt : now),
    closedAt: r.closedAt,
  };
}
