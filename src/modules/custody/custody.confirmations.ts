import { and, asc, count as countRows, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { isFacilityScoped, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { SecondOfficerEvent } from './custody.confirmations.domain';
import type { ConfirmationPageResponse, ConfirmationRequestInput, ConfirmationResponse, ConfirmedResponse } from './custody.confirmations.dto';
import { ConfirmationDecided, ConfirmationRequested } from './custody.confirmations.events';
import { custodyConfirmations } from './custody.confirmations.schema';
import { NOT_ADMITTED, REGISTRAR_EVENTS, transition, type Placement } from './custody.domain';
import type { CustodyPorts } from './custody.ports';
import { findPlacements } from './custody.repository';
import type { CustodyService } from './custody.service';

type Row = typeof custodyConfirmations.$inferSelect;
type View = z.output<typeof ConfirmationResponse>;

const view = (r: Row): View => ({
  id: r.id,
  personId: r.personId,
  facilityId: r.facilityId,
  type: r.type as SecondOfficerEvent,
  request: r.request as View['request'],
  status: r.status as View['status'],
  requestedAt: r.requestedAt,
  requestedBy: r.requestedBy,
  requestedByUsername: r.requestedByUsername,
  decidedAt: r.decidedAt,
  decidedBy: r.decidedBy,
  decidedByUsername: r.decidedByUsername,
  decisionReason: r.decisionReason,
  eventId: r.eventId,
});

/**
 * The two-person rule. A request is kept here, outside the ledger: the ledger is append-only and hash-chained, so a
 * "pending" event written into it could only be undone by another event, and every figure (manifest, Delta, escaped
 * counts) would have to learn to skip it. Kept apart, the ledger holds only what two officers made final, and the
 * request, its decision and who took each are on record here (and in the audit chain).
 */
export class CustodyConfirmations {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ledger: CustodyService,
    private readonly ports: CustodyPorts,
  ) {}

  /** The first officer's request: checked against the state machine now, stored as pending, nothing in the ledger. */
  async request(actor: Actor, personId: string, input: ConfirmationRequestInput): Promise<View> {
    requirePermission(actor, 'custody.append');
    if (actor.role === 'registrar' && !REGISTRAR_EVENTS.includes(input.type)) {
      throw new ForbiddenError('custody.role_may_not', `A registrar may record ${REGISTRAR_EVENTS.join(', ')} only`);
    }
    const now = this.clock.now();
    if (input.occurredAt && new Date(input.occurredAt).getTime() > now.getTime() + 5 * 60_000) {
      throw new ValidationError('custody.occurred_in_future', `occurredAt ${input.occurredAt} is in the future`);
    }
    const row = await this.outbox.transaction(async (tx) => {
      await this.ports.persons.loadInScope(tx, actor, personId);
      const placementRow = (await findPlacements(tx, [personId])).get(personId);
      const placement: Placement = placementRow
        ? {
            status: placementRow.status as Placement['status'],
            facilityId: placementRow.facilityId,
            unitId: placementRow.unitId,
            destinationFacilityId: placementRow.destinationFacilityId,
            outReason: placementRow.outReason,
          }
        : NOT_ADMITTED;
      const unitFacility = input.unitId ? (await this.ports.facilities.requireUnit(tx, input.unitId)).facilityId : null;
      if (input.facilityId) await this.ports.facilities.require(tx, input.facilityId);
      const t = transition(placement, {
        type: input.type,
        toFacilityId: input.facilityId ?? null,
        toUnitId: input.unitId ?? null,
        toUnitFacilityId: unitFacility,
        reason: input.reason ?? null,
      });
      const acting = input.type === 'RECAPTURED' ? t.toFacilityId : t.fromFacilityId;
      if (acting) requireFacility(actor, acting);
      // the rules other modules hold over moves (the best-interests step) refuse at the request, not only at the
      // second officer's confirmation
      if (this.ports.moveChecks) await this.ports.moveChecks(tx, [{ personId, type: input.type, before: placement, after: t.next }]);
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`custody-confirm:${personId}`}))`);
      const [pending] = await tx
        .select({ id: custodyConfirmations.id, type: custodyConfirmations.type, by: custodyConfirmations.requestedByUsername })
        .from(custodyConfirmations)
        .where(and(eq(custodyConfirmations.personId, personId), eq(custodyConfirmations.status, 'pending')));
      if (pending) {
        throw new ConflictError('custody.confirmation_pending', `A ${pending.type} of this person requested by ${pending.by} already awaits a second officer`, {
          confirmationId: pending.id,
        });
      }
      const { type, ...request } = input;
      const row: Row = {
        id: this.ids.next(),
        personId,
        facilityId: acting ?? placement.facilityId,
        type,
        request,
        status: 'pending',
        requestedAt: now,
        requestedBy: actor.userId,
        requestedByUsername: actor.username,
        decidedAt: null,
        decidedBy: null,
        decidedByUsername: null,
        decisionReason: null,
        eventId: null,
      };
      await tx.insert(custodyConfirmations).values(row);
      await this.audit.record(tx, actor, {
        action: 'custody.confirmation_request',
        subjectType: 'person',
        subjectId: personId,
        details: { confirmationId: row.id, type },
      });
      this.outbox.emit(
        tx,
        ConfirmationRequested,
        { confirmationId: row.id, personId, facilityId: row.facilityId, type, requestedBy: actor.username },
        { subjects: { personIds: [personId], facilityIds: row.facilityId ? [row.facilityId] : [] } },
      );
      return row;
    });
    return view(row);
  }

  private async pendingFor(tx: Db, actor: Actor, id: string): Promise<Row> {
    const [row] = await tx.select().from(custodyConfirmations).where(eq(custodyConfirmations.id, id)).for('update');
    if (!row) throw new NotFoundError('custody.confirmation_not_found', `No confirmation request ${id}`);
    if (row.facilityId) requireFacility(actor, row.facilityId);
    if (row.status !== 'pending') {
      throw new ConflictError('custody.confirmation_decided', `This request was already ${row.status} by ${row.decidedByUsername ?? 'someone'}`, {
        status: row.status,
      });
    }
    return row;
  }

  private isRequester(actor: Actor, row: Row): boolean {
    return row.requestedBy !== null && actor.userId !== null ? row.requestedBy === actor.userId : row.requestedByUsername === actor.username;
  }

  /** The second officer confirms: the ledger event is written now, citing both officers, in this transaction. */
  async confirm(actor: Actor, id: string): Promise<z.output<typeof ConfirmedResponse>> {
    requirePermission(actor, 'custody.confirm');
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const row = await this.pendingFor(tx, actor, id);
      if (this.isRequester(actor, row)) {
        throw new ConflictError('custody.same_officer', `${actor.username} asked for this ${row.type}: a second, different officer must confirm it`, {
          rule: 'two_person',
        });
      }
      const request = row.request as View['request'];
      const [event] = await this.ledger.appendManyIn(
        tx,
        actor,
        [
          {
            personId: row.personId,
            type: row.type as SecondOfficerEvent,
            facilityId: request.facilityId,
            unitId: request.unitId,
            occurredAt: request.occurredAt ?? row.requestedAt.toISOString(),
            authority: request.authority,
            reason: request.reason,
            evidence: {
              ...((request.evidence ?? {}) as Record<string, string | number | boolean | null>),
              confirmationId: row.id,
              requestedBy: row.requestedByUsername,
              confirmedBy: actor.username,
            },
          },
        ],
        { auditAction: 'custody.append_confirmed', context: { confirmationId: row.id, requestedBy: row.requestedByUsername } },
      );
      const [done] = await tx
        .update(custodyConfirmations)
        .set({ status: 'confirmed', decidedAt: now, decidedBy: actor.userId, decidedByUsername: actor.username, eventId: event!.id })
        .where(eq(custodyConfirmations.id, id))
        .returning();
      this.outbox.emit(
        tx,
        ConfirmationDecided,
        {
          confirmationId: id,
          personId: row.personId,
          facilityId: row.facilityId,
          type: row.type as SecondOfficerEvent,
          decision: 'confirmed',
          requestedBy: row.requestedByUsername,
          decidedBy: actor.username,
          eventId: event!.id,
          reason: null,
        },
        { subjects: { personIds: [row.personId], facilityIds: row.facilityId ? [row.facilityId] : [] } },
      );
      return { confirmation: view(done!), event: event! };
    });
  }

  /** A second officer rejects the request with a reason (or its requester withdraws it); nothing reaches the ledger. */
  async reject(actor: Actor, id: string, reason: string): Promise<View> {
    requirePermission(actor, 'custody.confirm');
    const now = this.clock.now();
    return this.outbox.transaction(async (tx) => {
      const row = await this.pendingFor(tx, actor, id);
      const [done] = await tx
        .update(custodyConfirmations)
        .set({ status: 'rejected', decidedAt: now, decidedBy: actor.userId, decidedByUsername: actor.username, decisionReason: reason })
        .where(eq(custodyConfirmations.id, id))
        .returning();
      await this.audit.record(tx, actor, {
        action: 'custody.confirmation_reject',
        subjectType: 'person',
        subjectId: row.personId,
        details: { confirmationId: id, type: row.type, reason, withdrawn: this.isRequester(actor, row) },
      });
      this.outbox.emit(
        tx,
        ConfirmationDecided,
        {
          confirmationId: id,
          personId: row.personId,
          facilityId: row.facilityId,
          type: row.type as SecondOfficerEvent,
          decision: 'rejected',
          requestedBy: row.requestedByUsername,
          decidedBy: actor.username,
          eventId: null,
          reason,
        },
        { subjects: { personIds: [row.personId], facilityIds: row.facilityId ? [row.facilityId] : [] } },
      );
      return view(done!);
    });
  }

  /** The queue: requests in the caller's facilities (pending first when no status is asked), oldest first. */
  async list(
    actor: Actor,
    f: { status?: 'pending' | 'confirmed' | 'rejected'; facilityId?: string; personId?: string; offset: number; limit: number },
  ): Promise<z.output<typeof ConfirmationPageResponse>> {
    requirePermission(actor, 'custody.confirm');
    if (f.facilityId) requireFacility(actor, f.facilityId);
    const where: SQL[] = [];
    if (f.status) where.push(eq(custodyConfirmations.status, f.status));
    if (f.facilityId) where.push(eq(custodyConfirmations.facilityId, f.facilityId));
    if (f.personId) where.push(eq(custodyConfirmations.personId, f.personId));
    if (isFacilityScoped(actor)) where.push(inArray(custodyConfirmations.facilityId, [...actor.facilityIds]));
    const cond = where.length ? and(...where) : undefined;
    const [{ n } = { n: 0 }] = await this.db.select({ n: countRows() }).from(custodyConfirmations).where(cond);
    const rows = await this.db
      .select()
      .from(custodyConfirmations)
      .where(cond)
      .orderBy(sql`${custodyConfirmations.status} <> 'pending'`, asc(custodyConfirmations.requestedAt), asc(custodyConfirmations.id))
      .limit(f.limit)
      .offset(f.offset);
    return { total: Number(n), items: rows.map(view) };
  }

  async get(actor: Actor, id: string): Promise<View> {
    requirePermission(actor, 'custody.confirm');
    const [row] = await this.db.select().from(custodyConfirmations).where(eq(custodyConfirmations.id, id));
    if (!row) throw new NotFoundError('custody.confirmation_not_found', `No confirmation request ${id}`);
    if (row.facilityId) requireFacility(actor, row.facilityId);
    return view(row);
  }
}
