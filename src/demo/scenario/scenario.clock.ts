import { FakeClock } from '../../platform/clock';
import { uuidV7Ids, type IdGenerator } from '../../platform/ids';
import { seededIds } from './scenario.random';

/**
 * The demo's clock: a fake clock while the scenario is seeded and replayed (so that the same seed gives the same
 * ledger), then, once live, real time running on from where the replay stopped: the demo shows 21 January 2026 and
 * new events recorded in the browser land after the replayed ones.
 */
export class ScenarioClock extends FakeClock {
  private liveFrom: { base: number; real: number } | null = null;
  readonly kind = 'scenario' as const;

  override now(): Date {
    if (this.liveFrom) return new Date(this.liveFrom.base + (Date.now() - this.liveFrom.real));
    return super.now();
  }

  goLive(): void {
    this.liveFrom = { base: super.now().getTime(), real: Date.now() };
  }

  /** A demo world served again: live from the scenario time it had reached (saved in demo_world), not from today. */
  resumeAt(at: Date): void {
    super.set(at);
    this.goLive();
  }

  get live(): boolean {
    return this.liveFrom !== null;
  }
}

/** Seeded ids while replaying, ordinary UUIDv7 once the clock is live. */
export function scenarioIds(clock: ScenarioClock, seed: number): IdGenerator {
  const seeded = seededIds(clock, seed);
  return { next: () => (clock.live ? uuidV7Ids.next() : seeded.next()) };
}
