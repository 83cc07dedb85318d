/**
 * The screening matcher alone, in memory (no database): every person of the benchmark's world against both lists,
 * from cold, four times in one run: with the names module's learned pair model switched off (the baseline) and on,
 * alternately.
 * Prints JSON. For profiling and for the same-run comparison the pair model needs; bench/screening is the full figure.
 *
 *   npx tsx bench/screening/matcher-only.ts [--persons 60000]
 */
import { performance } from 'node:perf_hooks';
import { SCORING } from '../../src/modules/names';
import { PartSimilarities, preparePerson, WatchlistIndex, type IndexedEntry } from '../../src/modules/screening/screening.matcher';
import { entryScreenHash, parseOfacSdn, parseUnConsolidated } from '../../src/modules/screening/screening.lists';
import { numberArg } from '../lib/db';
import { buildWorld, readLists, screenPersonOf } from './world';

const PERSONS = numberArg(process.argv.slice(2), '--persons', 60_000);
const { unXml, ofacFiles } = readLists();
const { inputs } = buildWorld({ persons: PERSONS, planted: 200, seed: 1, unXml, ofacFiles });
const entries: IndexedEntry[] = [];
for (const [source, list] of [['un', parseUnConsolidated(unXml)], ['ofac', parseOfacSdn(ofacFiles)]] as const) {
  for (const e of list.entries) entries.push({ id: `${source}:${e.ref}`, source, screenHash: entryScreenHash(e), entry: e });
}
const now = new Date();
const people = inputs.map((x, i) => screenPersonOf(`p${i}`, x.input, now));

function run(pairModelWeight: number) {
  const saved = SCORING.pairModelWeight;
  SCORING.pairModelWeight = pairModelWeight;
  try {
    const index = new WatchlistIndex(entries, new PartSimilarities());
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    let candidates = 0;
    const times: number[] = [];
    for (const p of people) {
      const t0 = performance.now();
      candidates += index.search(preparePerson(p)).length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const cpu = process.cpuUsage(cpu0);
    return {
      pairModelWeight,
      seconds: Math.round(performance.now() - t) / 1000,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      p95Ms: Math.round(times[Math.floor(0.95 * (times.length - 1))]! * 1000) / 1000,
      candidates,
    };
  } finally {
    SCORING.pairModelWeight = saved;
  }
}
// alternately, so that warm-up and the machine's drift fall on both
const weight = SCORING.pairModelWeight;
const runs = [run(0), run(weight), run(0), run(weight)];
process.stdout.write(
  JSON.stringify({ benchmark: 'screening-matcher-only', date: new Date().toISOString(), persons: people.length, entries: entries.length, withoutPairModel: [runs[0], runs[2]], withPairModel: [runs[1], runs[3]] }, null, 1) + '\n',
);
