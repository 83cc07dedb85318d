import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Outbox } from '../../platform/outbox';
import { NotFoundError } from '../../platform/errors';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { DuplicateCaseDecided } from './biometrics.events';
import { decideCase, type DecisionInput, type Modality } from './biometrics.domain';
import type { CaseResponse, PersonBiometricsResponse } from './biometrics.dto';
import { templateView } from './biometrics.enrol';
import {
  countCases,
  findCase,
  listCases,
  livePhoto,
  personCases,
  personFingerExceptions,
  personTemplates,
  updateCase,
  type CaseRow,
} from './biometrics.repository';
import { fingerExceptionView } from './biometrics.fingers';
import { fuseEvidence, type FusionResult } from './biometrics.fusion';
import { evidenceBetween } from './biometrics.evidence';
import { photoView } from './biometrics.photos';

export type CaseView = z.output<typeof CaseResponse>;
export type PersonBiometricsView = z.output<typeof PersonBiometricsResponse>;

/** A person's biometric record, and the duplicate-identity cases enrolments open, which a registrar decides. */
export class BiometricCases {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: BiometricPersons,
  ) {}

  async forPerson(actor: Actor, personId: string): Promise<PersonBiometricsView> {
    requirePermission(actor, 'biometrics.read');
    return this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const templates = await personTemplates(tx, personId);
      const cases = await personCases(tx, personId);
      const photo = await livePhoto(tx, personId);
      const exceptions = await personFingerExceptions(tx, personId);
      await this.audit.record(tx, actor, { action: 'biometrics.read', subjectType: 'person', subjectId: personId });
      return {
        personId,
        templates: templates.map(templateView),
        photo: photo ? photoView(photo) : null,
        fingerExceptions: exceptions.map(fingerExceptionView),
        duplicateCases: cases.map(caseView),
        samePersonAs: cases
          .filter((c) => c.status === 'same_person')
          .map((c) => ({
            personId: c.newPersonId === personId ? c.existingPersonId : c.newPersonId,
            caseId: c.id,
            survivingPersonId: c.survivingPersonId!,
          })),
      };
    });
  }

  async duplicates(actor: Actor, filter: { status?: string; personId?: string; limit: number; offset: number }): Promise<CaseView[]> {
    return (await this.duplicatesPage(actor, filter)).rows;
  }

  /** A page of the duplicates queue and how many cases match in all, both in the caller's scope (both persons visible). */
  async duplicatesPage(
    actor: Actor,
    filter: { status?: string; personId?: string; limit: number; offset: number },
  ): Promise<{ total: number; rows: CaseView[] }> {
    requirePermission(actor, 'biometrics.read');
    const f = { ...filter, scope: { facilityIds: actor.facilityIds, nationalities: actor.nationalities } };
    const [rows, total] = await Promise.all([listCases(this.db, f), countCases(this.db, f)]);
    return { total, rows: rows.map(caseView) };
  }

  async duplicate(actor: Actor, id: string): Promise<CaseView> {
    requirePermission(actor, 'biometrics.read');
    const row = await findCase(this.db, id);
    if (!row) throw new NotFoundError('biometrics.case_not_found', `No duplicate case ${id}`);
    const a = await this.registry.loadInScope(this.db, actor, row.newPersonId);
    const b = await this.registry.loadInScope(this.db, actor, row.existingPersonId);
    const between = (await personCases(this.db, row.newPersonId)).filter(
      (c) => c.existingPersonId === row.existingPersonId || c.newPersonId === row.existingPersonId,
    );
    return { ...caseView(row), evidence: fuseEvidence(evidenceBetween(a, b, between.length > 0 ? between : [row]), 1e-4) };
  }

  /**
   * A registrar's decision on a duplicate case. Same person: both records stay (nothing is deleted or rewritten), the
   * case links them and names the surviving reference record, and the decision enters the audit chain of both persons.
   * Different persons: recorded, and the pair is not raised again.
   */
  async decide(actor: Actor, id: string, input: DecisionInput & { reviewOn?: string }): Promise<CaseView> {
    requirePermission(actor, 'biometrics.enrol');
    await this.outbox.transaction(async (tx) => {
      const row = await findCase(tx, id, true);
      if (!row) throw new NotFoundError('biometrics.case_not_found', `No duplicate case ${id}`);
      await this.registry.loadInScope(tx, actor, row.newPersonId);
      await this.registry.loadInScope(tx, actor, row.existingPersonId);
      const { survivingPersonId } = decideCase(row, input);
      const at = this.clock.now();
      await updateCase(tx, id, {
        status: input.decision,
        survivingPersonId,
        decidedAt: at,
        decidedBy: actor.userId,
        decidedByUsername: actor.username,
        reason: input.reason,
        reviewOn: input.reviewOn ?? null,
      });
      const details = {
        caseId: id,
        decision: input.decision,
        reason: input.reason,
        survivingPersonId,
        newPersonId: row.newPersonId,
        existingPersonId: row.existingPersonId,
        modality: row.modality,
        score: row.score,
        reviewOn: input.reviewOn ?? null,
      };
      await this.audit.record(tx, actor, [
        { action: 'biometrics.duplicate_decided', subjectType: 'person', subjectId: row.newPersonId, details },
        { action: 'biometrics.duplicate_decided', subjectType: 'person', subjectId: row.existingPersonId, details },
      ]);
      this.outbox.emit(
        tx,
        DuplicateCaseDecided,
        { caseId: id, decision: input.decision, survivingPersonId, newPersonId: row.newPersonId, existingPersonId: row.existingPersonId },
        { occurredAt: at, subjects: { personIds: [row.newPersonId, row.existingPersonId] } },
      );
    });
    return caseView((await findCase(this.db, id))!);
  }
}

function caseView(r: CaseRow): CaseView {
  return {
    id: r.id,
    status: r.status,
    modality: r.modality as Modality,
    newPersonId: r.newPersonId,
    existingPersonId: r.existingPersonId,
    score: r.score,
    threshold: r.threshold,
    targetFmr: r.targetFmr,
    createdAt: r.createdAt,
    openedBy: r.openedBy === 'fusion' ? 'fusion' : 'score',
    fusionAtOpening: (r.fusion as FusionResult | null) ?? null,
    decision: r.decidedAt ? { at: r.decidedAt, by: r.decidedByUsername, reason: r.reason, survivingPersonId: r.survivingPersonId, reviewOn: r.reviewOn } : null,
  };
}
