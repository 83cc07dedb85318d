import { describe, expect, it } from 'vitest';
import {
  isChild,
  leftWithoutCarer,
  placeKey,
  requireBestInterests,
  requireTraceable,
  separationsCausedBy,
  unapprovedSeparations,
  type PlaceOf,
  type PlannedMove,
} from './cases.families.domain';

const at = (facilityId: string): PlaceOf => ({ status: 'in_custody', facilityId, destinationFacilityId: null });
const toward = (from: string, to: string): PlaceOf => ({ status: 'in_transit', facilityId: from, destinationFacilityId: to });
const depart = (personId: string, from: string, to: string): PlannedMove => ({ personId, toFacilityId: to, before: at(from), after: toward(from, to) });
const release = (personId: string, from: string): PlannedMove => ({
  personId,
  move: 'release',
  toFacilityId: null,
  before: at(from),
  after: { status: 'released', facilityId: null, destinationFacilityId: null },
});
const now = new Date('2026-01-10T08:00:00Z');

describe('who is a child', () => {
  it('is under 18 by the latest possible birth day, and not without any birth', () => {
    expect(isChild({ birthTo: '2015-06-30' }, now)).toBe(true);
    expect(isChild({ birthTo: '2008-01-10' }, now)).toBe(false);
    expect(isChild({ birthTo: '2008-01-11' }, now)).toBe(true);
    expect(isChild({ birthTo: null }, now)).toBe(false);
  });
});

describe('places', () => {
  it('held at a facility, on the way to one, or nowhere', () => {
    expect(placeKey(at('F'))).toBe('at:F');
    expect(placeKey({ status: 'temporarily_out', facilityId: 'F', destinationFacilityId: null })).toBe('at:F');
    expect(placeKey(toward('F', 'G'))).toBe('to:G');
    expect(placeKey({ status: 'released', facilityId: null, destinationFacilityId: null })).toBeNull();
  });
});

describe('separationsCausedBy', () => {
  const places = new Map<string, PlaceOf>([
    ['child', at('F')],
    ['mother', at('F')],
    ['father', at('G')],
  ]);
  const family = [{ childId: 'child', carerIds: ['mother', 'father'] }];

  it('the mother leaving alone separates the child from the carer she is with', () => {
    expect(separationsCausedBy([depart('mother', 'F', 'H')], family, places)).toEqual([
      { childId: 'child', carerIds: ['mother'], moverId: 'mother', move: 'transfer', toFacilityId: 'H' },
    ]);
  });
  it('the child leaving alone separates them too', () => {
    expect(separationsCausedBy([depart('child', 'F', 'H')], family, places)).toMatchObject([{ moverId: 'child', toFacilityId: 'H' }]);
  });
  it('mother and child leaving for the same place separate nobody', () => {
    expect(separationsCausedBy([depart('mother', 'F', 'H'), depart('child', 'F', 'H')], family, places)).toEqual([]);
  });
  it('a child moved to the other carer is not separated from every carer', () => {
    expect(separationsCausedBy([depart('child', 'F', 'G')], family, new Map([...places, ['father', toward('X', 'G')]]))).toEqual([]);
  });
  it('another carer staying with the child means no separation', () => {
    const both = new Map([...places, ['father', at('F')]]);
    expect(separationsCausedBy([depart('mother', 'F', 'H')], family, both)).toEqual([]);
  });
  it('a child already without a carer at their place is not separated by a move of the other', () => {
    expect(separationsCausedBy([depart('father', 'G', 'H')], family, places)).toEqual([]);
  });
  it('moves of unrelated persons are not looked at', () => {
    expect(separationsCausedBy([depart('stranger', 'F', 'H')], family, places)).toEqual([]);
  });
  it('the mother released while the child stays held separates them (no destination: a release)', () => {
    expect(separationsCausedBy([release('mother', 'F')], family, places)).toEqual([
      { childId: 'child', carerIds: ['mother'], moverId: 'mother', move: 'release', toFacilityId: null },
    ]);
  });
  it('a repatriation separates like a transfer: the mother alone, or the child alone; the two together separate nobody', () => {
    const repatriate = (personId: string): PlannedMove => ({
      ...release(personId, 'F'),
      move: 'repatriation',
      after: { status: 'repatriated', facilityId: null, destinationFacilityId: null },
    });
    expect(separationsCausedBy([repatriate('mother')], family, places)).toMatchObject([{ moverId: 'mother', move: 'repatriation', toFacilityId: null }]);
    expect(separationsCausedBy([repatriate('child')], family, places)).toMatchObject([{ moverId: 'child', move: 'repatriation' }]);
    expect(separationsCausedBy([repatriate('mother'), repatriate('child')], family, places)).toEqual([]);
  });
  it('mother and child released together, or the child released alone, are not gated', () => {
    expect(separationsCausedBy([release('mother', 'F'), release('child', 'F')], family, places)).toEqual([]);
    expect(separationsCausedBy([release('child', 'F')], family, places)).toEqual([]);
  });
});

describe('best interests', () => {
  const separation = { childId: 'child', carerIds: ['mother'], moverId: 'mother', move: 'transfer' as const, toFacilityId: 'H' };
  const determination = (over: Partial<{ decision: string; toFacilityId: string; decidedAt: Date; validUntil: Date }> = {}) => ({
    childPersonId: 'child',
    moverPersonId: 'mother',
    toFacilityId: 'H',
    decision: 'separation_approved',
    decidedAt: new Date('2026-01-09T08:00:00Z'),
    validUntil: new Date('2026-02-09T08:00:00Z'),
    ...over,
  });

  it('refuses without a determination, with a stable code', () => {
    expect(() => requireBestInterests([separation], [], now)).toThrow(expect.objectContaining({ code: 'families.best_interests_required' }));
  });
  it('allows with an approving, valid determination for that child, mover and destination', () => {
    expect(() => requireBestInterests([separation], [determination()], now)).not.toThrow();
  });
  it('does not take a determination for another destination, an expired one, or a later refusal', () => {
    expect(unapprovedSeparations([separation], [determination({ toFacilityId: 'Z' })], now)).toHaveLength(1);
    expect(unapprovedSeparations([separation], [determination({ validUntil: new Date('2026-01-10T07:00:00Z') })], now)).toHaveLength(1);
    const refusedLater = determination({ decision: 'separation_refused', decidedAt: new Date('2026-01-09T09:00:00Z') });
    expect(unapprovedSeparations([separation], [determination(), refusedLater], now)).toHaveLength(1);
  });
  it('a release is opened only by a determination for a release (no destination), never by one for a transfer', () => {
    const released = { ...separation, move: 'release' as const, toFacilityId: null };
    expect(unapprovedSeparations([released], [determination()], now)).toHaveLength(1);
    expect(unapprovedSeparations([released], [{ ...determination(), move: 'release', toFacilityId: null }], now)).toHaveLength(0);
    expect(unapprovedSeparations([released], [{ ...determination(), move: 'repatriation', toFacilityId: null }], now)).toHaveLength(1);
    expect(unapprovedSeparations([separation], [{ ...determination(), move: 'release', toFacilityId: null }], now)).toHaveLength(1);
    expect(() => requireBestInterests([released], [], now)).toThrow(
      expect.objectContaining({ details: { separations: [expect.objectContaining({ move: 'release' })] } }),
    );
  });
});

describe('leftWithoutCarer', () => {
  it('fires when no carer is held at the facility the carer left, not when another remains', () => {
    expect(leftWithoutCarer(at('F'), 'F', [toward('F', 'H')])).toBe(true);
    expect(leftWithoutCarer(at('F'), 'F', [toward('F', 'H'), { status: 'temporarily_out', facilityId: 'F', destinationFacilityId: null }])).toBe(false);
    expect(leftWithoutCarer(toward('F', 'H'), 'F', [toward('F', 'H')])).toBe(false);
  });
});

describe('tracing', () => {
  it('matching needs an open request with consent standing', () => {
    expect(() => requireTraceable({ status: 'open', consentWithdrawnAt: null })).not.toThrow();
    expect(() => requireTraceable({ status: 'open', consentWithdrawnAt: now })).toThrow(expect.objectContaining({ code: 'tracing.consent_withdrawn' }));
    expect(() => requireTraceable({ status: 'closed', consentWithdrawnAt: null })).toThrow(expect.objectContaining({ code: 'tracing.not_open' }));
  });
});
