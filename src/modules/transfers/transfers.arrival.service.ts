import type { z } from 'zod';
import { canonicalJson, sha256Hex } from '../../platform/canonical-json';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { WithinIdentification } from '../biometrics';
import { countArrival } from './transfers.domain';
import {
  checkArrivalDecision,
  checkCollect,
  checkDivert,
  checkLodge,
  classifyProbe,
  transitDueAt,
  transitOverdue,
  TRANSIT_STATUSES,
} from './transfers.arrival.domain';
import type { ArrivalCheckResponse, ArrivalResponse, PrintableResponse, StopResponse } from './transfers.arrival.dto';
import { ArrivalIdentified, MovementDiverted, PersonsCollected, PersonsLodged, TransitOverdue } from './transfers.arrival.events';
import {
  checksOf,
  endStop,
  facilityLabels,
  findCheck,
  insertCheck,
  insertStop,
  movementCodes,
  openLodging,
  overdueMovements,
  stopsOf,
  updateCheck,
  type ArrivalCheckRow,
  type StopRow,
} from './transfers.arrival.repository';
import {
  findMovement,
  findOperation,
  liveMoves,
  lockMovement,
  movesOf,
  namesOf,
  placementsOf,
  setMoves,
  updateMovement,
  type MovementRow,
} from './transfers.repository';
import { movementInScope, requireCustodian } from './transfers.policy';
import type { TransfersService } from './transfers.service';
import type { SignedPart } from './transfers.signatures';

type CheckView = z.output<typeof ArrivalCheckResponse>;
type ArrivalView = z.output<typeof ArrivalResponse>;
type StopView = z.output<typeof StopResponse>;
type PrintableView = z.output<typeof PrintableResponse>;

export interface ArrivalPorts {
  /** 1:N against the movement's gallery, then everyone in scope when nobody there matched (biometrics). */
  identifyWithin(
    actor: Actor,
    input: { modality: 'face' | 'fingerprint'; image: Uint8Array; dpi?: number; personIds: readonly string[]; context?: Record<string, unknown> },
  ): Promise<WithinIdentification>;
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
}

/** Persons who left on a movement (their moves went past boarding). */
const LEFT = new Set(['departed', 'arrived', 'received', 'completed', 'disputed']);

/**
 * The receiving end of a movement and what happens on the way (issue 18, points 4 and 5): each person off the
 * aircraft identified by 1:N against the movement's gallery and confirmed by an officer (the count off, live), the
 * count closed from those confirmations; the in-transit timer; diversions and lodging.
 */
export class TransfersArrivalService {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<{ at: Date; alerted: number }> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly transfers: TransfersService,
    private readonly ports: ArrivalPorts,
    private readonly logger: Logger,
  ) {}

  // ---- identification at arrival -----------------------------------------------------------------------------------

  /**
   * One person off the movement: 1:N against the persons who departed on it (its gallery). The best candidate there
   * is proposed; otherwise a known person on another manifest, a known person on none, or unknown is flagged. Nothing
   * counts until an officer decides (`decide`).
   */
  async identify(actor: Actor, movementId: string, probe: { modality: 'face' | 'fingerprint'; image: Uint8Array; dpi?: number }): Promise<CheckView> {
    requirePermission(actor, 'transfers.run');
    const m = await this.visible(this.db, actor, movementId);
    requireCustodian(actor, m.toFacilityId, 'identify persons off this movement');
    this.requireArriving(m);
    const gallery = (await movesOf(this.db, movementId)).filter((x) => x.status === 'departed').map((x) => x.personId);
    const found = await this.ports.identifyWithin(actor, { ...probe, personIds: gallery, context: { movementId } });
    const live = await liveMoves(
      this.db,
      found.elsewhere.map((c) => c.personId),
    );
    const proposal = classifyProbe(found.within, found.elsewhere, (p) => {
      const l = live.get(p);
      return l && l.movementId !== movementId ? l.movementId : null;
    });
    const row: ArrivalCheckRow = {
      id: this.ids.next(),
      movementId,
      identificationId: found.identificationId,
      modality: probe.modality,
      outcome: proposal.outcome,
      candidatePersonId: proposal.personId,
      candidateScore: proposal.score,
      otherMovementId: proposal.otherMovementId,
      decision: null,
      personId: null,
      reason: null,
      decidedBy: null,
      decidedAt: null,
      createdBy: actor.userId,
      createdAt: this.clock.now(),
    };
    await this.outbox.transaction(async (tx) => {
      const locked = await this.lockVisible(tx, actor, movementId);
      this.requireArriving(locked);
      await insertCheck(tx, row);
      await this.audit.record(tx, actor, {
        action: 'transfers.arrival_check',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { checkId: row.id, identificationId: row.identificationId, outcome: row.outcome, candidate: row.candidatePersonId, purpose: actor.purpose },
      });
    });
    const confirmed = new Set((await checksOf(this.db, movementId)).filter((c) => c.decision === 'confirmed').map((c) => c.personId));
    return (await this.checkViews(this.db, [row], confirmed))[0]!;
  }

  /**
   * The officer's decision on a probe: confirmed (the person, by default the one proposed, is identified off the
   * movement, citing the identification) or rejected with a reason. The count off moves only here.
   */
  async decide(actor: Actor, movementId: string, checkId: string, input: { decision: 'confirmed' | 'rejected'; personId?: string; reason?: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.toFacilityId, 'confirm an identification');
      this.requireArriving(m);
      const check = await findCheck(tx, checkId);
      if (!check || check.movementId !== movementId) throw new NotFoundError('transfers.check_not_found', `No identification ${checkId} on this movement`);
      const personId = checkArrivalDecision(check, input);
      const now = this.clock.now();
      if (personId) {
        if (!(await placementsOf(tx, [personId])).has(personId)) throw new NotFoundError('registry.person_not_found', `No person ${personId} in custody`);
        const off = new Set((await checksOf(tx, movementId)).filter((c) => c.decision === 'confirmed').map((c) => c.personId));
        if (off.has(personId)) throw new ConflictError('transfers.already_identified', 'This person was already identified off this movement', { personId });
      }
      await updateCheck(tx, checkId, {
        decision: input.decision,
        personId,
        reason: input.reason?.trim() || null,
        decidedBy: actor.userId,
        decidedAt: now,
      });
      if (personId) {
        const moves = await movesOf(tx, movementId);
        const on = moves.filter((x) => x.status === 'departed').map((x) => x.personId);
        const onManifest = on.includes(personId);
        const offNow = (await checksOf(tx, movementId)).filter((c) => c.decision === 'confirmed').length;
        await this.audit.record(tx, actor, {
          action: 'transfers.arrival_identified',
          subjectType: 'person',
          subjectId: personId,
          details: {
            movementId,
            checkId,
            identificationId: check.identificationId,
            proposed: check.candidatePersonId,
            onManifest,
            reason: input.reason ?? null,
          },
        });
        this.outbox.emit(
          tx,
          ArrivalIdentified,
          { movementId, checkId, identificationId: check.identificationId, personId, onManifest, countOn: on.length, countOff: offNow },
          { occurredAt: now, subjects: { facilityIds: [m.toFacilityId], personIds: [personId] } },
        );
      } else {
        await this.audit.record(tx, actor, {
          action: 'transfers.arrival_rejected',
          subjectType: 'transfer_movement',
          subjectId: movementId,
          details: { checkId, identificationId: check.identificationId, proposed: check.candidatePersonId, reason: input.reason },
        });
      }
    });
    return this.arrival(actor, movementId);
  }

  /** Count on against count off, live: who is not yet identified, who is extra, what waits for a decision. */
  async arrival(actor: Actor, movementId: string): Promise<ArrivalView> {
    requirePermission(actor, 'transfers.read');
    await this.visible(this.db, actor, movementId);
    const [manifest, checks] = await Promise.all([this.transfers.manifest(actor, movementId, { limit: 5000, offset: 0 }), checksOf(this.db, movementId)]);
    const on = manifest.moves.filter((x) => LEFT.has(x.status)).map((x) => x.personId);
    const confirmed = checks.filter((c) => c.decision === 'confirmed');
    const count = countArrival(
      on,
      confirmed.map((c) => c.personId!),
    );
    // once the count is closed, the movement's own list (an extra resolved since is no longer one)
    const counting = manifest.movement.status === 'departed' || manifest.movement.status === 'lodged';
    const extraIds = counting ? count.extra : manifest.movement.extra;
    const names = await namesOf(this.db, [...on, ...extraIds]);
    const live = await liveMoves(this.db, extraIds);
    const codes = await movementCodes(
      this.db,
      [...live.values()].map((l) => l.movementId),
    );
    const ref = (personId: string) => ({ personId, name: names.get(personId) ?? null });
    const confirmedSet = new Set(confirmed.map((c) => c.personId));
    return {
      movement: manifest.movement,
      countOn: count.on,
      countOff: count.off,
      notYet: counting ? count.missing.map(ref) : [],
      extra: extraIds.map((p) => ({ ...ref(p), movementCode: codes.get(live.get(p)?.movementId ?? '') ?? null })),
      identified: confirmed.map((c) => ({ ...ref(c.personId!), checkId: c.id, identificationId: c.identificationId })),
      pending: await this.checkViews(
        this.db,
        checks.filter((c) => !c.decision),
        confirmedSet,
      ),
      flagged: checks.filter((c) => c.outcome !== 'on_manifest').length,
      checks: checks.length,
    };
  }

  /**
   * Closes the count from the officers' confirmations (TransfersService.arrive reads them in its own transaction):
   * found persons arrive, the missing are disputed, a difference raises the CountDiscrepancy alert. Refused while a
   * probe waits for a decision: every person off the aircraft is decided on by a person.
   */
  async close(actor: Actor, movementId: string) {
    requirePermission(actor, 'transfers.run');
    const pending = (await checksOf(this.db, movementId)).filter((c) => !c.decision).length;
    if (pending > 0) {
      throw new ConflictError('transfers.checks_pending', `${pending} identification${pending === 1 ? '' : 's'} wait for an officer's decision`, { pending });
    }
    return this.transfers.arrive(actor, movementId);
  }

  // ---- on the way: diversions and lodging ----------------------------------------------------------------------------

  /**
   * The movement lands elsewhere: a new arrival facility with the reason. The ledger's TRANSFER_DEPARTED keeps the
   * destination first named; the receipt's TRANSFER_ARRIVED at the new one states the diversion (custody rule).
   */
  async divert(actor: Actor, movementId: string, input: { facilityId: string; reason: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'divert the movement (custody in transit is the sender’s)');
      checkDivert(m, input.facilityId);
      await this.ports.facilities.require(tx, input.facilityId);
      const now = this.clock.now();
      const original = m.divertedFrom ?? m.toFacilityId;
      const persons = (await movesOf(tx, movementId)).filter((x) => x.status === 'departed').map((x) => x.personId);
      await insertStop(tx, stopRow(this.ids.next(), movementId, 'diversion', input.facilityId, m.toFacilityId, input.reason, persons, now, actor.userId));
      await updateMovement(tx, movementId, { toFacilityId: input.facilityId, divertedFrom: input.facilityId === original ? null : original });
      await this.audit.record(tx, actor, {
        action: 'transfers.divert',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { from: m.toFacilityId, to: input.facilityId, reason: input.reason, persons: persons.length },
      });
      this.outbox.emit(
        tx,
        MovementDiverted,
        { movementId, code: m.code, fromFacilityId: m.toFacilityId, toFacilityId: input.facilityId, reason: input.reason },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId, input.facilityId], personIds: persons } },
      );
    });
    return this.transfers.manifest(actor, movementId, { limit: 0, offset: 0 }).then((r) => r.movement);
  }

  /** A night at an intermediate facility: the persons on board are lodged there; custody stays with the sender and the escort. */
  async lodge(actor: Actor, movementId: string, input: { facilityId: string; reason: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'lodge the movement (custody in transit is the sender’s)');
      checkLodge(m, input.facilityId);
      await this.ports.facilities.require(tx, input.facilityId);
      const now = this.clock.now();
      const persons = (await movesOf(tx, movementId)).filter((x) => x.status === 'departed').map((x) => x.personId);
      const id = this.ids.next();
      await insertStop(tx, stopRow(id, movementId, 'lodging', input.facilityId, null, input.reason, persons, now, actor.userId));
      await updateMovement(tx, movementId, { status: 'lodged' });
      await this.audit.record(tx, actor, {
        action: 'transfers.lodge',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { stopId: id, facilityId: input.facilityId, reason: input.reason, persons: persons.length },
      });
      this.outbox.emit(
        tx,
        PersonsLodged,
        { movementId, stopId: id, code: m.code, facilityId: input.facilityId, personIds: persons, reason: input.reason },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId, input.facilityId], personIds: persons } },
      );
    });
    return this.transfers.manifest(actor, movementId, { limit: 0, offset: 0 }).then((r) => r.movement);
  }

  /** The lodged persons collected and the movement on its way; anyone left behind is named, with the reason. */
  async collect(actor: Actor, movementId: string, input: { personIds?: string[]; reason?: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'collect the lodged persons');
      const stop = await openLodging(tx, movementId);
      const lodged = stop?.personIds ?? [];
      const collected = input.personIds ?? lodged;
      const { left } = checkCollect(m, lodged, collected);
      if (left.length > 0 && !input.reason) {
        throw new ConflictError('transfers.reason_required', `${left.length} lodged person(s) not collected: give the reason`, { left });
      }
      const now = this.clock.now();
      await endStop(tx, stop!.id, { endedAt: now, endedBy: actor.userId });
      await setMoves(tx, movementId, left, { reason: `left at lodging: ${input.reason ?? ''}`.slice(0, 300), updatedAt: now });
      await updateMovement(tx, movementId, { status: 'departed' });
      await this.audit.record(tx, actor, {
        action: 'transfers.collect',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { stopId: stop!.id, collected: collected.length, left, reason: input.reason ?? null },
      });
      this.outbox.emit(
        tx,
        PersonsCollected,
        { movementId, stopId: stop!.id, code: m.code, facilityId: stop!.facilityId, personIds: [...collected], left },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId, stop!.facilityId], personIds: lodged } },
      );
    });
    return this.transfers.manifest(actor, movementId, { limit: 0, offset: 0 }).then((r) => r.movement);
  }

  async stops(actor: Actor, movementId: string): Promise<StopView[]> {
    requirePermission(actor, 'transfers.read');
    await this.visible(this.db, actor, movementId);
    return this.stopViews(await stopsOf(this.db, movementId));
  }

  // ---- the in-transit timer ------------------------------------------------------------------------------------------

  /**
   * One pass of the timer at `now`: every movement still in transit (departed or lodged) past its limit raises
   * TransitOverdue once (the alerts consumer makes it a critical alert). The deadline is departed_at plus the limit,
   * both in the database, so a restart loses nothing; an arrival in time stops the clock (status arrived).
   */
  async tick(now: Date = this.clock.now()): Promise<{ at: Date; alerted: number }> {
    while (this.ticking) await this.ticking.catch(() => undefined);
    this.ticking = this.runTick(now);
    try {
      return await this.ticking;
    } finally {
      this.ticking = undefined;
    }
  }

  private async runTick(now: Date): Promise<{ at: Date; alerted: number }> {
    let alerted = 0;
    for (const { id } of await overdueMovements(this.db, now)) {
      alerted += await this.outbox.transaction(async (tx) => {
        const m = await lockMovement(tx, id);
        if (!m || !m.departedAt || m.transitAlertedAt || !(TRANSIT_STATUSES as readonly string[]).includes(m.status)) return 0;
        if (!transitOverdue(m.departedAt, m.transitLimitMinutes, now)) return 0;
        const persons = (await movesOf(tx, id)).filter((x) => x.status === 'departed').map((x) => x.personId);
        await updateMovement(tx, id, { transitAlertedAt: now });
        await this.audit.record(tx, systemActor('transfers transit timer'), {
          action: 'transfers.transit_overdue',
          subjectType: 'transfer_movement',
          subjectId: id,
          details: { departedAt: m.departedAt.toISOString(), limitMinutes: m.transitLimitMinutes, persons: persons.length },
        });
        this.outbox.emit(
          tx,
          TransitOverdue,
          {
            movementId: id,
            code: m.code,
            status: m.status,
            fromFacilityId: m.fromFacilityId,
            toFacilityId: m.toFacilityId,
            departedAt: m.departedAt.toISOString(),
            dueAt: transitDueAt(m.departedAt, m.transitLimitMinutes).toISOString(),
            limitMinutes: m.transitLimitMinutes,
            persons: persons.length,
          },
          { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: persons } },
        );
        return 1;
      });
    }
    return { at: now, alerted };
  }

  start(opts: { intervalMs?: number } = {}): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.logger.error({ err }, 'transfers transit timer failed'));
    }, opts.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  // ---- the printable page for the receiving authority ----------------------------------------------------------------

  /** The manifest, counts, stops, both signatures with their public keys and the handover's fingerprint; audited. */
  async printable(actor: Actor, movementId: string): Promise<PrintableView> {
    requirePermission(actor, 'transfers.read');
    const manifest = await this.transfers.manifest(actor, movementId, { limit: 5000, offset: 0 });
    const m = (await findMovement(this.db, movementId))!;
    const op = await findOperation(this.db, m.operationId);
    const doc = await this.transfers.handover(actor, movementId);
    const checks = await checksOf(this.db, movementId);
    const off = new Set(checks.filter((c) => c.decision === 'confirmed').map((c) => c.personId));
    const labels = await facilityLabels(this.db, [m.fromFacilityId, m.toFacilityId, ...(m.divertedFrom ? [m.divertedFrom] : [])]);
    const label = (id: string) => ({ code: labels.get(id)?.code ?? null, name: labels.get(id)?.name ?? null });
    const extraNames = await namesOf(this.db, m.extra);
    const side = (s: SignedPart | null) =>
      s
        ? {
            signer: s.part.signer,
            signedAt: s.part.signedAt,
            publicKey: s.publicKey,
            signature: s.signature,
            ledgerHead: s.part.ledgerHead,
            countOn: s.part.countOn,
            countOff: s.part.countOff,
          }
        : null;
    return {
      operation: { id: m.operationId, name: op?.name ?? '' },
      movement: manifest.movement,
      from: label(m.fromFacilityId),
      to: label(m.toFacilityId),
      divertedFrom: m.divertedFrom ? label(m.divertedFrom) : null,
      manifest: manifest.moves.map((x) => ({
        personId: x.personId,
        name: x.name,
        status: x.status,
        boardingCheck: x.overrideReason ? ('override' as const) : x.verificationId ? ('verified' as const) : ('none' as const),
        identifiedOff: off.has(x.personId),
      })),
      total: manifest.total,
      counts: { on: m.countOn, off: m.countOff, missing: m.missing.length, extra: m.extra.length },
      extra: m.extra.map((p) => ({ personId: p, name: extraNames.get(p) ?? null })),
      stops: await this.stopViews(await stopsOf(this.db, movementId)),
      sender: side(doc.sender),
      receiver: side(doc.receiver),
      handoverSha256: sha256Hex(canonicalJson(doc)),
      handover: doc,
      generatedAt: this.clock.now(),
      generatedBy: actor.username,
    };
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  private async checkViews(db: Db, rows: readonly ArrivalCheckRow[], confirmed: ReadonlySet<string | null>): Promise<CheckView[]> {
    const names = await namesOf(db, [...new Set(rows.flatMap((r) => [r.candidatePersonId, r.personId]).filter((x): x is string => !!x))]);
    const codes = await movementCodes(
      db,
      rows.map((r) => r.otherMovementId).filter((x): x is string => !!x),
    );
    return rows.map((r) => ({
      id: r.id,
      identificationId: r.identificationId,
      modality: r.modality as 'face' | 'fingerprint',
      outcome: r.outcome as CheckView['outcome'],
      candidate: r.candidatePersonId ? { personId: r.candidatePersonId, name: names.get(r.candidatePersonId) ?? null, score: r.candidateScore } : null,
      otherMovement: r.otherMovementId ? { id: r.otherMovementId, code: codes.get(r.otherMovementId) ?? null } : null,
      alreadyIdentified: !r.decision && !!r.candidatePersonId && confirmed.has(r.candidatePersonId),
      decision: (r.decision as CheckView['decision']) ?? null,
      person: r.personId ? { personId: r.personId, name: names.get(r.personId) ?? null } : null,
      reason: r.reason,
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
    }));
  }

  private async stopViews(rows: readonly StopRow[]): Promise<StopView[]> {
    const labels = await facilityLabels(
      this.db,
      rows.map((r) => r.facilityId),
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as StopView['kind'],
      facility: { id: r.facilityId, code: labels.get(r.facilityId)?.code ?? null, name: labels.get(r.facilityId)?.name ?? null },
      previousFacilityId: r.previousFacilityId,
      reason: r.reason,
      persons: r.personIds.length,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
    }));
  }

  private requireArriving(m: MovementRow): void {
    if (m.status !== 'departed') {
      throw new ConflictError(
        'transfers.not_arriving',
        m.status === 'lodged'
          ? `Movement ${m.code} is lodged on the way; collect it before identifying arrivals`
          : `Movement ${m.code} is ${m.status}; persons are identified off a movement that departed and whose count is not closed`,
        { status: m.status },
      );
    }
  }

  private async visible(db: Db, actor: Actor, movementId: string): Promise<MovementRow> {
    const m = await findMovement(db, movementId);
    return movementInScope(actor, movementId, m);
  }

  private async lockVisible(tx: Db, actor: Actor, movementId: string): Promise<MovementRow> {
    return movementInScope(actor, movementId, await lockMovement(tx, movementId));
  }
}

function stopRow(
  id: string,
  movementId: string,
  kind: 'diversion' | 'lodging',
  facilityId: string,
  previousFacilityId: string | null,
  reason: string,
  personIds: string[],
  at: Date,
  by: string | null,
): StopRow {
  return { id, movementId, kind, facilityId, previousFacilityId, reason, personIds, startedAt: at, startedBy: by, endedAt: null, endedBy: null };
}
