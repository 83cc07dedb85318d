/**
 * Cross-validation of the learned pair model on the LEARNING part (the held-out part is never read): the learning
 * words are split in 5 folds by a hash of their Arabic word; for each fold the model is trained on the other four
 * and scored on the fold's pairs of the first seed (one negative per positive, as in the evaluation). Prints JSON:
 * AUC, recall at precision 0.95 and precision at recall 0.98 of the hand-set similarity alone and of the blend in use
 * (SCORING.pairModel*), for the arabic-variant and variant rules. The tuning part is far smaller (about 40 Arabic
 * positives), so this is where the model's weight was checked against the hand-set similarity.
 *
 *   npx tsx bench/names/pair-model-cv.ts
 */
import { blendPairModel, prepareName, SCORING, tokenSimilarity } from '../../src/modules/names/names.domain';
import { PairModel } from '../../src/modules/names/names.pairmodel';
import { fnv1a } from './data';
import { round, summary, type Scored } from './metrics';
import type { LabelledPair } from './pairs';
import { trainingPairs, trainPairModel } from './train-pair-model';

const FOLDS = 5;
const all = trainingPairs();
const firstSeed = trainingPairs([101]);

const scores: Record<string, { handSet: Scored[]; blend: Scored[] }> = {};
for (let k = 0; k < FOLDS; k++) {
  const inFold = (p: LabelledPair) => fnv1a(p.word ?? '') % FOLDS === k;
  const model = new PairModel(trainPairModel(all.filter((p) => !inFold(p))));
  const saved = SCORING.pairModelWeight;
  for (const p of firstSeed.filter(inFold)) {
    const a = prepareName(p.a).tokens;
    const b = prepareName(p.b).tokens;
    if (a.length !== 1 || b.length !== 1 || a[0]!.segmented.length !== 1 || b[0]!.segmented.length !== 1) continue;
    SCORING.pairModelWeight = 0;
    const s0 = tokenSimilarity(a[0]!, b[0]!).sim;
    SCORING.pairModelWeight = saved;
    const blended = blendPairModel(s0, () => model.probability(a[0]!.segmented[0]!, b[0]!.segmented[0]!, s0));
    const c = (scores[p.category] ??= { handSet: [], blend: [] });
    c.handSet.push({ score: s0, label: p.label });
    c.blend.push({ score: blended, label: p.label });
  }
}
const fmt = (xs: Scored[]) => {
  const m = summary(xs);
  return { auc: round(m.auc, 4), recallAtP95: round(m.recallAtP95, 4), precisionAtR98: round(m.precisionAtR98, 4) };
};
const out = Object.fromEntries(
  Object.entries(scores).map(([cat, s]) => [
    cat,
    { pairs: s.handSet.length, positives: s.handSet.filter((x) => x.label === 1).length, handSet: fmt(s.handSet), withPairModel: fmt(s.blend) },
  ]),
);
process.stdout.write(
  JSON.stringify(
    {
      benchmark: 'names-pair-model-cv',
      date: new Date().toISOString(),
      folds: FOLDS,
      blend: { weight: SCORING.pairModelWeight, from: SCORING.pairModelFrom, full: SCORING.pairModelFull },
      ...out,
    },
    null,
    2,
  ) + '\n',
);
