/** Time is injected everywhere so that tests and the scenario replay can run on a fake clock. */
export interface Clock {
  now(): Date;
  /** Which time this is, for people: the real time, or a scenario's (the demo replays 2026 on its own clock). */
  readonly kind?: 'real' | 'scenario';
}

export const systemClock: Clock = { now: () => new Date(), kind: 'real' };

/** A clock that only moves when told to: for tests and for replaying a timeline at any speed. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

/**
 * A clock that runs at real speed from a given instant: a demo world served again goes on in its scenario's time
 * from where it stopped, not on today's date.
 */
export function runningFrom(base: Date, kind: 'real' | 'scenario' = 'scenario'): Clock {
  const real = Date.now();
  return { now: () => new Date(base.getTime() + (Date.now() - real)), kind };
}
