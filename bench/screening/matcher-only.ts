/**
 * The matcher alone, in memory, without a database: the benchmark's registry against UN + OFAC, for profiling
 * (`node --cpu-prof --import tsx bench/screening/matcher-only.ts`) and for checking that a change to the matcher
 * finds exactly the same candidates (`--dump FILE` writes every person's candidates, one line each, to diff).
 *   node --import tsx bench/screening/matcher-only.ts [--persons 60000] [--planted 200] [--seed 1] [--dump FILE]
 *
 * With `--pair-model-baseline` it measures what the names module's learned pair model costs the matcher instead: four
 * runs from cold (each with its own memory of part similarities), the model off and on alternately, so that warm-up
 * and the machine's drift fall on both.
 *   node --import tsx bench/screening/matcher-only.ts --pair-model-baseline [--persons 60000]
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SCORING } from '../../src/modules/names';
import { PartSimilarities, preparePerson, WatchlistIndex } from '../../src/modules/screening';
import { numberArg } from '../lib/db';
import { buildWorld, readLists, screenPersonOf } from './world';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 60_000);
const PLANTED = numberArg(argv, '--planted', 200);
const SEED = numberArg(argv, '--seed', 1);
const dumpArg = argv.indexOf('--dump');
const DUMP = dumpArg >= 0 ? argv[dumpArg + 1] : null;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const { unXml, ofacFiles } = readLists();
const { inputs, un, ofac } = buildWorld({ persons: PERSONS, planted: PLANTED, seed: SEED, unXml, ofacFiles });
const now = new Date('2026-03-14T12:00:00Z');
const people = inputs.map((x, i) => screenPersonOf(`p${i}`, x.input, now));
const entries = [...un.entries.map((e) => ({ e, s: 'un-consolidated' })), ...ofac.entries.map((e) => ({ e, s: 'ofac-sdn' }))].map(({ e, s }) => ({
  id: `${s}:${e.ref}`,
  source: s,
  screenHash: '',
  entry: e,
}));

/** Every person through a new index with its own memory of part similarities; candidates dumped with `dump`. */
function run(dump: string[] | null) {
  let t = performance.now();
  const index = new WatchlistIndex(entries, new PartSimilarities());
  const indexSeconds = (performance.now() - t) / 1000;
  const times: number[] = [];
  const stats = { blocked: 0, compared: 0 };
  let candidates = 0;
  const cpu0 = process.cpuUsage();
  t = performance.now();
  for (const p of people) {
    const t0 = performance.now();
    const found = index.search(preparePerson(p), {}, stats);
    times.push(performance.now() - t0);
    candidates += found.length;
    if (dump)
      dump.push(
        `${p.id}\t${found.map((c) => `${c.entry.id}=${c.evidence.strength}/${c.evidence.name?.similarity ?? '-'}/${c.evidence.name?.entryName ?? '-'}/${c.evidence.name?.personName ?? '-'}`).join('\t')}`,
      );
  }
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const q = (f: number) => r3(times[Math.min(times.length - 1, Math.floor(f * times.length))]!);
  return {
    persons: people.length,
    indexSeconds: r3(indexSeconds),
    seconds: r3(seconds),
    cpuSeconds: r3((cpu.user + cpu.system) / 1e6),
    perPersonMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(0.99999) },
    candidates,
    blockedPerPerson: r3(stats.blocked / people.length),
    comparedPerPerson: r3(stats.compared / people.length),
  };
}

if (argv.includes('--pair-model-baseline')) {
  const weight = SCORING.pairModelWeight;
  const withWeight = (w: number) => {
    SCORING.pairModelWeight = w;
    try {
      return { pairModelWeight: w, ...run(null) };
    } finally {
      SCORING.pairModelWeight = weight;
    }
  };
  const runs = [withWeight(0), withWeight(weight), withWeight(0), withWeight(weight)];
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), withoutPairModel: [runs[0], runs[2]], withPairModel: [runs[1], runs[3]] })}\n`);
} else {
  const lines: string[] | null = DUMP ? [] : null;
  const result = run(lines);
  if (DUMP) writeFileSync(DUMP, `${lines!.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
