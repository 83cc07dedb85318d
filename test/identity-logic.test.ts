// The identity-case screens' arithmetic (web/src/features/sync/identity.logic.ts): pure, so tested here without a browser.
import { describe, expect, it } from 'vitest';
import { birthRange, oneIn, ratioOf, referenceSide, roughly } from '../web/src/features/sync/identity.logic';

describe('identity cases: the figures in words', () => {
  it('rounds to two significant digits', () => {
    expect(roughly(1000)).toBe(1000);
    expect(roughly(10 ** 3)).toBe(1000);
    expect(roughly(1584.9)).toBe(1600);
    expect(roughly(3.162)).toBe(3.2);
    expect(roughly(31.62)).toBe(32);
    expect(roughly(0.5)).toBe(0.5);
    expect(roughly(0)).toBe(0);
    expect(roughly(Number.NaN)).toBe(0);
  });

  it('says which way the fused ratio points and how many times', () => {
    expect(ratioOf(3)).toEqual({ way: 'same', times: 1000 });
    expect(ratioOf(-2)).toEqual({ way: 'different', times: 100 });
    expect(ratioOf(0.01)).toEqual({ way: 'even', times: 1 });
    expect(ratioOf(null)).toBeNull();
    expect(ratioOf(undefined)).toBeNull();
    expect(ratioOf(Number.POSITIVE_INFINITY)).toBeNull();
    // a huge ratio is capped, never Infinity
    expect(ratioOf(400)).toEqual({ way: 'same', times: 1e15 });
  });

  it('writes a false-match rate as 1 in N', () => {
    expect(oneIn(0.0001)).toBe(10000);
    expect(oneIn(0.001)).toBe(1000);
    expect(oneIn(0)).toBeNull();
    expect(oneIn(null)).toBeNull();
  });

  it("reads a record's birth as a day, a year or a range", () => {
    expect(birthRange('1985-01-01', '1985-12-31')).toEqual({ kind: 'year', year: '1985' });
    expect(birthRange('1985-03-04', '1985-03-04')).toEqual({ kind: 'day', from: '1985-03-04' });
    expect(birthRange('1980-01-01', '1989-12-31')).toEqual({ kind: 'range', from: '1980-01-01', to: '1989-12-31' });
    expect(birthRange('1980-01-01', null)).toEqual({ kind: 'from', from: '1980-01-01' });
    expect(birthRange(null, '1990-12-31')).toEqual({ kind: 'to', to: '1990-12-31' });
    expect(birthRange(null, null)).toBeNull();
  });

  it('finds the record a same-person decision made the reference', () => {
    const a = { siteId: 'alpha', personId: 'p1' };
    const b = { siteId: 'beta', personId: 'p2' };
    expect(referenceSide({ a, b, decision: { referenceSite: 'beta', referencePerson: 'p2' } })).toBe('b');
    expect(referenceSide({ a, b, decision: { referenceSite: 'alpha', referencePerson: 'p1' } })).toBe('a');
    expect(referenceSide({ a, b, decision: { referenceSite: null, referencePerson: null } })).toBeNull();
    expect(referenceSide({ a, b, decision: null })).toBeNull();
    // the same person id at the other site is not this record
    expect(referenceSide({ a, b, decision: { referenceSite: 'beta', referencePerson: 'p1' } })).toBeNull();
  });
});
