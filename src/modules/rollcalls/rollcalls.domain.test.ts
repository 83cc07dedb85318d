import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkMark, decisiveMark, derivedMarkId, excuseDepartures, outcomeOf, slotsDue, slotVerdict, totalsOf, type Schedule } from './rollcalls.domain';

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
