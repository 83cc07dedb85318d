import { describe, expect, it } from 'vitest';
import {
  checkArrivalDecision,
  checkCollect,
  checkDivert,
  checkLodge,
  classifyProbe,
  diversionOf,
  transitDueAt,
  transitOverdue,
} from './transfers.arrival.domain';

const m = (status: string) => ({ code: 'F1', status, fromFacilityId: 'A', toFacilityId: 'B' });

describe('arrival: what a search against the movement means', () => {
  it('proposes the best candidate within the movement, else tells another manifest, a known person and an unknown apart', () => {
    const none = () => null;
    expect(classifyProbe([{ personId: 'p', score: 40 }], [{ personId: 'q', score: 90 }], none)).toMatchObject({ outcome: 'on_manifest', personId: 'p' });
    expect(classifyProbe([], [{ personId: 'q', score: 90 }], () => 'F2')).toMatchObject({ outcome: 'other_manifest', personId: 'q', otherMovementId: 'F2' });
    expect(classifyProbe([], [{ personId: 'q', score: 90 }], none)).toMatchObject({ outcome: 'not_on_manifest', personId: 'q' });
    expect(classifyProbe([], [], none)).toEqual({ outcome: 'unknown', personId: null, score: null, otherMovementId: null });
  });

  it('a decision: once; confirming needs a person, rejecting or naming another person a reason', () => {
    const open = { decision: null, candidatePersonId: 'p' };
    expect(checkArrivalDecision(open, { decision: 'confirmed' })).toBe('p');
    expect(checkArrivalDecision(open, { decision: 'rejected', reason: 'not him' })).toBeNull();
    expect(() => checkArrivalDecision(open, { decision: 'rejected' })).toThrow(/reason/);
    expect(() => checkArrivalDecision(open, { decision: 'confirmed', personId: 'q' })).toThrow(/reason/);
    expect(checkArrivalDecision(open, { decision: 'confirmed', personId: 'q', reason: 'papers and face checked' })).toBe('q');
    expect(() => checkArrivalDecision({ decision: null, candidatePersonId: null }, { decision: 'confirmed' })).toThrow(/proposed nobody/);
    expect(() => checkArrivalDecision({ decision: 'confirmed', candidatePersonId: 'p' }, { decision: 'confirmed' })).toThrow(/already/);
  });
});

describe('in transit', () => {
  it('is overdue only past the limit', () => {
    const dep = new Date('2026-01-10T08:00:00Z');
    expect(transitOverdue(dep, 60, new Date('2026-01-10T09:00:00Z'))).toBe(false);
    expect(transitOverdue(dep, 60, new Date('2026-01-10T09:00:01Z'))).toBe(true);
    expect(transitDueAt(dep, 90).toISOString()).toBe('2026-01-10T09:30:00.000Z');
  });
});

describe('diversions and lodging', () => {
  it('divert: only a departed movement, to a third facility', () => {
    expect(() => checkDivert(m('departed'), 'C')).not.toThrow();
    expect(() => checkDivert(m('lodged'), 'C')).toThrow(/only a departed/);
    expect(() => checkDivert(m('arrived'), 'C')).toThrow(/only a departed/);
    expect(() => checkDivert(m('departed'), 'B')).toThrow(/already goes/);
    expect(() => checkDivert(m('departed'), 'A')).toThrow(/not a diversion/);
    expect(diversionOf({ divertedFrom: 'B' }).reason).toMatch(/diverted/);
    expect(diversionOf({ divertedFrom: null })).toEqual({});
  });

  it('lodge: only a departed movement, at an intermediate facility; collect: only lodged persons', () => {
    expect(() => checkLodge(m('departed'), 'L')).not.toThrow();
    expect(() => checkLodge(m('approved'), 'L')).toThrow(/only a departed/);
    expect(() => checkLodge(m('departed'), 'A')).toThrow(/intermediate/);
    expect(() => checkLodge(m('departed'), 'B')).toThrow(/intermediate/);
    expect(checkCollect(m('lodged'), ['p', 'q'], ['p'])).toEqual({ left: ['q'] });
    expect(() => checkCollect(m('lodged'), ['p'], ['z'])).toThrow(/not lodged/);
    expect(() => checkCollect(m('departed'), ['p'], ['p'])).toThrow(/only a lodged/);
  });
});
