import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD } from './guards.domain';
import { linearTrend, nextShiftShortfall, thinning, uncoveredPastGrace } from './guards.watch.domain';

const t = { ...DEFAULT_THRESHOLD, minGuardsPer100: 2, minMannedPostsPercent: 75 };
const post = (code: string, planned: number) => ({ postId: code, code, unitId: null, minStaff: 1, planned });

describe('the guard scheduler rules (pure)', () => {
  it('finds a coming shift short, with the shortfall in guards and posts, and nothing when the roster suffices', () => {
    const at = new Date('2026-02-01T14:00:00Z');
    expect(nextShiftShortfall(at, 200, [post('A', 1), post('B', 1), post('C', 1), post('D', 1)], t)).toBeNull();
    const short = nextShiftShortfall(at, 200, [post('A', 1), post('B', 0), post('C', 0), post('D', 0)], t)!;
    expect(short).toMatchObject({ planned: 1, guardsShort: 3, postsCovered: 1, postsShort: 2, uncoveredPosts: ['B', 'C', 'D'], state: 'critical' });
  });

  it('reads a falling force as thinning, not a stable or a small one', () => {
    expect(linearTrend([10, 10, 10])).toEqual({ slope: 0, first: 10, last: 10 });
    const days = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'];
    expect(thinning({ sector: '', label: 'X', days, onDuty: [10, 10, 9, 8, 7, 6, 5] }, DEFAULT_THRESHOLD)).toMatchObject({
      sector: '',
      onDuty: [10, 10, 9, 8, 7, 6, 5],
    });
    expect(thinning({ sector: '', label: 'X', days, onDuty: [10, 10, 10, 10, 10, 10, 10] }, DEFAULT_THRESHOLD)).toBeNull();
    expect(thinning({ sector: '', label: 'X', days, onDuty: [10, 9, 10, 10, 9, 10, 10] }, DEFAULT_THRESHOLD)).toBeNull();
    expect(thinning({ sector: '', label: 'X', days, onDuty: [3, 3, 2, 2, 2, 1, 1] }, DEFAULT_THRESHOLD)).toBeNull();
  });

  it('alerts an uncovered post only past the grace period', () => {
    const now = new Date('2026-02-01T10:11:00Z');
    const p = { minStaff: 1, present: 0, since: new Date('2026-02-01T10:00:00Z') };
    expect(uncoveredPastGrace([p], now, 10)).toHaveLength(1);
    expect(uncoveredPastGrace([p], now, 15)).toHaveLength(0);
    expect(uncoveredPastGrace([{ ...p, present: 1 }], now, 10)).toHaveLength(0);
  });
});
