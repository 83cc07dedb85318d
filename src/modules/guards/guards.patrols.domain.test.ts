import { describe, expect, it } from 'vitest';
import { decideScan, nextRoundDue, patrolGaps, roundDueAt, routeState, unscanned } from './guards.patrols.domain';

const at = (hhmm: string) => new Date(`2026-01-19T${hhmm}:00Z`);

describe('patrol rounds', () => {
  it('is due an interval after the last start, or after the route was activated', () => {
    expect(nextRoundDue(null, at('06:00'), 60)).toEqual(at('07:00'));
    expect(nextRoundDue(at('06:30'), at('06:00'), 60)).toEqual(at('07:30'));
    // a round before a re-activation does not count
    expect(nextRoundDue(at('05:00'), at('06:00'), 60)).toEqual(at('07:00'));
  });

  it('lapses a checkpoint window after the last scan, or after the start', () => {
    expect(roundDueAt(at('06:00'), null, 15)).toEqual(at('06:15'));
    expect(roundDueAt(at('06:00'), at('06:12'), 15)).toEqual(at('06:27'));
  });

  it('expects the first checkpoint not yet scanned; another is out of order; a repeat or a stranger is refused', () => {
    const order = ['a', 'b', 'c'];
    expect(decideScan(order, new Set(), 'a')).toEqual({ inOrder: true, expectedId: 'a', complete: false });
    expect(decideScan(order, new Set(['a']), 'c')).toEqual({ inOrder: false, expectedId: 'b', complete: false });
    // the skipped one may still be scanned, and completes the round
    expect(decideScan(order, new Set(['a', 'c']), 'b')).toEqual({ inOrder: true, expectedId: 'b', complete: true });
    expect(decideScan(order, new Set(['a']), 'a')).toBe('repeated');
    expect(decideScan(order, new Set(), 'z')).toBe('not_on_route');
    expect(unscanned(order, new Set(['b']))).toEqual(['a', 'c']);
  });
});

describe('patrol gaps', () => {
  it('finds no gap while rounds start within the interval', () => {
    expect(patrolGaps(at('00:00'), true, [at('00:55'), at('01:50'), at('02:45')], at('03:30'), 60)).toEqual([]);
  });

  it('finds a gap between two starts further apart than the interval, ended by the later one', () => {
    expect(patrolGaps(at('00:00'), true, [at('00:55'), at('02:30'), at('03:10')], at('03:30'), 60)).toEqual([
      { lastRoundAt: at('00:55'), dueAt: at('01:55'), endedAt: at('02:30') },
    ]);
  });

  it('finds the open gap after the last round, and one since the activation when no round was walked', () => {
    expect(patrolGaps(at('06:30'), true, [], at('07:31'), 60)).toEqual([{ lastRoundAt: at('06:30'), dueAt: at('07:30'), endedAt: null }]);
    expect(patrolGaps(at('06:30'), true, [], at('07:30'), 60)).toEqual([]);
    expect(patrolGaps(at('06:00'), false, [], at('08:00'), 60)).toEqual([{ lastRoundAt: null, dueAt: at('07:00'), endedAt: null }]);
    // starts after `now` (not yet happened) are not looked at
    expect(patrolGaps(at('06:00'), true, [at('07:10')], at('07:05'), 60)).toEqual([{ lastRoundAt: at('06:00'), dueAt: at('07:00'), endedAt: null }]);
  });
});

describe('route state', () => {
  const base = { active: true, now: at('07:00'), nextDueAt: at('07:30'), openRound: false, lastFinished: { status: 'completed' as const } };
  it('is ok, overdue past the next due time, missed after an incomplete round, inactive when switched off', () => {
    expect(routeState(base)).toBe('ok');
    expect(routeState({ ...base, now: at('07:31') })).toBe('overdue');
    expect(routeState({ ...base, lastFinished: { status: 'incomplete' } })).toBe('missed');
    expect(routeState({ ...base, active: false, now: at('09:00') })).toBe('inactive');
  });
});
