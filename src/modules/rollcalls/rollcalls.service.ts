import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import { failpoint } from '../../platform/failpoints';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import type { Logger } from '../../platform/logger';
import { hasPermission, requireFacility, requirePermission, isFacilityScoped, isNationalityScoped, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { AppendRequest } from '../custody';
import { checkMark, derivedMarkId, excuseDepartures, totalsOf, type MarkInput, type RollcallStatus, type UnitFigures } from './rollcalls.domain';
import type {
  CancelRollcallInput,
  CloseResponse,
  CloseResultResponse,
  MarksInput,
  MarksReceiptResponse,
  MisplacedPersonResponse,
  OpenRollcallInput,
  RollcallDetailResponse,
  RollcallResponse,
  ScheduleInput,
  ScheduleResponse,
} from './rollcalls.dto';
import { ScheduleBody } from './rollcalls.dto';
import { RollcallCancelled, RollcallClosed, RollcallMarksRecorded, RollcallOpened } from './rollcalls.events';
import type { RollcallsPorts } from './rollcalls.ports';
import {
  absencesOf,
  biometricShare,
  claimClose,
  markCancelled,
  closeComputation,
  currentStatuses,
  lockWithExpected,
  facilityUnitIds,
  findRollcall,
  findSchedule,
  insertAbsences,
  insertMarks,
  insertRollcall,
  insertUnitResults,
  listRollcalls,
  lockFacility,
  markClosed,
  markCount,
  marksByIds,
  onManifestAmong,
  overlappingOpen,
  recentMarks,
  sheetPage,
  snapshotExpected,
  unitFigures,
  unitTree,
  upsertSchedule,
  type RollcallRow,
  type ScheduleRow,
} from './rollcalls.repository';

export type RollcallView = z.output<typeof RollcallResponse>;
export type RollcallDetail = z.output<typeof RollcallDetailResponse>;
export type MisplacedPerson = z.output<typeof MisplacedPersonResponse>;
export type CloseResult = z.output<typeof CloseResultResponse>;

export interface ClosedRollcall extends CloseResult {
  unitIds: string[];
}

export type MarksReceipt = z.output<typeof MarksReceiptResponse>;
export type ScheduleView = z.output<typeof ScheduleResponse>;

export function rollcallView(row: RollcallRow): RollcallView {
  return {
    id: row.id,
    facilityId: row.facilityId,
    unitIds: row.unitIds,
    status: row.status as RollcallStatus,
    openedAt: row.openedAt,
    openedBy: row.openedBy,
    closedAt: row.closedAt,
    closedBy: row.closedBy,
    expected: row.expectedCount,
    result: (row.result as RollcallView['result']) ?? null,
    cancelled: row.status === 'cancelled' && row.cancelledAt ? { at: row.cancelledAt, by: row.cancelledBy, reason: row.cancelReason ?? '' } : null,
  };
}

const figures = (r: {
  unit_id: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  misplaced_in: number;
  misplaced_out: number;
}): UnitFigures => ({
  unitId: r.unit_id,
  expected: r.expected,
  present: r.present,
  excused: r.excused,
  delta: r.delta,
  misplacedIn: r.misplaced_in,
  misplacedOut: r.misplaced_out,
});

export class RollcallsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: RollcallsPorts,
    private readonly logger: Logger,
  ) {}

  /** Opens a roll call; its expected list is the manifest of the facility (or units and their sub-units) right now. */
  async open(actor: Actor, input: OpenRollcallInput): Promise<RollcallView> {
    return this.outbox.transaction((tx) => this.openIn(tx, actor, input));
  }

  /**
   * Opens a roll call inside the caller's outbox transaction `tx` (an incident's emergency headcount is opened and
   * linked to its incident in one transaction): all of it commits or none of it.
   */
  async openIn(tx: Db, actor: Actor, input: OpenRollcallInput): Promise<RollcallView> {
    requirePermission(actor, 'rollcall.run');
    const now = this.clock.now();
    if (!(await lockFacility(tx, input.facilityId))) throw new NotFoundError('facilities.not_found', `No facility ${input.facilityId}`);
    requireFacility(actor, input.facilityId);
    const asked = [...new Set(input.unitIds ?? [])];
    let unitIds: string[] = [];
    if (asked.length) {
      const tree = await unitTree(tx, input.facilityId, asked);
      const found = new Set(tree.filter((t) => t.requested).map((t) => t.id));
      const stray = asked.filter((u) => !found.has(u));
      if (stray.length) {
        throw new ValidationError('rollcall.unit_outside_facility', `Unit ${stray[0]} is not a unit of facility ${input.facilityId}`, { unitIds: stray });
      }
      unitIds = tree.map((t) => t.id).sort();
    }
    const clash = await overlappingOpen(tx, input.facilityId, unitIds);
    if (clash) {
      throw new ConflictError(
        'rollcall.already_open',
        `Roll call ${clash.id} is still open on ${clash.unitIds.length ? 'some of these units' : 'the whole facility'}; close it first, or cancel it if it was opened by mistake`,
        { rule: 'one_open_rollcall_per_unit', rollcallId: clash.id },
      );
    }
    const row: RollcallRow = {
      id: this.ids.next(),
      facilityId: input.facilityId,
      unitIds,
      status: 'open',
      openedAt: now,
      openedBy: actor.userId,
      closingAt: null,
      closedAt: null,
      closedBy: null,
      expectedCount: 0,
      result: null,
      cancelledAt: null,
      cancelledBy: null,
      cancelReason: null,
    };
    await insertRollcall(tx, row);
    row.expectedCount = await snapshotExpected(tx, row.id, input.facilityId, unitIds);
    await this.audit.record(tx, actor, {
      action: 'rollcall.open',
      subjectType: 'rollcall',
      subjectId: row.id,
      details: { facilityId: input.facilityId, unitIds: asked, expected: row.expectedCount },
    });
    this.outbox.emit(
      tx,
      RollcallOpened,
      { rollcallId: row.id, facilityId: row.facilityId, unitIds: row.unitIds, expected: row.expectedCount, openedBy: actor.userId },
      { occurredAt: now, subjects: { facilityIds: [row.facilityId], unitIds: row.unitIds } },
    );
    return rollcallView(row);
  }

  /**
   * Records a batch of marks from a tablet in one transaction. Marks carry client ids (or ids derived from their
   * content), so a retried batch records nothing new. A person outside the roll call's list but on the facility's
   * manifest is accepted as misplaced; anyone else refuses the batch.
   */
  async mark(actor: Actor, rollcallId: string, input: MarksInput): Promise<MarksReceipt> {
    requirePermission(actor, 'rollcall.run');
    const now = this.clock.now();
    input.marks.forEach((m, i) => checkMark(m as MarkInput, i));
    const receipt = await this.outbox.transaction(async (tx) => {
      const personIds = [...new Set(input.marks.map((m) => m.personId))];
      const { rollcall: rc, expected } = await lockWithExpected(tx, rollcallId, personIds);
      if (!rc) throw new NotFoundError('rollcall.not_found', `No roll call ${rollcallId}`);
      requireFacility(actor, rc.facilityId);
      if (rc.status !== 'open') {
        throw new ConflictError('rollcall.not_open', `Roll call ${rollcallId} is ${rc.status}: marks are taken only while it is open`, {
          rule: 'marks_while_open',
          status: rc.status,
        });
      }
      const strayUnit = await this.strayUnit(tx, rc.facilityId, [input.unitId, ...input.marks.map((m) => m.unitId)]);
      if (strayUnit) {
        throw new ValidationError('rollcall.unit_outside_facility', `Unit ${strayUnit} is not a unit of this roll call's facility`, { unitId: strayUnit });
      }
      const others = personIds.filter((p) => !expected.has(p));
      const manifest = others.length ? await onManifestAmong(tx, rc.facilityId, others) : new Map();
      const stray = others.filter((p) => !manifest.has(p));
      if (stray.length) {
        throw new ConflictError(
          'rollcall.not_on_manifest',
          `${stray.length} person(s) in this batch are not on the manifest of this facility (e.g. ${stray[0]}); nothing was recorded. ` +
            'Record the admission or transfer first, or drop these marks and resend',
          { rule: 'marks_on_manifest_only', personIds: stray.slice(0, 100) },
        );
      }
      const rows = input.marks.map((m) => {
        const unitId = m.unitId ?? input.unitId ?? null;
        const onList = expected.get(m.personId);
        const home = onList ?? manifest.get(m.personId)!;
        const misplaced = !onList || (m.result === 'present' && unitId !== null && unitId !== home.unit_id);
        return {
          id: m.id ?? derivedMarkId(rollcallId, { ...m, unitId: unitId ?? undefined }),
          personId: m.personId,
          result: m.result,
          reason: m.reason ?? null,
          note: m.note ?? null,
          method: m.method ?? null,
          verificationRef: m.verificationRef ?? null,
          unitId,
          expected: !!onList,
          misplaced,
          markedAt: m.markedAt ? new Date(m.markedAt) : now,
        };
      });
      const future = rows.find((r) => r.markedAt.getTime() > now.getTime() + 5 * 60_000);
      if (future)
        throw new ValidationError('rollcall.marked_in_future', `markedAt ${future.markedAt.toISOString()} is in the future`, { personId: future.personId });
      await this.checkCitedVerifications(tx, rows);
      // One row per mark id: a mark repeated inside the batch (a double tap, a resent page) is one mark, counted once
      // as recorded and its repeats as duplicates; one id on two different marks is a client bug.
      const unique = new Map<string, (typeof rows)[number]>();
      for (const r of rows) {
        const seen = unique.get(r.id);
        if (!seen) unique.set(r.id, r);
        else if (seen.personId !== r.personId || seen.result !== r.result) {
          throw new ConflictError('rollcall.mark_id_reused', `Mark id ${r.id} is used for two different marks in this batch; nothing was recorded`, {
            rule: 'mark_ids_unique',
            markId: r.id,
          });
        }
      }
      const inserted = await insertMarks(tx, { rollcallId, markedBy: actor.userId, recordedAt: now }, [...unique.values()]);
      const skipped = [...unique.values()].filter((r) => !inserted.has(r.id));
      if (skipped.length) {
        // A known id must be the same mark again (a retry); the same id on another mark is a client bug.
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const existing of await marksByIds(tx, rollcallId, [...new Set(skipped.map((r) => r.id))])) {
          const mine = byId.get(existing.id)!;
          if (existing.rollcall_id !== rollcallId || existing.person_id !== mine.personId || existing.result !== mine.result) {
            throw new ConflictError('rollcall.mark_id_reused', `Mark id ${existing.id} was already used for another mark; a new mark needs a new id`, {
              rule: 'mark_ids_unique',
              markId: existing.id,
            });
          }
        }
      }
      const recordedRows = [...unique.values()].filter((r) => inserted.has(r.id));
      if (recordedRows.length) {
        const counts = {
          present: recordedRows.filter((r) => r.result === 'present').length,
          absent: recordedRows.filter((r) => r.result === 'absent').length,
          excused: recordedRows.filter((r) => r.result === 'excused').length,
        };
        await this.audit.record(tx, actor, {
          action: 'rollcall.mark',
          subjectType: 'rollcall',
          subjectId: rollcallId,
          details: { received: rows.length, recorded: recordedRows.length, ...counts },
        });
        this.outbox.emit(
          tx,
          RollcallMarksRecorded,
          {
            rollcallId,
            facilityId: rc.facilityId,
            recorded: recordedRows.length,
            ...counts,
            misplaced: recordedRows.filter((r) => r.misplaced).length,
            markedBy: actor.userId,
          },
          { occurredAt: now, subjects: { facilityIds: [rc.facilityId] } },
        );
      }
      return {
        receipt: {
          rollcallId,
          received: rows.length,
          recorded: recordedRows.length,
          duplicates: rows.length - recordedRows.length,
          misplaced: [...new Set(recordedRows.filter((r) => r.misplaced).map((r) => r.personId))],
        },
        found: recordedRows.filter((r) => r.result === 'present' && expected.get(r.personId)?.status === 'unaccounted').map((r) => r.personId),
        facilityId: rc.facilityId,
      };
    });
    if (receipt.found.length) await this.accountFound(actor, rollcallId, receipt.found);
    return receipt.receipt;
  }

  /** Units of a facility, cached: they are only ever added, so a miss re-reads them before refusing a unit. */
  private readonly unitCache = new Map<string, Set<string>>();

  /**
   * A face or fingerprint mark that cites a verification must cite a real one: a matching 1:1 verification of that
   * person in that modality, made shortly before (a reference is what makes "seen" evidence, so it cannot be free
   * text). Document and visual marks may cite any reference (a card number, a note).
   */
  private async checkCitedVerifications(
    tx: Db,
    rows: { personId: string; method: string | null; verificationRef: string | null; markedAt: Date }[],
  ): Promise<void> {
    for (const [index, r] of rows.entries()) {
      if (!r.verificationRef || (r.method !== 'face' && r.method !== 'fingerprint')) continue;
      const problem = await this.ports.citedVerificationProblem(tx, r.verificationRef, { personId: r.personId, modality: r.method, at: r.markedAt });
      if (problem) {
        throw new ValidationError('rollcall.verification_not_valid', `Mark ${index + 1}: verification ${r.verificationRef} ${problem}; nothing was recorded`, {
          index,
          personId: r.personId,
          verificationRef: r.verificationRef,
        });
      }
    }
  }

  private async strayUnit(db: Db, facilityId: string, unitIds: (string | undefined)[]): Promise<string | undefined> {
    const wanted = unitIds.filter((u): u is string => !!u);
    if (wanted.length === 0) return undefined;
    let known = this.unitCache.get(facilityId);
    if (!known || wanted.some((u) => !known!.has(u))) {
      known = await facilityUnitIds(db, facilityId);
      if (this.unitCache.size > 1000) this.unitCache.clear();
      this.unitCache.set(facilityId, known);
    }
    return wanted.find((u) => !known!.has(u));
  }

  /** A person unaccounted at an earlier roll call and seen present now is accounted for at once (ledger ACCOUNTED). */
  private async accountFound(actor: Actor, rollcallId: string, personIds: string[]): Promise<void> {
    try {
      const statuses = await currentStatuses(this.db, personIds);
      const still = personIds.filter((p) => statuses.get(p) === 'unaccounted');
      if (still.length === 0) return;
      await this.ports.ledger.appendMany(
        actor,
        still.map((personId) => ({ personId, type: 'ACCOUNTED', authority: `Roll call ${rollcallId}`, evidence: { rollcallId } })),
        { auditAction: 'rollcall.accounted', context: { rollcallId } },
      );
    } catch (err) {
      // The close repeats this for anyone still unaccounted and present; a race here must not lose the marks.
      this.logger.warn({ err, rollcallId }, 'ACCOUNTED after marks failed; the close will retry');
    }
  }

  /**
   * Cancels an open roll call with a reason (opened by mistake, wrong units): no Delta, no ledger events, no alerts;
   * the marks taken stay as evidence, and the units are free for a new roll call. A roll call being closed or closed
   * cannot be cancelled.
   */
  async cancel(actor: Actor, rollcallId: string, input: CancelRollcallInput): Promise<RollcallView> {
    requirePermission(actor, 'rollcall.run');
    const existing = await findRollcall(this.db, rollcallId);
    if (!existing) throw new NotFoundError('rollcall.not_found', `No roll call ${rollcallId}`);
    requireFacility(actor, existing.facilityId);
    const now = this.clock.now();
    const row = await this.outbox.transaction(async (tx) => {
      const cancelled = await markCancelled(tx, rollcallId, actor.userId, now, input.reason);
      if (!cancelled) return undefined;
      await this.audit.record(tx, actor, {
        action: 'rollcall.cancel',
        subjectType: 'rollcall',
        subjectId: rollcallId,
        details: { facilityId: cancelled.facilityId, reason: input.reason, expected: cancelled.expectedCount },
      });
      this.outbox.emit(
        tx,
        RollcallCancelled,
        { rollcallId, facilityId: cancelled.facilityId, reason: input.reason, cancelledBy: actor.userId },
        { occurredAt: now, subjects: { facilityIds: [cancelled.facilityId] } },
      );
      return cancelled;
    });
    if (!row) {
      const current = await findRollcall(this.db, rollcallId);
      throw new ConflictError('rollcall.not_open', `Roll call ${rollcallId} is ${current?.status}: only an open roll call can be cancelled`, {
        rule: 'cancel_while_open',
        status: current?.status,
      });
    }
    return rollcallView(row);
  }

  /**
   * Closes the roll call in one transaction: one aggregate query computes the figures per unit; every newly
   * unaccounted person gets an UNACCOUNTED event and every person found again an ACCOUNTED one (one ledger batch); the
   * result is stored with the per-unit Delta history, the audit row and `rollcall.closed@1`. All of it commits or none
   * of it does, so a close cut short (a crash, a kill) leaves the roll call open as it was, and the alert rules react
   * to the committed event even if this process dies before they run. Marks wait for the close (the roll call's
   * lock), so none lands between the figures and the result.
   */
  async close(actor: Actor, rollcallId: string): Promise<z.output<typeof CloseResponse>> {
    requirePermission(actor, 'rollcall.run');
    const existing = await findRollcall(this.db, rollcallId);
    if (!existing) throw new NotFoundError('rollcall.not_found', `No roll call ${rollcallId}`);
    requireFacility(actor, existing.facilityId);
    const now = this.clock.now();
    let result: CloseResult | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await this.outbox.transaction((tx) => this.closeIn(tx, actor, rollcallId, now));
        break;
      } catch (err) {
        // Someone changed a person's status between the figures and the ledger batch: compute again (twice at most).
        if (!(err instanceof ConflictError) || !err.code.startsWith('custody.') || attempt >= 3) throw err;
      }
    }
    if (!result) {
      const current = await findRollcall(this.db, rollcallId);
      if (current?.status === 'closed') {
        throw new ConflictError('rollcall.already_closed', `Roll call ${rollcallId} was closed at ${current.closedAt?.toISOString()}`, { rule: 'close_once' });
      }
      if (current?.status === 'cancelled') {
        throw new ConflictError('rollcall.cancelled', `Roll call ${rollcallId} was cancelled at ${current.cancelledAt?.toISOString()}: it cannot be closed`, {
          rule: 'close_once',
        });
      }
      throw new ConflictError('rollcall.closing', `Roll call ${rollcallId} is being closed by another request`, { rule: 'close_once' });
    }
    let alerts: { id: string; rule: string; severity: string }[] = [];
    try {
      alerts = await this.ports.alertsRaisedBy(rollcallId);
    } catch (err) {
      this.logger.error({ err, rollcallId }, 'could not read the alerts raised by the close');
    }
    return { ...result, alerts };
  }

  /** The close's work inside its transaction; undefined when the roll call is not open (closed, cancelled, closing). */
  private async closeIn(tx: Db, actor: Actor, rollcallId: string, now: Date): Promise<CloseResult | undefined> {
    const rc = await claimClose(tx, rollcallId, now);
    if (!rc) return undefined;
    failpoint('rollcall.close:claimed');
    const computed = await closeComputation(tx, rollcallId);
    const requests: AppendRequest[] = [];
    for (const l of computed.lists) {
      if (l.kind === 'unaccounted' && l.current_status === 'in_custody') {
        requests.push({ personId: l.person_id, type: 'UNACCOUNTED', authority: `Roll call ${rollcallId}`, evidence: { rollcallId } });
      } else if (l.kind === 'accounted') {
        requests.push({ personId: l.person_id, type: 'ACCOUNTED', authority: `Roll call ${rollcallId}`, evidence: { rollcallId } });
      }
    }
    await this.ports.ledger.appendManyIn(tx, actor, requests, { auditAction: 'rollcall.ledger', context: { rollcallId } });
    failpoint('rollcall.close:ledger_appended');
    const { lists, figures: unitRows } = computed;
    const excusing = excuseDepartures(
      unitRows.map(figures).sort((a, b) => (a.unitId ?? '').localeCompare(b.unitId ?? '')),
      lists.filter((l) => l.kind === 'unaccounted').map((l) => ({ personId: l.person_id, unitId: l.unit_id, currentStatus: l.current_status })),
    );
    const byUnit = excusing.units;
    const totals = totalsOf(byUnit);
    const unaccounted = excusing.unaccounted;
    const misplaced = lists
      .filter((l) => l.kind === 'misplaced')
      .map((l) => ({ personId: l.person_id, expectedUnitId: l.unit_id, seenUnitId: l.seen_unit_id, onList: l.expected }));
    const result: CloseResult = {
      rollcallId,
      facilityId: rc.facilityId,
      closedAt: now,
      ...totals,
      unaccounted: unaccounted.map((u) => u.personId).sort(),
      departed: excusing.departed.map((d) => ({ personId: d.personId, status: d.currentStatus! })),
      misplaced,
      byUnit,
      ledger: {
        unaccountedEvents: requests.filter((r) => r.type === 'UNACCOUNTED').length,
        accountedEvents: requests.filter((r) => r.type === 'ACCOUNTED').length,
      },
      biometric: await biometricShare(tx, rollcallId),
    };
    await insertAbsences(
      tx,
      rollcallId,
      unaccounted.map((u) => ({ personId: u.personId, unitId: u.unitId })),
    );
    await insertUnitResults(
      tx,
      byUnit.map((u) => ({ id: this.ids.next(), rollcallId, facilityId: rc.facilityId, closedAt: now, ...u })),
    );
    const stored = {
      ...result,
      unaccounted: result.unaccounted.length <= 1000 ? result.unaccounted : undefined,
      unaccountedCount: result.unaccounted.length,
    };
    await markClosed(tx, rollcallId, actor.userId, now, stored);
    await this.audit.record(tx, actor, {
      action: 'rollcall.close',
      subjectType: 'rollcall',
      subjectId: rollcallId,
      details: { facilityId: rc.facilityId, ...totals, misplaced: misplaced.length, ...result.ledger, biometric: result.biometric },
    });
    failpoint('rollcall.close:stored');
    this.outbox.emit(
      tx,
      RollcallClosed,
      { ...result, closedAt: now.toISOString(), unitIds: rc.unitIds, closedBy: actor.userId },
      { occurredAt: now, subjects: { personIds: result.unaccounted, facilityIds: [rc.facilityId], unitIds: rc.unitIds } },
    );
    return result;
  }

  async get(actor: Actor, rollcallId: string, opts: { unitId?: string; offset: number; limit: number }): Promise<RollcallDetail> {
    requirePermission(actor, 'reports.read');
    if (isNationalityScoped(actor)) {
      // A roll call's figures count every nationality: a liaison sees its own nationals in the status report instead.
      throw new ForbiddenError('access.out_of_scope', 'Roll-call figures cover all nationalities; they are outside a nationality-scoped view');
    }
    const rc = await findRollcall(this.db, rollcallId);
    if (!rc) throw new NotFoundError('rollcall.not_found', `No roll call ${rollcallId}`);
    requireFacility(actor, rc.facilityId);
    const [unitRows, marks] = await Promise.all([unitFigures(this.db, rollcallId), markCount(this.db, rollcallId)]);
    const byUnit = unitRows.map(figures).sort((a, b) => (a.unitId ?? '').localeCompare(b.unitId ?? ''));
    const view = rollcallView(rc);
    const withNames = hasPermission(actor.role, 'persons.read') && opts.limit > 0;
    let persons: RollcallDetail['persons'];
    if (withNames) {
      persons = await this.db.transaction(async (tx) => {
        const rows = await sheetPage(tx, rollcallId, { unitId: opts.unitId, nationalities: actor.nationalities, offset: opts.offset, limit: opts.limit });
        await this.audit.record(tx, actor, {
          action: 'rollcall.read_sheet',
          subjectType: 'rollcall',
          subjectId: rollcallId,
          details: { persons: rows.length, offset: opts.offset, unitId: opts.unitId ?? null },
        });
        return rows.map((r) => ({
          personId: r.person_id,
          name: r.name,
          unitId: r.unit_id,
          statusAtOpen: r.status,
          outReason: r.out_reason,
          mark: r.mark_result ? { result: r.mark_result, reason: r.mark_reason, unitId: r.seen_unit_id } : null,
          outcome: r.outcome,
          misplaced: r.moved,
          verification: r.verified_method && r.verification_ref ? { method: r.verified_method, ref: r.verification_ref } : null,
        }));
      });
    }
    const unaccounted = rc.status === 'closed' ? (await absencesOf(this.db, rollcallId)).map((a) => a.person_id) : undefined;
    return {
      ...view,
      live: { ...totalsOf(byUnit), marks, byUnit },
      unaccounted,
      recentMarks: withNames ? await recentMarks(this.db, rollcallId, 20) : undefined,
      persons,
      page: withNames ? { offset: opts.offset, limit: opts.limit } : undefined,
    };
  }

  async list(actor: Actor, f: { facilityId?: string; status?: string; limit: number }): Promise<RollcallView[]> {
    requirePermission(actor, 'reports.read');
    if (f.facilityId) requireFacility(actor, f.facilityId);
    if (isNationalityScoped(actor)) return [];
    const rows = await listRollcalls(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    return rows.map(rollcallView);
  }

  // --- schedules ----------------------------------------------------------------------------------------------

  async setSchedule(actor: Actor, facilityId: string, raw: ScheduleInput): Promise<ScheduleView> {
    requirePermission(actor, 'facilities.write');
    requireFacility(actor, facilityId);
    const input = ScheduleBody.parse(raw);
    return this.db.transaction(async (tx) => {
      await this.ports.facilities.require(tx, facilityId);
      const row: ScheduleRow = {
        facilityId,
        times: [...new Set(input.times)].sort(),
        utcOffsetMinutes: input.utcOffsetMinutes,
        graceMinutes: input.graceMinutes,
        durationMinutes: input.durationMinutes,
        active: input.active,
        updatedAt: this.clock.now(),
        updatedBy: actor.userId,
      };
      await upsertSchedule(tx, row);
      await this.audit.record(tx, actor, { action: 'rollcall.schedule', subjectType: 'facility', subjectId: facilityId, details: input });
      return row;
    });
  }

  async schedule(actor: Actor, facilityId: string): Promise<ScheduleView | null> {
    requirePermission(actor, 'facilities.read');
    requireFacility(actor, facilityId);
    await this.ports.facilities.require(this.db, facilityId);
    return (await findSchedule(this.db, facilityId)) ?? null;
  }
}
