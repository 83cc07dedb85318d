import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkMark,
  combinedFigures,
  decisiveMark,
  derivedMarkId,
  excuseDepartures,
  outcomeOf,
  slotsDue,
  slotVerdict,
  totalsOf,
  type Schedule,
} from './rollcalls.domain';

const RC = '01900000-0000-7000-8000-000000000001';
const P = '01900000-0000-7000-8000-0000000000aa';

describe('derived mark ids', () => {
  it('are stable UUIDs for the same mark and differ for another verdict', () => {
    const a = derivedMarkId(RC, { personId: P, result: 'absent' });
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedMarkId(RC, { personId: P, result: 'absent' })).toBe(a);
    expect(derivedMarkId(RC, { personId: P, result: 'present' })).not.toBe(a);
    expect(derivedMarkId(RC, { personId: P, result: 'absent', unitId: RC })).not.toBe(a);
  });
});

describe('mark checks', () => {
  it('needs a reason for an excuse, a note for "other", and no reason otherwise', () => {
    expect(() => checkMark({ personId: P, result: 'excused' }, 0)).toThrow(/needs a reason/);
    expect(() => checkMark({ personId: P, result: 'excused', reason: 'other' }, 0)).toThrow(/needs a note/);
    expect(() => checkMark({ personId: P, result: 'present', reason: 'court' }, 2)).toThrow(/Mark 3/);
    expect(() => checkMark({ personId: P, result: 'excused', reason: 'hospital' }, 0)).not.toThrow();
    expect(() => checkMark({ personId: P, result: 'excused', reason: 'other', note: 'funeral' }, 0)).not.toThrow();
  });
});

describe('the decisive mark and the outcome', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 6, m));
  it('lets a present mark anywhere win over absent marks, else the latest', () => {
    expect(
      decisiveMark([
        { result: 'absent' as const, markedAt: at(5), seq: 2 },
        { result: 'present' as const, markedAt: at(1), seq: 1 },
      ])?.result,
    ).toBe('present');
    expect(
      decisiveMark([
        { result: 'absent' as const, markedAt: at(1), seq: 1 },
        { result: 'excused' as const, markedAt: at(2), seq: 2 },
      ])?.result,
    ).toBe('excused');
    expect(
      decisiveMark([
        { result: 'excused' as const, markedAt: at(2), seq: 1 },
        { result: 'absent' as const, markedAt: at(2), seq: 2 },
      ])?.result,
    ).toBe('absent');
    expect(decisiveMark([])).toBeUndefined();
  });

  it('excuses the temporarily out unless marked, and counts anyone else unmarked as unaccounted', () => {
    expect(outcomeOf('temporarily_out', undefined)).toBe('excused');
    expect(outcomeOf('temporarily_out', { result: 'absent' })).toBe('unaccounted');
    expect(outcomeOf('in_custody', undefined)).toBe('unaccounted');
    expect(outcomeOf('unaccounted', { result: 'present' })).toBe('present');
    expect(outcomeOf('in_custody', { result: 'excused' })).toBe('excused');
  });

  it('keeps expected = present + excused + delta at every level (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom('in_custody', 'temporarily_out', 'unaccounted'),
            unit: fc.constantFrom('a', 'b', 'c'),
            mark: fc.option(fc.constantFrom('present', 'absent', 'excused'), { nil: undefined }),
          }),
          { maxLength: 200 },
        ),
        (people) => {
          const units = ['a', 'b', 'c'].map((u) => {
            const mine = people.filter((p) => p.unit === u);
            const outcomes = mine.map((p) => outcomeOf(p.status, p.mark ? { result: p.mark as 'present' } : undefined));
            return {
              expected: mine.length,
              present: outcomes.filter((o) => o === 'present').length,
              excused: outcomes.filter((o) => o === 'excused').length,
              unaccounted: outcomes.filter((o) => o === 'unaccounted').length,
            };
          });
          const t = totalsOf(units);
          expect(t.expected).toBe(people.length);
          expect(t.delta).toBe(units.reduce((n, u) => n + u.unaccounted, 0));
          expect(t.expected).toBe(t.present + t.excused + t.delta);
        },
      ),
    );
  });
});

describe('lawful departures during a roll call', () => {
  it('excuses the transferred, released and dead, and keeps the escaped in the Delta', () => {
    const units = [
      { unitId: 'a', expected: 5, present: 1, excused: 0, delta: 4 },
      { unitId: 'b', expected: 1, present: 0, excused: 0, delta: 1 },
    ];
    const r = excuseDepartures(units, [
      { personId: 'p1', unitId: 'a', currentStatus: 'in_custody' },
      { personId: 'p2', unitId: 'a', currentStatus: 'released' },
      { personId: 'p3', unitId: 'a', currentStatus: 'elsewhere' },
      { personId: 'p4', unitId: 'a', currentStatus: 'escaped' },
      { personId: 'p5', unitId: 'b', currentStatus: 'in_transit' },
    ]);
    expect(r.unaccounted.map((u) => u.personId)).toEqual(['p1', 'p4']);
    expect(r.departed.map((u) => u.personId)).toEqual(['p2', 'p3', 'p5']);
    expect(r.units).toEqual([
      { unitId: 'a', expected: 5, present: 1, excused: 2, delta: 2 },
      { unitId: 'b', expected: 1, present: 0, excused: 1, delta: 0 },
    ]);
    expect(totalsOf(r.units)).toEqual({ expected: 6, present: 1, excused: 3, delta: 2 });
  });
});

describe('schedules', () => {
  const schedule: Schedule = {
    facilityId: 'f',
    times: ['06:00', '18:00'],
    utcOffsetMinutes: 0,
    graceMinutes: 30,
    durationMinutes: 60,
    active: true,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
  };

  it('lists the slots whose opening deadline passed, within a day and after the schedule was set', () => {
    // 06:00 of the day before is more than a day ago; today's 06:00 is still in its grace period.
    expect(slotsDue(schedule, new Date('2026-01-05T06:29:00Z')).map((s) => s.at.toISOString())).toEqual(['2026-01-04T18:00:00.000Z']);
    expect(slotsDue(schedule, new Date('2026-01-05T06:30:00Z')).map((s) => s.at.toISOString())).toContain('2026-01-05T06:00:00.000Z');
    expect(slotsDue({ ...schedule, updatedAt: new Date('2026-01-05T05:00:00Z') }, new Date('2026-01-05T07:00:00Z')).map((s) => s.at.toISOString())).toEqual([
      '2026-01-05T06:00:00.000Z',
    ]);
    expect(slotsDue({ ...schedule, active: false }, new Date('2026-01-05T07:00:00Z'))).toEqual([]);
  });

  it('applies the facility UTC offset: 06:00 at UTC+3 is 03:00 UTC', () => {
    const slots = slotsDue({ ...schedule, times: ['06:00'], utcOffsetMinutes: 180 }, new Date('2026-01-05T04:00:00Z'));
    expect(slots.at(-1)!.at.toISOString()).toBe('2026-01-05T03:00:00.000Z');
  });

  it('judges a slot kept, missed, late or pending', () => {
    const [slot] = slotsDue({ ...schedule, times: ['06:00'] }, new Date('2026-01-05T06:30:00Z')).slice(-1);
    const now = (t: string) => new Date(`2026-01-05T${t}:00Z`);
    expect(slotVerdict(slot!, [], now('06:30'))).toBe('missed');
    expect(slotVerdict(slot!, [{ openedAt: now('05:20'), closedAt: now('05:50') }], now('06:30'))).toBe('missed');
    expect(slotVerdict(slot!, [{ openedAt: now('06:10'), closedAt: null }], now('07:00'))).toBe('pending');
    expect(slotVerdict(slot!, [{ openedAt: now('06:10'), closedAt: null }], now('07:30'))).toBe('late');
    expect(slotVerdict(slot!, [{ openedAt: now('06:10'), closedAt: now('07:45') }], now('08:00'))).toBe('late');
    expect(slotVerdict(slot!, [{ openedAt: now('05:45'), closedAt: now('06:40') }], now('08:00'))).toBe('kept');
  });
});

describe("a facility's figures from the latest count of each unit", () => {
  const t = (h: number) => new Date(Date.UTC(2026, 0, 20, h));
  const unit = (unitId: string | null, expected: number, delta: number) => ({ unitId, expected, present: expected - delta, excused: 0, delta });
  const camp = { rollcallId: 'r1', facilityId: 'HOL', closedAt: t(6), scopeUnitIds: [], byUnit: [unit('b1', 800, 2), unit('b2', 780, 273), unit(null, 3, 0)] };

  it('keeps the other blocks when one block is counted, with the age of the oldest count', () => {
    const block = { rollcallId: 'r2', facilityId: 'HOL', closedAt: t(9), scopeUnitIds: ['b1'], byUnit: [unit('b1', 60, 2)] };
    const series = combinedFigures([block, camp]).get('HOL')!;
    expect(series.map((p) => p.rollcallId)).toEqual(['r1', 'r2']);
    expect(series[0]).toMatchObject({ expected: 1583, delta: 275, unitsCounted: 3, oldestCountAt: t(6) });
    // b1 now holds 60 after moves: the camp is 60 + 780 + 3, its Delta 2 + 273, and the oldest count is still 06:00.
    expect(series[1]).toMatchObject({ expected: 843, delta: 275, present: 843 - 275, unitsCounted: 3, oldestCountAt: t(6), at: t(9) });
  });

  it('a whole-facility count replaces every unit; a covered unit with nobody left counts as empty', () => {
    const emptied = { rollcallId: 'r2', facilityId: 'HOL', closedAt: t(9), scopeUnitIds: ['b2'], byUnit: [] };
    const again = { rollcallId: 'r3', facilityId: 'HOL', closedAt: t(12), scopeUnitIds: [], byUnit: [unit('b1', 10, 0)] };
    const series = combinedFigures([camp, emptied, again]).get('HOL')!;
    expect(series[1]).toMatchObject({ expected: 803, delta: 2, unitsCounted: 2, oldestCountAt: t(6) });
    expect(series[2]).toMatchObject({ expected: 10, delta: 0, unitsCounted: 1, oldestCountAt: t(12) });
  });

  it('keeps facilities apart', () => {
    const other = { rollcallId: 'r9', facilityId: 'ROJ', closedAt: t(7), scopeUnitIds: [], byUnit: [unit('x', 5, 1)] };
    const by = combinedFigures([camp, other]);
    expect(by.get('ROJ')).toEqual([{ rollcallId: 'r9', at: t(7), expected: 5, present: 4, excused: 0, delta: 1, unitsCounted: 1, oldestCountAt: t(7) }]);
    expect(by.get('HOL')).toHaveLength(1);
  });
});
