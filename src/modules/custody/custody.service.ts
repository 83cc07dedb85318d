import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { ChainChecks } from '../../platform/chain-checks';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { canSeeFacility, isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, type Actor, type Permission } from '../access';
import type { AuditService } from '../audit';
import {
  allowedEvents,
  ChainVerifier,
  hashEvent,
  REGISTRAR_EVENTS,
  NOT_ADMITTED,
  sealEvent,
  transition,
  type BadEvent,
  type ChainHead,
  type EventType,
  type LedgerEvent,
  type Placement,
} from './custody.domain';
import type { AllowedEventsResponse, AppendEventInput, CustodyEventResponse, LedgerVerificationResponse, VerificationInfoResponse } from './custody.dto';
import { CustodyEventAppended, LedgerChainBroken, ledgerEventPayload } from './custody.events';
import type { CustodyMove, CustodyPorts } from './custody.ports';
import { needsSecondOfficer, requireNoSecondOfficerEvent } from './custody.confirmations.domain';
import {
  eventsOfPerson,
  findPlacements,
  insertEvents,
  lockHead,
  readChainPage,
  findEventByHash,
  escapesFrom,
  findEventById,
  readChainHashes,
  readHeads,
  countFacilityEvents,
  recentFacilityEvents,
  saveHead,
  upsertPlacements,
  type PlacementRow,
} from './custody.repository';

export interface AppendRequest extends AppendEventInput {
  personId: string;
}

export interface AppendOptions {
  /** The audit action of a batch (default `custody.append_batch`). */
  auditAction?: string;
  /** Added to the audit row's details (a roll call's id, a flight's). */
  context?: Record<string, unknown>;
  /** A person recording by hand (the HTTP paths): the events of the two-person rule are refused (409), to be requested. */
  byHand?: boolean;
  /**
   * The permission the caller's path checked instead of `custody.append`, for a path that appends one kind of event
   * on its own rule (a repatriation's handover, `repatriation.handover`, by a legal officer who records no other event).
   */
  permission?: Permission;
}

export type VerificationScope = 'full' | 'tail';

/** How a verification was made (see CustodyService.verify). */
export type VerificationInfo = z.output<typeof VerificationInfoResponse>;

export type LedgerVerification = z.output<typeof LedgerVerificationResponse>;

/** The chain ends of the last verification that found the ledger intact, and when the full walk under it ran. */
interface Checkpoint {
  at: Date;
  ends: Map<string, ChainHead>;
}

/** A tail check resting on a full walk older than this runs a full walk instead. */
const DEFAULT_MAX_CHECKPOINT_AGE_MS = 60 * 60_000;

/** An event of a person's timeline, with `intact`: its content still matches its stored hash. */
export type EventView = z.output<typeof CustodyEventResponse>;

export type AllowedEventsView = z.output<typeof AllowedEventsResponse>;

/** Clock skew tolerated between a tablet and the server before an event counts as "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Events that happen at the facility a person arrives in (the actor must hold that one). */
const ARRIVALS: readonly EventType[] = ['ADMITTED', 'TRANSFER_ARRIVED', 'RECAPTURED'];

function toPlacement(row: PlacementRow | undefined): Placement {
  if (!row) return NOT_ADMITTED;
  return {
    status: row.status as Placement['status'],
    facilityId: row.facilityId,
    unitId: row.unitId,
    destinationFacilityId: row.destinationFacilityId,
    outReason: row.outReason,
  };
}

/**
 * Where these persons are now, from the placement projection (custody's published read model): what the registry
 * shows on a record. Persons never admitted are absent from the map.
 */
export async function placementSummaries(
  db: Db,
  personIds: string[],
): Promise<
  Map<string, { status: string; facilityId: string | null; unitId: string | null; destinationFacilityId: string | null; outReason: string | null; since: Date }>
> {
  const rows = await findPlacements(db, personIds);
  return new Map(
    [...rows].map(([id, r]) => [
      id,
      { status: r.status, facilityId: r.facilityId, unitId: r.unitId, destinationFacilityId: r.destinationFacilityId, outReason: r.outReason, since: r.since },
    ]),
  );
}

export class CustodyService {
  private checkpoint: Checkpoint | null = null;
  /** Which walk a request gets, one full walk at a time, broken-chain listeners, the periodic full walk. */
  private readonly checks: ChainChecks<Checkpoint, LedgerVerification>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: CustodyPorts,
    private readonly logger: Logger,
    readonly siteId: string,
  ) {
    this.checks = new ChainChecks(
      clock,
      (from, pageSize) => this.walk(from, pageSize),
      () => this.checkpoint,
      DEFAULT_MAX_CHECKPOINT_AGE_MS,
      (result) => this.reportBroken(result),
    );
  }

  /** The first bad event last reported by this process: a break is told once, not at every check that sees it. */
  private reportedBreak: string | null = null;

  /** A broken chain is a fact for the alert rules (`custody.chain_broken@1`), never only a line in a log. */
  private async reportBroken(result: LedgerVerification & { ok: false }): Promise<void> {
    const bad = result.firstBad;
    const key = `${bad.siteId}:${bad.seq}:${bad.problem}`;
    if (this.reportedBreak === key) return;
    try {
      await this.outbox.transaction(async (tx) => {
        this.outbox.emit(tx, LedgerChainBroken, { siteId: bad.siteId, eventId: bad.id, seq: bad.seq, problem: bad.problem, message: bad.message });
      });
      this.reportedBreak = key;
    } catch (err) {
      this.logger.error({ err, firstBad: bad }, 'the broken ledger chain could not be recorded for the alert rules');
    }
  }

  async append(actor: Actor, request: AppendRequest, opts: AppendOptions = {}): Promise<LedgerEvent> {
    const [event] = await this.appendMany(actor, [request], opts);
    return event!;
  }

  /**
   * Appends events in one transaction under the site's head lock: every event is checked against the person's
   * placement as left by the events before it (including earlier ones in the same batch), then sealed into the chain.
   * One refused event refuses the whole batch, so a roll call's or a flight's events land together or not at all.
   */
  async appendMany(actor: Actor, requests: AppendRequest[], opts: AppendOptions = {}): Promise<LedgerEvent[]> {
    requirePermission(actor, 'custody.append');
    if (requests.length === 0) return [];
    return this.outbox.transaction((tx) => this.appendManyIn(tx, actor, requests, opts));
  }

  /**
   * `appendMany` inside a caller's outbox transaction (a roll call's close appends its UNACCOUNTED and ACCOUNTED
   * events in the transaction that stores its result): the events, the placements, the audit row and the
   * `custody.event_appended@1` events commit or roll back with the caller's work.
   */
  async appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts: AppendOptions = {}): Promise<LedgerEvent[]> {
    requirePermission(actor, opts.permission ?? 'custody.append');
    if (requests.length === 0) return [];
    {
      const personIds = [...new Set(requests.map((r) => r.personId))];
      const unitIds = [...new Set(requests.map((r) => r.unitId).filter((u): u is string => !!u))];
      const facilityIds = [...new Set(requests.map((r) => r.facilityId).filter((f): f is string => !!f))];
      const unitFacility = new Map<string, string>();
      for (const u of unitIds) unitFacility.set(u, (await this.ports.facilities.requireUnit(tx, u)).facilityId);
      for (const f of facilityIds) await this.ports.facilities.require(tx, f);

      const head = await lockHead(tx, this.siteId);
      // The time of the append is read once the site's lock is held: appends are then sealed in the order of their
      // times, and an event without occurredAt (now) can never be older than the one appended before it. Read before
      // the lock, a request that waited for it was judged out of order against a later request that had overtaken it.
      const now = this.clock.now();
      const placementRows = await findPlacements(tx, personIds);
      const missing = personIds.filter((p) => !placementRows.has(p));
      if (missing.length) {
        const known = await this.ports.persons.existing(tx, missing);
        const unknown = missing.find((p) => !known.has(p));
        if (unknown) throw new NotFoundError('registry.person_not_found', `No person ${unknown}`);
      }
      // Scope before any state check: a person outside the actor's scope answers 403 whatever their status, so a
      // refused transition or an out-of-order time cannot tell the state of a record the actor may not read. Only an
      // arrival into a facility of the actor's scope may name such a person (the event brings them into scope).
      const scoped = isFacilityScoped(actor) || isNationalityScoped(actor);
      const visible = scoped ? await this.ports.persons.inScopeAmong(tx, actor, personIds) : new Set(personIds);
      const state = new Map<string, { placement: Placement; since: Date; count: number }>();
      for (const id of personIds) {
        const row = placementRows.get(id);
        state.set(id, { placement: toPlacement(row), since: row?.since ?? new Date(0), count: row?.eventCount ?? 0 });
      }

      // REPATRIATED only for a person whose state has accepted them (issue 23), on every path to the ledger (by hand,
      // a batch, a repatriation's handover, the demo's convoys): checked below, after the scope and the state machine.
      const repatriating = requests.filter((r) => r.type === 'REPATRIATED').map((r) => r.personId);
      const acceptedRequests = repatriating.length ? await this.ports.repatriations.acceptedAmong(tx, [...new Set(repatriating)]) : new Map<string, string>();

      let { seq, hash } = head;
      const sealed: LedgerEvent[] = [];
      const moves: CustodyMove[] = [];
      const statusAfter: Placement['status'][] = [];
      for (const [index, r] of requests.entries()) {
        const current = state.get(r.personId)!;
        const occurredAt = r.occurredAt ? new Date(r.occurredAt) : now;
        const where = requests.length > 1 ? ` (event ${index + 1} of the batch)` : '';
        const hidden = !visible.has(r.personId);
        if (hidden) {
          const arrivingAt = ARRIVALS.includes(r.type) ? (r.unitId ? unitFacility.get(r.unitId) : r.facilityId) : undefined;
          if (!arrivingAt || !canSeeFacility(actor, arrivingAt)) {
            throw new ForbiddenError('access.out_of_scope', `This person is outside your scope${where}`, { personId: r.personId });
          }
        }
        if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
          throw new ValidationError('custody.occurred_in_future', `occurredAt ${occurredAt.toISOString()} is in the future${where}`);
        }
        if (occurredAt.getTime() < current.since.getTime()) {
          throw new ConflictError(
            'custody.out_of_order',
            hidden
              ? `occurredAt ${occurredAt.toISOString()} is before the person's last custody event${where}; record events in the order they happened`
              : `occurredAt ${occurredAt.toISOString()} is before the person's last custody event (${current.since.toISOString()})${where}; ` +
                  'record events in the order they happened',
            { rule: 'out_of_order', personId: r.personId },
          );
        }
        if (actor.role === 'registrar' && !REGISTRAR_EVENTS.includes(r.type)) {
          throw new ForbiddenError('custody.role_may_not', `A registrar may record ${REGISTRAR_EVENTS.join(', ')} only`);
        }
        let t: ReturnType<typeof transition>;
        try {
          t = transition(current.placement, {
            type: r.type,
            toFacilityId: r.facilityId ?? null,
            toUnitId: r.unitId ?? null,
            toUnitFacilityId: r.unitId ? (unitFacility.get(r.unitId) ?? null) : null,
            reason: r.reason ?? null,
            divertedFrom: typeof r.evidence?.divertedFrom === 'string' ? r.evidence.divertedFrom : null,
          });
        } catch (err) {
          if (hidden && err instanceof ConflictError) {
            // The rule's message names the person's status, which this actor may not learn.
            throw new ConflictError(
              'custody.invalid_transition',
              `This person cannot be recorded as ${r.type} here; their record is outside your scope, ask a colleague who holds it${where}`,
              { personId: r.personId },
            );
          }
          if (err instanceof ConflictError || err instanceof ValidationError) {
            err.message = `${err.message}${where}`;
            (err as { details?: unknown }).details = { ...(err.details as object), personId: r.personId };
          }
          throw err;
        }
        // The actor must hold the facility where the event happens: the arrival side for arrivals, else the current one.
        const arriving = ARRIVALS.includes(r.type);
        const actingFacility = arriving ? t.toFacilityId : t.fromFacilityId;
        if (actingFacility) requireFacility(actor, actingFacility);
        if (opts.byHand) requireNoSecondOfficerEvent(r.type, where);
        let evidence = r.evidence ?? null;
        if (r.type === 'REPATRIATED') {
          const requestId = acceptedRequests.get(r.personId);
          if (!requestId) {
            throw new ConflictError(
              'custody.repatriation_not_accepted',
              `REPATRIATED needs a repatriation request the state has accepted${where}: record the request and the state's acceptance first`,
              { rule: 'repatriation_accepted', personId: r.personId },
            );
          }
          // the request is the evidence of the handover, named even when the caller did not
          evidence = { ...evidence, repatriationRequestId: requestId };
        }

        seq += 1;
        const event = sealEvent({
          id: this.ids.next(),
          siteId: this.siteId,
          seq,
          personId: r.personId,
          type: r.type,
          occurredAt,
          recordedAt: now,
          recordedBy: actor.userId,
          fromFacilityId: t.fromFacilityId,
          fromUnitId: t.fromUnitId,
          toFacilityId: t.toFacilityId,
          toUnitId: t.toUnitId,
          authority: r.authority ?? null,
          reason: r.reason ?? null,
          evidence,
          prevHash: hash,
        });
        hash = event.hash;
        sealed.push(event);
        statusAfter.push(t.next.status);
        moves.push({ personId: r.personId, type: r.type, before: current.placement, after: t.next });
        state.set(r.personId, { placement: t.next, since: occurredAt, count: current.count + 1 });
        if (hidden) visible.add(r.personId); // arrived in the actor's facility: in scope for the rest of the batch
      }

      if (this.ports.moveChecks) await this.ports.moveChecks(tx, moves);
      await insertEvents(tx, sealed);
      const lastEventOf = new Map(sealed.map((e) => [e.personId, e.id]));
      await upsertPlacements(
        tx,
        [...state]
          .filter(([id]) => lastEventOf.has(id))
          .map(([personId, s]) => ({
            personId,
            status: s.placement.status,
            facilityId: s.placement.facilityId,
            unitId: s.placement.unitId,
            destinationFacilityId: s.placement.destinationFacilityId,
            outReason: s.placement.outReason,
            since: s.since,
            lastEventId: lastEventOf.get(personId)!,
            eventCount: s.count,
          })),
      );
      await saveHead(tx, { siteId: this.siteId, seq, hash });
      await this.audit.record(
        tx,
        actor,
        sealed.length === 1
          ? {
              action: 'custody.append',
              subjectType: 'person',
              subjectId: sealed[0]!.personId,
              details: { eventId: sealed[0]!.id, type: sealed[0]!.type, ...opts.context },
            }
          : {
              action: opts.auditAction ?? 'custody.append_batch',
              subjectType: 'ledger',
              subjectId: this.siteId,
              details: { count: sealed.length, firstSeq: sealed[0]!.seq, lastSeq: seq, ...opts.context },
            },
      );
      for (const [i, e] of sealed.entries()) {
        this.outbox.emit(tx, CustodyEventAppended, ledgerEventPayload(e, statusAfter[i]!), {
          occurredAt: e.occurredAt,
          subjects: { personIds: [e.personId], facilityIds: [e.fromFacilityId, e.toFacilityId], unitIds: [e.fromUnitId, e.toUnitId] },
        });
      }
      return sealed;
    }
  }

  /** A person's custody timeline; reading it is a read of the person record and is audited. */
  /**
   * The events this actor may record for the person now: the state machine's transitions from the person's current
   * status (the rule `append` applies), narrowed by the actor's role, each with the fields it needs. A read of the
   * record's custody state, audited like the timeline.
   */
  async allowedEvents(actor: Actor, personId: string): Promise<AllowedEventsView> {
    requirePermission(actor, 'custody.append');
    return this.db.transaction(async (tx) => {
      await this.ports.persons.loadInScope(tx, actor, personId);
      const row = (await findPlacements(tx, [personId])).get(personId);
      const placement = toPlacement(row);
      await this.audit.record(tx, actor, { action: 'person.read_allowed_events', subjectType: 'person', subjectId: personId });
      return {
        personId,
        status: placement.status,
        facilityId: placement.facilityId,
        unitId: placement.unitId,
        destinationFacilityId: placement.destinationFacilityId,
        since: row?.since ?? null,
        events: allowedEvents(placement.status, { registrarOnly: actor.role === 'registrar' }).map((e) =>
          needsSecondOfficer(e.type) ? { ...e, secondOfficer: true } : e,
        ),
      };
    });
  }

  async personEvents(actor: Actor, personId: string): Promise<EventView[]> {
    requirePermission(actor, 'custody.read');
    return this.db.transaction(async (tx) => {
      await this.ports.persons.loadInScope(tx, actor, personId);
      const events = await eventsOfPerson(tx, personId);
      await this.audit.record(tx, actor, { action: 'person.read_events', subjectType: 'person', subjectId: personId });
      return events.map((e) => ({ ...e, intact: hashEvent(e) === e.hash }));
    });
  }

  async facilityEvents(actor: Actor, facilityId: string, limit = 50): Promise<LedgerEvent[]> {
    return (await this.facilityEventsPage(actor, facilityId, { limit, offset: 0 })).rows;
  }

  /** A page of the facility's feed, newest first, and how many events it holds for this reader (same scope as the rows). */
  async facilityEventsPage(actor: Actor, facilityId: string, page: { limit: number; offset: number }): Promise<{ total: number; rows: LedgerEvent[] }> {
    requirePermission(actor, 'custody.read');
    requireFacility(actor, facilityId);
    const [rows, total] = await Promise.all([
      recentFacilityEvents(this.db, facilityId, page.limit, actor.nationalities, page.offset),
      countFacilityEvents(this.db, facilityId, actor.nationalities),
    ]);
    // The feed is a read of these persons' custody histories: audited like a search, with the persons it showed.
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: 'custody.facility_feed_read',
        subjectType: 'facility',
        subjectId: facilityId,
        details: { offset: page.offset, limit: page.limit, total, personIds: [...new Set(rows.map((r) => r.personId))] },
      }),
    );
    return { total, rows };
  }

  // --- reads for the custody statements and the ledger export (reviews module), on the caller's transaction ---

  /** Every chain's head, read on `db` (a statement reads it in the snapshot it reads the counts in). */
  chainHeads(db: Db = this.db): Promise<ChainHead[]> {
    return readHeads(db);
  }

  /** Events of one site in seq order after `afterSeq`, up to `upToSeq`, at most `limit` (export, Merkle trees). */
  async chainPage(db: Db, siteId: string, afterSeq: number, upToSeq: number, limit: number): Promise<LedgerEvent[]> {
    const page = await readChainPage(db, { after: { siteId, seq: afterSeq }, onlySite: true }, limit);
    return page.filter((e) => e.siteId === siteId && e.seq <= upToSeq);
  }

  /** The hashes of one site's events after `afterSeq` up to `upToSeq`, in seq order, at most `limit` (Merkle roots). */
  chainHashes(db: Db, siteId: string, afterSeq: number, upToSeq: number, limit: number): Promise<{ lastSeq: number; hashes: string[] }> {
    return readChainHashes(db, siteId, afterSeq, upToSeq, limit);
  }

  /** Every escape from a facility, newest first. The caller checks scope and audits (each names a person). */
  escapesFrom(db: Db, facilityId: string): Promise<{ id: string; personId: string; occurredAt: Date; fromUnitId: string | null }[]> {
    return escapesFrom(db, facilityId);
  }

  /** One event by id, or null. The caller audits the read (it names a person). */
  async eventById(db: Db, id: string): Promise<LedgerEvent | null> {
    return findEventById(db, id);
  }

  /**
   * Verifies the ledger's hash chains and returns the result with how it was checked.
   *
   * - `full` (the default, and what `custos ledger verify` runs): walks every event of every site once, in large
   *   pages, recomputing each hash and link, then compares each chain's end with its stored head. Proves no event was
   *   altered, removed or inserted. When intact, the chain ends become this process's checkpoint.
   * - `tail`: re-checks the checkpoint's event of each site (its stored content still hashes to the remembered hash)
   *   and verifies every event after it, up to the heads. It does not re-read the events before the checkpoint: an
   *   alteration there is found by the next full walk (`startFullChecks` runs one periodically), so the result says
   *   when the whole chain was last walked (`fullCheckedAt`). Without a checkpoint, or one older than
   *   `maxCheckpointAgeMs`, a tail check runs a full walk instead.
   *
   * A full walk already under way answers the requests that arrive meanwhile. Any failure drops the checkpoint.
   */
  async verify(actor: Actor | null, opts: { scope?: VerificationScope; pageSize?: number; maxCheckpointAgeMs?: number } = {}): Promise<LedgerVerification> {
    if (actor) requirePermission(actor, 'ledger.verify');
    return this.checks.verify(opts);
  }

  /** A full verification now and every `intervalMs` (a serving process), under the tail checks of the monitor view. */
  startFullChecks(opts: { intervalMs: number; onResult?: (result: LedgerVerification) => void; onError?: (err: unknown) => void }): void {
    this.checks.startFullChecks(opts);
  }

  async stopFullChecks(): Promise<void> {
    await this.checks.stopFullChecks();
  }

  /** One verification pass: the whole ledger (`from` null) or each chain from a checkpoint. */
  private async walk(from: Checkpoint | null, pageSize: number): Promise<LedgerVerification> {
    const started = performance.now();
    const checkedAt = this.clock.now();
    const verifiers = new Map<string, ChainVerifier>();
    let checkedEvents = 0;
    let heads: ChainHead[] = [];
    const info = (ok: boolean) => ({
      scope: (from ? 'tail' : 'full') as VerificationScope,
      checkedAt,
      checkedEvents,
      fullCheckedAt: from ? from.at : ok ? checkedAt : null,
      ...(from ? { tailFrom: [...from.ends.values()] } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    const chainLength = () => [...verifiers.values()].reduce((n, v) => n + v.head.seq, 0);
    const broken = async (bad: BadEvent): Promise<LedgerVerification> => {
      if (this.checkpoint === from || !from) this.checkpoint = null;
      return { ok: false, events: chainLength(), firstBad: await this.explainGap(bad), heads, ...info(false) };
    };
    const push = (verifier: ChainVerifier, event: LedgerEvent): BadEvent | null => {
      checkedEvents += 1;
      return verifier.push(event);
    };

    if (!from) {
      // Every event once, in chain order: sites come one after the other, each from seq 1.
      let after: { siteId: string; seq: number } | null = null;
      let verifier = null as ChainVerifier | null;
      for (;;) {
        const page = await readChainPage(this.db, { after }, pageSize);
        if (page.length === 0) break;
        for (const event of page) {
          if (event.siteId !== verifier?.siteId) {
            verifier = new ChainVerifier(event.siteId);
            verifiers.set(event.siteId, verifier);
          }
          const bad = push(verifier, event);
          if (bad) return broken(bad);
        }
        const last = page[page.length - 1]!;
        after = { siteId: last.siteId, seq: last.seq };
      }
    } else {
      // The checkpoint's own event must still be exactly what the full walk hashed.
      for (const [siteId, end] of from.ends) {
        if (end.seq > 0) {
          const [event] = await readChainPage(this.db, { after: { siteId, seq: end.seq - 1 }, onlySite: true }, 1);
          checkedEvents += 1;
          if (!event || event.seq !== end.seq || event.hash !== end.hash || hashEvent(event) !== event.hash) {
            return broken({
              id: event?.seq === end.seq ? event.id : '',
              siteId,
              seq: end.seq,
              problem: 'hash_mismatch',
              message: `Event seq ${end.seq} of site ${siteId}${event?.seq === end.seq ? ` (${event.id})` : ''}, verified by the full check of ${from.at.toISOString()}, was altered or removed since`,
            });
          }
        }
        verifiers.set(siteId, new ChainVerifier(siteId, end));
      }
    }

    // The heads are read after the walk, so that events appended meanwhile (heads and events commit together) are
    // verified too rather than mistaken for a mismatch; a few rounds catch up with a busy site.
    for (let round = 0; ; round++) {
      heads = await readHeads(this.db);
      let behind = false;
      for (const head of heads) {
        let verifier = verifiers.get(head.siteId);
        if (!verifier) {
          verifier = new ChainVerifier(head.siteId);
          verifiers.set(head.siteId, verifier);
        }
        if (verifier.head.seq >= head.seq || round >= 5) continue;
        behind = true;
        for (;;) {
          const page = await readChainPage(this.db, { after: verifier.head, onlySite: true }, pageSize);
          for (const event of page) {
            const bad = push(verifier, event);
            if (bad) return broken(bad);
          }
          if (page.length < pageSize) break;
        }
      }
      if (!behind) break;
    }
    const headOf = new Map(heads.map((h) => [h.siteId, h]));
    for (const siteId of [...verifiers.keys()].sort()) {
      const bad = verifiers.get(siteId)!.finish(headOf.get(siteId));
      if (bad) return broken(bad);
    }
    const ends = new Map([...verifiers.values()].map((v) => [v.siteId, v.head]));
    // A tail check moves the checkpoint forward but keeps the time of the full walk it rests on.
    if (!from || this.checkpoint === from) this.checkpoint = { at: from ? from.at : checkedAt, ends };
    const local = headOf.get(this.siteId);
    return { ok: true, events: chainLength(), head: local?.hash ?? heads[0]?.hash ?? '', heads, ...info(true) };
  }

  /** A gap whose missing event still exists under another seq was a renumbering: name that event. */
  private async explainGap(bad: BadEvent): Promise<BadEvent> {
    if (bad.problem !== 'sequence_gap' || !bad.missingHash) return bad;
    const moved = await findEventByHash(this.db, bad.siteId, bad.missingHash);
    if (!moved || moved.id === bad.id) return bad;
    return {
      id: moved.id,
      siteId: bad.siteId,
      seq: moved.seq,
      problem: 'sequence_gap',
      message: `Event ${moved.id} was renumbered: it is stored with seq ${moved.seq}, out of its place in the chain (a gap opens before event ${bad.id})`,
    };
  }

  /** Persons the actor can see among those currently placed at a facility (for roll calls and facility pages). */
  canSeeFacility(actor: Actor, facilityId: string): boolean {
    return !isFacilityScoped(actor) || canSeeFacility(actor, facilityId);
  }
}
