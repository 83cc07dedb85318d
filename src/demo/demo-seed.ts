import { systemActor, type Actor, type Role } from '../modules/access';
import { listFacilities } from '../modules/facilities';
import { beginDemoSeed, finishDemoSeed, readDemoWorld, type DemoWorld } from '../platform/demo-world';
import { failpoint } from '../platform/failpoints';
import {
  approveDemoNotices,
  parseUntil,
  runScenario,
  SEED_START,
  SMALL_DIVISOR,
  type ScenarioClock,
  type ScenarioRun,
  type Scale,
  type SeedProgress,
} from './scenario';
import type { ReplaySummary } from './scenario';
import { seedFamilyTracing } from './scenario/scenario.families';
import type { Services } from '../services';
import { collapseReportLines } from './demo-report';

/**
 * The demo world of `custos demo` (= `npm start`): the al-Hol scenario (facilities of the articles, a population
 * enrolled through the registry, the 2026 timeline replayed through the ledger, the roll calls and the alerts), then
 * one user per role. The world's record (`demo_world`) is written first and marked ready last, so a seed that was
 * killed midway is known as half built.
 */
export const DEMO_PASSWORD = 'custos-demo-2026';

/**
 * The default end of the demo's replay: the end of 26 January, so that the world shows the weeks before, the collapse of
 * 20 January and its aftermath, and the airlift's first flights to Iraq (from 23 January). Replaying to March (the whole
 * airlift, `--until 2026-03-04`) costs about 70 s of CPU at small scale: too slow for a first start (docs/benchmarks.md).
 */
export const DEMO_UNTIL = '2026-01-26';

export interface DemoLogin {
  username: string;
  role: Role;
  scope: string;
}

/** The demo's users: exactly these, all with DEMO_PASSWORD (facility scopes by code). */
const DEMO_USERS: { username: string; role: Role; facilities?: string[]; nationalities?: string[]; scope: string }[] = [
  { username: 'admin', role: 'admin', scope: 'everything' },
  { username: 'commander', role: 'commander', scope: 'all facilities' },
  { username: 'officer', role: 'officer', facilities: ['HOL'], scope: 'al-Hol only' },
  { username: 'registrar', role: 'registrar', facilities: ['HOL'], scope: 'al-Hol only' },
  { username: 'screening', role: 'screening', scope: 'security side' },
  { username: 'investigator', role: 'investigator', scope: 'all facilities' },
  { username: 'legal', role: 'legal', scope: 'all facilities' },
  { username: 'monitor', role: 'monitor', scope: 'counts and ledger, no names' },
  { username: 'liaison-fr', role: 'liaison', nationalities: ['FRA'], scope: 'French nationals only' },
];

export interface DemoOptions {
  scale: Scale;
  seed: number;
  /** Tests: a smaller world than `small` (divide the full world by this). */
  divisor?: number;
  /** Replay the timeline up to this date (end of that day, UTC) or instant; default DEMO_UNTIL. */
  until?: string;
  onSeedProgress?: (p: SeedProgress) => void;
  onDay?: (day: Date, summary: ReplaySummary) => void;
}

/** What the world is, said plainly wherever it is shown: the small demo is a scaled model, not the real camp. */
export function demoLabel(scale: Scale, divisor?: number): string {
  const d = divisor ?? (scale === 'small' ? SMALL_DIVISOR : 1);
  return d === 1 ? 'al-Hol at full scale' : `1:${d} miniature of al-Hol`;
}

/** Empty means no users and no facilities: the demo seeds only then. */
export async function databaseIsEmpty(services: Services): Promise<boolean> {
  if (await services.access.hasUsers()) return false;
  return (await listFacilities(services.database.db)).length === 0;
}

/** Raised when a demo world's seeding began and never finished (the process was killed): it must not be served. */
export class HalfBuiltDemoError extends Error {
  constructor(readonly world: DemoWorld) {
    super(
      `The demo world in this database is half built: its seeding started at ${world.seedingStartedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC ` +
        'and never finished (the process was stopped). Run `custos demo` to rebuild it, or remove the data folder.',
    );
    this.name = 'HalfBuiltDemoError';
  }
}

/** Raised when the database holds data of its own (users, facilities) but no demo world: the demo does not touch it. */
export class NotADemoError extends Error {
  constructor() {
    super(
      'This database is not a demo world (it has users or facilities of its own): serve it with `custos serve`, or give `custos demo` an empty data folder.',
    );
    this.name = 'NotADemoError';
  }
}

export interface DemoResult {
  password: string;
  users: DemoLogin[];
  /** The scenario run when this call seeded the world; null when it was there already. */
  run: ScenarioRun | null;
  world: DemoWorld;
}

/**
 * Seeds the demo world into an empty database, or finds the one seeded earlier (then `run` is null and the clock
 * must be resumed from `world.scenarioNow` by the caller). Refuses a half-built world and a database that is no demo.
 */
export async function seedDemo(services: Services, clock: ScenarioClock, opts: DemoOptions): Promise<DemoResult> {
  const actor = systemActor('demo seed');
  const db = services.database.db;
  const existing = await readDemoWorld(db);
  if (existing?.state === 'seeding') throw new HalfBuiltDemoError(existing);
  if (existing) {
    const present = new Set((await services.access.listUsers(actor)).map((u) => u.username));
    const users = DEMO_USERS.filter((u) => present.has(u.username)).map(({ username, role, scope }) => ({ username, role, scope }));
    return { password: DEMO_PASSWORD, users, run: null, world: existing };
  }
  if (!(await databaseIsEmpty(services))) throw new NotADemoError();
  await beginDemoSeed(db, {
    scale: opts.scale,
    seed: opts.seed,
    label: demoLabel(opts.scale, opts.divisor),
    replayUntil: parseUntil(opts.until ?? DEMO_UNTIL),
    scenarioNow: new Date(SEED_START),
    startedAt: new Date(),
  });
  const run = await runScenario(services, {
    scale: opts.scale,
    seed: opts.seed,
    divisor: opts.divisor,
    clock,
    until: opts.until ?? DEMO_UNTIL,
    onSeedProgress: (p) => {
      // Crash tests kill the process here, midway through the seed (every person enrolled, nobody admitted yet).
      if (p.phase === 'persons' && p.done === p.total) failpoint('demo.seed:enrolled');
      opts.onSeedProgress?.(p);
    },
    onDay: opts.onDay,
  });
  const created = new Map<string, Actor>();
  for (const u of DEMO_USERS) {
    const user = await services.access.createUser(actor, {
      username: u.username,
      password: DEMO_PASSWORD,
      role: u.role,
      facilityIds: u.facilities?.map((code) => run.world.facilityIds.get(code)!),
      nationalities: u.nationalities,
    });
    created.set(u.username, {
      userId: user.id,
      username: u.username,
      role: u.role,
      facilityIds: user.facilityIds,
      nationalities: user.nationalities,
      purpose: 'demo seed',
    });
  }
  // The scenario's notices to states (March) wait for the sharing decision's two approvals: legal and the commander.
  await approveDemoNotices(services, [created.get('legal')!, created.get('commander')!]);
  // Family tracing requests for separated children and escaped mothers (issue 23 part C).
  await seedFamilyTracing(services, run.world, actor);
  // Legal cases for the prisons' detainees (issue 23), reviews spread so that some are overdue: one bulk intake each.
  await openDemoCases(services, created.get('legal')!, run.world.facilityIds);
  await finishDemoSeed(db, { finishedAt: new Date(), scenarioNow: clock.now() });
  return {
    password: DEMO_PASSWORD,
    users: DEMO_USERS.map(({ username, role, scope }) => ({ username, role, scope })),
    run,
    world: (await readDemoWorld(db))!,
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** A few lines for the console: what the demo holds now (from the status report, i.e. from the ledger). */
export async function demoStatusLines(services: Services, run: ScenarioRun | null, world?: DemoWorld): Promise<string[]> {
  const report = await services.reports.status(systemActor('demo summary'));
  const lines: string[] = [];
  const clock = services.clock.kind === 'scenario' ? `scenario time${world ? ` of the ${world.label}` : ''}` : 'real time';
  lines.push(`Status on ${report.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (${clock}):`);
  lines.push(
    `  ${'facility'.padEnd(42)} ${'on roll'.padStart(8)} ${'minors'.padStart(7)} ${'unacc.'.padStart(7)} ${'escaped'.padStart(8)} ${'transit'.padStart(8)}`,
  );
  for (const f of report.facilities) {
    const total = f.onRoll + f.byStatus.escaped + f.byStatus.in_transit;
    if (total === 0) continue;
    const minors = f.onRoll ? `${Math.round((100 * f.minorsOnRoll) / f.onRoll)}%` : '-';
    lines.push(
      `  ${`${f.code} ${f.name}`.slice(0, 42).padEnd(42)} ${fmt(f.onRoll).padStart(8)} ${minors.padStart(7)} ${fmt(f.byStatus.unaccounted).padStart(7)} ${fmt(f.byStatus.escaped).padStart(8)} ${fmt(f.byStatus.in_transit).padStart(8)}`,
    );
  }
  const t = report.totals;
  lines.push(
    `  total on roll ${fmt(t.onRoll)}, minors ${Math.round((100 * t.minorsOnRoll) / Math.max(1, t.onRoll))}%, unaccounted ${fmt(t.unaccounted)}, escaped ${fmt(t.escaped)}, repatriated ${fmt(t.repatriated)}`,
  );
  const nat = report.nationalities.slice(0, 10).map((n) => `${n.country} ${fmt(n.onRoll)}`);
  lines.push(`  nationalities on roll: ${nat.join(', ')}${report.nationalities.length > 10 ? ` (+${report.nationalities.length - 10} more)` : ''}`);
  const holId = report.facilities.find((f) => f.code === 'HOL')?.id;
  lines.push(...(await collapseReportLines(services, holId, run?.summary.rollcalls)));
  if (run) {
    lines.push('', 'Timeline replayed:');
    for (const e of run.summary.log.slice(-10)) lines.push(`  ${e.at.toISOString().slice(0, 16).replace('T', ' ')}  ${e.text}`);
  }
  return lines;
}

/** The detainees of the three prisons get their legal case, opened in bulk by the demo's legal officer. */
export async function openDemoCases(services: Services, legal: Actor, facilityIds: ReadonlyMap<string, string>): Promise<number> {
  let opened = 0;
  for (const code of ['GHW', 'SHD', 'AQT']) {
    const facilityId = facilityIds.get(code);
    if (!facilityId) continue;
    opened += await services.cases.legal.openForFacility(legal, facilityId, {
      grounds: 'Detained after the fall of Baghuz on suspicion of membership of an armed group',
      authority: 'Autonomous Administration military prosecutor',
    });
  }
  return opened;
}
