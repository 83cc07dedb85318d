import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import { eventsOf, type DomainEvent, type Outbox } from '../../platform/outbox';
import { canSeeFacility, hasPermission, isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { CustodyEventAppended } from '../custody';
import {
  CARER_LEAVING_EVENTS,
  GATED_MOVES,
  moveOf,
  type DeterminationMove,
  DETERMINATION_VALID_DAYS,
  isCarerKind,
  isChild,
  leftWithoutCarer,
  MATCH_MIN_SCORE,
  placeKey,
  relativeRole,
  requireBestInterests,
  requireMatchUndecided,
  requireTraceable,
  requireValidUntilAfter,
  separationsCausedBy,
  type ChildLinks,
  type PlaceOf,
  type PlannedMove,
} from './cases.families.domain';
import type {
  BestInterestsBody,
  CreateTracingInput,
  DeterminationResponse,
  FamilyViewResponse,
  SeparatedFigureResponse,
  TracingView,
} from './cases.families.dto';
import { BestInterestsRecorded, ChildSeparated, TracingChanged } from './cases.families.events';
import type { FamiliesPorts } from './cases.families.ports';
import {
  birthsOf,
  carerLinksTouching,
  carersOfChildren,
  decideMatch,
  determinationRowsOf,
  determinationsFor,
  facilityLabels,
  findMatch,
  findTracing,
  householdMemberIds,
  insertDetermination,
  insertMatches,
  insertTracing,
  listTracing,
  matchesOf,
  placesOf,
  primaryNamesOf,
  relationsOf,
  separatedChildrenByFacility,
  updateTracing,
  type CarerLink,
  type TracingRow,
} from './cases.families.repository';

type FamilyView = z.output<typeof FamilyViewResponse>;
type Place = NonNullable<FamilyView['place']>;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A move on the ledger as custody is about to seal it (the port custody calls before it writes anything). */
export interface LedgerMove {
  personId: string;
  type: string;
  before: PlaceOf;
  after: PlaceOf;
}

/**
 * Families and children (issue 23 part C): the family view across facilities, the best-interests step before a move
 * that would separate a child from their carer, the alert for a child left without a carer, and tracing requests.
 */
export class FamiliesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: FamiliesPorts,
  ) {}

  /** Names are the humanitarian record's: a role without `persons.read` (a monitor) sees relations, places, no names. */
  private seesNames(actor: Actor): boolean {
    return hasPermission(actor.role, 'persons.read');
  }

  private async placeViews(db: Db, ids: readonly string[]): Promise<Map<string, Place>> {
    const places = await placesOf(db, ids);
    const labels = await facilityLabels(
      db,
      [...places.values()].flatMap((p) => [p.facilityId, p.destinationFacilityId]).filter((f): f is string => !!f),
    );
    const label = (id: string | null) => (id ? (labels.get(id)?.name ?? null) : null);
    return new Map(
      [...places].map(([id, p]) => [
        id,
        {
          status: p.status,
          facilityId: p.facilityId,
          facility: label(p.facilityId),
          destinationFacilityId: p.destinationFacilityId,
          destination: label(p.destinationFacilityId),
        },
      ]),
    );
  }

  /**
   * A person's relatives and household with where each is now (facility, custody status). Relatives outside the
   * reader's scope show as their kind of relation only. The read is audited with the reader's purpose, for the person
   * and for every relative whose record it shows.
   */
  async familyView(actor: Actor, personId: string): Promise<FamilyView> {
    requirePermission(actor, 'families.read');
    const names = this.seesNames(actor);
    return this.db.transaction(async (tx) => {
      const person = await this.ports.persons.loadInScope(tx, actor, personId);
      const now = this.clock.now();
      const relations = await relationsOf(tx, personId);
      const relativeIds = relations.map((r) => (r.person_id === personId ? r.related_person_id : r.person_id));
      const householdIds = person.householdId ? (await householdMemberIds(tx, person.householdId)).filter((id) => id !== personId) : [];
      const visible = await this.ports.persons.inScopeAmong(tx, actor, [...relativeIds, ...householdIds]);
      const shown = [personId, ...new Set([...relativeIds, ...householdIds].filter((id) => visible.has(id)))];
      const places = await this.placeViews(tx, shown);
      const births = await birthsOf(tx, shown);
      const nameOf = names ? await primaryNamesOf(tx, shown) : new Map<string, string>();
      const myPlace = places.get(personId) ?? null;
      const child = isChild(births.get(personId) ?? { birthTo: null }, now);

      const relatives = relations.map((r) => {
        const outgoing = r.person_id === personId;
        const other = outgoing ? r.related_person_id : r.person_id;
        const inScope = visible.has(other);
        const place = inScope ? (places.get(other) ?? null) : null;
        return {
          relationId: r.id,
          kind: relativeRole(r.kind, outgoing),
          personId: inScope && names ? other : null,
          name: inScope ? (nameOf.get(other) ?? null) : null,
          inScope,
          child: inScope ? isChild(births.get(other) ?? { birthTo: null }, now) : null,
          carer: !outgoing && isCarerKind(r.kind),
          place,
          sameFacility: placeKey(place) !== null && placeKey(place) === placeKey(myPlace),
          ended: r.ended_at ? { at: iso(r.ended_at)!, reason: r.end_reason } : null,
        };
      });
      const activeCarers = relatives.filter((r) => r.carer && !r.ended);
      // an active carer outside the reader's scope has no place shown: "separated" is decided on the full record
      const carerPlaces = await placesOf(
        tx,
        relations.filter((r) => r.person_id !== personId && !r.ended_at && isCarerKind(r.kind)).map((r) => r.person_id),
      );
      const separated =
        child && placeKey(myPlace) !== null && activeCarers.length > 0 && ![...carerPlaces.values()].some((p) => placeKey(p) === placeKey(myPlace));

      const household = person.householdId
        ? {
            id: person.householdId,
            members: householdIds
              .filter((id) => visible.has(id))
              .map((id) => ({ personId: names ? id : null, name: nameOf.get(id) ?? null, place: places.get(id) ?? null })),
            hiddenMembers: householdIds.filter((id) => !visible.has(id)).length,
          }
        : null;
      const determinations = child
        ? (await determinationRowsOf(tx, personId)).map((d) => ({
            id: d.id,
            moverId: names ? d.mover_person_id : null,
            move: d.move as DeterminationMove,
            toFacilityId: d.to_facility_id,
            decision: d.decision,
            reason: names ? d.reason : null,
            decidedBy: names ? d.decided_by : null,
            decidedAt: iso(d.decided_at)!,
            validUntil: iso(d.valid_until)!,
          }))
        : [];

      const relativesShown = shown.filter((id) => id !== personId);
      await this.audit.record(tx, actor, [
        { action: 'family.read', subjectType: 'person', subjectId: personId, details: { relativesShown: relativesShown.length, names } },
        ...relativesShown.map((id) => ({ action: 'family.read_relative', subjectType: 'person', subjectId: id, details: { via: personId, names } })),
      ]);
      return {
        personId,
        name: nameOf.get(personId) ?? null,
        child,
        place: myPlace,
        separated,
        relatives,
        household,
        determinations,
      };
    });
  }

  /**
   * Records a best-interests determination for a child and one move (whose, and where to). The mover must be the
   * child or one of the child's active carers; the child must be a child by the registry's birth.
   */
  async recordBestInterests(actor: Actor, childId: string, body: z.input<typeof BestInterestsBody>): Promise<z.output<typeof DeterminationResponse>> {
    requirePermission(actor, 'families.decide');
    return this.outbox.transaction(async (tx) => {
      await this.ports.persons.loadInScope(tx, actor, childId);
      const now = this.clock.now();
      if (!isChild((await birthsOf(tx, [childId])).get(childId) ?? { birthTo: null }, now)) {
        throw new ValidationError('families.not_a_child', 'This person is not under 18 by the registry’s birth date (none recorded, or an adult)');
      }
      if (body.moverId !== childId) {
        const carers = (await carersOfChildren(tx, [childId])).map((l) => l.carer_id);
        if (!carers.includes(body.moverId)) {
          throw new ValidationError(
            'families.mover_not_carer',
            'The move must be the child’s own or one of the child’s carers’ (an active mother, father, guardian or carer relation)',
          );
        }
      }
      const move = body.move ?? 'transfer';
      const toFacilityId = move === 'transfer' ? (body.toFacilityId ?? null) : null;
      if (move === 'transfer' && !toFacilityId) {
        throw new ValidationError('families.destination_invalid', 'A determination for a transfer names the facility the mover goes to (toFacilityId)');
      }
      if (move !== 'transfer' && body.toFacilityId) {
        throw new ValidationError('families.destination_invalid', `A ${move} leaves custody: its determination names no facility (leave toFacilityId out)`);
      }
      if (toFacilityId) await this.ports.facilities.require(tx, toFacilityId);
      const validUntil = body.validUntil ? new Date(body.validUntil) : new Date(now.getTime() + DETERMINATION_VALID_DAYS * 86400_000);
      requireValidUntilAfter(now, validUntil);
      const id = this.ids.next();
      const row = {
        id,
        childId,
        moverId: body.moverId,
        move,
        toFacilityId,
        decision: body.decision,
        reason: body.reason,
        decidedBy: actor.username,
        decidedAt: now,
        validUntil,
      };
      await insertDetermination(tx, row);
      await this.audit.record(tx, actor, {
        action: 'family.best_interests',
        subjectType: 'person',
        subjectId: childId,
        details: { determinationId: id, moverId: body.moverId, move, toFacilityId, decision: body.decision, reason: body.reason },
      });
      this.outbox.emit(
        tx,
        BestInterestsRecorded,
        { determinationId: id, childId, moverId: body.moverId, toFacilityId, decision: body.decision, by: actor.username },
        { subjects: { personIds: [childId, body.moverId], facilityIds: toFacilityId ? [toFacilityId] : [] } },
      );
      return { ...row, decidedAt: now.toISOString(), validUntil: validUntil.toISOString() };
    });
  }

  /**
   * Custody's port, called in the ledger's transaction before a batch is sealed: a departure, a release or a
   * repatriation that would separate a child from the carer they are with is refused (409
   * families.best_interests_required) unless a valid determination approves that child, that mover, that kind of move
   * and that destination (none out of custody). The batch is judged whole: a family leaving together passes. A child's
   * own release is not gated (it leaves custody, see the domain).
   */
  async requireBestInterestsForMoves(tx: Db, moves: readonly LedgerMove[]): Promise<void> {
    const departures: PlannedMove[] = moves
      .filter((m) => (GATED_MOVES as readonly string[]).includes(m.type))
      .map((m) => ({
        personId: m.personId,
        move: moveOf(m.type),
        toFacilityId: m.type === 'TRANSFER_DEPARTED' ? m.after.destinationFacilityId : null,
        before: m.before,
        after: m.after,
      }));
    if (departures.length === 0) return;
    const links = await carerLinksTouching(
      tx,
      departures.map((m) => m.personId),
    );
    if (links.length === 0) return;
    const now = this.clock.now();
    const children = await this.childrenAmong(
      tx,
      links.map((l) => l.child_id),
      now,
    );
    if (children.length === 0) return;
    const childLinks = groupCarers(await carersOfChildren(tx, children), children);
    const places = await placesOf(tx, [...new Set([...children, ...childLinks.flatMap((c) => c.carerIds)])]);
    const separations = separationsCausedBy(departures, childLinks, places);
    if (separations.length === 0) return;
    requireBestInterests(
      separations,
      await determinationsFor(
        tx,
        separations.map((s) => s.childId),
      ),
      now,
    );
  }

  /**
   * The same step at a manifest's approval (transfers' port), before anyone boards: the manifest's persons are judged
   * as one batch leaving their facility for the movement's destination, against where everyone is now. The same
   * determinations (child, mover, destination) open the approval and, later, the departure.
   */
  async requireBestInterestsForPlannedDepartures(
    tx: Db,
    departures: readonly { personId: string; fromFacilityId: string; toFacilityId: string }[],
  ): Promise<void> {
    if (departures.length === 0) return;
    const places = await placesOf(
      tx,
      departures.map((d) => d.personId),
    );
    await this.requireBestInterestsForMoves(
      tx,
      departures.map((d) => ({
        personId: d.personId,
        type: 'TRANSFER_DEPARTED',
        before: places.get(d.personId) ?? { status: 'in_custody', facilityId: d.fromFacilityId, destinationFacilityId: null },
        after: { status: 'in_transit', facilityId: null, destinationFacilityId: d.toFacilityId },
      })),
    );
  }

  private async childrenAmong(db: Db, ids: readonly string[], now: Date): Promise<string[]> {
    const births = await birthsOf(db, [...new Set(ids)]);
    return [...births].filter(([, b]) => isChild(b, now)).map(([id]) => id);
  }

  /**
   * The outbox consumer of the ledger: after a carer left a facility (transferred, repatriated, released, escaped,
   * deceased), each child held there left without any carer raises `cases.child_separated@1` (once per child and
   * batch). Places are read as they are now: a child who left with the carer, or another carer still there, is fine.
   */
  async onLedgerChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const leavers = new Map<string, { facilityId: string; eventId: string; cause: string; at: string }>();
    for (const { payload } of eventsOf(CustodyEventAppended, events)) {
      if (!(CARER_LEAVING_EVENTS as readonly string[]).includes(payload.type) || !payload.fromFacilityId) continue;
      leavers.set(payload.personId, { facilityId: payload.fromFacilityId, eventId: payload.eventId, cause: payload.type, at: payload.occurredAt });
    }
    if (leavers.size === 0) return;
    const links = (await carerLinksTouching(tx, [...leavers.keys()])).filter((l) => leavers.has(l.carer_id));
    if (links.length === 0) return;
    const children = await this.childrenAmong(
      tx,
      links.map((l) => l.child_id),
      this.clock.now(),
    );
    if (children.length === 0) return;
    const childLinks = groupCarers(await carersOfChildren(tx, children), children);
    const places = await placesOf(tx, [...new Set([...children, ...childLinks.flatMap((c) => c.carerIds)])]);
    for (const c of childLinks) {
      const left = c.carerIds.filter((id) => leavers.has(id));
      // the last of them to leave names the fact; one event per child and batch
      const carerId = left[left.length - 1];
      if (!carerId) continue;
      const leaver = leavers.get(carerId)!;
      if (
        !leftWithoutCarer(
          places.get(c.childId) ?? null,
          leaver.facilityId,
          c.carerIds.map((id) => places.get(id) ?? null),
        )
      )
        continue;
      this.outbox.emit(
        tx,
        ChildSeparated,
        { childId: c.childId, carerId, facilityId: leaver.facilityId, ledgerEventId: leaver.eventId, cause: leaver.cause, at: leaver.at },
        { subjects: { personIds: [c.childId, carerId], facilityIds: [leaver.facilityId] } },
      );
    }
  }

  /** Separated children now (held, with carers recorded, none of them with them), by facility; in the reader's scope. */
  async separatedFigure(actor: Actor): Promise<z.output<typeof SeparatedFigureResponse>> {
    requirePermission(actor, 'families.read');
    const now = this.clock.now();
    const cutoff = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
    const rows = await separatedChildrenByFacility(this.db, cutoff, {
      facilityIds: isFacilityScoped(actor) ? actor.facilityIds : null,
      nationalities: isNationalityScoped(actor) ? actor.nationalities : null,
    });
    const labels = await facilityLabels(
      this.db,
      rows.map((r) => r.facility_id).filter((f): f is string => !!f),
    );
    return {
      total: rows.reduce((n, r) => n + r.children, 0),
      byFacility: rows.map((r) => ({
        facilityId: r.facility_id,
        facility: r.facility_id ? (labels.get(r.facility_id)?.name ?? null) : null,
        children: r.children,
      })),
    };
  }

  // ---- tracing requests ---------------------------------------------------------------------------------------

  private requireTracingInScope(actor: Actor, row: TracingRow): void {
    if (!isFacilityScoped(actor)) return;
    if (row.facility_id && canSeeFacility(actor, row.facility_id)) return;
    throw new ForbiddenError('tracing.out_of_scope', 'This tracing request belongs to a facility outside your scope');
  }

  private async loadTracing(tx: Db, actor: Actor, id: string, forUpdate = false): Promise<TracingRow> {
    const row = await findTracing(tx, id, forUpdate);
    if (!row) throw new NotFoundError('tracing.not_found', `No tracing request ${id}`);
    this.requireTracingInScope(actor, row);
    return row;
  }

  private tracingView(actor: Actor, r: TracingRow): Omit<TracingView, 'matches'> {
    const names = this.seesNames(actor);
    return {
      id: r.id,
      requesterKind: r.requester_kind,
      requesterPersonId: names ? r.requester_person_id : null,
      requesterName: names ? r.requester_name : null,
      requesterContact: names ? r.requester_contact : null,
      soughtName: names ? r.sought_name : null,
      relationship: r.relationship,
      details: names ? r.details : null,
      facilityId: r.facility_id,
      status: r.status as TracingView['status'],
      locatedPersonId: names ? r.located_person_id : null,
      closedReason: r.closed_reason,
      consent: {
        givenBy: names ? r.consent_given_by : null,
        at: iso(r.consent_given_at)!,
        withdrawnAt: iso(r.consent_withdrawn_at),
        withdrawnReason: names ? r.consent_withdrawn_reason : null,
      },
      createdBy: r.created_by,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    };
  }

  private async fullView(tx: Db, actor: Actor, row: TracingRow): Promise<TracingView> {
    const matches = await matchesOf(tx, row.id);
    const names = this.seesNames(actor);
    const visible = names
      ? await this.ports.persons.inScopeAmong(
          tx,
          actor,
          matches.map((m) => m.person_id),
        )
      : new Set<string>();
    const nameOf = await primaryNamesOf(tx, [...visible]);
    return {
      ...this.tracingView(actor, row),
      matches: matches.map((m) => ({
        id: m.id,
        personId: visible.has(m.person_id) ? m.person_id : null,
        name: visible.has(m.person_id) ? (nameOf.get(m.person_id) ?? null) : null,
        score: Number(m.score),
        status: m.status as 'proposed' | 'confirmed' | 'rejected',
        decidedBy: m.decided_by,
        decidedAt: iso(m.decided_at),
        reason: names ? m.decision_reason : null,
      })),
    };
  }

  private changedTracing(
    tx: Db,
    actor: Actor,
    row: { id: string; facility_id: string | null },
    change: z.output<typeof TracingChanged.schema>['change'],
    status: string,
    personIds: string[] = [],
  ): void {
    this.outbox.emit(
      tx,
      TracingChanged,
      { requestId: row.id, change, status: status as 'open' | 'located' | 'closed', by: actor.username },
      { subjects: { personIds, facilityIds: [row.facility_id] } },
    );
  }

  /** Opens a tracing request; consent is part of it (who gave it, now). */
  async createTracing(actor: Actor, input: CreateTracingInput): Promise<TracingView> {
    requirePermission(actor, 'tracing.write');
    return this.outbox.transaction(async (tx) => {
      let facilityId: string | null = input.facilityId ?? null;
      if (input.requesterKind === 'person_in_custody') {
        const requester = await this.ports.persons.loadInScope(tx, actor, input.requesterPersonId!);
        facilityId = requester.placement?.facilityId ?? requester.registeredFacilityId ?? facilityId;
      } else if (facilityId) {
        await this.ports.facilities.require(tx, facilityId);
      }
      if (facilityId) requireFacility(actor, facilityId);
      else if (isFacilityScoped(actor)) {
        throw new ValidationError('tracing.facility_required', 'Name the facility that takes this request (your scope is some facilities)');
      }
      const now = this.clock.now();
      const id = this.ids.next();
      await insertTracing(tx, {
        id,
        requesterKind: input.requesterKind,
        requesterPersonId: input.requesterKind === 'person_in_custody' ? input.requesterPersonId! : null,
        requesterName: input.requesterName ?? null,
        requesterContact: input.requesterContact ?? null,
        soughtName: input.soughtName,
        relationship: input.relationship,
        details: input.details ?? null,
        facilityId,
        consentGivenBy: input.consent.givenBy,
        consentGivenAt: now,
        createdBy: actor.username,
        now,
      });
      await this.audit.record(tx, actor, {
        action: 'tracing.open',
        subjectType: 'tracing_request',
        subjectId: id,
        details: { requesterKind: input.requesterKind, requesterPersonId: input.requesterPersonId ?? null, consentGivenBy: input.consent.givenBy },
      });
      const row = (await findTracing(tx, id))!;
      this.changedTracing(tx, actor, row, 'opened', 'open', input.requesterPersonId ? [input.requesterPersonId] : []);
      return this.fullView(tx, actor, row);
    });
  }

  async listTracing(actor: Actor, q: { status?: string; limit: number; offset: number }): Promise<{ total: number; rows: Omit<TracingView, 'matches'>[] }> {
    requirePermission(actor, 'tracing.read');
    if (isNationalityScoped(actor)) return { total: 0, rows: [] };
    const page = await listTracing(this.db, { ...q, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : null });
    return { total: page.total, rows: page.rows.map((r) => this.tracingView(actor, r)) };
  }

  /** One request with its proposed matches; a read of personal data, audited with the purpose. */
  async getTracing(actor: Actor, id: string): Promise<TracingView> {
    requirePermission(actor, 'tracing.read');
    return this.db.transaction(async (tx) => {
      const row = await this.loadTracing(tx, actor, id);
      await this.audit.record(tx, actor, { action: 'tracing.read', subjectType: 'tracing_request', subjectId: id });
      return this.fullView(tx, actor, row);
    });
  }

  /**
   * Proposes registry persons whose names score at least MATCH_MIN_SCORE against the sought name (the names module's
   * comparison, through the registry's search in the actor's scope). A proposal decides nothing: a person confirms or
   * rejects each, with a reason.
   */
  async proposeMatches(actor: Actor, id: string): Promise<TracingView> {
    requirePermission(actor, 'tracing.write');
    const first = await this.db.transaction(async (tx) => this.loadTracing(tx, actor, id));
    requireTraceable({ status: first.status, consentWithdrawnAt: first.consent_withdrawn_at ? new Date(first.consent_withdrawn_at) : null });
    const candidates = (await this.ports.persons.searchByName(actor, first.sought_name, 20)).filter(
      (c) => c.score >= MATCH_MIN_SCORE && c.id !== first.requester_person_id,
    );
    return this.outbox.transaction(async (tx) => {
      const row = await this.loadTracing(tx, actor, id, true);
      requireTraceable({ status: row.status, consentWithdrawnAt: row.consent_withdrawn_at ? new Date(row.consent_withdrawn_at) : null });
      const now = this.clock.now();
      const added = await insertMatches(
        tx,
        candidates.map((c) => ({ id: this.ids.next(), requestId: id, personId: c.id, score: c.score, now })),
      );
      await this.audit.record(tx, actor, {
        action: 'tracing.propose',
        subjectType: 'tracing_request',
        subjectId: id,
        details: { candidates: candidates.length, added },
      });
      if (added > 0) this.changedTracing(tx, actor, row, 'matches_proposed', row.status);
      return this.fullView(tx, actor, row);
    });
  }

  /** A person's decision on a proposed match: confirmed locates the sought person (the request becomes `located`). */
  async decideMatch(actor: Actor, id: string, matchId: string, d: { decision: 'confirmed' | 'rejected'; reason: string }): Promise<TracingView> {
    requirePermission(actor, 'tracing.write');
    return this.outbox.transaction(async (tx) => {
      const row = await this.loadTracing(tx, actor, id, true);
      const match = await findMatch(tx, id, matchId);
      if (!match) throw new NotFoundError('tracing.match_not_found', `No match ${matchId} on this request`);
      requireTraceable({ status: row.status, consentWithdrawnAt: row.consent_withdrawn_at ? new Date(row.consent_withdrawn_at) : null });
      requireMatchUndecided(match);
      const now = this.clock.now();
      await decideMatch(tx, matchId, { status: d.decision, by: actor.username, at: now, reason: d.reason });
      if (d.decision === 'confirmed') await updateTracing(tx, id, { status: 'located', locatedPersonId: match.person_id, now });
      await this.audit.record(tx, actor, {
        action: d.decision === 'confirmed' ? 'tracing.match_confirmed' : 'tracing.match_rejected',
        subjectType: 'tracing_request',
        subjectId: id,
        details: { matchId, personId: match.person_id, score: Number(match.score), reason: d.reason },
      });
      const status = d.decision === 'confirmed' ? 'located' : row.status;
      this.changedTracing(tx, actor, row, d.decision === 'confirmed' ? 'match_confirmed' : 'match_rejected', status, [match.person_id]);
      return this.fullView(tx, actor, (await findTracing(tx, id))!);
    });
  }

  async closeTracing(actor: Actor, id: string, reason: string): Promise<TracingView> {
    requirePermission(actor, 'tracing.write');
    return this.outbox.transaction(async (tx) => {
      const row = await this.loadTracing(tx, actor, id, true);
      if (row.status === 'closed') throw new ConflictError('tracing.already_closed', 'This tracing request is already closed');
      await updateTracing(tx, id, { status: 'closed', closedReason: reason, now: this.clock.now() });
      await this.audit.record(tx, actor, { action: 'tracing.close', subjectType: 'tracing_request', subjectId: id, details: { reason } });
      this.changedTracing(tx, actor, row, 'closed', 'closed');
      return this.fullView(tx, actor, (await findTracing(tx, id))!);
    });
  }

  /** Consent withdrawn: the request closes and nothing more is matched; what was recorded stays, with why. */
  async withdrawConsent(actor: Actor, id: string, reason: string): Promise<TracingView> {
    requirePermission(actor, 'tracing.write');
    return this.outbox.transaction(async (tx) => {
      const row = await this.loadTracing(tx, actor, id, true);
      if (row.consent_withdrawn_at) throw new ConflictError('tracing.consent_withdrawn', 'Consent to this request was already withdrawn');
      const now = this.clock.now();
      await updateTracing(tx, id, { status: 'closed', closedReason: 'consent_withdrawn', consentWithdrawnAt: now, consentWithdrawnReason: reason, now });
      for (const m of await matchesOf(tx, id)) {
        if (m.status === 'proposed') await decideMatch(tx, m.id, { status: 'rejected', by: actor.username, at: now, reason: 'consent withdrawn' });
      }
      await this.audit.record(tx, actor, { action: 'tracing.consent_withdrawn', subjectType: 'tracing_request', subjectId: id, details: { reason } });
      this.changedTracing(tx, actor, row, 'consent_withdrawn', 'closed');
      return this.fullView(tx, actor, (await findTracing(tx, id))!);
    });
  }
}

function groupCarers(links: readonly CarerLink[], children: readonly string[]): ChildLinks[] {
  const byChild = new Map<string, string[]>(children.map((c) => [c, []]));
  for (const l of links) byChild.get(l.child_id)?.push(l.carer_id);
  return [...byChild].map(([childId, carerIds]) => ({ childId, carerIds }));
}
