import { describe, expect, it } from 'vitest';
import { rotationBreach, type RotationShift } from './guards.rotation';

const day = (d: number) => new Date(Date.UTC(2026, 0, d, 6));
const s = (d: number, postId: string, line?: number, staffId = 'g1'): RotationShift => ({
  staffId,
  postId,
  startsAt: day(d),
  ...(line !== undefined ? { line } : {}),
});

describe('the rotation rule', () => {
  it('allows N shifts in a row at one post and refuses the next planned one', () => {
    expect(rotationBreach([s(1, 'A'), s(2, 'A'), s(3, 'A', 2)], 3)).toBeNull();
    const breach = rotationBreach([s(1, 'A'), s(2, 'A'), s(3, 'A'), s(4, 'A', 5)], 3);
    expect(breach).toMatchObject({ staffId: 'g1', postId: 'A', run: 4, shift: { line: 5 } });
  });

  it('is broken by a shift at another post, counts a planned shift before existing ones, and is off at 0', () => {
    expect(rotationBreach([s(1, 'A'), s(2, 'A'), s(3, 'B'), s(4, 'A'), s(5, 'A', 2)], 3)).toBeNull();
    // planned in front of a row already planned: the row becomes too long
    expect(rotationBreach([s(1, 'A', 0), s(2, 'A'), s(3, 'A'), s(4, 'A')], 3)?.run).toBe(4);
    expect(rotationBreach([s(1, 'A'), s(2, 'A'), s(3, 'A'), s(4, 'A', 2)], 0)).toBeNull();
  });

  it('keeps guards apart, ignores rows that are only history and names the first bad line', () => {
    const other = [1, 2, 3].map((d) => s(d, 'A', undefined, 'g2'));
    expect(rotationBreach([...other, s(1, 'A', 2), s(2, 'A', 3)], 3)).toBeNull();
    expect(rotationBreach([s(1, 'A'), s(2, 'A'), s(3, 'A'), s(4, 'A'), s(10, 'B', 2)], 3)).toBeNull();
    const two = rotationBreach([...[1, 2, 3, 4].map((d) => s(d, 'A', 10 + d, 'g2')), ...[1, 2, 3, 4].map((d) => s(d, 'B', d + 1))], 3);
    expect(two?.shift.line).toBe(2);
    expect(two?.staffId).toBe('g1');
  });
});
