/**
 * Tries values of the comparison constants (SCORING) on the TUNING part only and prints, per setting, the figures
 * of each category. The held-out part is never scored here.
 *
 *   node --import tsx bench/names/tune.ts 'knownDifferentFactor=0.8,0.9' 'vowelWeight=0.1,0.2'
 */
import { comparePreparedNames, prepareName, SCORING, type PreparedName } from '../../src/modules/names';
import { buildGroups, loadTransliterations } from './data';
import { summary } from './metrics';
import { cleanWords, crossScriptPairs, fullNamePairs, isArabicOrigin, mulberry32, spellingIndex, variantPairs, type LabelledPair } from './pairs';

const groups = buildGroups(loadTransliterations(['wikidata', 'ar2en-train', 'ar2en-eval', 'anetac-train', 'anetac-dev']));
const words = cleanWords(groups.values(), 'tune');
const index = spellingIndex(groups.values());
const rnd = mulberry32(2);
const pairs: LabelledPair[] = [
  ...variantPairs(
    words.filter((w) => isArabicOrigin(w.group.arabic)),
    index,
    rnd,
    3,
    'arabic-variant',
  ),
  ...variantPairs(words, index, rnd),
  ...crossScriptPairs(words, index, rnd),
  ...fullNamePairs(words, index, rnd, 1500),
];
const cache = new Map<string, PreparedName>();
const prep = (s: string) => cache.get(s) ?? (cache.set(s, prepareName(s)), cache.get(s)!);

const grid: Array<[string, number[]]> = process.argv.slice(2).map((arg) => {
  const [k, v] = arg.split('=');
  return [k!, v!.split(',').map(Number)];
});
const settings: Array<Record<string, number>> = [{}];
for (const [k, vs] of grid) {
  const next: Array<Record<string, number>> = [];
  for (const s of settings) for (const v of vs) next.push({ ...s, [k]: v });
  settings.splice(0, settings.length, ...next);
}
const base = { ...SCORING };
for (const s of settings) {
  Object.assign(SCORING, base, { roleWeights: { ...base.roleWeights } });
  for (const [k, v] of Object.entries(s)) {
    // `roleWeights.given=1.5` sets one role's weight
    if (k.startsWith('roleWeights.')) (SCORING.roleWeights as Record<string, number>)[k.slice(12)] = v;
    else (SCORING as unknown as Record<string, number>)[k] = v;
  }
  const scores = pairs.map((p) => ({ score: comparePreparedNames(prep(p.a), prep(p.b)).score, label: p.label, cat: p.category }));
  const row: Record<string, string> = {};
  for (const c of ['arabic-variant', 'variant', 'cross-script', 'full-name']) {
    const m = summary(scores.filter((x) => x.cat === c));
    row[c] = `${m.auc.toFixed(3)} ${m.recallAtP95.toFixed(3)} ${m.precisionAtR98.toFixed(3)} F1 ${m.bestF1.toFixed(3)}`;
  }
  console.log(JSON.stringify(s), JSON.stringify(row));
}
