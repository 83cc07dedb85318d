import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../platform/errors';
import {
  countArrival,
  effectiveCapacity,
  MOVE_COMMANDS,
  MOVE_STATUSES,
  moveAllowedFrom,
  nextMoveStatus,
  type MoveCommand,
  type MoveStatus,
} from './transfers.domain';
import { planManifests, planManifestsNaive, type PlanPerson } from './transfers.planner';
import { manifestHash, newKeyPair, signPart, verifyHandover, type HandoverDocument, type HandoverPart } from './transfers.signatures';

const EXPECTED: Record<MoveCommand, Partial<Record<MoveStatus, MoveStatus>>> = {
  approve: { proposed: 'approved' },
  board: { approved: 'boarded' },
  unboard: { boarded: 'approved' },
  depart: { boarded: 'departed' },
  arrive: { departed: 'arrived' },
  receive: { arrived: 'received' },
  complete: { received: 'completed' },
  cancel: { proposed: 'cancelled', approved: 'cancelled', boarded: 'cancelled' },
  dispute: { departed: 'disputed', arrived: 'disputed' },
  resolve: { disputed: 'arrived' },
  not_boarded: { disputed: 'cancelled' },
};

describe('the move state machine', () => {
  for (const command of MOVE_COMMANDS) {
    for (const status of MOVE_STATUSES) {
      const to = EXPECTED[command][status];
      if (to) {
        it(`${command} from ${status} leads to ${to}`, () => expect(nextMoveStatus(status, command)).toBe(to));
      } else {
        it(`${command} from ${status} is refused`, () => {
          expect(() => nextMoveStatus(status, command)).toThrow(ConflictError);
          try {
            nextMoveStatus(status, command);
          } catch (e) {
            expect((e as ConflictError).code).toBe('transfers.invalid_transition');
          }
        });
      }
    }
  }
  it('says why a cancel after departure is refused', () => {
    for (const s of ['departed', 'arrived', 'received', 'completed', 'disputed'] as const) {
      expect(() => nextMoveStatus(s, 'cancel')).toThrow(/only before departure/);
    }
  });
  it('the table and the expectations agree', () => {
    for (const c of MOVE_COMMANDS) expect([...moveAllowedFrom(c)].sort()).toEqual(Object.keys(EXPECTED[c]).sort());
  });
  it('completed and cancelled are final', () => {
    for (const c of MOVE_COMMANDS) {
      expect(() => nextMoveStatus('completed', c)).toThrow();
      expect(() => nextMoveStatus('cancelled', c)).toThrow();
    }
  });
});

describe('arrival count', () => {
  it('names who is missing and who is extra', () => {
    expect(countArrival(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual({ on: 3, off: 3, missing: ['a'], extra: ['d'] });
    expect(countArrival(['a'], ['a'])).toEqual({ on: 1, off: 1, missing: [], extra: [] });
  });
  it('escorts limit the capacity', () => {
    expect(effectiveCapacity(120, 10, 10)).toBe(100);
    expect(effectiveCapacity(120, 20, 10)).toBe(120);
    expect(effectiveCapacity(120, 0, null)).toBe(120);
  });
});

const ids = (n: number, p = 'p') => Array.from({ length: n }, (_, i) => `${p}${String(i).padStart(5, '0')}`);
const free = (id: string): PlanPerson => ({ id, custodyStatus: 'in_custody' });

describe('the planner', () => {
  it('places everyone when there is room, and says why it could not place the others', () => {
    const persons: PlanPerson[] = [
      ...ids(10).map(free),
      { id: 'held', custodyStatus: 'in_custody', hold: 'open case 42' },
      { id: 'gone', custodyStatus: 'escaped' },
      { id: 'busy', custodyStatus: 'in_custody', onMovementId: 'm0' },
    ];
    const plan = planManifests(
      persons,
      [
        { id: 'm1', capacity: 6, escorts: 2 },
        { id: 'm2', capacity: 6, escorts: 1 },
      ],
      {
        escortRatio: 3,
        together: [],
        apart: [],
      },
    );
    expect(plan.manifests.get('m1')).toHaveLength(6);
    expect(plan.manifests.get('m2')).toHaveLength(3);
    const why = Object.fromEntries(plan.unplaced.map((u) => [u.personId, u.reason]));
    expect(why.held).toBe('legal_hold');
    expect(why.gone).toBe('not_in_custody');
    expect(why.busy).toBe('already_on_movement');
    expect(plan.unplaced.filter((u) => u.reason === 'no_room')).toHaveLength(1);
  });

  it('keeps a together group whole, holds it back with a held member, and refuses a group too large', () => {
    const persons = [...ids(6).map(free), { id: 'h', custodyStatus: 'in_custody', hold: 'legal hold' }];
    const plan = planManifests(persons, [{ id: 'm1', capacity: 3, escorts: 5 }], {
      escortRatio: null,
      together: [
        ['p00000', 'p00001', 'p00002', 'p00003'],
        ['p00004', 'h'],
      ],
      apart: [],
    });
    expect(plan.manifests.get('m1')).toEqual(['p00005']);
    const why = Object.fromEntries(plan.unplaced.map((u) => [u.personId, u.reason]));
    expect(why.p00000).toBe('group_too_large');
    expect(why.p00004).toBe('legal_hold');
  });

  it('puts apart groups on different movements', () => {
    const plan = planManifests(
      ids(3).map(free),
      [
        { id: 'm1', capacity: 5, escorts: 5 },
        { id: 'm2', capacity: 5, escorts: 5 },
      ],
      {
        escortRatio: null,
        together: [],
        apart: [['p00000', 'p00001', 'p00002']],
      },
    );
    expect(plan.manifests.get('m1')).toHaveLength(1);
    expect(plan.manifests.get('m2')).toHaveLength(1);
    expect(plan.unplaced).toEqual([expect.objectContaining({ reason: 'apart_conflict' })]);
  });

  it('property: never exceeds capacity, never splits a together group, never puts an apart pair together, accounts for everyone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.record({ capacity: fc.integer({ min: 0, max: 30 }), escorts: fc.integer({ min: 0, max: 6 }) }), { minLength: 1, maxLength: 8 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
        fc.array(fc.array(fc.nat(119), { minLength: 2, maxLength: 6 }), { maxLength: 10 }),
        fc.array(fc.array(fc.nat(119), { minLength: 2, maxLength: 4 }), { maxLength: 6 }),
        fc.array(fc.nat(119), { maxLength: 10 }),
        (n, ms, escortRatio, togetherIdx, apartIdx, heldIdx) => {
          const people = ids(n);
          const held = new Set(heldIdx.filter((i) => i < n).map((i) => people[i]!));
          const persons = people.map((id) => ({ id, custodyStatus: 'in_custody', hold: held.has(id) ? 'hold' : null }));
          const movements = ms.map((m, i) => ({ id: `m${i}`, ...m }));
          const together = togetherIdx.map((g) => g.filter((i) => i < n).map((i) => people[i]!)).filter((g) => g.length > 1);
          const apart = apartIdx.map((g) => [...new Set(g.filter((i) => i < n).map((i) => people[i]!))]).filter((g) => g.length > 1);
          const plan = planManifests(persons, movements, { escortRatio, together, apart });
          const where = new Map<string, string>();
          for (const m of movements) {
            const list = plan.manifests.get(m.id)!;
            expect(list.length).toBeLessThanOrEqual(effectiveCapacity(m.capacity, m.escorts, escortRatio));
            for (const p of list) {
              expect(where.has(p)).toBe(false);
              expect(held.has(p)).toBe(false);
              where.set(p, m.id);
            }
          }
          for (const g of together) {
            const placed = g.filter((p) => where.has(p));
            if (placed.length) {
              expect(placed.length).toBe(g.length);
              expect(new Set(placed.map((p) => where.get(p))).size).toBe(1);
            }
          }
          for (const g of apart) {
            const ms2 = g.filter((p) => where.has(p)).map((p) => where.get(p));
            expect(new Set(ms2).size).toBe(ms2.length);
          }
          const unplaced = new Set(plan.unplaced.map((u) => u.personId));
          expect(unplaced.size).toBe(plan.unplaced.length);
          for (const p of people) expect(where.has(p) !== unplaced.has(p)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the naive baseline places the same number on a plain input', () => {
    const persons = ids(300).map(free);
    const ms = [1, 2, 3].map((i) => ({ id: `m${i}`, capacity: 90, escorts: 9 }));
    const c = { escortRatio: 10, together: [], apart: [] };
    expect(planManifests(persons, ms, c).unplaced.length).toBe(planManifestsNaive(persons, ms, c).unplaced.length);
  });
});

describe('handover signatures', () => {
  const part = (role: 'sender' | 'receiver', over: Partial<HandoverPart> = {}): HandoverPart => ({
    movementId: 'm1',
    operationId: 'o1',
    manifestHash: manifestHash('m1', ['a', 'b']),
    personIds: ['a', 'b'],
    countOn: 2,
    countOff: role === 'receiver' ? 2 : null,
    missing: [],
    extra: [],
    fromFacilityId: 'f1',
    toFacilityId: 'f2',
    ledgerHead: '1:abc',
    role,
    signedAt: '2026-01-01T00:00:00.000Z',
    signer: { userId: 'u', username: 'u', facilityId: role === 'sender' ? 'f1' : 'f2' },
    ...over,
  });
  const s = newKeyPair();
  const r = newKeyPair();

  it('verifies a handover signed by both sides, and pins keys', () => {
    const doc: HandoverDocument = {
      format: 'custos.handover@1',
      sender: signPart(part('sender'), s.privateKeyPem),
      receiver: signPart(part('receiver'), r.privateKeyPem),
    };
    expect(verifyHandover(doc)).toEqual({ ok: true, problems: [] });
    expect(verifyHandover(doc, [s.publicKeyPem, r.publicKeyPem]).ok).toBe(true);
    expect(verifyHandover(doc, [s.publicKeyPem]).problems).toEqual(["the receiver's public key is not one of the trusted keys"]);
  });
  it('fails a tampered receipt, a half-signed one and one contradicting the manifest', () => {
    const doc: HandoverDocument = {
      format: 'custos.handover@1',
      sender: signPart(part('sender'), s.privateKeyPem),
      receiver: signPart(part('receiver'), r.privateKeyPem),
    };
    const tampered = JSON.parse(JSON.stringify(doc)) as HandoverDocument;
    tampered.receiver!.part.countOff = 1;
    expect(verifyHandover(tampered).problems).toContain("the receiver's signature does not match its content");
    expect(verifyHandover({ ...doc, receiver: null }).problems).toEqual(["the receiver's signature is missing"]);
    const contra = { ...doc, receiver: signPart(part('receiver', { countOff: 1, missing: ['b'] }), r.privateKeyPem) };
    expect(verifyHandover(contra).problems[0]).toMatch(/contradicts the manifest/);
    const other = { ...doc, receiver: signPart(part('receiver', { manifestHash: manifestHash('m1', ['a']) }), r.privateKeyPem) };
    expect(verifyHandover(other).problems).toContain('the receipt names another manifest');
  });
});
