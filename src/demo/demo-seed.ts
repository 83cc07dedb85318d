import { systemActor, type Role } from '../modules/access';
import { listFacilities } from '../modules/facilities';
import { DAY_AFTER_COLLAPSE, runScenario, type ScenarioClock, type ScenarioRun, type Scale, type SeedProgress } from './scenario';
import type { ReplaySummary } from './scenario';
import type { Services } from '../services';

/**
 * The demo world of `custos demo` (= `npm start`): the al-Hol scenario (facilities of the articles, a population
 * enrolled through the registry, the January 2026 timeline replayed through the ledger, the roll calls and the
 * alerts), then one user per role.
 */
export const DEMO_PASSWORD = 'custos-demo-2026';

export interface DemoLogin {
  username: string;
  role: Role;
  scope: string;
}

export interface DemoOptions {
  scale: Scale;
  seed: number;
  /** Replay the timeline up to this date (end of that day, UTC) or instant; default the day after the collapse. */
  until?: string;
  onSeedProgress?: (p: SeedProgress) => void;
  onDay?: (day: Date, summary: ReplaySummary) => void;
}

/** Empty means no users and no facilities: the demo seeds only then. */
export async function databaseIsEmpty(services: Services): Promise<boolean> {
  if (await services.access.hasUsers()) return false;
  return (await listFacilities(services.database.db)).length === 0;
}

export async function seedDemo(
  services: Services,
  clock: ScenarioClock,
  opts: DemoOptions,
): Promise<{ password: string; users: DemoLogin[]; run: ScenarioRun | null }> {
  const actor = systemActor('demo seed');
  if (!(await databaseIsEmpty(services))) {
    if (!(await services.access.hasUsers())) {
      throw new Error('The database holds facilities but no users: an earlier demo seed was interrupted. Start on an empty data folder (e.g. remove it).');
    }
    const users = (await services.access.listUsers(actor)).map((u) => ({ username: u.username, role: u.role, scope: '' }));
    return { password: DEMO_PASSWORD, users, run: null };
  }
  const run = await runScenario(services, {
    scale: opts.scale,
    seed: opts.seed,
    clock,
    until: opts.until ?? DAY_AFTER_COLLAPSE,
    onSeedProgress: opts.onSeedProgress,
    onDay: opts.onDay,
  });
  const hol = run.world.facilityIds.get('HOL')!;
  const plan: { username: string; role: Role; facilityIds?: string[]; nationalities?: string[]; scope: string }[] = [
    { username: 'admin', role: 'admin', scope: 'everything' },
    { username: 'commander', role: 'commander', scope: 'all facilities' },
    { username: 'officer', role: 'officer', facilityIds: [hol], scope: 'al-Hol only' },
    { username: 'registrar', role: 'registrar', facilityIds: [hol], scope: 'al-Hol only' },
    { username: 'screening', role: 'screening', scope: 'security side' },
    { username: 'investigator', role: 'investigator', scope: 'all facilities' },
    { username: 'legal', role: 'legal', scope: 'all facilities' },
    { username: 'monitor', role: 'monitor', scope: 'counts and ledger, no names' },
    { username: 'liaison-fr', role: 'liaison', nationalities: ['FRA'], scope: 'French nationals only' },
  ];
  for (const u of plan) {
    await services.access.createUser(actor, {
      username: u.username,
      password: DEMO_PASSWORD,
      role: u.role,
      facilityIds: u.facilityIds,
      nationalities: u.nationalities,
    });
  }
  return { password: DEMO_PASSWORD, users: plan.map(({ username, role, scope }) => ({ username, role, scope })), run };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** A few lines for the console: what the demo holds now (from the status report, i.e. from the ledger). */
export async function demoStatusLines(services: Services, run: ScenarioRun | null): Promise<string[]> {
  const report = await services.reports.status(systemActor('demo summary'));
  const lines: string[] = [];
  lines.push(`Status on ${report.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (scenario time):`);
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
  if (run) {
    lines.push('', 'Timeline replayed:');
    for (const e of run.summary.log.slice(-10)) lines.push(`  ${e.at.toISOString().slice(0, 16).replace('T', ' ')}  ${e.text}`);
  }
  return lines;
}
