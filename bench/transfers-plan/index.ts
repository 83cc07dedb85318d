/**
 * bench/transfers-plan: the airlift's planning (issue 18): --persons (6,000) into --flights (50) of 125 seats with 13
 * escorts at 10 persons per escort, 2% under a legal hold, families of 2-6 that travel together (about a third of the
 * persons), 200 apart groups of 3; the planner (pure, transfers.planner.ts) beside a naive baseline in the same run
 * (one person at a time, each checked by scanning the manifests). Median of --runs (5). Pure: no database.
 *   npm run bench -- transfers-plan [--persons 6000] [--flights 50] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { planManifests, planManifestsNaive, type PlanPerson } from '../../src/modules/transfers/transfers.planner';
import { machine, numberArg } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 6000);
const FLIGHTS = numberArg(argv, '--flights', 50);
const RUNS = numberArg(argv, '--runs', 5);

let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const ids = Array.from({ length: PERSONS }, (_, i) => `p${String(i).padStart(6, '0')}`);
const persons: PlanPerson[] = ids.map((id) => ({ id, custodyStatus: 'in_custody', hold: rnd() < 0.02 ? 'open case' : null }));
const together: string[][] = [];
for (let i = 0; i < PERSONS / 3; ) {
  const size = 2 + Math.floor(rnd() * 5);
  together.push(ids.slice(i, i + size));
  i += size;
}
const apart: string[][] = Array.from({ length: 200 }, () => [0, 1, 2].map(() => ids[Math.floor(rnd() * PERSONS)]!));
const flights = Array.from({ length: FLIGHTS }, (_, i) => ({ id: `f${i + 1}`, capacity: 125, escorts: 13 }));
const constraints = { escortRatio: 10, together, apart };

function median(f: () => unknown): { ms: number; result: unknown } {
  const times: number[] = [];
  let result: unknown;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    result = f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: +times[Math.floor(times.length / 2)]!.toFixed(2), result };
}

const planner = median(() => planManifests(persons, flights, constraints));
const naive = median(() => planManifestsNaive(persons, flights, constraints));
const summary = (p: ReturnType<typeof planManifests>) => {
  const reasons: Record<string, number> = {};
  for (const u of p.unplaced) reasons[u.reason] = (reasons[u.reason] ?? 0) + 1;
  return { placed: [...p.manifests.values()].reduce((n, l) => n + l.length, 0), unplaced: p.unplaced.length, reasons };
};
console.log(
  JSON.stringify(
    {
      bench: 'transfers-plan',
      machine: machine(),
      persons: PERSONS,
      flights: FLIGHTS,
      seatsPerFlight: 125,
      escortRatio: 10,
      togetherGroups: together.length,
      apartGroups: apart.length,
      runs: RUNS,
      planner: { medianMs: planner.ms, ...summary(planner.result as ReturnType<typeof planManifests>) },
      naiveBaseline: { medianMs: naive.ms, ...summary(naive.result as ReturnType<typeof planManifests>) },
      goalMs: 1000,
      goalMet: planner.ms <= 1000,
    },
    null,
    2,
  ),
);
