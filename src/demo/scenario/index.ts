/**
 * The al-Hol scenario: a deterministic world (facilities, households, persons with Arabic names and their Latin
 * spellings) enrolled through the services, and the January 2026 timeline replayed through the ledger and the roll
 * calls on a fake clock. Used by `custos demo`, the browser tests and the benchmarks.
 */
import type { FakeClock } from '../../platform/clock';
import type { Services } from '../../services';
import { TimelineReplay, type ReplayOptions, type ReplaySummary } from './scenario.replay';
import { seedWorld, type SeededWorld, type SeedProgress } from './scenario.seed';
import { planWorld, type Scale } from './scenario.world';

export {
  planWorld,
  leafUnits,
  FACILITIES,
  FULL,
  SMALL_DIVISOR,
  type Scale,
  type WorldPlan,
  type PersonPlan,
  type HouseholdPlan,
  type FacilityPlan,
} from './scenario.world';
export { seedWorld, SEED_START, type SeededWorld, type SeedProgress } from './scenario.seed';
export {
  TimelineReplay,
  parseUntil,
  COLLAPSE,
  DAY_AFTER_COLLAPSE,
  TIMELINE_START,
  TIMELINE_END,
  type ReplaySummary,
  type ReplayOptions,
  type TimelineEntry,
} from './scenario.replay';
export { rollCallPort, LedgerRollCalls, type RollCallPort, type RollCallOutcome, type RollCallInput } from './scenario.rollcalls';
export { ScenarioClock, scenarioIds } from './scenario.clock';
export { CHECKPOINTS, SIGHTINGS_START, approveDemoNotices, planSightings, type SightingsContext } from './scenario.sightings';
export { AIRLIFT_OPERATION, AIRLIFT_DISCREPANCIES, BOARDING_CHECK } from './scenario.airlift';
export { Random, seededIds } from './scenario.random';
export { NameBook, nameWords, arabicName, latinName, namesFor, RECORDERS, type NameSpec, type Word } from './scenario.names';

export interface ScenarioRun {
  world: SeededWorld;
  summary: ReplaySummary;
  replay: TimelineReplay;
  timings: { planMs: number; seedMs: number; replayMs: number };
}

/**
 * Plans, seeds and replays in one go. The services must run on `clock` (and, for a reproducible ledger, on ids
 * seeded from the same seed, e.g. `seededIds(clock, seed)`).
 */
export async function runScenario(
  services: Services,
  opts: {
    scale: Scale;
    seed: number;
    /** Tests: scale the full world down by this factor instead. */
    divisor?: number;
    clock: FakeClock;
    until: ReplayOptions['until'];
    speed?: number;
    rollcalls?: 'rollcalls' | 'ledger';
    onSeedProgress?: (p: SeedProgress) => void;
    onDay?: ReplayOptions['onDay'];
  },
): Promise<ScenarioRun> {
  let t = performance.now();
  const plan = planWorld({ scale: opts.scale, seed: opts.seed, divisor: opts.divisor });
  const planMs = performance.now() - t;
  t = performance.now();
  const world = await seedWorld(services, plan, { clock: opts.clock, onProgress: opts.onSeedProgress });
  const seedMs = performance.now() - t;
  t = performance.now();
  const replay = new TimelineReplay(services, world, opts.clock, { seed: opts.seed, rollcalls: opts.rollcalls });
  const summary = await replay.run({ until: opts.until, speed: opts.speed, onDay: opts.onDay });
  const replayMs = performance.now() - t;
  return { world, summary, replay, timings: { planMs, seedMs, replayMs } };
}
