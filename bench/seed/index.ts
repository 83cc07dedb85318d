/**
 * bench/seed: the al-Hol scenario seeded and replayed through the services, on PGlite and on PostgreSQL.
 *   npm run bench -- seed [--scale full|small] [--db pglite|postgres|both] [--until 2026-01-21] [--seed 1]
 * Prints JSON: persons per second for the enrolment (registry validation, households, names, audit) and the
 * admissions, the timeline's events and roll calls per second, total times; beside the baseline measured in the same
 * run: validating the same inputs only (zod + birth normalisation, no database), the floor of enrolment.
 */
import { performance } from 'node:perf_hooks';
import { CreatePersonBody, normaliseBirth } from '../../src/modules/registry';
import { DAY_AFTER_COLLAPSE, planWorld, ScenarioClock, scenarioIds, seedWorld, TimelineReplay, type Scale } from '../../src/demo/scenario';
import { createServices } from '../../src/services';
import { benchServices, machine, numberArg, targetsFromArgs, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const SCALE = arg('--scale', 'full') as Scale;
const UNTIL = arg('--until', DAY_AFTER_COLLAPSE);
const SEED = numberArg(argv, '--seed', 1);

function baseline(plan: ReturnType<typeof planWorld>) {
  const today = new Date('2026-01-01T00:00:00Z');
  const t = performance.now();
  for (const p of plan.persons) normaliseBirth(CreatePersonBody.parse({ ...p.input, facilityId: '0190a000-0000-7000-8000-000000000001' }), today);
  const ms = performance.now() - t;
  return { validateOnlyMs: Math.round(ms), validateOnlyPersonsPerSecond: Math.round(plan.persons.length / (ms / 1000)) };
}

async function run(target: BenchTarget) {
  const { services: base, close } = await benchServices(target);
  try {
    const clock = new ScenarioClock();
    const services = createServices(base.database, { clock, ids: scenarioIds(clock, SEED) });
    let t = performance.now();
    const plan = planWorld({ scale: SCALE, seed: SEED });
    const planMs = performance.now() - t;
    const phases: Record<string, number> = {};
    let phaseStart = performance.now();
    let phase = '';
    t = performance.now();
    const world = await seedWorld(services, plan, {
      clock,
      onProgress: (p) => {
        if (p.phase !== phase) {
          if (phase) phases[phase] = performance.now() - phaseStart;
          phase = p.phase;
          phaseStart = performance.now();
        }
        if (p.done === p.total && process.stderr.isTTY) process.stderr.write(`${target} ${p.phase} ${p.total}\n`);
      },
    });
    phases[phase] = performance.now() - phaseStart;
    const seedMs = performance.now() - t;
    t = performance.now();
    const replay = new TimelineReplay(services, world, clock, { seed: SEED });
    const summary = await replay.run({
      until: UNTIL,
      onDay: (d) => process.stderr.write(`${target} replayed to ${d.toISOString().slice(0, 10)} (${Math.round((performance.now() - t) / 1000)} s)\n`),
    });
    const replayMs = performance.now() - t;
    const events = Object.values(summary.events).reduce((s, n) => s + n, 0);
    const marks = summary.rollcalls.reduce((s, r) => s + r.expected, 0);
    t = performance.now();
    const verify = await services.custody.verify(null);
    const verifyMs = performance.now() - t;
    return {
      target,
      persons: plan.persons.length,
      households: plan.households.length,
      names: plan.persons.reduce((s, p) => s + p.input.names.length, 0),
      planMs: Math.round(planMs),
      seed: {
        totalMs: Math.round(seedMs),
        personsPerSecond: Math.round(plan.persons.length / (seedMs / 1000)),
        enrolmentMs: Math.round(phases.persons ?? 0),
        enrolmentPersonsPerSecond: Math.round(plan.persons.length / ((phases.persons ?? 1) / 1000)),
        admissionsMs: Math.round(phases.admissions ?? 0),
        admissionsPerSecond: Math.round(plan.persons.length / ((phases.admissions ?? 1) / 1000)),
      },
      replay: {
        until: summary.until.toISOString(),
        totalMs: Math.round(replayMs),
        rollcalls: summary.rollcalls.length,
        marks,
        marksPerSecond: Math.round(marks / (replayMs / 1000)),
        ledgerEvents: events,
        byType: summary.events,
      },
      verify: { ok: verify.ok, events: verify.events, ms: Math.round(verifyMs) },
      totalMs: Math.round(planMs + seedMs + replayMs),
    };
  } finally {
    await close();
  }
}

const plan = planWorld({ scale: SCALE, seed: SEED });
const results = [];
for (const target of targetsFromArgs(argv)) results.push(await run(target));
console.log(JSON.stringify({ bench: 'seed', scale: SCALE, seed: SEED, until: UNTIL, machine: machine(), baseline: baseline(plan), results }, null, 2));
