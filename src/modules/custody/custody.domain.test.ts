import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError } from '../../platform/errors';
import { canonicalJson, GENESIS_HASH } from '../../platform/canonical-json';
import {
  allowedEvents,
  allowedFrom,
  eventForm,
  canonicalEventJson,
  ChainVerifier,
  hashEvent,
  CUSTODY_STATUSES,
  EVENT_TYPES,
  sealEvent,
  transition,
  type CustodyStatus,
  type EventIntent,
  type EventType,
  type LedgerEvent,
  type Placement,
  type UnhashedEvent,
} from './custody.domain';

const A = 'facility-a';
const B = 'facility-b';
const A1 = 'unit-a1';
const A2 = 'unit-a2';
const B1 = 'unit-b1';
const unitFacility: Record<string, string> = { [A1]: A, [A2]: A, [B1]: B };

function placementIn(status: CustodyStatus): Placement {
  if (status === 'registered') return { status, facilityId: null, unitId: null, destinationFacilityId: null, outReason: null };
  return {
    status,
    facilityId: A,
    unitId: A1,
    destinationFacilityId: status === 'in_transit' ? B : null,
    outReason: status === 'temporarily_out' ? 'hospital' : null,
  };
}

/** A well-formed intent for each type, so that only the status decides. */
function intentFor(type: EventType): EventIntent {
  switch (type) {
    case 'ADMITTED':
      return { type, toFacilityId: A, toUnitId: A1, toUnitFacilityId: A };
    case 'MOVED':
      return { type, toUnitId: A2, toUnitFacilityId: A };
    case 'TRANSFER_DEPARTED':
      return { type, toFacilityId: B };
    case 'TRANSFER_ARRIVED':
      return { type, toFacilityId: B, toUnitId: B1, toUnitFacilityId: B };
    case 'TEMPORARY_OUT':
      return { type, reason: 'hospital' };
    case 'RECAPTURED':
      return { type, toFacilityId: A };
    default:
      return { type };
  }
}

describe('custody state machine', () => {
  for (const type of EVENT_TYPES) {
    for (const status of CUSTODY_STATUSES) {
      const allowed = allowedFrom(type).includes(status);
      it(`${type} from ${status} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const run = () => transition(placementIn(status), intentFor(type));
        if (allowed) {
          expect(run().next.status).toBeTypeOf('string');
        } else {
          expect(run).toThrow(ConflictError);
          try {
            run();
          } catch (err) {
            expect((err as ConflictError).code).toBe('custody.invalid_transition');
            expect((err as ConflictError).message).toContain(type);
            expect((err as ConflictError).message).toContain('requires status');
          }
        }
      });
    }
  }

  it('nothing can happen to a deceased person', () => {
    for (const type of EVENT_TYPES) expect(() => transition(placementIn('deceased'), intentFor(type))).toThrow(ConflictError);
  });

  it('a registered person can only be admitted', () => {
    const allowed = EVENT_TYPES.filter((t) => {
      try {
        transition(placementIn('registered'), intentFor(t));
        return true;
      } catch {
        return false;
      }
    });
    expect(allowed).toEqual(['ADMITTED']);
  });

  it('the placement follows each event', () => {
    let p = placementIn('registered');
    p = transition(p, intentFor('ADMITTED')).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: A, unitId: A1 });
    p = transition(p, intentFor('MOVED')).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: A, unitId: A2 });
    p = transition(p, intentFor('TEMPORARY_OUT')).next;
    expect(p).toMatchObject({ status: 'temporarily_out', facilityId: A, outReason: 'hospital' });
    p = transition(p, { type: 'RETURNED' }).next;
    expect(p).toMatchObject({ status: 'in_custody', unitId: A2, outReason: null });
    p = transition(p, intentFor('TRANSFER_DEPARTED')).next;
    expect(p).toMatchObject({ status: 'in_transit', facilityId: A, destinationFacilityId: B });
    p = transition(p, intentFor('TRANSFER_ARRIVED')).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: B, unitId: B1, destinationFacilityId: null });
    p = transition(p, { type: 'UNACCOUNTED' }).next;
    expect(p.status).toBe('unaccounted');
    p = transition(p, { type: 'ACCOUNTED' }).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: B });
    p = transition(p, { type: 'ESCAPED' }).next;
    expect(p).toMatchObject({ status: 'escaped', facilityId: B });
    p = transition(p, { type: 'RECAPTURED' }).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: B });
    p = transition(p, { type: 'RELEASED' }).next;
    expect(p.status).toBe('released');
    p = transition(p, intentFor('ADMITTED')).next;
    expect(p).toMatchObject({ status: 'in_custody', facilityId: A });
  });

  it('names the rule when a move leaves the facility', () => {
    expect(() => transition(placementIn('in_custody'), { type: 'MOVED', toUnitId: B1, toUnitFacilityId: B })).toThrow(/TRANSFER_DEPARTED/);
  });

  it('refuses an arrival somewhere other than the departure destination', () => {
    expect(() => transition(placementIn('in_transit'), { type: 'TRANSFER_ARRIVED', toFacilityId: A })).toThrow(
      expect.objectContaining({ code: 'custody.arrival_elsewhere' }),
    );
  });

  it('refuses a transfer to the same facility and a move to the same unit', () => {
    expect(() => transition(placementIn('in_custody'), { type: 'TRANSFER_DEPARTED', toFacilityId: A })).toThrow(
      expect.objectContaining({ code: 'custody.transfer_to_same_facility' }),
    );
    expect(() => transition(placementIn('in_custody'), { type: 'MOVED', toUnitId: A1, toUnitFacilityId: A })).toThrow(
      expect.objectContaining({ code: 'custody.move_to_same_unit' }),
    );
  });

  it('needs a destination, a unit or a reason where the event has one', () => {
    expect(() => transition(placementIn('registered'), { type: 'ADMITTED' })).toThrow(/needs facilityId/);
    expect(() => transition(placementIn('in_custody'), { type: 'MOVED' })).toThrow(/needs unitId/);
    expect(() => transition(placementIn('in_custody'), { type: 'TEMPORARY_OUT' })).toThrow(/needs reason/);
    expect(() => transition(placementIn('in_custody'), { type: 'TRANSFER_DEPARTED' })).toThrow(/needs facilityId/);
  });

  it('refuses a unit of another facility at admission', () => {
    expect(() => transition(placementIn('registered'), { type: 'ADMITTED', toFacilityId: A, toUnitId: B1, toUnitFacilityId: B })).toThrow(
      expect.objectContaining({ code: 'custody.unit_outside_facility' }),
    );
  });
});

// --- the hash chain, property-based ------------------------------------------------------------------------

const arbType = fc.constantFrom(...EVENT_TYPES);
const arbEventSeed = fc.record({
  personId: fc.constantFrom('p1', 'p2', 'p3'),
  type: arbType,
  minutes: fc.integer({ min: 0, max: 100_000 }),
  authority: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  reason: fc.option(fc.constantFrom('hospital', 'court', 'other'), { nil: null }),
  evidence: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean())), {
    nil: null,
  }),
  unit: fc.option(fc.constantFrom(A1, A2, B1), { nil: null }),
});

type EventSeed = typeof arbEventSeed extends fc.Arbitrary<infer T> ? T : never;

function buildChain(seeds: EventSeed[]): LedgerEvent[] {
  let prevHash = GENESIS_HASH;
  return seeds.map((s, i) => {
    const e = sealEvent({
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      siteId: 'hq',
      seq: i + 1,
      personId: s.personId,
      type: s.type,
      occurredAt: new Date(Date.UTC(2026, 0, 1) + s.minutes * 60_000),
      recordedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
      recordedBy: null,
      fromFacilityId: null,
      fromUnitId: null,
      toFacilityId: s.unit ? unitFacility[s.unit]! : null,
      toUnitId: s.unit,
      authority: s.authority,
      reason: s.reason,
      evidence: s.evidence,
      prevHash,
    });
    prevHash = e.hash;
    return e;
  });
}

function verifyAll(events: LedgerEvent[]) {
  const v = new ChainVerifier('hq');
  for (const e of events) {
    const bad = v.push(e);
    if (bad) return bad;
  }
  return null;
}

const MUTABLE_FIELDS = [
  'id',
  'seq',
  'personId',
  'type',
  'occurredAt',
  'recordedAt',
  'recordedBy',
  'fromFacilityId',
  'fromUnitId',
  'toFacilityId',
  'toUnitId',
  'authority',
  'reason',
  'evidence',
  'prevHash',
  'hash',
] as const;

function mutate(event: LedgerEvent, field: (typeof MUTABLE_FIELDS)[number]): LedgerEvent {
  const e = { ...event } as Record<string, unknown>;
  const v = e[field];
  if (field === 'seq') e.seq = (v as number) + 1;
  else if (v instanceof Date) e[field] = new Date(v.getTime() + 1);
  else if (field === 'evidence') e.evidence = { ...(v as object | null), tampered: true };
  else if (field === 'type') e.type = v === 'ESCAPED' ? 'RELEASED' : 'ESCAPED';
  else e[field] = typeof v === 'string' ? `${v}x` : 'x';
  return e as unknown as LedgerEvent;
}

describe('hash chain (property-based)', () => {
  it('any sequence of sealed events verifies', () => {
    fc.assert(
      fc.property(fc.array(arbEventSeed, { minLength: 1, maxLength: 40 }), (seeds) => {
        const chain = buildChain(seeds);
        expect(verifyAll(chain)).toBeNull();
      }),
    );
  });

  it('changing any stored field of any event fails verification and names that event', () => {
    fc.assert(
      fc.property(fc.array(arbEventSeed, { minLength: 1, maxLength: 30 }), fc.nat(), fc.constantFrom(...MUTABLE_FIELDS), (seeds, pick, field) => {
        const chain = buildChain(seeds);
        const index = pick % chain.length;
        chain[index] = mutate(chain[index]!, field);
        const bad = verifyAll(chain);
        expect(bad).not.toBeNull();
        expect(bad!.id).toBe(chain[index]!.id);
      }),
    );
  });

  it('removing an event is caught at the gap, and removing the last ones at the head', () => {
    fc.assert(
      fc.property(fc.array(arbEventSeed, { minLength: 2, maxLength: 30 }), fc.nat(), (seeds, pick) => {
        const chain = buildChain(seeds);
        const head = { siteId: 'hq', seq: chain.length, hash: chain.at(-1)!.hash };
        const index = pick % (chain.length - 1);
        const removed = chain.filter((_, i) => i !== index);
        expect(verifyAll(removed)?.problem).toBe('sequence_gap');
        const truncated = chain.slice(0, -1);
        const v = new ChainVerifier('hq');
        for (const e of truncated) expect(v.push(e)).toBeNull();
        expect(v.finish(head)?.problem).toBe('head_mismatch');
      }),
    );
  });
});

// --- canonical bytes: the fixed-order writer against the generic canonical JSON --------------------------------------

/** How every event was hashed before the fixed-order writer: the generic canonical JSON (sorted keys) of these fields. */
function referenceCanonical(e: UnhashedEvent): string {
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

const PINNED: UnhashedEvent = {
  id: '0190a6b2-7c00-7000-8000-000000000001',
  siteId: 'hq',
  seq: 7,
  personId: '0190a6b2-7c00-7000-8000-0000000000aa',
  type: 'TEMPORARY_OUT',
  occurredAt: new Date('2026-01-20T08:15:30.250Z'),
  recordedAt: new Date('2026-01-20T08:16:00.000Z'),
  recordedBy: '0190a6b2-7c00-7000-8000-0000000000bb',
  fromFacilityId: '0190a6b2-7c00-7000-8000-0000000000cc',
  fromUnitId: null,
  toFacilityId: null,
  toUnitId: null,
  authority: 'Order 12/2026 «طوارئ» "urgent"\n',
  reason: 'hospital',
  evidence: { verification: 'v-1', score: 0.93, Zeta: true, alpha: null },
  prevHash: 'a'.repeat(64),
};

const arbText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
const arbNullableText = fc.option(arbText, { nil: null });
const arbJsonValue = fc.jsonValue({ maxDepth: 3 });
const arbDate = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true });
const arbUnhashed: fc.Arbitrary<UnhashedEvent> = fc.record({
  id: arbText,
  siteId: arbText,
  seq: fc.oneof(fc.nat(), fc.integer({ min: -5, max: Number.MAX_SAFE_INTEGER }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  personId: arbText,
  type: fc.constantFrom(...EVENT_TYPES),
  occurredAt: arbDate,
  recordedAt: arbDate,
  recordedBy: arbNullableText,
  fromFacilityId: arbNullableText,
  fromUnitId: arbNullableText,
  toFacilityId: arbNullableText,
  toUnitId: arbNullableText,
  authority: arbNullableText,
  reason: arbNullableText,
  evidence: fc.option(fc.dictionary(arbText, arbJsonValue, { maxKeys: 6 }), { nil: null }),
  prevHash: arbText,
});

describe('canonical bytes of an event', () => {
  it('hashes the pinned event to the hash the generic canonical JSON gave it', () => {
    expect(hashEvent(PINNED)).toBe('f8aa44ac6b79b0fff4f4f6350746c0d84edea00eacddf100ad9dcb7b8770197d');
    expect(hashEvent({ ...PINNED, evidence: null })).toBe('ce8cc4a2dcaf2fa460ca2f80ebbfef7c7da64b24abdb162fdbf561a532d651f6');
    expect(canonicalEventJson(PINNED)).toBe(referenceCanonical(PINNED));
  });

  it('writes the keys in canonical (sorted) order', () => {
    const keys = Object.keys(JSON.parse(canonicalEventJson(PINNED)) as object);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(16);
  });

  it('gives exactly the bytes of the generic canonical JSON for any event', () => {
    fc.assert(
      fc.property(arbUnhashed, (e) => {
        expect(canonicalEventJson(e)).toBe(referenceCanonical(e));
        expect(hashEvent(e)).toBe(createHash('sha256').update(referenceCanonical(e)).digest('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back to the generic routine, with the same bytes, for shapes outside the usual one', () => {
    const odd = [
      { ...PINNED, evidence: undefined },
      { ...PINNED, recordedBy: undefined },
      { ...PINNED, occurredAt: '2026-01-20T08:15:30.250Z' },
      { ...PINNED, seq: '7' },
      { ...PINNED, authority: 12 },
      { ...PINNED, evidence: ['a', { b: 1, a: 2 }] },
      { ...PINNED, extra: 'ignored', hash: 'ignored too' },
    ] as unknown as UnhashedEvent[];
    for (const e of odd) expect(canonicalEventJson(e)).toBe(referenceCanonical(e));
    expect(() => canonicalEventJson({ ...PINNED, seq: Number.NaN })).toThrow();
  });

  it('chains built before and after agree: a chain sealed with the reference verifies, and the other way round', () => {
    fc.assert(
      fc.property(fc.array(arbEventSeed, { minLength: 1, maxLength: 20 }), (seeds) => {
        const chain = buildChain(seeds);
        let prev = GENESIS_HASH;
        for (const e of chain) {
          const { hash, ...rest } = e;
          expect(rest.prevHash).toBe(prev);
          expect(createHash('sha256').update(referenceCanonical(rest)).digest('hex')).toBe(hash);
          prev = hash;
        }
      }),
    );
  });
});

describe('the events allowed from a status (what the "record an event" panel offers)', () => {
  /** The intent a form with only its required fields filled would send, pointing where its `place` says. */
  function minimalIntent(type: EventType, current: Placement): EventIntent {
    const form = eventForm(type);
    const intent: EventIntent = { type };
    const otherFacility = current.facilityId === A ? B : A;
    if (form.required.includes('facilityId')) intent.toFacilityId = form.place === 'other' ? otherFacility : A;
    if (form.required.includes('unitId')) {
      const unit = current.unitId === A1 ? A2 : A1;
      intent.toUnitId = unit;
      intent.toUnitFacilityId = unitFacility[unit];
    }
    if (form.required.includes('reason')) intent.reason = form.reasons?.[0] ?? 'a reason';
    return intent;
  }

  it('offers exactly the types the state machine accepts, and each goes through with its required fields only', () => {
    for (const status of CUSTODY_STATUSES) {
      const current = placementIn(status);
      const offered = allowedEvents(status).map((f) => f.type);
      for (const type of EVENT_TYPES) {
        expect(offered.includes(type)).toBe(allowedFrom(type).includes(status));
        if (offered.includes(type)) expect(() => transition(current, minimalIntent(type, current))).not.toThrow();
        else expect(() => transition(current, minimalIntent(type, current))).toThrow(ConflictError);
      }
    }
  });

  it('a required field left out is refused by the state machine', () => {
    for (const status of CUSTODY_STATUSES) {
      const current = placementIn(status);
      for (const form of allowedEvents(status)) {
        for (const field of form.required) {
          const intent = minimalIntent(form.type, current);
          if (field === 'facilityId') intent.toFacilityId = null;
          if (field === 'unitId') intent.toUnitId = null;
          if (field === 'reason') intent.reason = null;
          expect(() => transition(current, intent), `${form.type} without ${field}`).toThrow(/needs/);
        }
      }
    }
  });

  it('a registrar is offered the admission only; nothing is offered for a deceased person', () => {
    expect(allowedEvents('registered', { registrarOnly: true }).map((f) => f.type)).toEqual(['ADMITTED']);
    expect(allowedEvents('in_custody', { registrarOnly: true })).toEqual([]);
    expect(allowedEvents('deceased')).toEqual([]);
    expect(allowedEvents('in_custody').find((f) => f.type === 'TEMPORARY_OUT')?.reasons).toEqual(['hospital', 'court', 'transfer', 'other']);
    expect(allowedEvents('in_custody').find((f) => f.type === 'MOVED')).toMatchObject({ required: ['unitId'], place: 'current' });
  });
});
