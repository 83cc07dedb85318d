import { ConflictError, ValidationError } from '../../platform/errors';
import { canonicalJson, GENESIS_HASH, sha256Hex } from '../../platform/canonical-json';

export const EVENT_TYPES = [
  'ADMITTED',
  'MOVED',
  'TRANSFER_DEPARTED',
  'TRANSFER_ARRIVED',
  'TEMPORARY_OUT',
  'RETURNED',
  'RELEASED',
  'REPATRIATED',
  'ESCAPED',
  'RECAPTURED',
  'DECEASED',
  'UNACCOUNTED',
  'ACCOUNTED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Where a person stands in custody; `registered` means enrolled in the registry but never admitted. */
export const CUSTODY_STATUSES = [
  'registered',
  'in_custody',
  'temporarily_out',
  'in_transit',
  'unaccounted',
  'escaped',
  'released',
  'repatriated',
  'deceased',
] as const;
export type CustodyStatus = (typeof CUSTODY_STATUSES)[number];

export const TEMPORARY_OUT_REASONS = ['hospital', 'court', 'transfer', 'other'] as const;

export interface Placement {
  status: CustodyStatus;
  facilityId: string | null;
  unitId: string | null;
  destinationFacilityId: string | null;
  outReason: string | null;
}

export const NOT_ADMITTED: Placement = {
  status: 'registered',
  facilityId: null,
  unitId: null,
  destinationFacilityId: null,
  outReason: null,
};

/** What a caller asks to record, after ids were resolved and units checked against their facilities. */
export interface EventIntent {
  type: EventType;
  toFacilityId?: string | null;
  toUnitId?: string | null;
  /** Facility of `toUnitId`, looked up by the service, so that the domain can check the unit belongs where it goes. */
  toUnitFacilityId?: string | null;
  reason?: string | null;
  /**
   * A diverted movement (transfers): the destination its TRANSFER_DEPARTED named. Stated with a reason, it lets
   * TRANSFER_ARRIVED land elsewhere, and the ledger keeps both the destination promised and the one reached.
   */
  divertedFrom?: string | null;
}

export interface Transition {
  next: Placement;
  fromFacilityId: string | null;
  fromUnitId: string | null;
  toFacilityId: string | null;
  toUnitId: string | null;
}

const ALLOWED_FROM: Record<EventType, readonly CustodyStatus[]> = {
  ADMITTED: ['registered', 'released', 'repatriated'],
  MOVED: ['in_custody'],
  TRANSFER_DEPARTED: ['in_custody'],
  TRANSFER_ARRIVED: ['in_transit'],
  TEMPORARY_OUT: ['in_custody'],
  RETURNED: ['temporarily_out'],
  RELEASED: ['in_custody', 'temporarily_out'],
  REPATRIATED: ['in_custody', 'in_transit'],
  ESCAPED: ['in_custody', 'temporarily_out', 'in_transit', 'unaccounted'],
  RECAPTURED: ['escaped'],
  DECEASED: ['in_custody', 'temporarily_out', 'in_transit', 'unaccounted', 'escaped'],
  UNACCOUNTED: ['in_custody'],
  ACCOUNTED: ['unaccounted'],
};

/** Statuses allowed before each event type: the whole state machine in one table (also rendered in docs). */
export function allowedFrom(type: EventType): readonly CustodyStatus[] {
  return ALLOWED_FROM[type];
}

/** The events a registrar may record (the admission that follows an enrolment); other roles record every type. */
export const REGISTRAR_EVENTS: readonly EventType[] = ['ADMITTED'];

/** A field of an event a caller may fill in (`POST /persons/:id/events`). */
export const EVENT_FIELDS = ['facilityId', 'unitId', 'reason', 'authority', 'occurredAt'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/**
 * What a form for one event type needs: the fields `transition` refuses the event without, the fields it may carry,
 * where the facility or unit named must be (the person's current facility, another one, the transfer's destination,
 * any), and the closed list of reasons where there is one. Kept beside `transition`, whose rules it restates.
 */
export interface EventForm {
  type: EventType;
  required: EventField[];
  optional: EventField[];
  place: 'current' | 'other' | 'destination' | 'any' | null;
  reasons?: string[];
}

const COMMON: EventField[] = ['authority', 'reason', 'occurredAt'];
const EVENT_FORMS: Record<EventType, Omit<EventForm, 'type' | 'reasons'> & { reasons?: readonly string[] }> = {
  ADMITTED: { required: ['facilityId'], optional: ['unitId', ...COMMON], place: 'any' },
  MOVED: { required: ['unitId'], optional: COMMON, place: 'current' },
  TRANSFER_DEPARTED: { required: ['facilityId'], optional: COMMON, place: 'other' },
  TRANSFER_ARRIVED: { required: [], optional: ['unitId', ...COMMON], place: 'destination' },
  TEMPORARY_OUT: { required: ['reason'], optional: ['authority', 'occurredAt'], place: null, reasons: TEMPORARY_OUT_REASONS },
  RETURNED: { required: [], optional: ['unitId', ...COMMON], place: 'current' },
  RELEASED: { required: [], optional: COMMON, place: null },
  REPATRIATED: { required: [], optional: COMMON, place: null },
  ESCAPED: { required: [], optional: COMMON, place: null },
  RECAPTURED: { required: [], optional: ['facilityId', 'unitId', ...COMMON], place: 'any' },
  DECEASED: { required: [], optional: COMMON, place: null },
  UNACCOUNTED: { required: [], optional: COMMON, place: null },
  ACCOUNTED: { required: [], optional: ['unitId', ...COMMON], place: 'current' },
};

/** The form of one event type. */
export function eventForm(type: EventType): EventForm {
  const f = EVENT_FORMS[type];
  return { type, required: [...f.required], optional: [...f.optional], place: f.place, ...(f.reasons ? { reasons: [...f.reasons] } : {}) };
}

/**
 * The events that may be recorded for a person in this status, in the order of EVENT_TYPES, with their forms: the
 * state machine's table (`ALLOWED_FROM`, the one `transition` applies) read from the other side, narrowed for a
 * registrar. The web app's "record an event" panel offers exactly these.
 */
export function allowedEvents(status: CustodyStatus, opts: { registrarOnly?: boolean } = {}): EventForm[] {
  return EVENT_TYPES.filter((t) => ALLOWED_FROM[t].includes(status))
    .filter((t) => !opts.registrarOnly || REGISTRAR_EVENTS.includes(t))
    .map(eventForm);
}

function refuse(rule: string, message: string, details?: Record<string, unknown>): never {
  throw new ConflictError(`custody.${rule}`, message, { rule, ...details });
}

function requireField(value: string | null | undefined, type: EventType, field: string): string {
  if (!value) throw new ValidationError('custody.missing_field', `${type} needs ${field}`, { field });
  return value;
}

/**
 * The state machine: given the person's current placement and an event, returns the next placement or refuses the
 * event with a ConflictError whose code and message name the rule that forbids it.
 */
export function transition(current: Placement, intent: EventIntent): Transition {
  const { type } = intent;
  if (!ALLOWED_FROM[type].includes(current.status)) {
    refuse(
      'invalid_transition',
      `${type} is not allowed for a person who is ${current.status.replace('_', ' ')}: ` + `${type} requires status ${ALLOWED_FROM[type].join(' or ')}`,
      { type, status: current.status, allowedFrom: ALLOWED_FROM[type] },
    );
  }
  if (intent.toUnitId && intent.toUnitFacilityId && intent.toFacilityId && intent.toUnitFacilityId !== intent.toFacilityId) {
    refuse('unit_outside_facility', `Unit ${intent.toUnitId} does not belong to facility ${intent.toFacilityId}`);
  }
  const from = { fromFacilityId: current.facilityId, fromUnitId: current.unitId };
  const stay = (patch: Partial<Placement>): Placement => ({ ...current, ...patch });
  const gone = (status: CustodyStatus): Placement => ({
    status,
    facilityId: current.facilityId,
    unitId: current.unitId,
    destinationFacilityId: null,
    outReason: null,
  });
  const unitIn = (facilityId: string): string | null => {
    if (!intent.toUnitId) return null;
    const unitFacility = intent.toUnitFacilityId ?? facilityId;
    if (unitFacility !== facilityId) {
      refuse('unit_outside_facility', `Unit ${intent.toUnitId} does not belong to facility ${facilityId}`);
    }
    return intent.toUnitId;
  };

  switch (type) {
    case 'ADMITTED': {
      const facilityId = intent.toFacilityId ?? intent.toUnitFacilityId ?? null;
      const to = requireField(facilityId, type, 'facilityId');
      const unitId = unitIn(to);
      return {
        next: { status: 'in_custody', facilityId: to, unitId, destinationFacilityId: null, outReason: null },
        fromFacilityId: null,
        fromUnitId: null,
        toFacilityId: to,
        toUnitId: unitId,
      };
    }
    case 'MOVED': {
      const unitId = requireField(intent.toUnitId, type, 'unitId');
      const facilityId = current.facilityId as string;
      if (intent.toFacilityId && intent.toFacilityId !== facilityId) {
        refuse('move_across_facilities', 'MOVED stays within one facility; between facilities record TRANSFER_DEPARTED then TRANSFER_ARRIVED');
      }
      if (intent.toUnitFacilityId && intent.toUnitFacilityId !== facilityId) {
        refuse(
          'move_across_facilities',
          `Unit ${unitId} is in another facility; MOVED stays within one facility, record TRANSFER_DEPARTED then TRANSFER_ARRIVED`,
        );
      }
      if (unitId === current.unitId) refuse('move_to_same_unit', `The person is already in unit ${unitId}`);
      return { next: stay({ unitId }), ...from, toFacilityId: facilityId, toUnitId: unitId };
    }
    case 'TRANSFER_DEPARTED': {
      const to = requireField(intent.toFacilityId, type, 'facilityId (the destination)');
      if (to === current.facilityId) {
        refuse('transfer_to_same_facility', 'A transfer must go to another facility; within one facility use MOVED');
      }
      return {
        next: stay({ status: 'in_transit', destinationFacilityId: to }),
        ...from,
        toFacilityId: to,
        toUnitId: null,
      };
    }
    case 'TRANSFER_ARRIVED': {
      const destination = current.destinationFacilityId as string;
      const to = intent.toFacilityId ?? destination;
      if (to !== destination) {
        if (intent.divertedFrom !== destination) {
          refuse('arrival_elsewhere', `TRANSFER_ARRIVED at ${to} does not match the departure's destination ${destination}`, { destination });
        }
        requireField(intent.reason, type, 'reason (why the transfer was diverted)');
      }
      const unitId = unitIn(to);
      return {
        next: { status: 'in_custody', facilityId: to, unitId, destinationFacilityId: null, outReason: null },
        ...from,
        toFacilityId: to,
        toUnitId: unitId,
      };
    }
    case 'TEMPORARY_OUT': {
      const reason = requireField(intent.reason, type, 'reason (hospital, court, transfer or other)');
      return { next: stay({ status: 'temporarily_out', outReason: reason }), ...from, toFacilityId: null, toUnitId: null };
    }
    case 'RETURNED':
    case 'ACCOUNTED': {
      const facilityId = current.facilityId as string;
      if (intent.toFacilityId && intent.toFacilityId !== facilityId) {
        refuse('return_elsewhere', `${type} brings the person back to facility ${facilityId}, not another one`);
      }
      const unitId = unitIn(facilityId) ?? current.unitId;
      return {
        next: { status: 'in_custody', facilityId, unitId, destinationFacilityId: null, outReason: null },
        ...from,
        toFacilityId: facilityId,
        toUnitId: unitId,
      };
    }
    case 'RECAPTURED': {
      const to = intent.toFacilityId ?? intent.toUnitFacilityId ?? current.facilityId;
      const facilityId = requireField(to, type, 'facilityId');
      const unitId = unitIn(facilityId);
      return {
        next: { status: 'in_custody', facilityId, unitId, destinationFacilityId: null, outReason: null },
        ...from,
        toFacilityId: facilityId,
        toUnitId: unitId,
      };
    }
    case 'RELEASED':
    case 'REPATRIATED':
      // The last facility is kept on the placement so that reports can say where people were released from.
      return { next: gone(type === 'RELEASED' ? 'released' : 'repatriated'), ...from, toFacilityId: intent.toFacilityId ?? null, toUnitId: null };
    case 'ESCAPED':
      return { next: gone('escaped'), ...from, toFacilityId: null, toUnitId: null };
    case 'DECEASED':
      return { next: gone('deceased'), ...from, toFacilityId: null, toUnitId: null };
    case 'UNACCOUNTED':
      return { next: stay({ status: 'unaccounted' }), ...from, toFacilityId: null, toUnitId: null };
    default: {
      const exhaustive: never = type;
      throw new ValidationError('custody.unknown_type', `Unknown event type ${String(exhaustive)}`);
    }
  }
}

// --- the hash chain --------------------------------------------------------------------------------------------

/** Every stored field of an event; the hash covers all of them but itself. */
export interface LedgerEvent {
  id: string;
  siteId: string;
  seq: number;
  personId: string;
  type: EventType;
  occurredAt: Date;
  recordedAt: Date;
  recordedBy: string | null;
  fromFacilityId: string | null;
  fromUnitId: string | null;
  toFacilityId: string | null;
  toUnitId: string | null;
  authority: string | null;
  reason: string | null;
  evidence: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export type UnhashedEvent = Omit<LedgerEvent, 'hash'>;

/**
 * The canonical JSON of an event without its hash: what `hashEvent` hashes. Verification runs this for every event of
 * the ledger, so the usual shape (what the database returns and what `appendMany` seals: strings or null, Dates, a
 * finite seq) is written field by field in the sorted key order canonical JSON uses, with no generic walk or sort.
 * Anything else (an undefined field, a string where a Date belongs) goes through the generic `canonicalJson`, so the
 * bytes, and therefore every hash, are exactly those of `canonicalJson` in every case (custody.domain.test.ts checks
 * both against the generic routine).
 */
export function canonicalEventJson(e: UnhashedEvent): string {
  const { occurredAt, recordedAt, seq } = e;
  if (
    occurredAt instanceof Date &&
    recordedAt instanceof Date &&
    typeof seq === 'number' &&
    Number.isFinite(seq) &&
    e.evidence !== undefined &&
    typeof e.id === 'string' &&
    typeof e.siteId === 'string' &&
    typeof e.personId === 'string' &&
    typeof e.type === 'string' &&
    typeof e.prevHash === 'string' &&
    nullableString(e.authority) &&
    nullableString(e.reason) &&
    nullableString(e.recordedBy) &&
    nullableString(e.fromFacilityId) &&
    nullableString(e.fromUnitId) &&
    nullableString(e.toFacilityId) &&
    nullableString(e.toUnitId)
  ) {
    // Keys in canonical (JavaScript string) order: authority < evidence < fromFacilityId < ... < toUnitId < type.
    return (
      `{"authority":${json(e.authority)},"evidence":${e.evidence === null ? 'null' : canonicalJson(e.evidence)}` +
      `,"fromFacilityId":${json(e.fromFacilityId)},"fromUnitId":${json(e.fromUnitId)},"id":${JSON.stringify(e.id)}` +
      `,"occurredAt":"${occurredAt.toISOString()}","personId":${JSON.stringify(e.personId)}` +
      `,"prevHash":${JSON.stringify(e.prevHash)},"reason":${json(e.reason)},"recordedAt":"${recordedAt.toISOString()}"` +
      `,"recordedBy":${json(e.recordedBy)},"seq":${JSON.stringify(seq)},"siteId":${JSON.stringify(e.siteId)}` +
      `,"toFacilityId":${json(e.toFacilityId)},"toUnitId":${json(e.toUnitId)},"type":${JSON.stringify(e.type)}}`
    );
  }
  return canonicalJson({
    id: e.id,
    siteId: e.siteId,
    seq: e.seq,
    personId: e.personId,
    type: e.type,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    recordedBy: e.recordedBy,
    fromFacilityId: e.fromFacilityId,
    fromUnitId: e.fromUnitId,
    toFacilityId: e.toFacilityId,
    toUnitId: e.toUnitId,
    authority: e.authority,
    reason: e.reason,
    evidence: e.evidence,
    prevHash: e.prevHash,
  });
}

const nullableString = (v: unknown): boolean => v === null || typeof v === 'string';
const json = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

/** sha256 of the event's canonical JSON (every stored field but the hash itself). */
export function hashEvent(event: UnhashedEvent): string {
  return sha256Hex(canonicalEventJson(event));
}

export function sealEvent(event: UnhashedEvent): LedgerEvent {
  return { ...event, hash: hashEvent(event) };
}

export interface ChainHead {
  siteId: string;
  seq: number;
  hash: string;
}

export interface BadEvent {
  id: string;
  siteId: string;
  seq: number;
  problem: 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'head_mismatch';
  message: string;
  /** For a gap: the hash of the event that should have come before (lets the caller find a renumbered event). */
  missingHash?: string;
}

/**
 * Checks one site's chain event by event (in seq order) without holding it all in memory: each event's hash must
 * match its content, link to the previous hash, and seq must be gapless from 1 (or from `from`, a point of the chain
 * verified before, whose event the caller has re-checked).
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string;
  /** Events pushed and found good by this verifier. */
  count = 0;

  constructor(
    readonly siteId: string,
    from?: ChainHead,
  ) {
    this.expectedSeq = (from?.seq ?? 0) + 1;
    this.prevHash = from?.hash ?? GENESIS_HASH;
  }

  push(event: LedgerEvent): BadEvent | null {
    const at = { id: event.id, siteId: this.siteId, seq: event.seq };
    if (event.seq !== this.expectedSeq) {
      return {
        ...at,
        problem: 'sequence_gap',
        message: `Event ${event.id} has seq ${event.seq} where ${this.expectedSeq} was expected: an event is missing or was renumbered`,
        missingHash: event.prevHash,
      };
    }
    if (event.prevHash !== this.prevHash) {
      return {
        ...at,
        problem: 'broken_link',
        message: `Event ${event.id} (seq ${event.seq}) does not link to the hash of the event before it`,
      };
    }
    if (hashEvent(event) !== event.hash) {
      return {
        ...at,
        problem: 'hash_mismatch',
        message: `Event ${event.id} (seq ${event.seq}) was altered: its content no longer matches its hash`,
      };
    }
    this.expectedSeq += 1;
    this.prevHash = event.hash;
    this.count += 1;
    return null;
  }

  /** Compares the end of the chain with the stored head: catches removal of the last events. */
  finish(head: ChainHead | undefined): BadEvent | null {
    const seq = this.expectedSeq - 1;
    if (!head || head.seq !== seq || head.hash !== this.prevHash) {
      return {
        id: '',
        siteId: this.siteId,
        seq,
        problem: 'head_mismatch',
        message:
          head && head.seq === seq
            ? `The chain of site ${this.siteId} ends at seq ${seq} with another hash than its head: the head or the last event was changed`
            : `The chain of site ${this.siteId} ends at seq ${seq} but its head says seq ${head?.seq ?? 0}: events were removed or added outside the ledger`,
      };
    }
    return null;
  }

  get head(): ChainHead {
    return { siteId: this.siteId, seq: this.expectedSeq - 1, hash: this.prevHash };
  }
}
