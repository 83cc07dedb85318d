/**
 * bench/search: does person search find the right record when a clerk types a name in another spelling?
 *
 *   npm run bench -- search [--db pglite|postgres] [--divisor 4] [--queries 400] [--seed 1]
 *
 * The registry is the al-Hol scenario's world (`planWorld`, full scale divided by --divisor), enrolled through the
 * registry service. Each query is an adult's Arabic name written in Latin letters the way another recorder might:
 * every word spelled with a Latin spelling the shared name data gives for it (one not used in the person's stored
 * Latin names where there is one), the article as "al-", sometimes the grandfather left out. Prints JSON: for the
 * service's ranking and, in the same run as the baseline, for the order of the trigram index alone (the candidates
 * the service ranks), how often the person is first, in the top 5, in the 25 results, and the mean reciprocal rank;
 * and the search time per query.
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { systemActor } from '../../src/modules/access';
import { normalizeArabic } from '../../src/modules/names';
import { nameSearchKey, type CreatePersonInput } from '../../src/modules/registry';
import { searchPersonIds } from '../../src/modules/registry/registry.repository';
import { planWorld } from '../../src/demo/scenario';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const TARGET = (argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'pglite') as BenchTarget;
const DIVISOR = numberArg(argv, '--divisor', 4);
const QUERIES = numberArg(argv, '--queries', 400);
const SEED = numberArg(argv, '--seed', 1);
const LIMIT = 25;
const actor = systemActor('benchmark');

interface NameWords {
  words: Array<{ ar: string; spellings: Array<[string, number]> }>;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const ARTICLE = '\u0627\u0644';
const NASAB = new Set(['\u0628\u0646', '\u0627\u0628\u0646', '\u0628\u0646\u062A']);

/** A Latin rendering of an Arabic name by another recorder, or null when a word has no known spelling. */
function respell(arabic: string, stored: Set<string>, spellings: Map<string, string[]>, random: () => number): string | null {
  const words = arabic.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  // the grandfather (third plain word) is left out of a third of the queries
  const dropAt = words.length >= 4 && random() < 0.33 ? 2 : -1;
  let plain = 0;
  for (const w of words) {
    if (NASAB.has(w)) {
      out.push(w === '\u0628\u0646\u062A' ? 'bint' : random() < 0.5 ? 'bin' : 'ibn');
      continue;
    }
    const article = w.startsWith(ARTICLE) && w.length > 3;
    const core = normalizeArabic(article ? w.slice(2) : w);
    const options = spellings.get(core);
    if (!options || options.length === 0) return null;
    if (!article && plain++ === dropAt) continue;
    const fresh = options.filter((s) => !stored.has(s));
    const pool = fresh.length > 0 ? fresh : options;
    const s = pool[Math.floor(random() * pool.length)]!;
    out.push((article ? 'al-' : '') + s[0]!.toUpperCase() + s.slice(1));
  }
  return out.join(' ').replace(/ (bin|ibn)$/, '');
}

function metrics(ranks: Array<number | null>) {
  const n = ranks.length;
  const at = (k: number) => ranks.filter((r) => r !== null && r <= k).length / n;
  const mrr = ranks.reduce<number>((s, r) => s + (r === null ? 0 : 1 / r), 0) / n;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { first: r3(at(1)), top5: r3(at(5)), found: r3(at(LIMIT)), mrr: r3(mrr) };
}

async function main() {
  const nameWords = JSON.parse(readFileSync(new URL('../../src/demo/scenario/name-words.json', import.meta.url), 'utf8')) as NameWords;
  const spellings = new Map<string, string[]>();
  for (const w of nameWords.words)
    spellings.set(
      normalizeArabic(w.ar),
      w.spellings.filter(([, c]) => c > 0).map(([s]) => s),
    );

  const plan = planWorld({ scale: 'full', seed: SEED, divisor: DIVISOR });
  const inputs: CreatePersonInput[] = plan.persons.map((p) => p.input as CreatePersonInput);
  const { services, close } = await benchServices(TARGET);
  try {
    let t = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += 2000) ids.push(...(await services.registry.createMany(actor, inputs.slice(i, i + 2000))));
    const enrolSeconds = (performance.now() - t) / 1000;

    const random = rng(SEED);
    const queries: Array<{ id: string; q: string }> = [];
    const order = plan.persons.map((_, i) => i).sort(() => random() - 0.5);
    for (const i of order) {
      if (queries.length >= QUERIES) break;
      const p = plan.persons[i]!;
      if (p.minor) continue;
      const arabic = p.input.names.find((n) => /[\u0600-\u06FF]/.test(n.full));
      if (!arabic) continue;
      const stored = new Set(p.input.names.flatMap((n) => n.full.toLowerCase().split(/[\s-]+/)));
      const q = respell(arabic.full, stored, spellings, random);
      if (q) queries.push({ id: ids[i]!, q });
    }

    const service: Array<number | null> = [];
    const index: Array<number | null> = [];
    const times: number[] = [];
    for (const { id, q } of queries) {
      t = performance.now();
      const results = await services.registry.search(actor, { q, limit: LIMIT });
      times.push(performance.now() - t);
      const r = results.findIndex((x) => x.id === id);
      service.push(r < 0 ? null : r + 1);
      if (r < 0 && process.env.SHOW_MISSES) {
        const p = plan.persons[ids.indexOf(id)]!;
        process.stderr.write(`miss: ${q}  <-  ${p.input.names.map((n) => n.full).join(' | ')}\n`);
      }
      const key = nameSearchKey(q) || q.toLowerCase();
      const hits = await services.database.db.transaction((tx) => searchPersonIds(tx, { key, limit: LIMIT, facilityIds: [], nationalities: [] }));
      const k = hits.findIndex((x) => x.id === id);
      index.push(k < 0 ? null : k + 1);
    }
    times.sort((a, b) => a - b);
    const ms = (x: number) => Math.round(x * 10) / 10;
    const out = {
      benchmark: 'search',
      date: new Date().toISOString(),
      ...machine(),
      db: TARGET,
      persons: ids.length,
      enrolSeconds: Math.round(enrolSeconds),
      queries: queries.length,
      examples: queries.slice(0, 5).map((x) => x.q),
      service: metrics(service),
      baselineTrigramOrder: metrics(index),
      msPerQuery: { p50: ms(times[Math.floor(times.length / 2)]!), p95: ms(times[Math.floor(times.length * 0.95)]!) },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    await close();
  }
}

await main();
