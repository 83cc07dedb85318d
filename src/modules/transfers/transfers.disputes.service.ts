import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { canSeeFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { nextMoveStatus, type MoveStatus } from './transfers.domain';
import { checkDiscrepancy, reattribution, RESOLUTION_SIDE, statusAfterResolution } from './transfers.disputes.domain';
import type { MovementDiscrepanciesResponse, OperationDiscrepanciesResponse, ResolveDiscrepancyInput } from './transfers.disputes.dto';
import { DiscrepancyResolved } from './transfers.disputes.events';
import { insertResolution, ownMoveOf, resolutionsOf } from './transfers.disputes.repository';
import type { TransfersPorts } from './transfers.ports';
import {
  findMovement,
  findOperation,
  liveMoves,
  lockMovement,
  movementsOf,
  movesOf,
  namesOf,
  placementsOf,
  setMoves,
  updateMovement,
  type MovementRow,
} from './transfers.repository';
import { movementInScope, requireCustodian } from './transfers.policy';
import type { TransfersService } from './transfers.service';

type MovementDiscrepancies = z.output<typeof MovementDiscrepanciesResponse>;
type OperationDiscrepancies = z.output<typeof OperationDiscrepanciesResponse>;

/**
 * Count discrepancies resolved by an officer (issue 18): a person missing off a counted movement found at the
 * destination or found never to have boarded; an extra person re-attributed to the movement whose manifest named
 * them, or sent back to the custody the ledger names. Each resolution is recorded (with its reason, audited, an
 * outbox event) in the transaction that changes the moves, the movements' lists and, where custody changes, the ledger,
 * so the ledger and the transfer records agree after every step.
 */
export class TransfersDisputesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly transfers: TransfersService,
    private readonly ports: Pick<TransfersPorts, 'ledger'>,
  ) {}

  /** One movement's open discrepancies (with the movement that named each extra) and those already resolved. */
  async discrepancies(actor: Actor, movementId: string): Promise<MovementDiscrepancies> {
    requirePermission(actor, 'transfers.read');
    const m = movementInScope(actor, movementId, await findMovement(this.db, movementId));
    return (await this.views([m]))[0]!;
  }

  /** The operation's movements in scope that have (or had) a discrepancy: the dashboard's list. */
  async ofOperation(actor: Actor, operationId: string): Promise<OperationDiscrepancies> {
    requirePermission(actor, 'transfers.read');
    if (!(await findOperation(this.db, operationId))) throw new NotFoundError('transfers.operation_not_found', `No transfer operation ${operationId}`);
    const all = (await movementsOf(this.db, operationId)).filter((m) => canSeeFacility(actor, m.fromFacilityId) || canSeeFacility(actor, m.toFacilityId));
    const resolved = await resolutionsOf(
      this.db,
      all.map((m) => m.id),
    );
    const touched = new Set(resolved.map((r) => r.movementId));
    const views = await this.views(all.filter((m) => m.missing.length + m.extra.length > 0 || touched.has(m.id)));
    return {
      open: views.reduce((n, v) => n + v.missing.length + v.extra.length, 0),
      resolved: resolved.length,
      movements: views,
    };
  }

  /** An officer resolves one discrepancy of a counted movement, with a reason (see RESOLUTION_KINDS). */
  async resolve(actor: Actor, movementId: string, input: ResolveDiscrepancyInput): Promise<MovementDiscrepancies> {
    requirePermission(actor, 'transfers.run');
    if (input.kind === 'found') {
      // the missing person received at the destination: TransfersService.resolve records it in one transaction
      const m = movementInScope(actor, movementId, await findMovement(this.db, movementId));
      checkDiscrepancy(m, 'found', input.personId);
      await this.transfers.resolve(actor, movementId, { personId: input.personId, verificationId: input.verificationId, reason: input.reason });
      return this.discrepancies(actor, movementId);
    }
    const before = movementInScope(actor, movementId, await findMovement(this.db, movementId));
    // re-attribution changes two movements: both are locked, in id order (two officers resolving crosswise wait, not deadlock)
    const own = input.kind === 'reattributed' ? await ownMoveOf(this.db, input.personId, before.operationId, movementId) : null;
    await this.outbox.transaction(async (tx) => {
      const locked = new Map<string, MovementRow>();
      for (const id of [movementId, ...(own ? [own.movementId] : [])].sort()) {
        const row = await lockMovement(tx, id);
        if (row) locked.set(id, row);
      }
      const m = movementInScope(actor, movementId, locked.get(movementId));
      checkDiscrepancy(m, input.kind, input.personId);
      const now = this.clock.now();
      const reason = input.reason;
      let otherMovementId: string | null = null;
      let missing = m.missing;
      let extra = m.extra;

      if (input.kind === 'not_boarded') {
        // the person never left: a custodian of the departure facility says so, and takes them back on the ledger
        requireCustodian(actor, m.fromFacilityId, 'record that a person did not board');
        const move = (await movesOf(tx, movementId)).find((x) => x.personId === input.personId);
        nextMoveStatus((move?.status ?? 'disputed') as MoveStatus, 'not_boarded');
        const promised = m.divertedFrom ?? m.toFacilityId;
        await this.ports.ledger.appendManyIn(
          tx,
          actor,
          [
            {
              personId: input.personId,
              type: 'TRANSFER_ARRIVED',
              facilityId: m.fromFacilityId,
              authority: `transfer ${m.code}`,
              reason: `did not board ${m.code}: ${reason}`.slice(0, 300),
              evidence: { movementId, resolution: 'not_boarded', divertedFrom: promised },
            },
          ],
          { auditAction: 'transfers.not_boarded_ledger', context: { movementId } },
        );
        await setMoves(tx, movementId, [input.personId], { status: 'cancelled', reason: `did not board: ${reason}`.slice(0, 300), updatedAt: now });
        missing = m.missing.filter((p) => p !== input.personId);
      } else if (input.kind === 'reattributed') {
        requireCustodian(actor, m.toFacilityId, 'receive a person who came off this movement');
        const ownNow = await ownMoveOf(tx, input.personId, m.operationId, movementId);
        if (ownNow && !locked.has(ownNow.movementId)) {
          throw new ConflictError('transfers.changed', 'The person’s moves changed while resolving: try again');
        }
        const what = reattribution(ownNow);
        const y = ownNow ? locked.get(ownNow.movementId)! : null;
        if (y && what === 'receive') {
          nextMoveStatus(nextMoveStatus('disputed', 'resolve'), 'receive');
          // received where they came off (this movement's destination), against the destination their departure named
          const promised = y.divertedFrom ?? y.toFacilityId;
          const elsewhere = m.toFacilityId !== promised;
          await this.ports.ledger.appendManyIn(
            tx,
            actor,
            [
              {
                personId: input.personId,
                type: 'TRANSFER_ARRIVED',
                facilityId: m.toFacilityId,
                authority: `transfer ${y.code}`,
                reason: `flew on ${m.code} instead of ${y.code}: ${reason}`.slice(0, 300),
                evidence: { movementId: y.id, flownOn: movementId, resolution: 'reattributed', ...(elsewhere ? { divertedFrom: promised } : {}) },
              },
            ],
            { auditAction: 'transfers.reattribute_ledger', context: { movementId: y.id, flownOn: movementId } },
          );
          await setMoves(tx, y.id, [input.personId], { status: 'completed', reason: `flew on ${m.code}: ${reason}`.slice(0, 300), updatedAt: now });
          const yMissing = y.missing.filter((p) => p !== input.personId);
          await updateMovement(tx, y.id, {
            missing: yMissing,
            status: statusAfterResolution({ status: y.status, receiverSigned: y.receiverSignature !== null }, yMissing, y.extra),
          });
          await insertResolution(tx, {
            id: this.ids.next(),
            movementId: y.id,
            personId: input.personId,
            side: 'missing',
            kind: 'reattributed',
            otherMovementId: movementId,
            reason,
            verificationId: null,
            resolvedBy: actor.userId,
            resolvedAt: now,
          });
        }
        otherMovementId = y?.id ?? null;
        extra = m.extra.filter((p) => p !== input.personId);
      } else {
        // sent back: the ledger already holds them elsewhere; refused for a person in transit (re-attribute instead)
        requireCustodian(actor, m.toFacilityId, 'send back a person who came off this movement');
        const placement = (await placementsOf(tx, [input.personId])).get(input.personId);
        const live = (await liveMoves(tx, [input.personId])).get(input.personId);
        if (placement?.status === 'in_transit' || (live && ['departed', 'arrived', 'disputed'].includes(live.status))) {
          throw new ConflictError('transfers.still_in_transit', 'This person is in transit on a movement: re-attribute them to this movement instead', {
            movementId: live?.movementId ?? null,
          });
        }
        extra = m.extra.filter((p) => p !== input.personId);
      }

      const cleared = missing.length + extra.length === 0;
      await updateMovement(tx, movementId, {
        missing,
        extra,
        status: statusAfterResolution({ status: m.status, receiverSigned: m.receiverSignature !== null }, missing, extra),
      });
      const side = RESOLUTION_SIDE[input.kind];
      await insertResolution(tx, {
        id: this.ids.next(),
        movementId,
        personId: input.personId,
        side,
        kind: input.kind,
        otherMovementId,
        reason,
        verificationId: null,
        resolvedBy: actor.userId,
        resolvedAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'transfers.discrepancy_resolved',
        subjectType: 'person',
        subjectId: input.personId,
        details: { movementId, side, kind: input.kind, otherMovementId, reason },
      });
      this.outbox.emit(
        tx,
        DiscrepancyResolved,
        { movementId, code: m.code, personId: input.personId, side, kind: input.kind, otherMovementId, reason, cleared },
        { occurredAt: now, subjects: { facilityIds: [m.fromFacilityId, m.toFacilityId], personIds: [input.personId] } },
      );
    });
    return this.discrepancies(actor, movementId);
  }

  private async views(movements: readonly MovementRow[]): Promise<MovementDiscrepancies[]> {
    if (movements.length === 0) return [];
    const resolved = await resolutionsOf(
      this.db,
      movements.map((m) => m.id),
    );
    const persons = [...new Set([...movements.flatMap((m) => [...m.missing, ...m.extra]), ...resolved.map((r) => r.personId)])];
    const names = await namesOf(this.db, persons);
    const codes = new Map<string, string>(movements.map((m) => [m.id, m.code]));
    const out: MovementDiscrepancies[] = [];
    for (const m of movements) {
      const moves = m.missing.length ? await movesOf(this.db, m.id) : [];
      const extra = [];
      for (const p of m.extra) {
        const own = await ownMoveOf(this.db, p, m.operationId, m.id);
        if (own) codes.set(own.movementId, own.movementCode);
        extra.push({
          personId: p,
          name: names.get(p) ?? null,
          ownMovement: own ? { id: own.movementId, code: own.movementCode, moveStatus: own.moveStatus } : null,
        });
      }
      const missingOthers = resolved.filter((r) => r.movementId === m.id && r.otherMovementId && !codes.has(r.otherMovementId));
      for (const r of missingOthers) {
        const other = await findMovement(this.db, r.otherMovementId!);
        if (other) codes.set(other.id, other.code);
      }
      out.push({
        movement: {
          id: m.id,
          code: m.code,
          status: m.status,
          fromFacilityId: m.fromFacilityId,
          toFacilityId: m.toFacilityId,
          receiverSigned: m.receiverSignature !== null,
        },
        missing: m.missing.map((p) => ({ personId: p, name: names.get(p) ?? null, moveStatus: moves.find((x) => x.personId === p)?.status ?? null })),
        extra,
        resolved: resolved
          .filter((r) => r.movementId === m.id)
          .map((r) => ({
            id: r.id,
            personId: r.personId,
            name: names.get(r.personId) ?? null,
            side: r.side as 'missing' | 'extra',
            kind: r.kind as MovementDiscrepancies['resolved'][number]['kind'],
            otherMovement: r.otherMovementId ? { id: r.otherMovementId, code: codes.get(r.otherMovementId) ?? r.otherMovementId } : null,
            reason: r.reason,
            resolvedBy: r.resolvedBy,
            resolvedAt: r.resolvedAt,
          })),
      });
    }
    return out;
  }
}
