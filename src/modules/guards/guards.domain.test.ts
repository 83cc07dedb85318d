import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, governance, lateMinutes, parseRosterCsv, shiftProblem } from './guards.domain';

const t = { ...DEFAULT_THRESHOLD, minGuardsPer100: 2, minMannedPostsPercent: 80 };

describe('governance', () => {
  it('is ok at the threshold, degraded below it, critical below half of it', () => {
    expect(governance({ onRoll: 1000, present: 20, postsRequired: 10, postsManned: 10 }, t).state).toBe('ok');
    expect(governance({ onRoll: 1000, present: 19, postsRequired: 10, postsManned: 10 }, t)).toMatchObject({
      state: 'degraded',
      guardsPer100: 1.9,
      reasons: ['ratio_below_threshold'],
    });
    expect(governance({ onRoll: 1000, present: 9, postsRequired: 10, postsManned: 10 }, t)).toMatchObject({
      state: 'critical',
      reasons: ['ratio_below_half_threshold'],
    });
    expect(governance({ onRoll: 1000, present: 30, postsRequired: 10, postsManned: 7 }, t)).toMatchObject({ state: 'degraded', mannedPercent: 70 });
    expect(governance({ onRoll: 1000, present: 30, postsRequired: 10, postsManned: 3 }, t).state).toBe('critical');
  });

  it('is critical at once when nobody is on duty with persons on the roll, and ok with nobody to guard', () => {
    expect(governance({ onRoll: 5, present: 0, postsRequired: 2, postsManned: 0 }, t)).toMatchObject({
      state: 'critical',
      reasons: ['no_guard_on_duty', 'posts_below_half_threshold'],
    });
    expect(governance({ onRoll: 0, present: 0, postsRequired: 2, postsManned: 0 }, t)).toMatchObject({ state: 'ok', guardsPer100: null });
  });
});

describe('shifts and lateness', () => {
  it('refuses shifts that end before they start or last more than a day', () => {
    expect(shiftProblem({ startsAt: new Date('2026-01-10T08:00:00Z'), endsAt: new Date('2026-01-10T16:00:00Z') })).toBeNull();
    expect(shiftProblem({ startsAt: new Date('2026-01-10T08:00:00Z'), endsAt: new Date('2026-01-10T08:00:00Z') })).toMatch(/end after/);
    expect(shiftProblem({ startsAt: new Date('2026-01-10T08:00:00Z'), endsAt: new Date('2026-01-11T09:00:00Z') })).toMatch(/24 hours/);
  });

  it('counts minutes late past the grace period only', () => {
    const start = new Date('2026-01-10T08:00:00Z');
    expect(lateMinutes(start, new Date('2026-01-10T08:09:00Z'), 10)).toBe(0);
    expect(lateMinutes(start, new Date('2026-01-10T08:25:00Z'), 10)).toBe(25);
    expect(lateMinutes(null, new Date('2026-01-10T08:25:00Z'), 10)).toBe(0);
  });
});

describe('roster CSV', () => {
  const head = 'badge,post,starts_at,ends_at';
  it('reads quoted cells, skips blank and comment lines', () => {
    const rows = parseRosterCsv(
      `\uFEFF${head}\r\n"G,1",GATE,2026-01-10T08:00:00Z,2026-01-10T16:00:00+03:00\n\n# night\nG2,T1,2026-01-10T16:00Z,2026-01-11T00:00Z\n`,
    );
    expect(rows.map((r) => [r.line, r.badge, r.post])).toEqual([
      [2, 'G,1', 'GATE'],
      [5, 'G2', 'T1'],
    ]);
  });

  it('names the first bad line and what is wrong with it', () => {
    const bad = (text: string) => {
      try {
        parseRosterCsv(text);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad('name,post\n')).toMatch(/^Line 1: the header/);
    expect(bad(`${head}\n`)).toMatch(/no shifts/);
    expect(bad(`${head}\nG1,GATE,2026-01-10T08:00:00Z`)).toMatch(/^Line 2: expected 4 columns/);
    expect(bad(`${head}\nG1,GATE,2026-01-10 08:00,2026-01-10T16:00:00Z`)).toMatch(/^Line 2: starts_at/);
    expect(bad(`${head}\nG1,GATE,2026-01-10T08:00:00Z,2026-01-10T16:00:00Z\n"G2,GATE,x,y`)).toMatch(/^Line 3: an unclosed quote/);
    expect(bad(`${head}\nG1,GATE,2026-01-10T16:00:00Z,2026-01-10T08:00:00Z`)).toMatch(/^Line 2: the shift must end after it starts/);
    expect(bad(`${head}\nG1,GATE,2026-01-10T08:00:00Z,2026-01-10T16:00:00Z\nG1,T1,2026-01-10T15:00:00Z,2026-01-10T20:00:00Z`)).toMatch(
      /^Line 3: guard G1 is already planned/,
    );
  });
});
