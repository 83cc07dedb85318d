import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { FingerExceptionEnded, FingerExceptionRecorded } from './biometrics.events';
import { FINGER_EXCEPTIONS, FINGER_POSITIONS, type FingerExceptionKind, type FingerPosition } from './biometrics.domain';
import type { FingerExceptionResponse } from './biometrics.dto';
import {
  endFingerException,
  findFingerException,
  insertFingerException,
  liveFingerException,
  liveSlot,
  personFingerExceptions,
  type FingerExceptionRow,
} from './biometrics.repository';

export type FingerExceptionView = z.output<typeof FingerExceptionResponse>;

/**
 * Missing fingers: a position that has no print for a reason (amputated, unable to print, bandaged), recorded with the
 * ANSI/NIST-ITL amputation code, who and when. A finger with a live template cannot be recorded missing (erase the
 * template first); enrolling a finger ends its missing-finger record in the same transaction.
 */
export class BiometricFingerExceptions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: BiometricPersons,
  ) {}

  async record(actor: Actor, personId: string, position: FingerPosition, input: { kind: FingerExceptionKind; note?: string }): Promise<FingerExceptionView> {
    requirePermission(actor, 'biometrics.enrol');
    const id = this.ids.next();
    const code = FINGER_EXCEPTIONS[input.kind].ansiCode;
    await this.outbox.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      if (await liveSlot(tx, personId, 'fingerprint', position)) {
        throw new ConflictError(
          'biometrics.finger_enrolled',
          `The ${FINGER_POSITIONS[position]} has an enrolled print; erase that template first to record the finger as missing`,
        );
      }
      const live = await liveFingerException(tx, personId, position);
      if (live) {
        throw new ConflictError(
          'biometrics.finger_exception_exists',
          `The ${FINGER_POSITIONS[position]} is already recorded as ${live.kind.replace(/_/g, ' ')} (${live.ansiCode})`,
        );
      }
      await insertFingerException(tx, {
        id,
        personId,
        fingerPosition: position,
        kind: input.kind,
        ansiCode: code,
        note: input.note || null,
        createdAt: this.clock.now(),
        createdBy: actor.userId,
        createdByUsername: actor.username,
      });
      await this.audit.record(tx, actor, {
        action: 'biometrics.finger_exception_recorded',
        subjectType: 'person',
        subjectId: personId,
        details: { exceptionId: id, fingerPosition: position, kind: input.kind, ansiCode: code, note: input.note ?? null },
      });
      this.outbox.emit(
        tx,
        FingerExceptionRecorded,
        { exceptionId: id, personId, fingerPosition: position, kind: input.kind, ansiCode: code },
        { subjects: { personIds: [personId] } },
      );
    });
    return this.one(id);
  }

  /** Withdraws a missing-finger record (recorded in error, or the bandage is off and the finger will be enrolled). */
  async end(actor: Actor, personId: string, position: FingerPosition, reason: string): Promise<FingerExceptionView> {
    requirePermission(actor, 'biometrics.enrol');
    let id = '';
    await this.outbox.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const live = await this.endInTx(tx, actor, personId, position, reason);
      if (!live) throw new NotFoundError('biometrics.no_finger_exception', `The ${FINGER_POSITIONS[position]} is not recorded as missing`);
      id = live;
    });
    return this.one(id);
  }

  /** In the caller's transaction: ends the position's live record, if any (returns its id), audited. */
  async endInTx(tx: Db, actor: Actor, personId: string, position: FingerPosition, reason: string): Promise<string | null> {
    const live = await liveFingerException(tx, personId, position);
    if (!live) return null;
    await endFingerException(tx, live.id, this.clock.now(), actor, reason);
    await this.audit.record(tx, actor, {
      action: 'biometrics.finger_exception_ended',
      subjectType: 'person',
      subjectId: personId,
      details: { exceptionId: live.id, fingerPosition: position, kind: live.kind, reason },
    });
    this.outbox.emit(tx, FingerExceptionEnded, { exceptionId: live.id, personId, fingerPosition: position, reason }, { subjects: { personIds: [personId] } });
    return live.id;
  }

  async forPerson(db: Db, personId: string): Promise<FingerExceptionView[]> {
    return (await personFingerExceptions(db, personId)).map(fingerExceptionView);
  }

  private async one(id: string): Promise<FingerExceptionView> {
    return fingerExceptionView((await findFingerException(this.db, id))!);
  }
}

export function fingerExceptionView(r: FingerExceptionRow): FingerExceptionView {
  const kind = r.kind as FingerExceptionKind;
  return {
    id: r.id,
    personId: r.personId,
    fingerPosition: r.fingerPosition,
    kind,
    ansiCode: r.ansiCode as 'XX' | 'UP',
    temporary: FINGER_EXCEPTIONS[kind]?.temporary ?? false,
    note: r.note,
    createdAt: r.createdAt,
    createdBy: r.createdByUsername,
    endedAt: r.endedAt,
    endedBy: r.endedByUsername,
    endReason: r.endReason,
  };
}
