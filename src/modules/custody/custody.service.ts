import type { Bus } from '../../platform/bus';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import { canSeeFacility, isFacilityScoped, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { FacilitiesService } from '../facilities';
import type { PlacementSummary, RegistryService } from '../registry';
import {
  ChainVerifier,
  hashEvent,
  NOT_ADMITTED,
  sealEvent,
  transition,
  type BadEvent,
  type ChainHead,
  type EventType,
  type LedgerEvent,
  type Placement,
} from './custody.domain';
import type { AppendEventInput } from './custody.dto';
import {
  eventsOfPerson,
  findPlacements,
  insertEvents,
  lockHead,
  readChainPage,
  findEventByHash,
  readHeads,
  recentFacilityEvents,
  saveHead,
  upsertPlacements,
  type PlacementRow,
} from './custody.repository';

export interface AppendRequest extends AppendEventInput {
  personId: string;
}

export type LedgerVerification =
  | { ok: true; events: number; head: string; heads: ChainHead[] }
  | { ok: false; events: number; firstBad: BadEvent; heads: ChainHead[] };

export interface EventView extends LedgerEvent {
  /** The event's content still matches its stored hash. */
  intact: boolean;
}

/** Clock skew tolerated between a tablet and the server before an event counts as "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const REGISTRAR_EVENTS: readonly EventType[] = ['ADMITTED'];

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

export class CustodyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly bus: Bus,
    private readonly registry: RegistryService,
    private readonly facilities: FacilitiesService,
    readonly siteId: string,
  ) {}

  /** Placement reader handed to the registry (which cannot import custody without a cycle). */
  readonly readPlacements = async (db: Db, personIds: string[]): Promise<Map<string, PlacementSummary>> => {
    const rows = await findPlacements(db, personIds);
    return new Map(
      [...rows].map(([id, r]) => [
        id,
        { status: r.status, facilityId: r.facilityId, unitId: r.unitId, destinationFacilityId: r.destinationFacilityId, outReason: r.outReason, since: r.since },
      ]),
    );
  };

  async append(actor: Actor, request: AppendRequest): Promise<LedgerEvent> {
    const [event] = await this.appendMany(actor, [request]);
    return event!;
  }

  /**
   * Appends events in one transaction under the site's head lock: every event is checked against the person's
   * placement as left by the events before it (including earlier ones in the same batch), then sealed into the chain.
   * One refused event refuses the whole batch, so a roll call's or a flight's events land together or not at all.
   */
  async appendMany(actor: Actor, requests: AppendRequest[], opts: { auditAction?: string; context?: Record<string, unknown> } = {}): Promise<LedgerEvent[]> {
    requirePermission(actor, 'custody.append');
    if (requests.length === 0) return [];
    const now = this.clock.now();
    const events = await this.db.transaction(async (tx) => {
      const personIds = [...new Set(requests.map((r) => r.personId))];
      const unitIds = [...new Set(requests.map((r) => r.unitId).filter((u): u is string => !!u))];
      const facilityIds = [...new Set(requests.map((r) => r.facilityId).filter((f): f is string => !!f))];
      const unitFacility = new Map<string, string>();
      for (const u of unitIds) unitFacility.set(u, (await this.facilities.requireUnit(tx, u)).facilityId);
      for (const f of facilityIds) await this.facilities.require(tx, f);

      const head = await lockHead(tx, this.siteId);
      const placementRows = await findPlacements(tx, personIds);
      const missing = personIds.filter((p) => !placementRows.has(p));
      if (missing.length) {
        const known = await this.registry.existing(tx, missing);
        const unknown = missing.find((p) => !known.has(p));
        if (unknown) throw new NotFoundError('registry.person_not_found', `No person ${unknown}`);
      }
      const state = new Map<string, { placement: Placement; since: Date; count: number }>();
      for (const id of personIds) {
        const row = placementRows.get(id);
        state.set(id, { placement: toPlacement(row), since: row?.since ?? new Date(0), count: row?.eventCount ?? 0 });
      }

      let { seq, hash } = head;
      const sealed: LedgerEvent[] = [];
      for (const [index, r] of requests.entries()) {
        const current = state.get(r.personId)!;
        const occurredAt = r.occurredAt ? new Date(r.occurredAt) : now;
        const where = requests.length > 1 ? ` (event ${index + 1} of the batch)` : '';
        if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
          throw new ValidationError('custody.occurred_in_future', `occurredAt ${occurredAt.toISOString()} is in the future${where}`);
        }
        if (occurredAt.getTime() < current.since.getTime()) {
          throw new ConflictError(
            'custody.out_of_order',
            `occurredAt ${occurredAt.toISOString()} is before the person's last custody event (${current.since.toISOString()})${where}; ` +
              'record events in the order they happened',
            { rule: 'out_of_order', personId: r.personId },
          );
        }
        if (actor.role === 'registrar' && !REGISTRAR_EVENTS.includes(r.type)) {
          throw new ForbiddenError('custody.role_may_not', `A registrar may record ${REGISTRAR_EVENTS.join(', ')} only`);
        }
        let t;
        try {
          t = transition(current.placement, {
            type: r.type,
            toFacilityId: r.facilityId ?? null,
            toUnitId: r.unitId ?? null,
            toUnitFacilityId: r.unitId ? unitFacility.get(r.unitId) ?? null : null,
            reason: r.reason ?? null,
          });
        } catch (err) {
          if (err instanceof ConflictError || err instanceof ValidationError) {
            err.message = `${err.message}${where}`;
            (err as { details?: unknown }).details = { ...(err.details as object), personId: r.personId };
          }
          throw err;
        }
        // The actor must hold the facility where the event happens: the arrival side for arrivals, else the current one.
        const arriving = ['ADMITTED', 'TRANSFER_ARRIVED', 'RECAPTURED'].includes(r.type);
        const actingFacility = arriving ? t.toFacilityId : t.fromFacilityId;
        if (actingFacility) requireFacility(actor, actingFacility);

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
          evidence: r.evidence ?? null,
          prevHash: hash,
        });
        hash = event.hash;
        sealed.push(event);
        state.set(r.personId, { placement: t.next, since: occurredAt, count: current.count + 1 });
      }

      await insertEvents(tx, sealed);
      const lastEventOf = new Map(sealed.map((e) => [e.personId, e.id]));
      await upsertPlacements(
        tx,
        [...state].filter(([id]) => lastEventOf.has(id)).map(([personId, s]) => ({
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
          ? { action: 'custody.append', subjectType: 'person', subjectId: sealed[0]!.personId, details: { eventId: sealed[0]!.id, type: sealed[0]!.type, ...opts.context } }
          : {
              action: opts.auditAction ?? 'custody.append_batch',
              subjectType: 'ledger',
              subjectId: this.siteId,
              details: { count: sealed.length, firstSeq: sealed[0]!.seq, lastSeq: seq, ...opts.context },
            },
      );
      return sealed;
    });
    const facilityIds = new Set<string>();
    for (const e of events) {
      if (e.fromFacilityId) facilityIds.add(e.fromFacilityId);
      if (e.toFacilityId) facilityIds.add(e.toFacilityId);
    }
    this.bus.emit('custody.appended', {
      siteId: this.siteId,
      count: events.length,
      personIds: [...new Set(events.map((e) => e.personId))],
      facilityIds: [...facilityIds],
    });
    return events;
  }

  /** A person's custody timeline; reading it is a read of the person record and is audited. */
  async personEvents(actor: Actor, personId: string): Promise<EventView[]> {
    requirePermission(actor, 'custody.read');
    return this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const events = await eventsOfPerson(tx, personId);
      await this.audit.record(tx, actor, { action: 'person.read_events', subjectType: 'person', subjectId: personId });
      return events.map((e) => ({ ...e, intact: hashEvent(e) === e.hash }));
    });
  }

  async facilityEvents(actor: Actor, facilityId: string, limit = 50): Promise<LedgerEvent[]> {
    requirePermission(actor, 'custody.read');
    requireFacility(actor, facilityId);
    return recentFacilityEvents(this.db, facilityId, limit, actor.nationalities);
  }

  /**
   * Walks the whole ledger once, in chain order (site, then seq), in large pages, recomputing every hash: proves that
   * no event was altered, removed or inserted, and that each site's chain ends at its stored head. Memory stays
   * bounded by the page size however long the ledger is.
   */
  async verify(actor: Actor | null, opts: { pageSize?: number } = {}): Promise<LedgerVerification> {
    if (actor) requirePermission(actor, 'ledger.verify');
    const pageSize = opts.pageSize ?? 20_000;
    const heads = await readHeads(this.db);
    const headOf = new Map(heads.map((h) => [h.siteId, h]));
    const checked = new Set<string>();
    let events = 0;
    let verifier = null as ChainVerifier | null;
    const finishSite = (): BadEvent | null => {
      if (!verifier) return null;
      checked.add(verifier.siteId);
      events += verifier.count;
      return verifier.finish(headOf.get(verifier.siteId));
    };
    let after: { siteId: string; seq: number } | null = null;
    for (;;) {
      const page = await readChainPage(this.db, after, pageSize);
      if (page.length === 0) break;
      for (const event of page) {
        if (event.siteId !== verifier?.siteId) {
          const bad = finishSite();
          if (bad) return { ok: false, events, firstBad: bad, heads };
          verifier = new ChainVerifier(event.siteId);
        }
        const bad = verifier.push(event);
        if (bad) return { ok: false, events: events + verifier.count, firstBad: await this.explainGap(bad), heads };
      }
      const last = page[page.length - 1]!;
      after = { siteId: last.siteId, seq: last.seq };
    }
    const bad = finishSite();
    if (bad) return { ok: false, events, firstBad: bad, heads };
    // A head without any event must still be at the genesis (else its events were removed).
    for (const head of heads) {
      if (checked.has(head.siteId)) continue;
      const empty = new ChainVerifier(head.siteId).finish(head);
      if (empty) return { ok: false, events, firstBad: empty, heads };
    }
    const local = headOf.get(this.siteId);
    return { ok: true, events, head: local?.hash ?? heads[0]?.hash ?? '', heads };
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
