import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { csvLines } from '../../platform/csv';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { canSeeFacility, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { countArrival, effectiveCapacity, nextMoveStatus, type MoveCommand, type MoveStatus } from './transfers.domain';
import type { BoardInput, CreateMovementInput, PlanInput } from './transfers.dto';
import { ArrivalCounted, HandoverSigned, MovementApproved, MovementDeparted } from './transfers.events';
import { planManifests, type PlanPerson } from './transfers.planner';
import type { TransfersPorts } from './transfers.ports';
import {
  candidates,
  findMovement,
  findOperation,
  insertMovement,
  insertMoves,
  insertOperation,
  insertUnplaced,
  listOperations,
  liveMoves,
  lockMovement,
  moveCounts,
  movementsOf,
  movesOf,
  namesOf,
  placementsOf,
  publicKeyOf,
  savePublicKey,
  setMoves,
  unplacedPage,
  updateMovement,
  type MovementRow,
  type MoveRow,
  type OperationRow,
} from './transfers.repository';
import { diversionOf } from './transfers.arrival.domain';
import { confirmedOff } from './transfers.arrival.repository';
import { insertResolution } from './transfers.disputes.repository';
import { DiscrepancyResolved } from './transfers.disputes.events';
import { movementInScope, requireCustodian } from './transfers.policy';
import { manifestHash, newKeyPair, signPart, type HandoverDocument, type HandoverPart, type SignedPart } from './transfers.signatures';

/** How many of a plan's unplaced persons its answer carries (the rest page by page). */
export const PLAN_UNPLACED_FIRST_PAGE = 1000;
/** Roles that may override a failed or skipped biometric check at the door. */
const SUPERVISOR_ROLES = ['admin', 'commander'];

/**
 * Each signer's Ed25519 key: the private key in the data folder (0600) or, without one (tests), in this process only;
 * the public key in the database, exported with every signed handover.
 */
class SigningKeys {
  private readonly memory = new Map<string, string>();
  constructor(private readonly dataDir: string | undefined) {}

  async privateKey(db: Db, signer: string, now: Date): Promise<string> {
    const file = this.dataDir ? join(this.dataDir, 'signing-keys', `${signer}.pem`) : null;
    let pem = this.memory.get(signer) ?? (file && existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    const stored = await publicKeyOf(db, signer);
    if (!pem || !stored) {
      const pair = newKeyPair();
      pem = pair.privateKeyPem;
      if (file) {
        mkdirSync(join(this.dataDir!, 'signing-keys'), { recursive: true, mode: 0o700 });
        writeFileSync(file, pem, { mode: 0o600 });
      }
      await savePublicKey(db, signer, pair.publicKeyPem, now);
    }
    this.memory.set(signer, pem);
    return pem;
  }
}

export class TransfersService {
  private readonly keys: SigningKeys;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: TransfersPorts,
    dataDir?: string,
  ) {
    this.keys = new SigningKeys(dataDir);
  }

  // ---- operations and movements ------------------------------------------------------------------------------------

  async createOperation(actor: Actor, input: { name: string }) {
    requirePermission(actor, 'transfers.plan');
    const row: OperationRow = { id: this.ids.next(), name: input.name, createdAt: this.clock.now(), createdBy: actor.userId };
    await this.outbox.transaction(async (tx) => {
      await insertOperation(tx, row);
      await this.audit.record(tx, actor, {
        action: 'transfers.operation_create',
        subjectType: 'transfer_operation',
        subjectId: row.id,
        details: { name: row.name },
      });
    });
    return this.operation(actor, row.id);
  }

  async listOperations(actor: Actor, page: { limit: number; offset: number }) {
    requirePermission(actor, 'transfers.read');
    const { total, rows } = await listOperations(this.db, page);
    return { total, rows: await Promise.all(rows.map((r) => this.operation(actor, r.id))) };
  }

  /** The operation's dashboard: movements, persons by move status, discrepancies. */
  async operation(actor: Actor, id: string) {
    requirePermission(actor, 'transfers.read');
    const op = await findOperation(this.db, id);
    if (!op) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${id}`);
    const movements = await movementsOf(this.db, id);
    const counts = await moveCounts(
      this.db,
      movements.map((m) => m.id),
    );
    const byStatus: Record<string, number> = {};
    let persons = 0;
    for (const c of counts.values()) {
      for (const [s, n] of Object.entries(c)) {
        byStatus[s] = (byStatus[s] ?? 0) + n;
        persons += n;
      }
    }
    return {
      id: op.id,
      name: op.name,
      createdAt: op.createdAt,
      movements: movements.length,
      persons,
      byStatus,
      discrepancies: movements.filter((m) => m.missing.length + m.extra.length > 0).length,
    };
  }

  async movements(actor: Actor, operationId: string) {
    requirePermission(actor, 'transfers.read');
    if (!(await findOperation(this.db, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
    const rows = (await movementsOf(this.db, operationId)).filter((m) => canSeeFacility(actor, m.fromFacilityId) || canSeeFacility(actor, m.toFacilityId));
    const counts = await moveCounts(
      this.db,
      rows.map((m) => m.id),
    );
    return rows.map((m) => movementView(m, counts.get(m.id) ?? {}));
  }

  async createMovement(actor: Actor, operationId: string, input: CreateMovementInput) {
    requirePermission(actor, 'transfers.plan');
    if (!(await findOperation(this.db, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
    requireFacility(actor, input.fromFacilityId);
    if (input.fromFacilityId === input.toFacilityId) throw new ValidationError('transfers.same_facility', 'A movement must go to another facility');
    if (input.departsAt && input.arrivesAt && new Date(input.arrivesAt) <= new Date(input.departsAt)) {
      throw new ValidationError('transfers.arrives_before_departure', 'arrivesAt must be after departsAt');
    }
    const row = await this.outbox.transaction(async (tx) => {
      if (!(await findOperation(tx, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
      await this.ports.facilities.require(tx, input.fromFacilityId);
      await this.ports.facilities.require(tx, input.toFacilityId);
      const row: MovementRow = {
        id: this.ids.next(),
        operationId,
        code: input.code,
        kind: input.kind,
        carrier: input.carrier ?? null,
        vehicle: input.vehicle ?? null,
        capacity: input.capacity,
        escorts: input.escorts,
        escortRatio: input.escortRatio ?? null,
        fromFacilityId: input.fromFacilityId,
        toFacilityId: input.toFacilityId,
        departsAt: input.departsAt ? new Date(input.departsAt) : null,
        arrivesAt: input.arrivesAt ? new Date(input.arrivesAt) : null,
        transitLimitMinutes: input.transitLimitMinutes,
        status: 'planned',
        approvedAt: null,
        approvedBy: null,
        departedAt: null,
        arrivedAt: null,
        countOn: null,
        countOff: null,
        missing: [],
        extra: [],
        manifestHash: null,
        senderSignature: null,
        receiverSignature: null,
        divertedFrom: null,
        transitAlertedAt: null,
        createdAt: this.clock.now(),
      };
      if ((await movementsOf(tx, operationId)).some((m) => m.code === input.code)) {
        throw new ConflictError('transfers.duplicate_code', `The operation already has a movement ${input.code}`);
      }
      await insertMovement(tx, row);
      await this.audit.record(tx, actor, {
        action: 'transfers.movement_create',
        subjectType: 'transfer_movement',
        subjectId: row.id,
        details: { operationId, code: row.code },
      });
      return row;
    });
    return movementView(row, {});
  }

  async manifest(actor: Actor, movementId: string, page: { limit: number; offset: number } = { limit: 500, offset: 0 }) {
    requirePermission(actor, 'transfers.read');
    const m = await this.visibleMovement(actor, movementId);
    const moves = await movesOf(this.db, movementId);
    const names = await namesOf(
      this.db,
      moves.map((x) => x.personId),
    );
    const counts = countsOf(moves);
    const rows = moves.slice(page.offset, page.offset + page.limit).map((x) => moveView(x, names.get(x.personId) ?? null));
    // in a transaction: the audit head's row lock holds only there (on a pooled server two readers outside one would
    // take the same next seq)
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: 'transfers.manifest_read',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { purpose: actor.purpose, persons: rows.length },
      }),
    );
    return { movement: movementView(m, counts), total: moves.length, moves: rows };
  }

  // ---- planning --------------------------------------------------------------------------------------------------

  /** Proposes manifests for the operation's planned movements from one departure facility (see planManifests). */
  async plan(actor: Actor, operationId: string, input: PlanInput) {
    requirePermission(actor, 'transfers.plan');
    return this.outbox.transaction(async (tx) => {
      if (!(await findOperation(tx, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
      const all = await movementsOf(tx, operationId);
      const from = input.criteria.facilityId ?? all.find((m) => m.status === 'planned')?.fromFacilityId;
      if (!from) throw new ConflictError('transfers.nothing_to_plan', 'The operation has no planned movement to fill');
      requireFacility(actor, from);
      const movements = all.filter((m) => m.status === 'planned' && m.fromFacilityId === from);
      if (movements.length === 0) throw new ConflictError('transfers.nothing_to_plan', 'No planned movement leaves from that facility');
      const counts = await moveCounts(
        tx,
        movements.map((m) => m.id),
      );
      const found = await candidates(tx, { facilityId: from, nationality: input.criteria.nationality, personIds: input.criteria.personIds });
      const live = await liveMoves(
        tx,
        found.map((c) => c.personId),
      );
      const holds = new Map(input.holds.map((h) => [h.personId, h.reason]));
      const persons: PlanPerson[] = found.map((c) => ({
        id: c.personId,
        custodyStatus: c.status,
        hold: holds.get(c.personId) ?? null,
        onMovementId: live.get(c.personId)?.movementId ?? null,
      }));
      const taken = (id: string) => {
        const c = counts.get(id) ?? {};
        return Object.entries(c)
          .filter(([s]) => s !== 'cancelled')
          .reduce((n, [, k]) => n + k, 0);
      };
      const plan = planManifests(
        persons,
        // each movement's places with the plan's escort ratio, or the movement's own when the plan gives none
        movements.map((m) => ({
          id: m.id,
          capacity: effectiveCapacity(m.capacity, m.escorts, input.constraints.escortRatio ?? m.escortRatio),
          escorts: m.escorts,
          taken: taken(m.id),
        })),
        { ...input.constraints, escortRatio: null },
      );
      const now = this.clock.now();
      const rows: MoveRow[] = [];
      for (const [movementId, personIds] of plan.manifests) {
        for (const personId of personIds) rows.push(emptyMove(movementId, personId, now));
      }
      await insertMoves(tx, rows);
      const planId = this.ids.next();
      await insertUnplaced(
        tx,
        plan.unplaced.map((u, ordinal) => ({
          planId,
          operationId,
          fromFacilityId: from,
          ordinal,
          personId: u.personId,
          reason: u.reason,
          detail: u.detail,
          plannedAt: now,
        })),
      );
      await this.audit.record(tx, actor, {
        action: 'transfers.plan',
        subjectType: 'transfer_operation',
        subjectId: operationId,
        details: { planId, fromFacilityId: from, placed: rows.length, unplaced: plan.unplaced.length, holds: input.holds.length },
      });
      return {
        placed: rows.length,
        manifests: movements.map((m) => ({
          movementId: m.id,
          code: m.code,
          added: plan.manifests.get(m.id)?.length ?? 0,
          total: taken(m.id) + (plan.manifests.get(m.id)?.length ?? 0),
          capacity: effectiveCapacity(m.capacity, m.escorts, input.constraints.escortRatio ?? m.escortRatio),
        })),
        planId,
        // the first page; all of them through unplaced() (GET /transfers/operations/:id/plans/:planId/unplaced)
        unplaced: plan.unplaced.slice(0, PLAN_UNPLACED_FIRST_PAGE),
        unplacedTotal: plan.unplaced.length,
      };
    });
  }

  /** A page of the persons a plan of this operation could not place, with the reason, and how many there are. */
  async unplaced(actor: Actor, operationId: string, planId: string, page: { limit: number; offset: number }) {
    requirePermission(actor, 'transfers.plan');
    if (!(await findOperation(this.db, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
    const { total, rows } = await unplacedPage(this.db, operationId, planId, page);
    const first = rows[0] ?? (total > 0 ? (await unplacedPage(this.db, operationId, planId, { limit: 1, offset: 0 })).rows[0] : undefined);
    if (first) requireFacility(actor, first.fromFacilityId);
    return { total, rows: rows.map((r) => ({ personId: r.personId, reason: r.reason, detail: r.detail })) };
  }

  /** Puts one person on a movement's manifest (proposed; approved at once when the manifest already is). */
  async addPerson(actor: Actor, movementId: string, personId: string) {
    requirePermission(actor, 'transfers.plan');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      if (m.status !== 'planned' && m.status !== 'approved') {
        throw new ConflictError('transfers.movement_closed', `Movement ${m.code} is ${m.status}; its manifest can no longer change`);
      }
      const placement = (await placementsOf(tx, [personId])).get(personId);
      if (!placement) throw new NotFoundError('registry.person_not_found', `No person ${personId} in custody`);
      const live = (await liveMoves(tx, [personId])).get(personId);
      if (live) {
        throw new ConflictError(
          'transfers.already_on_movement',
          ['departed', 'arrived', 'disputed'].includes(live.status)
            ? 'This person is already in transit on another movement'
            : 'This person is already on the manifest of a movement',
          { movementId: live.movementId, status: live.status },
        );
      }
      if (placement.status === 'in_transit') throw new ConflictError('transfers.already_in_transit', 'This person is already in transit');
      if (placement.status !== 'in_custody' || placement.facilityId !== m.fromFacilityId) {
        throw new ConflictError(
          'transfers.not_at_departure',
          `This person is not in custody at the movement's departure facility (status ${placement.status})`,
        );
      }
      const moves = await movesOf(tx, movementId);
      const onBoard = moves.filter((x) => x.status !== 'cancelled').length;
      const cap = effectiveCapacity(m.capacity, m.escorts, m.escortRatio);
      if (onBoard >= cap) {
        throw new ConflictError('transfers.over_capacity', `Movement ${m.code} is full: ${onBoard} of ${cap} places (seats and escorts)`, { capacity: cap });
      }
      const existing = moves.find((x) => x.personId === personId);
      const status: MoveStatus = m.status === 'approved' ? 'approved' : 'proposed';
      // joining an approved manifest approves the move: the best-interests step is judged with those already on it
      if (status === 'approved') await this.requireBestInterests(tx, m, [...moves.filter((x) => x.status === 'approved').map((x) => x.personId), personId]);
      if (existing) await setMoves(tx, movementId, [personId], { status, reason: null, updatedAt: this.clock.now() });
      else await insertMoves(tx, [{ ...emptyMove(movementId, personId, this.clock.now()), status }]);
      await this.audit.record(tx, actor, {
        action: 'transfers.manifest_add',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { personId, afterApproval: m.status === 'approved' },
      });
    });
    return this.manifest(actor, movementId, { limit: 0, offset: 0 }).then((r) => r.movement);
  }

  /** An officer approves the manifest: every proposed move becomes approved. */
  async approve(actor: Actor, movementId: string) {
    requirePermission(actor, 'transfers.plan');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      if (m.status !== 'planned') throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}, not planned`);
      const moves = await movesOf(tx, movementId);
      const proposed = this.applyAll(moves, 'approve', (x) => x.status === 'proposed');
      if (proposed.length === 0) throw new ConflictError('transfers.empty_manifest', `Movement ${m.code} has nobody on its manifest`);
      await this.requireBestInterests(tx, m, proposed);
      const now = this.clock.now();
      await setMoves(tx, movementId, proposed, { status: 'approved', updatedAt: now });
      await updateMovement(tx, movementId, { status: 'approved', approvedAt: now, approvedBy: actor.userId });
      await this.audit.record(tx, actor, {
        action: 'transfers.approve',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { persons: proposed.length },
      });
      this.outbox.emit(
        tx,
        MovementApproved,
        { movementId, operationId: m.operationId, persons: proposed.length, approvedBy: actor.userId },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: proposed } },
      );
    });
    return this.movementOf(movementId);
  }

  /**
   * The manifest is judged whole, before anything is written: a family on it together passes; a child whose carer it
   * takes away (or a child it takes from the carer) needs a best-interests determination for that mover and destination.
   */
  private async requireBestInterests(tx: Db, m: MovementRow, personIds: readonly string[]): Promise<void> {
    if (!this.ports.bestInterests) return;
    await this.ports.bestInterests(
      tx,
      personIds.map((personId) => ({ personId, fromFacilityId: m.fromFacilityId, toFacilityId: m.toFacilityId })),
    );
  }

  async cancelMove(actor: Actor, movementId: string, personId: string, reason: string) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      await this.lockVisible(tx, actor, movementId);
      const move = await this.requireMove(tx, movementId, personId);
      nextMoveStatus(move.status as MoveStatus, 'cancel');
      await setMoves(tx, movementId, [personId], { status: 'cancelled', reason, updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, {
        action: 'transfers.cancel',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { personId, reason, from: move.status },
      });
    });
    return this.movementOf(movementId);
  }

  // ---- the gate at departure -------------------------------------------------------------------------------------

  /**
   * Boards one person: a passed 1:1 verification of that person (cited by id), or a supervisor's override with a
   * reason. The movement's count on is returned live.
   */
  async board(actor: Actor, movementId: string, input: BoardInput) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'board');
      if (m.status !== 'approved') throw new ConflictError('transfers.not_boarding', `Movement ${m.code} is ${m.status}; boarding needs an approved manifest`);
      const move = await this.requireMove(tx, movementId, input.personId);
      nextMoveStatus(move.status as MoveStatus, 'board');
      const now = this.clock.now();
      let verificationId: string | null = null;
      let overrideReason: string | null = null;
      if ('verificationId' in input) {
        const problem = await this.ports.citedVerificationProblem(tx, input.verificationId, { personId: input.personId, at: now });
        if (problem) {
          throw new ValidationError(
            'transfers.verification_not_valid',
            `The verification cannot board this person: ${problem}; a supervisor may override with a reason`,
            {
              verificationId: input.verificationId,
            },
          );
        }
        verificationId = input.verificationId;
      } else {
        if (!SUPERVISOR_ROLES.includes(actor.role)) {
          throw new ForbiddenError('transfers.override_needs_supervisor', 'Only a supervisor (commander) may board a person without a passed verification');
        }
        overrideReason = input.override.reason;
        verificationId = input.override.verificationId ?? null;
      }
      await setMoves(tx, movementId, [input.personId], {
        status: 'boarded',
        verificationId,
        overrideReason,
        overrideBy: overrideReason ? actor.userId : null,
        boardedAt: now,
        updatedAt: now,
      });
      await this.audit.record(tx, actor, {
        action: overrideReason ? 'transfers.board_override' : 'transfers.board',
        subjectType: 'person',
        subjectId: input.personId,
        details: { movementId, verificationId, overrideReason },
      });
    });
    return this.movementOf(movementId);
  }

  async unboard(actor: Actor, movementId: string, personId: string, reason: string) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'unboard');
      const move = await this.requireMove(tx, movementId, personId);
      nextMoveStatus(move.status as MoveStatus, 'unboard');
      await setMoves(tx, movementId, [personId], {
        status: 'approved',
        boardedAt: null,
        verificationId: null,
        overrideReason: null,
        reason,
        updatedAt: this.clock.now(),
      });
      await this.audit.record(tx, actor, { action: 'transfers.unboard', subjectType: 'person', subjectId: personId, details: { movementId, reason } });
    });
    return this.movementOf(movementId);
  }

  /**
   * The doors close: boarded persons depart (TRANSFER_DEPARTED on the ledger, custody still the sender's), those who
   * did not board are cancelled with the reason, and the sending custodian signs the departure part of the handover.
   */
  async depart(actor: Actor, movementId: string) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.fromFacilityId, 'sign the departure');
      if (m.status !== 'approved')
        throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}; only an approved movement departs`);
      const moves = await movesOf(tx, movementId);
      const boarded = this.applyAll(moves, 'depart', (x) => x.status === 'boarded');
      if (boarded.length === 0) throw new ConflictError('transfers.nobody_boarded', `Nobody has boarded movement ${m.code}`);
      const notBoarded = moves.filter((x) => x.status === 'approved').map((x) => x.personId);
      const now = this.clock.now();
      const events = await this.ports.ledger.appendManyIn(
        tx,
        actor,
        boarded.map((personId) => ({
          personId,
          type: 'TRANSFER_DEPARTED' as const,
          facilityId: m.toFacilityId,
          authority: `transfer ${m.code}`,
          evidence: { movementId, verificationId: moves.find((x) => x.personId === personId)?.verificationId ?? null },
        })),
        { auditAction: 'transfers.depart_ledger', context: { movementId } },
      );
      const last = events[events.length - 1]!;
      const hash = manifestHash(movementId, boarded);
      const part: HandoverPart = {
        movementId,
        operationId: m.operationId,
        manifestHash: hash,
        personIds: [...boarded].sort(),
        countOn: boarded.length,
        countOff: null,
        missing: [],
        extra: [],
        fromFacilityId: m.fromFacilityId,
        toFacilityId: m.toFacilityId,
        ledgerHead: `${last.siteId}:${last.seq}:${last.hash}`,
        role: 'sender',
        signedAt: now.toISOString(),
        signer: { userId: actor.userId ?? 'system', username: actor.username, facilityId: m.fromFacilityId },
      };
      const signed = signPart(part, await this.keys.privateKey(tx, actor.userId ?? 'system', now));
      await setMoves(tx, movementId, boarded, { status: 'departed', updatedAt: now });
      await setMoves(tx, movementId, notBoarded, { status: 'cancelled', reason: 'did not board', updatedAt: now });
      await updateMovement(tx, movementId, { status: 'departed', departedAt: now, countOn: boarded.length, manifestHash: hash, senderSignature: signed });
      await this.audit.record(tx, actor, {
        action: 'transfers.depart',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { countOn: boarded.length, notBoarded: notBoarded.length, manifestHash: hash },
      });
      this.outbox.emit(
        tx,
        MovementDeparted,
        { movementId, code: m.code, fromFacilityId: m.fromFacilityId, toFacilityId: m.toFacilityId, countOn: boarded.length },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: boarded } },
      );
    });
    return this.movementOf(movementId);
  }

  // ---- arrival and receipt ---------------------------------------------------------------------------------------

  /**
   * Count off against count on: the persons identified off the movement. Found ones arrive, missing ones are
   * disputed, extra ones are named; any difference is a CountDiscrepancy (the alerts consumer raises it, critical).
   * Custody stays with the sender until the receipt is signed.
   */
  async arrive(actor: Actor, movementId: string, identified?: readonly string[]) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.toFacilityId, 'count the arrival');
      if (m.status !== 'departed')
        throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}; only a departed movement arrives`);
      const moves = await movesOf(tx, movementId);
      const departed = moves.filter((x) => x.status === 'departed').map((x) => x.personId);
      // without a list: those the arrival screen's officers confirmed, one by one (transfers.arrival.service.ts)
      const count = countArrival(departed, identified ?? (await confirmedOff(tx, movementId)));
      const known = await placementsOf(tx, count.extra);
      const unknown = count.extra.find((p) => !known.has(p));
      if (unknown) throw new NotFoundError('registry.person_not_found', `No person ${unknown}`);
      const found = departed.filter((p) => !count.missing.includes(p));
      const now = this.clock.now();
      await setMoves(tx, movementId, found, { status: nextMoveStatus('departed', 'arrive'), updatedAt: now });
      await setMoves(tx, movementId, count.missing, { status: nextMoveStatus('departed', 'dispute'), reason: 'not identified at arrival', updatedAt: now });
      await updateMovement(tx, movementId, { status: 'arrived', arrivedAt: now, countOff: count.off, missing: count.missing, extra: count.extra });
      const names = await namesOf(tx, [...count.missing, ...count.extra]);
      await this.audit.record(tx, actor, {
        action: 'transfers.arrive',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { countOn: count.on, countOff: count.off, missing: count.missing, extra: count.extra },
      });
      this.outbox.emit(
        tx,
        ArrivalCounted,
        {
          movementId,
          code: m.code,
          toFacilityId: m.toFacilityId,
          countOn: count.on,
          countOff: count.off,
          missing: count.missing,
          extra: count.extra,
          names: Object.fromEntries(names),
        },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: [...count.missing, ...count.extra] } },
      );
    });
    return this.movementOf(movementId);
  }

  /**
   * The receiving custodian signs the receipt for the manifest they were handed (its hash must be this movement's):
   * the persons identified at arrival are received (TRANSFER_ARRIVED: custody passes) and completed; a receipt with
   * missing or extra persons makes the handover disputed, and the missing stay in transit in the sender's custody.
   */
  async receipt(actor: Actor, movementId: string, input: { manifestHash: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.toFacilityId, 'sign the receipt');
      if (m.status !== 'arrived')
        throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}; a receipt follows the arrival count`);
      if (input.manifestHash !== m.manifestHash) {
        throw new ConflictError('transfers.receipt_other_manifest', 'The receipt names another manifest than the one that departed on this movement', {
          expected: m.manifestHash,
        });
      }
      const moves = await movesOf(tx, movementId);
      const arrived = this.applyAll(moves, 'receive', (x) => x.status === 'arrived');
      const now = this.clock.now();
      const events = await this.ports.ledger.appendManyIn(
        tx,
        actor,
        arrived.map((personId) => ({
          personId,
          type: 'TRANSFER_ARRIVED' as const,
          facilityId: m.toFacilityId,
          authority: `transfer ${m.code}`,
          ...diversionOf(m),
          evidence: { movementId, ...(m.divertedFrom ? { divertedFrom: m.divertedFrom } : {}) },
        })),
        { auditAction: 'transfers.receive_ledger', context: { movementId } },
      );
      const last = events[events.length - 1];
      const sender = m.senderSignature as SignedPart;
      const disputed = m.missing.length + m.extra.length > 0;
      const part: HandoverPart = {
        ...sender.part,
        countOff: m.countOff,
        missing: m.missing,
        extra: m.extra,
        ledgerHead: last ? `${last.siteId}:${last.seq}:${last.hash}` : sender.part.ledgerHead,
        role: 'receiver',
        signedAt: now.toISOString(),
        signer: { userId: actor.userId ?? 'system', username: actor.username, facilityId: m.toFacilityId },
      };
      const signed = signPart(part, await this.keys.privateKey(tx, actor.userId ?? 'system', now));
      await setMoves(tx, movementId, arrived, { status: 'completed', updatedAt: now });
      await updateMovement(tx, movementId, { status: disputed ? 'disputed' : 'received', receiverSignature: signed });
      await this.audit.record(tx, actor, {
        action: 'transfers.receipt',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { received: arrived.length, disputed, manifestHash: m.manifestHash },
      });
      this.outbox.emit(
        tx,
        HandoverSigned,
        { movementId, received: arrived.length, disputed },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: arrived } },
      );
    });
    return this.movementOf(movementId);
  }

  /** A disputed person found and identified at the destination: received there (TRANSFER_ARRIVED), with the reason. */
  async resolve(actor: Actor, movementId: string, input: { personId: string; verificationId?: string; reason: string }) {
    requirePermission(actor, 'transfers.run');
    await this.outbox.transaction(async (tx) => {
      const m = await this.lockVisible(tx, actor, movementId);
      requireCustodian(actor, m.toFacilityId, 'resolve a discrepancy');
      if (!m.receiverSignature) throw new ConflictError('transfers.receipt_first', 'Sign the receipt for those who arrived before resolving the missing');
      const move = await this.requireMove(tx, movementId, input.personId);
      nextMoveStatus(nextMoveStatus(move.status as MoveStatus, 'resolve'), 'receive');
      if (input.verificationId) {
        const problem = await this.ports.citedVerificationProblem(tx, input.verificationId, { personId: input.personId, at: this.clock.now() });
        if (problem) throw new ValidationError('transfers.verification_not_valid', `The verification does not identify this person: ${problem}`);
      }
      await this.ports.ledger.appendManyIn(
        tx,
        actor,
        [
          {
            personId: input.personId,
            type: 'TRANSFER_ARRIVED',
            facilityId: m.toFacilityId,
            authority: `transfer ${m.code}`,
            reason: (m.divertedFrom ? `diverted; ${input.reason}` : input.reason).slice(0, 200),
            evidence: { movementId, ...(m.divertedFrom ? { divertedFrom: m.divertedFrom } : {}) },
          },
        ],
        { auditAction: 'transfers.resolve_ledger', context: { movementId } },
      );
      const now = this.clock.now();
      await setMoves(tx, movementId, [input.personId], {
        status: 'completed',
        reason: input.reason,
        verificationId: input.verificationId ?? move.verificationId,
        updatedAt: now,
      });
      const missing = m.missing.filter((p) => p !== input.personId);
      await updateMovement(tx, movementId, { missing, status: missing.length + m.extra.length === 0 ? 'received' : 'disputed' });
      await insertResolution(tx, {
        id: this.ids.next(),
        movementId,
        personId: input.personId,
        side: 'missing',
        kind: 'found',
        otherMovementId: null,
        reason: input.reason,
        verificationId: input.verificationId ?? null,
        resolvedBy: actor.userId,
        resolvedAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'transfers.resolve',
        subjectType: 'person',
        subjectId: input.personId,
        details: { movementId, reason: input.reason, kind: 'found' },
      });
      this.outbox.emit(
        tx,
        DiscrepancyResolved,
        {
          movementId,
          code: m.code,
          personId: input.personId,
          side: 'missing',
          kind: 'found',
          otherMovementId: null,
          reason: input.reason,
          cleared: missing.length + m.extra.length === 0,
        },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: [input.personId] } },
      );
    });
    return this.movementOf(movementId);
  }

  // ---- exports -----------------------------------------------------------------------------------------------------

  /** The signed handover as a document anyone can verify offline (`custos transfer verify FILE`). */
  async handover(actor: Actor, movementId: string): Promise<HandoverDocument> {
    requirePermission(actor, 'transfers.read');
    const m = await this.visibleMovement(actor, movementId);
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: 'transfers.handover_export',
        subjectType: 'transfer_movement',
        subjectId: movementId,
        details: { purpose: actor.purpose },
      }),
    );
    return {
      format: 'custos.handover@1',
      sender: (m.senderSignature as SignedPart | null) ?? null,
      receiver: (m.receiverSignature as SignedPart | null) ?? null,
    };
  }

  async manifestCsv(actor: Actor, movementId: string): Promise<string> {
    const all = await this.manifest(actor, movementId, { limit: 100_000, offset: 0 });
    return csvLines(
      ['movement', 'person_id', 'name', 'status', 'verification_id', 'override_reason', 'boarded_at', 'reason'],
      all.moves.map((x) => [
        all.movement.code,
        x.personId,
        x.name ?? '',
        x.status,
        x.verificationId ?? '',
        x.overrideReason ?? '',
        x.boardedAt?.toISOString() ?? '',
        x.reason ?? '',
      ]),
    );
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  private async movementOf(movementId: string) {
    const m = (await findMovement(this.db, movementId))!;
    return movementView(m, (await moveCounts(this.db, [movementId])).get(movementId) ?? {});
  }

  private async visibleMovement(actor: Actor, movementId: string): Promise<MovementRow> {
    return movementInScope(actor, movementId, await findMovement(this.db, movementId));
  }

  private async lockVisible(tx: Db, actor: Actor, movementId: string): Promise<MovementRow> {
    return movementInScope(actor, movementId, await lockMovement(tx, movementId));
  }

  private async requireMove(tx: Db, movementId: string, personId: string): Promise<MoveRow> {
    const move = (await movesOf(tx, movementId)).find((x) => x.personId === personId);
    if (!move) throw new NotFoundError('transfers.not_on_manifest', `This person is not on the manifest of movement ${movementId}`, { personId });
    return move;
  }

  /** The persons whose moves `command` applies to (checked through the state machine). */
  private applyAll(moves: readonly MoveRow[], command: MoveCommand, which: (m: MoveRow) => boolean): string[] {
    const chosen = moves.filter(which);
    for (const x of chosen) nextMoveStatus(x.status as MoveStatus, command);
    return chosen.map((x) => x.personId);
  }
}

function emptyMove(movementId: string, personId: string, now: Date): MoveRow {
  return {
    movementId,
    personId,
    status: 'proposed',
    verificationId: null,
    overrideReason: null,
    overrideBy: null,
    reason: null,
    boardedAt: null,
    updatedAt: now,
  };
}

function countsOf(moves: readonly MoveRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of moves) out[m.status] = (out[m.status] ?? 0) + 1;
  return out;
}

function movementView(m: MovementRow, byStatus: Record<string, number>) {
  return {
    id: m.id,
    operationId: m.operationId,
    code: m.code,
    kind: m.kind,
    carrier: m.carrier,
    vehicle: m.vehicle,
    capacity: m.capacity,
    escorts: m.escorts,
    escortRatio: m.escortRatio,
    effectiveCapacity: effectiveCapacity(m.capacity, m.escorts, m.escortRatio),
    fromFacilityId: m.fromFacilityId,
    toFacilityId: m.toFacilityId,
    departsAt: m.departsAt,
    arrivesAt: m.arrivesAt,
    transitLimitMinutes: m.transitLimitMinutes,
    status: m.status,
    departedAt: m.departedAt,
    arrivedAt: m.arrivedAt,
    countOn: m.countOn,
    countOff: m.countOff,
    missing: m.missing,
    extra: m.extra,
    manifestHash: m.manifestHash,
    senderSigned: m.senderSignature !== null,
    receiverSigned: m.receiverSignature !== null,
    byStatus,
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
  };
}

function moveView(x: MoveRow, name: string | null) {
  return {
    personId: x.personId,
    status: x.status as MoveStatus,
    verificationId: x.verificationId,
    overrideReason: x.overrideReason,
    reason: x.reason,
    boardedAt: x.boardedAt,
    name,
  };
}
