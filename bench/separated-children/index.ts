/**
 * bench/separated-children: the families part of issue 23 over a world of al-Hol's shape at full scale: 43,000 people
 * in one camp, 65 % of them children, each child linked to their mother (`mother_of`) in the registry, the mothers
 * and children enrolled through the registry service and admitted through the ledger. Then a share of the mothers
 * escape (their children are left without a carer), and it measures:
 *  - the separated-children figure (GET /families/separated-children's service call);
 *  - the best-interests check a manifest's approval runs (transfers' port) for 100 mothers leaving without their
 *    children (refused, 409) and for 100 mothers leaving with them (passes);
 *  - the same check as the ledger runs it before sealing a batch of 100 departures by hand (custody's port);
 *  - as an upper bound of the child-separated alert consumer: draining the outbox after a batch of escapes (every
 *    consumer of those ledger events, the families one included).
 * The baseline in the same run is the plain population report (GET /reports/status's service call).
 *
 *   npm run bench -- separated-children [--persons 43000] [--minors 0.65] [--escapes 500] [--rounds 5] [--db pglite|postgres]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 43_000);
const MINORS = numberArg(argv, '--minors', 0.65);
const ESCAPES = numberArg(argv, '--escapes', 500);
const ROUNDS = numberArg(argv, '--rounds', 5);
const DB = (argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'pglite') as BenchTarget;
const actor = systemActor('benchmark');
const BATCH = 1000;

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

const progress = (what: string, done: number, total: number) => process.stderr.write(`\r${what} ${done}/${total}   `);

async function main() {
  const { services: s, close } = await benchServices(DB);
  const seedStart = performance.now();
  const camp = await s.facilities.create(actor, { code: 'HOL', name: 'al-Hol camp', kind: 'camp', capacity: 45_000 });
  const other = await s.facilities.create(actor, { code: 'ROJ', name: 'Roj camp', kind: 'camp', capacity: 3_500 });
  const children = Math.round(PERSONS * MINORS);
  const mothers = PERSONS - children;
  const year = new Date().getUTCFullYear();
  // mother j has the children k with floor(k * mothers / children) = j: one or two each at 65 %, spread evenly
  const motherOf = (k: number) => Math.floor((k * mothers) / children);

  const motherIds: string[] = [];
  for (let i = 0; i < mothers; i += BATCH) {
    const n = Math.min(BATCH, mothers - i);
    const ids = await s.registry.createMany(
      actor,
      Array.from({ length: n }, (_, k) => ({
        names: [{ full: `Umm ${i + k} al-Bench` }],
        sex: 'F',
        birthDate: String(1975 + ((i + k) % 25)),
        nationalities: [(i + k) % 5 === 0 ? 'SYR' : 'IRQ'],
        facilityId: camp.id,
      })) as never,
    );
    motherIds.push(...ids);
    progress('mothers', motherIds.length, mothers);
  }
  const childIds: string[] = [];
  for (let i = 0; i < children; i += BATCH) {
    const n = Math.min(BATCH, children - i);
    const ids = await s.registry.createMany(
      actor,
      Array.from({ length: n }, (_, k) => ({
        names: [{ full: `Child ${i + k} al-Bench` }],
        sex: (i + k) % 2 ? 'M' : 'F',
        // born between 1 and 16 years ago: under 18 on any day of the run
        birthDate: String(year - 1 - ((i + k) % 16)),
        nationalities: [(i + k) % 5 === 0 ? 'SYR' : 'IRQ'],
        facilityId: camp.id,
        relations: [{ kind: 'mother_of', personId: motherIds[motherOf(i + k)]! }],
      })) as never,
    );
    childIds.push(...ids);
    progress('children', childIds.length, children);
  }
  const everyone = [...motherIds, ...childIds];
  for (let i = 0; i < everyone.length; i += 2 * BATCH) {
    await s.custody.appendMany(
      actor,
      everyone.slice(i, i + 2 * BATCH).map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: camp.id })),
    );
    progress('admissions', Math.min(i + 2 * BATCH, everyone.length), everyone.length);
  }
  await s.settle();
  const seedMs = performance.now() - seedStart;
  process.stderr.write('\n');

  // A share of the mothers escape (spread over the camp): their children are left without a carer.
  const escaping = Array.from({ length: ESCAPES }, (_, k) => motherIds[Math.floor((k * mothers) / ESCAPES)]!);
  const escapeStart = performance.now();
  await s.custody.appendMany(
    actor,
    escaping.map((personId) => ({ personId, type: 'ESCAPED' as const })),
  );
  const escapeAppendMs = performance.now() - escapeStart;
  const drainStart = performance.now();
  await s.settle();
  const escapeDrainMs = performance.now() - drainStart;

  // Manifests of 100 mothers who did not escape (every 7th from the 3rd on), with and without their children.
  const escaped = new Set(escaping);
  const leaving = motherIds.filter((id, j) => j % 7 === 3 && !escaped.has(id)).slice(0, 100);
  const leavingIndex = new Set(leaving.map((id) => motherIds.indexOf(id)));
  const theirChildren = childIds.filter((_, k) => leavingIndex.has(motherOf(k)));
  const departures = (ids: readonly string[]) => ids.map((personId) => ({ personId, fromFacilityId: camp.id, toFacilityId: other.id }));
  const check = async (ids: readonly string[]) =>
    s.database.db.transaction(async (tx) => {
      try {
        await s.families.requireBestInterestsForPlannedDepartures(tx, departures(ids));
        return 0;
      } catch (err) {
        return ((err as { details?: { separations?: unknown[] } }).details?.separations ?? []).length;
      }
    });
  const ledgerCheck = async (ids: readonly string[]) =>
    s.database.db.transaction(async (tx) => {
      try {
        await s.families.requireBestInterestsForMoves(
          tx,
          ids.map((personId) => ({
            personId,
            type: 'TRANSFER_DEPARTED',
            before: { status: 'in_custody', facilityId: camp.id, destinationFacilityId: null },
            after: { status: 'in_transit', facilityId: null, destinationFacilityId: other.id },
          })),
        );
        return 0;
      } catch (err) {
        return ((err as { details?: { separations?: unknown[] } }).details?.separations ?? []).length;
      }
    });

  const figure = await time(ROUNDS, () => s.families.separatedFigure(actor));
  const approvalRefused = await time(ROUNDS, () => check(leaving));
  const approvalFamilies = await time(ROUNDS, () => check([...leaving, ...theirChildren]));
  const ledgerRefused = await time(ROUNDS, () => ledgerCheck(leaving));
  const baseline = await time(ROUNDS, () => s.reports.status(actor));

  console.log(
    JSON.stringify(
      {
        bench: 'separated-children',
        db: DB,
        persons: everyone.length,
        mothers,
        children,
        minorsShare: +(children / everyone.length).toFixed(3),
        escapes: ESCAPES,
        seedSeconds: +(seedMs / 1000).toFixed(1),
        escapesAppendMs: +escapeAppendMs.toFixed(0),
        escapesOutboxDrainMs: +escapeDrainMs.toFixed(0),
        separatedFigureMs: figure.stats,
        separatedChildren: figure.last.total,
        approvalCheck100MothersAloneMs: approvalRefused.stats,
        approvalCheck100MothersAloneSeparations: approvalRefused.last,
        approvalCheckFamiliesTogetherMs: approvalFamilies.stats,
        approvalCheckFamiliesTogetherPersons: leaving.length + theirChildren.length,
        approvalCheckFamiliesTogetherSeparations: approvalFamilies.last,
        ledgerCheck100DeparturesMs: ledgerRefused.stats,
        baselineStatusReportMs: baseline.stats,
        ratioFigureToStatusReport: +(figure.stats.p50 / baseline.stats.p50).toFixed(2),
        ratioApprovalCheckToStatusReport: +(approvalRefused.stats.p50 / baseline.stats.p50).toFixed(3),
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
