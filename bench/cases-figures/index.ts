/**
 * bench/cases-figures: the stasis figures (open legal cases by facility and nationality, overdue reviews, days without
 * review) and the case list's first page of overdue cases, over N detainees (default 12,000) across three prisons, each
 * with a legal case opened in bulk (the same intake the demo world uses). The baseline in the same run is the plain
 * population report (GET /reports/status's service call), so the ratio is comparable across machines.
 *
 *   npm run bench -- cases-figures [--persons 12000] [--rounds 10] [--db pglite|postgres]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 12_000);
const ROUNDS = numberArg(argv, '--rounds', 10);
const DB = (argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'pglite') as BenchTarget;
const actor = systemActor('benchmark');
const NATIONALITIES = ['IRQ', 'SYR', 'FRA', 'NLD', 'DEU', 'BEL', 'GBR', 'TUN', 'MAR', 'RUS'];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: +s[s.length - 1]!.toFixed(1) };
};

async function time<T>(rounds: number, work: () => Promise<T>): Promise<{ stats: ReturnType<typeof stats>; last: T }> {
  const xs: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    last = await work();
    xs.push(performance.now() - t);
  }
  return { stats: stats(xs), last: last as T };
}

async function main() {
  const { services: s, close } = await benchServices(DB);
  const seedStart = performance.now();
  const prisons = [];
  for (const code of ['GHW', 'SHD', 'AQT']) prisons.push(await s.facilities.create(actor, { code, name: `${code} prison`, kind: 'prison' }));
  for (let i = 0; i < PERSONS; i += 1000) {
    const n = Math.min(1000, PERSONS - i);
    const batch = Array.from({ length: n }, (_, k) => ({
      names: [{ full: `Detainee ${i + k}` }],
      sex: 'M',
      birthDate: '1985',
      nationalities: [NATIONALITIES[(i + k) % NATIONALITIES.length]!],
    }));
    const ids = await s.registry.createMany(actor, batch as never);
    const facility = prisons[(i / 1000) % prisons.length]!;
    await s.custody.appendMany(
      actor,
      ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: facility.id })),
    );
  }
  await s.settle();
  const intakeStart = performance.now();
  let opened = 0;
  for (const p of prisons) opened += await s.cases.legal.openForFacility(actor, p.id, { grounds: 'bench', authority: 'bench' });
  const intakeMs = performance.now() - intakeStart;
  const seedMs = performance.now() - seedStart;

  const stasis = await time(ROUNDS, () => s.cases.figures.stasis(actor));
  const overduePage = await time(ROUNDS, () => s.cases.legal.list(actor, { overdue: 'true', limit: 50, offset: 0 }));
  const reintegration = await time(ROUNDS, () => s.cases.figures.reintegration(actor));
  const baseline = await time(ROUNDS, () => s.reports.status(actor));

  console.log(
    JSON.stringify(
      {
        bench: 'cases-figures',
        db: DB,
        persons: PERSONS,
        casesOpened: opened,
        seedSeconds: +(seedMs / 1000).toFixed(1),
        bulkIntakeMs: +intakeMs.toFixed(0),
        stasisMs: stasis.stats,
        stasisRows: stasis.last.rows.length,
        totals: stasis.last.totals,
        overdueListMs: overduePage.stats,
        overdueTotal: overduePage.last.total,
        reintegrationFiguresMs: reintegration.stats,
        baselineStatusReportMs: baseline.stats,
        ratioStasisToStatusReport: +(stasis.stats.p50 / baseline.stats.p50).toFixed(2),
        loadavg: loadavg().map((x) => +x.toFixed(2)),
        machine: machine(),
      },
      null,
      2,
    ),
  );
  await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
