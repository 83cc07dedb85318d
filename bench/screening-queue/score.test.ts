import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/modules/names';
import type { WatchEntry } from '../../src/modules/screening';
import { halfOf, plantFrom } from './plant';
import { cardIsTrue, queueFigures } from './score';
import { rng } from '../screening/world';

function listed(ref: string, names: string[], years: number[], documents: string[] = []): WatchEntry {
  return {
    ref,
    kind: 'individual',
    program: null,
    names: names.map((full, i) => ({
      full,
      kind: i === 0 ? 'primary' : 'alias',
      quality: i === 0 ? null : 'good',
      script: /[\u0600-\u06FF]/.test(full) ? 'arabic' : 'latin',
    })),
    births: years.map((y) => ({ type: 'exact', text: String(y), from: `${y}-01-01`, to: `${y}-12-31` })),
    nationalities: ['IRQ'],
    documents: documents.map((d) => ({ type: 'passport', number: d, key: d, country: null })),
    listedOn: null,
    gender: null,
    placesOfBirth: [],
    remarks: null,
  };
}

describe('bench/screening-queue judging', () => {
  const un = listed('IQi.074', ['MUNIR AL QUBAYSI', 'Muneer Al-Kubaisi'], [1966]);

  it('takes the same individual on the other list as a true card, and a namesake born elsewhere as a false one', () => {
    expect(cardIsTrue(un, un, compareNames)).toBe(true);
    expect(cardIsTrue(un, listed('9001', ['Munir AL-QUBAYSI'], [1966]), compareNames)).toBe(true);
    expect(cardIsTrue(un, listed('9002', ['Munir AL-QUBAYSI'], [1980]), compareNames)).toBe(false);
    expect(cardIsTrue(un, listed('9003', ['Ali Hassan'], [1966]), compareNames)).toBe(false);
    expect(cardIsTrue(listed('A', ['X Y'], [1966], ['P1234567']), listed('B', ['Z W'], [1970], ['P1234567']), compareNames)).toBe(true);
  });

  it('counts precision over cards and recall over planted persons', () => {
    const f = queueFigures(
      [
        { personId: 'p1', truth: true },
        { personId: 'p1', truth: true },
        { personId: 'd1', truth: false },
        { personId: 'p2', truth: false },
      ],
      ['p1', 'p2'],
    );
    expect(f).toMatchObject({ cards: 4, trueCards: 2, falseCards: 2, precision: 0.5, plantedFound: 1, recall: 0.5 });
    expect(queueFigures([], ['p1']).precision).toBeNull();
  });

  it('plants from one half only, with names of two words or more and an adult birth', () => {
    expect(['tune', 'report']).toContain(halfOf(un));
    const random = rng(3);
    for (let i = 0; i < 20; i++) {
      const p = plantFrom(un, random)!;
      expect(p.ref).toBe('IQi.074');
      expect(p.input.names[0]!.full.split(/\s+/).length).toBeGreaterThanOrEqual(2);
      expect(Number(p.input.birthDate!.slice(0, 4))).toBeLessThanOrEqual(2005);
    }
    expect(plantFrom(listed('X', ['Hidayatullah'], [1970]), rng(1))).toBeNull();
  });
});
