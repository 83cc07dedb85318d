/**
 * Names benchmark: Custos name comparison against Jaro-Winkler, Double Metaphone and token-sorted Levenshtein on
 * labelled pairs built from ../shared/data/names (see pairs.ts and docs/names.md), all in one run.
 *
 *   npm run bench -- names [--dump DIR]      (prints JSON; --dump writes the pairs as TSV files for inspection)
 *
 * Parts: `heldout` (Arabic words never seen by the variant table nor by tuning: the figures to report), `tune` (the
 * pairs used to choose constants and the fixed threshold), `evalSplits` (the official ar2en eval and anetac dev
 * splits; their words may also occur in the train files the table learned from).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { blockingKeys, comparePreparedNames, compareNames, prepareName, SCORING, type PreparedName } from '../../src/modules/names';
import { defaultPairModel } from '../../src/modules/names/names.pairmodel';
import { defaultVariants } from '../../src/modules/names/names.variants';
import { doubleMetaphoneBaseline, jaroWinklerBaseline, sortedLevenshteinBaseline } from './baselines';
import { buildGroups, loadTransliterations } from './data';
import { atThreshold, recallAtPrecision, round, summary, type Scored } from './metrics';
import {
  cleanWords,
  crossScriptPairs,
  fullNamePairs,
  isArabicOrigin,
  mulberry32,
  spellingIndex,
  variantPairs,
  type Category,
  type LabelledPair,
} from './pairs';
import { otherScriptPairs, watchlistPairs } from './watchlist';

type Method = (a: string, b: string) => number;

const preparedCache = new Map<string, PreparedName>();
function prepared(s: string): PreparedName {
  let p = preparedCache.get(s);
  if (!p) preparedCache.set(s, (p = prepareName(s)));
  return p;
}

const METHODS: Record<string, Method> = {
  custos: (a, b) => comparePreparedNames(prepared(a), prepared(b)).score,
  jaroWinkler: jaroWinklerBaseline,
  doubleMetaphone: doubleMetaphoneBaseline,
  sortedLevenshtein: sortedLevenshteinBaseline,
};

function scoreAll(pairs: LabelledPair[]): Record<string, Scored[]> {
  const out: Record<string, Scored[]> = {};
  for (const [name, m] of Object.entries(METHODS)) out[name] = pairs.map((p) => ({ score: m(p.a, p.b), label: p.label }));
  return out;
}

function report(pairs: LabelledPair[], scores: Record<string, Scored[]>) {
  const cats: Array<Category | 'all'> = ['arabic-variant', 'variant', 'cross-script', 'full-name', 'watchlist', 'other-scripts', 'all'];
  const res: Record<string, Record<string, ReturnType<typeof summary>>> = {};
  for (const c of cats) {
    const idx = pairs.map((p, i) => (c === 'all' || p.category === c ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    res[c] = {};
    for (const [name, s] of Object.entries(scores)) res[c]![name] = summary(idx.map((i) => s[i]!));
  }
  return res;
}

/**
 * How far the figures could move with another draw of words: a bootstrap over the Arabic words of a category (all
 * pairs of a word drawn together, since they share spellings), 1,000 resamples, 5th and 95th percentiles of recall at
 * precision 0.95 and of AUC. Reported for the variant categories, whose pairs carry their word.
 */
function bootstrapByWord(pairs: LabelledPair[], scores: Scored[], category: Category) {
  const byWord = new Map<string, Scored[]>();
  pairs.forEach((p, i) => {
    if (p.category !== category || !p.word) return;
    let arr = byWord.get(p.word);
    if (!arr) byWord.set(p.word, (arr = []));
    arr.push(scores[i]!);
  });
  const words = [...byWord.values()];
  if (words.length === 0) return null;
  const rnd = mulberry32(11);
  const recalls: number[] = [];
  const aucs: number[] = [];
  for (let r = 0; r < 1000; r++) {
    const sample: Scored[] = [];
    for (let i = 0; i < words.length; i++) sample.push(...words[Math.floor(rnd() * words.length)]!);
    const m = summary(sample);
    if (Number.isNaN(m.auc)) continue;
    recalls.push(m.recallAtP95);
    aucs.push(m.auc);
  }
  const pct = (xs: number[], q: number) => round([...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!, 3);
  return { words: words.length, recallAtP95: [pct(recalls, 0.05), pct(recalls, 0.95)], auc: [pct(aucs, 0.05), pct(aucs, 0.95)] };
}

function byType(pairs: LabelledPair[], s: Scored[], threshold: number) {
  const types = [...new Set(pairs.map((p) => `${p.category}/${p.type}/${p.label}`))].sort();
  const out: Record<string, { n: number; mean: number; passRate: number }> = {};
  for (const t of types) {
    const idx = pairs.map((p, i) => (`${p.category}/${p.type}/${p.label}` === t ? i : -1)).filter((i) => i >= 0);
    const v = idx.map((i) => s[i]!.score);
    out[t] = { n: v.length, mean: round(v.reduce((a, b) => a + b, 0) / v.length, 3), passRate: round(v.filter((x) => x >= threshold).length / v.length, 3) };
  }
  return out;
}

function speed(pairs: LabelledPair[]) {
  const sample = pairs.slice(0, 4000);
  const prep = sample.map((p) => [prepareName(p.a), prepareName(p.b)] as const);
  const time = (f: () => void, reps: number) => {
    f(); // warm-up
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) f();
    return Number(process.hrtime.bigint() - t0) / 1000 / reps / sample.length; // microseconds per pair
  };
  const preparedUs = time(() => {
    for (const [x, y] of prep) comparePreparedNames(x, y);
  }, 5);
  const rawUs = time(() => {
    for (const p of sample) compareNames(p.a, p.b);
  }, 2);
  const jwUs = time(() => {
    for (const p of sample) jaroWinklerBaseline(p.a, p.b);
  }, 5);
  // one probability of the learned pair model, on the sample's pairs of two Latin words
  const model = defaultPairModel();
  const latin = prep.filter(
    ([x, y]) => x.tokens.length === 1 && y.tokens.length === 1 && x.tokens[0]!.segmented.length > 0 && y.tokens[0]!.segmented.length > 0,
  );
  const pairModelUs =
    latin.length === 0
      ? NaN
      : (time(() => {
          for (const [x, y] of latin) model.probability(x.tokens[0]!.segmented[0]!, y.tokens[0]!.segmented[0]!, 0.8);
        }, 5) *
          sample.length) /
        latin.length;
  return {
    pairs: sample.length,
    preparedComparisonUs: round(preparedUs, 2),
    compareNamesUs: round(rawUs, 2),
    jaroWinklerBaselineUs: round(jwUs, 2),
    preparedVsJaroWinkler: round(preparedUs / jwUs, 2),
    pairModelProbabilityUs: round(pairModelUs, 2),
  };
}

function blocking(pairs: LabelledPair[]) {
  const share = (p: LabelledPair) => {
    const ka = new Set(blockingKeys(prepared(p.a)));
    return blockingKeys(prepared(p.b)).some((k) => ka.has(k));
  };
  const pos = pairs.filter((p) => p.label === 1);
  const neg = pairs.filter((p) => p.label === 0);
  const names = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const keyCounts = names.map((n) => blockingKeys(prepared(n)).length);
  // how much blocking saves: the share of random name pairs (not chosen to be alike) that share a key
  const rnd = mulberry32(7);
  let shared = 0;
  const trials = 20000;
  for (let i = 0; i < trials; i++) {
    const a = names[Math.floor(rnd() * names.length)]!;
    const b = names[Math.floor(rnd() * names.length)]!;
    if (share({ a, b, label: 0, category: 'variant', type: '' })) shared++;
  }
  return {
    positivesSharingAKey: round(pos.filter(share).length / pos.length),
    hardNegativesSharingAKey: round(neg.filter(share).length / neg.length),
    randomPairsSharingAKey: round(shared / trials),
    meanKeysPerName: round(keyCounts.reduce((a, b) => a + b, 0) / keyCounts.length, 2),
  };
}

function main() {
  const args = process.argv.slice(2);
  const dumpAt = args.indexOf('--dump');
  const dumpDir = dumpAt >= 0 ? args[dumpAt + 1] : undefined;
  // --scoring '{"partContradiction":0}': the same run with some comparison constants changed (a before/after beside
  // the committed values, chosen beforehand on the tuning part, never on what is reported)
  const scoringAt = args.indexOf('--scoring');
  if (scoringAt >= 0) Object.assign(SCORING, JSON.parse(args[scoringAt + 1]!) as Partial<typeof SCORING>);
  const groups = buildGroups(loadTransliterations(['wikidata', 'ar2en-train', 'ar2en-eval', 'anetac-train', 'anetac-dev']));
  const evalGroups = buildGroups(loadTransliterations(['ar2en-eval', 'anetac-dev']));
  const index = spellingIndex(groups.values());

  const build = (words: ReturnType<typeof cleanWords>, seed: number, fullNames: number) => {
    const rnd = mulberry32(seed);
    const arabicWords = words.filter((w) => isArabicOrigin(w.group.arabic));
    return [
      ...variantPairs(arabicWords, index, rnd, 3, 'arabic-variant'),
      ...variantPairs(words, index, rnd),
      ...crossScriptPairs(words, index, rnd),
      ...fullNamePairs(words, index, rnd, fullNames),
    ];
  };
  const parts = {
    heldout: [...build(cleanWords(groups.values(), 'heldout'), 1, 3000), ...watchlistPairs(), ...otherScriptPairs()],
    tune: build(cleanWords(groups.values(), 'tune'), 2, 1500),
    evalSplits: (() => {
      const rnd = mulberry32(3);
      const words = cleanWords(evalGroups.values(), 'any');
      return [...variantPairs(words, index, rnd), ...crossScriptPairs(words, index, rnd)];
    })(),
  };
  if (dumpDir) {
    mkdirSync(dumpDir, { recursive: true });
    for (const [name, pairs] of Object.entries(parts)) {
      const lines = pairs.map((p) => [p.a, p.b, p.label, p.category, p.type].join('\t'));
      writeFileSync(resolve(dumpDir, `${name}.tsv`), `# nameA\tnameB\tlabel\tcategory\ttype\n${lines.join('\n')}\n`);
    }
  }

  const scored = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, scoreAll(v)])) as Record<keyof typeof parts, Record<string, Scored[]>>;
  // one fixed operating threshold, chosen on the tuning part only: the highest recall at precision >= 0.95
  const chosen = recallAtPrecision(scored.tune.custos!, 0.95).threshold ?? 0.8;
  const fixed: Record<string, { precision: number; recall: number }> = {};
  for (const c of ['arabic-variant', 'variant', 'cross-script', 'full-name', 'watchlist', 'other-scripts'] as const) {
    const idx = parts.heldout.map((p, i) => (p.category === c ? i : -1)).filter((i) => i >= 0);
    const r = atThreshold(
      idx.map((i) => scored.heldout.custos![i]!),
      chosen,
    );
    fixed[c] = { precision: round(r.precision), recall: round(r.recall) };
  }

  // the bar: ahead of every baseline on the held-out part, and recall >= 0.98 at precision >= 0.95 on the
  // Arabic-variant pairs
  const heldout = report(parts.heldout, scored.heldout);
  const ahead: Record<string, Record<string, boolean>> = {};
  for (const [cat, byMethod] of Object.entries(heldout)) {
    ahead[cat] = {};
    for (const metric of ['auc', 'recallAtP95', 'precisionAtR98'] as const) {
      const c = byMethod.custos![metric];
      ahead[cat]![metric] = Object.entries(byMethod).every(([m, v]) => m === 'custos' || c > v[metric]);
    }
  }
  const av = heldout['arabic-variant']?.custos;
  const out = {
    benchmark: 'names',
    date: new Date().toISOString(),
    node: process.version,
    variantTableKeys: defaultVariants().size,
    criterion: {
      custosAheadOfEveryBaseline: ahead,
      arabicVariantRecallAtP95: av?.recallAtP95,
      arabicVariantMet: av !== undefined && av.recallAtP95 >= 0.98,
    },
    heldout,
    tune: report(parts.tune, scored.tune),
    evalSplits: report(parts.evalSplits, scored.evalSplits),
    custosFixedThreshold: { threshold: round(chosen), chosenOn: 'tune', heldout: fixed },
    custosByPairType: byType(parts.heldout, scored.heldout.custos!, chosen),
    custosBootstrap90: {
      heldout: {
        'arabic-variant': bootstrapByWord(parts.heldout, scored.heldout.custos!, 'arabic-variant'),
        variant: bootstrapByWord(parts.heldout, scored.heldout.custos!, 'variant'),
      },
      tune: {
        'arabic-variant': bootstrapByWord(parts.tune, scored.tune.custos!, 'arabic-variant'),
        variant: bootstrapByWord(parts.tune, scored.tune.custos!, 'variant'),
      },
    },
    speed: speed(parts.heldout),
    blocking: blocking(parts.heldout),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main();
