/**
 * Builds src/modules/names/names.variants.json, the table of Latin spellings per Arabic word, from the TRAIN splits
 * only (wd_arabic_80, ar2en-train, anetac train), leaving out every Arabic word in the held-out and tuning parts.
 *
 *   npx tsx bench/names/build-variants.ts
 *
 * Cleaning (the data are aligned automatically and noisy: محمد -> "morocco"): a spelling is kept when it carries at
 * least 2% of its word's count and its consonant skeleton is plausible for the Arabic word (similarity >= 0.5).
 * A word is kept when it has two or more spellings (the table then says they are variants), or one spelling seen at
 * least 5 times (the table then knows that spelling belongs to that word, and not to a similar one: Hassan is حسن,
 * Hussein is حسين). Rarer single spellings add little and would make the committed file large.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { arabicSkeleton } from '../../src/modules/names/names.arabic';
import { latinSkeleton } from '../../src/modules/names/names.latin';
import { skeletonSimilarity } from '../../src/modules/names/names.similarity';
import type { VariantTableFile } from '../../src/modules/names/names.variants';
import { buildGroups, loadTransliterations } from './data';

const MIN_SINGLE_COUNT = 5;
const OUT = resolve(process.cwd(), 'src/modules/names/names.variants.json');

function coreOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

export function buildVariantTable(): { file: VariantTableFile; stats: Record<string, number> } {
  const rows = loadTransliterations(['wikidata', 'ar2en-train', 'anetac-train']);
  const groups = buildGroups(rows);
  const kept: Array<{ key: string; spellings: Array<[string, number]> }> = [];
  let learnGroups = 0;
  for (const g of groups.values()) {
    if (g.part !== 'learn') continue;
    learnGroups++;
    const total = [...g.spellings.values()].reduce((a, b) => a + b, 0);
    const askel = arabicSkeleton(coreOf(g.key));
    const spellings = [...g.spellings.entries()]
      .filter(([lk, c]) => c / total >= 0.02 && skeletonSimilarity(latinSkeleton(coreOf(lk)), askel) >= 0.5)
      .sort((a, b) => b[1] - a[1]);
    // one spelling: kept only for frequent words, so that the table knows Hassan (حسن) apart from Hussein (حسين)
    if (spellings.length === 0 || (spellings.length < 2 && spellings[0]![1] < MIN_SINGLE_COUNT)) continue;
    kept.push({ key: g.key, spellings });
  }
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const file: VariantTableFile = {
    description:
      'Derived by bench/names/build-variants.ts from the train splits of ../shared/data/names (wd_arabic_80, ar2en-train, anetac train), held-out and tuning words excluded. One entry per Arabic word: kind:arabic, then its Latin spellings, most frequent first.',
    groups: kept.map((g) => [g.key, ...g.spellings.map(([lk]) => coreOf(lk))].join(' ')),
  };
  return {
    file,
    stats: { rows: rows.length, groups: groups.size, learnGroups, keptGroups: kept.length },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { file, stats } = buildVariantTable();
  writeFileSync(OUT, JSON.stringify(file, null, 1) + '\n');
  console.log(JSON.stringify({ out: OUT, ...stats }));
}
