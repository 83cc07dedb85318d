import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITER_CONFIG, LoginLimiter } from './access.domain';

const config = { ...DEFAULT_LIMITER_CONFIG, addressMaxFailures: 10 };

describe('LoginLimiter', () => {
  it('delays a (name, address) pair progressively after the free failures, up to the cap', () => {
    const l = new LoginLimiter(DEFAULT_LIMITER_CONFIG);
    let now = 0;
    for (let i = 0; i < 5; i++) {
      expect(l.wait('ann', 'a', now)).toBe(0);
      l.fail('ann', 'a', now);
    }
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const w = l.wait('ann', 'a', now);
      waits.push(w);
      now += w;
      l.fail('ann', 'a', now);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(l.wait('ann', 'b', now)).toBe(0);
  });

  it('refuses an address past its threshold except for names that signed in from it; a success clears only its name', () => {
    const l = new LoginLimiter(config);
    l.succeed('known', 'p', 0);
    for (let i = 0; i < 9; i++) l.fail(`n${i}`, 'p', i);
    l.fail('mallory', 'p', 9);
    l.succeed('mallory', 'p', 10);
    expect(l.wait('stranger', 'p', 11)).toBe(0); // mallory's own failure went with his success: 9 left
    l.fail('n9', 'p', 12);
    expect(l.wait('stranger', 'p', 13)).toBeGreaterThan(0);
    expect(l.wait('known', 'p', 13)).toBe(0);
    expect(l.wait('stranger', 'p', 13 + config.windowMs)).toBe(0);
  });
});
