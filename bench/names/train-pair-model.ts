/**
 * Trains the learned pair model (src/modules/names/names.pairmodel.ts) and writes its weights to
 * src/modules/names/names.pairmodel.json.
 *
 *   npx tsx bench/names/train-pair-model.ts
 *
 * Training pairs are built by the evaluation's own rules (pairs.ts: two clean spellings of one Arabic word against a
 * spelling of another word as many plain edits away), from the words of the LEARNING part only, with several seeds
 * (so each word gives several negatives) and up to 6 pairs per word; Arabic-origin words a second time (the
 * `arabic-variant` rule). Held-out and tuning words are never seen. The hand-set similarity that the model takes as a
 * feature is computed without the variant table (which knows learning words) and without the model itself.
 *
 * The model is a logistic regression (Adagrad, L2), trained in a fixed order: the same data give the same file (a
 * unit test rebuilds it). Features seen in fewer than 3 training pairs are left out.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prepareName, SCORING, tokenSimilarity, type PreparedToken } from '../../src/modules/names/names.domain';
import { pairFeatures, type PairModelFile } from '../../src/modules/names/names.pairmodel';
import { buildGroups, loadTransliterations } from './data';
import { cleanWords, isArabicOrigin, mulberry32, spellingIndex, variantPairs, type LabelledPair } from './pairs';

const OUT = resolve(process.cwd(), 'src/modules/names/names.pairmodel.json');
const SEEDS = [101, 102, 103, 104];
const PAIRS_PER_WORD = 6;
const MIN_FEATURE_COUNT = 3;
const L2 = 1e-4;
const EPOCHS = 8;
const LEARNING_RATE = 0.1;

/** The learning-part pairs the model is trained on (single Latin words on both sides). */
export function trainingPairs(seeds: readonly number[] = SEEDS): LabelledPair[] {
  const groups = buildGroups(loadTransliterations(['wikidata', 'ar2en-train', 'ar2en-eval', 'anetac-train', 'anetac-dev']));
  const index = spellingIndex(groups.values());
  const words = cleanWords(groups.values(), 'learn');
  const arabicWords = words.filter((w) => isArabicOrigin(w.group.arabic));
  const out: LabelledPair[] = [];
  for (const seed of seeds) {
    const rnd = mulberry32(seed);
    out.push(...variantPairs(arabicWords, index, rnd, PAIRS_PER_WORD, 'arabic-variant'));
    out.push(...variantPairs(words, index, rnd, PAIRS_PER_WORD));
  }
  return out;
}

function singleLatinToken(name: string, cache: Map<string, PreparedToken | null>): PreparedToken | null {
  let t = cache.get(name);
  if (t === undefined) {
    const p = prepareName(name); // no variant table: it has seen these words
    t = p.tokens.length === 1 && p.tokens[0]!.segmented.length === 1 ? p.tokens[0]! : null;
    cache.set(name, t);
  }
  return t;
}

export function trainPairModel(pairs: LabelledPair[]): PairModelFile {
  const saved = SCORING.pairModelWeight;
  SCORING.pairModelWeight = 0; // the feature is the hand-set similarity alone
  const cache = new Map<string, PreparedToken | null>();
  const examples: Array<{ features: Map<string, number>; label: number }> = [];
  try {
    for (const p of pairs) {
      const a = singleLatinToken(p.a, cache);
      const b = singleLatinToken(p.b, cache);
      if (a === null || b === null) continue;
      const features = new Map<string, number>();
      pairFeatures(a.segmented[0]!, b.segmented[0]!, tokenSimilarity(a, b).sim, (f, v) => features.set(f, (features.get(f) ?? 0) + v));
      examples.push({ features, label: p.label });
    }
  } finally {
    SCORING.pairModelWeight = saved;
  }
  const seen = new Map<string, number>();
  for (const e of examples) for (const f of e.features.keys()) seen.set(f, (seen.get(f) ?? 0) + 1);
  const kept = new Set([...seen].filter(([, c]) => c >= MIN_FEATURE_COUNT).map(([f]) => f));

  const weights = new Map<string, number>();
  const squaredGradients = new Map<string, number>();
  const order = examples.map((_, i) => i);
  const rnd = mulberry32(5);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const { features, label } = examples[k]!;
      let z = 0;
      for (const [f, v] of features) z += (weights.get(f) ?? 0) * v;
      const error = 1 / (1 + Math.exp(-z)) - label;
      for (const [f, v] of features) {
        if (!kept.has(f)) continue;
        const w = weights.get(f) ?? 0;
        const g = error * v + L2 * w;
        const acc = (squaredGradients.get(f) ?? 0) + g * g;
        squaredGradients.set(f, acc);
        weights.set(f, w - (LEARNING_RATE * g) / Math.sqrt(acc + 1e-8));
      }
    }
  }
  const sorted = [...weights].filter(([, w]) => Math.abs(w) >= 5e-5).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return {
    description:
      `Learned pair model for two Latin spellings of a name part (names.pairmodel.ts): logistic regression weights, trained by ` +
      `bench/names/train-pair-model.ts on ${examples.length} pairs from learning-part words only (seeds ${SEEDS.join(', ')}).`,
    weights: Object.fromEntries(sorted.map(([f, w]) => [f, Math.round(w * 1e4) / 1e4])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const model = trainPairModel(trainingPairs());
  writeFileSync(OUT, JSON.stringify(model, null, 1) + '\n');
  console.log(JSON.stringify({ written: OUT, features: Object.keys(model.weights).length, description: model.description }));
}
