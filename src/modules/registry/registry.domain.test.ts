import { describe, expect, it } from 'vitest';
import { birthLabel, normaliseBirth } from './registry.domain';

const today = new Date('2026-03-01T00:00:00Z');
const label = (input: Parameters<typeof normaliseBirth>[0]) => {
  const b = normaliseBirth(input, today);
  return birthLabel({ date: b.birthDate, precision: b.birthPrecision, from: b.birthFrom, to: b.birthTo });
};

describe('birthLabel: a birth shown no more precisely than it was recorded', () => {
  it('keeps a day, a month and a year as they were said', () => {
    expect(label({ birthDate: '1990-07-14' })).toBe('1990-07-14');
    expect(label({ birthDate: '1990-07' })).toBe('1990-07');
    expect(label({ birthDate: '1990' })).toBe('1990');
    expect(label({ birthDate: '1990-05-20', birthPrecision: 'year' })).toBe('1990');
  });

  it('says "about" for an approximate birth instead of its stored mid-year day', () => {
    expect(label({ birthDate: '1990-07-01', birthPrecision: 'approximate' })).toBe('about 1990');
  });

  it('reads whole-year ranges as years and keeps the days of other ranges', () => {
    expect(label({ birthFrom: '1988-01-01', birthTo: '1992-12-31' })).toBe('between 1988 and 1992');
    expect(label({ birthFrom: '1988-03-01', birthTo: '1989-02-28' })).toBe('between 1988-03-01 and 1989-02-28');
    expect(label({})).toBe('unknown');
  });
});
