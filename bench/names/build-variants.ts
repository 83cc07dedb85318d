/**
 * Builds src/modules/names/names.variants.json, the table of Latin spellings per Arabic word, from the TRAIN splits
 * only (wd_arabic_80, ar2en-train, anetac train), leaving out every Arabic word in the held-out and tuning parts.
 *
 *   npx tsx bench/names/build-variants.ts
 *
 * Cleaning (the data are aligned automatically and noisy: محمد -> "morocco"): a spelling is kept when it carries at
 * least 2% of its word's count and its consonant skeleton is plausible for the Arabic word (similarity >= 0.5 under
 * the hand-set costs, so that the build does not depend on its own previous output).
 * A word is kept when it has two or more spellings (the table then says they are variants), or one spelling seen at
 * least 5 times (the table then knows that spelling belongs to that word, and not to a similar one: Hassan is حسن,
 * Hussein is حسين). Rarer single spellings add little and would make the committed file large.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { arabicSkeleton } from '../../src/modules/names/names.arabic';
import { latinSkeleton } from '../../src/modules/names/names.latin';
import {
  alignClasses,
  HAND_COSTS,
  HAND_INDELS,
  HAND_SUBSTITUTIONS,
  makeCosts,
  skeletonSimilarity,
  type SkeletonCosts,
} from '../../src/modules/names/names.similarity';
import type { VariantTableFile } from '../../src/modules/names/names.variants';
import { buildGroups, loadTransliterations } from './data';

const MIN_SINGLE_COUNT = 5;
const OUT = resolve(process.cwd(), 'src/modules/names/names.variants.json');
const COSTS_OUT = resolve(process.cwd(), 'src/modules/names/names.costs.ts');

function coreOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

type Op = ['m' | 's' | 'd', string, string];

/** Cheapest alignment of two skeletons under `costs`, as a list of operations (match, substitution, indel). */
function align(a: string, b: string, costs: SkeletonCosts): Op[] {
  return alignClasses(a, b, costs).map(({ i, j }): Op => {
    if (i >= 0 && j >= 0) return [a[i] === b[j] ? 'm' : 's', a[i]!, b[j]!];
    return ['d', i >= 0 ? a[i]! : b[j]!, ''];
  });
}

/** Probability mapped to a cost: p0 (or less) costs 1, certainty costs 0; a floor keeps every edit visible. */
const P0 = 0.002;
// Only clearly cheaper substitutions are kept; learned indel costs are not used: on the tuning pairs both made
// different names too close (p0 0.0005..0.00001 and learned indels were tried and lost on every category).
const MAX_LEARNED_SUB = 0.8;
const MIN_EVIDENCE = 30;
function costOf(p: number): number {
  if (p <= P0) return 1;
  return Math.max(0.05, Math.round((Math.log(p) / Math.log(P0)) * 100) / 100);
}

/**
 * Learns skeleton substitution costs from pairs known to be one name (two spellings of one Arabic word, or the Arabic
 * word and a spelling): how often class a shows as class b where they align, against how often each is kept. Two rounds:
 * align with the hand costs, count, align again with the counted costs, count again.
 */
export function learnCosts(pairs: Array<[string, string]>): { sub: Array<[string, string, number]>; indel: Record<string, number> } {
  let costs = HAND_COSTS;
  let result = { sub: [] as Array<[string, string, number]>, indel: {} as Record<string, number> };
  for (let round = 0; round < 2; round++) {
    const M = new Map<string, number>();
    const S = new Map<string, number>();
    const inc = (map: Map<string, number>, k: string) => map.set(k, (map.get(k) ?? 0) + 1);
    for (const [a, b] of pairs) {
      for (const [op, x, y] of align(a, b, costs)) {
        if (op === 'm') inc(M, x);
        else if (op === 's') inc(S, x < y ? x + y : y + x);
      }
    }
    const sub: Array<[string, string, number]> = [];
    const seen = new Set<string>([...S.keys(), ...HAND_SUBSTITUTIONS.map(([x, y]) => (x < y ? x + y : y + x))]);
    for (const k of [...seen].sort()) {
      const [x, y] = [k[0]!, k[1]!];
      const s = S.get(k) ?? 0;
      const base = ((M.get(x) ?? 0) + (M.get(y) ?? 0)) / 2;
      if (s + base < MIN_EVIDENCE) continue;
      const hand = HAND_COSTS.sub.get(k) ?? 1;
      const learned = costOf(s / (s + base));
      if (learned < hand && learned <= MAX_LEARNED_SUB) sub.push([x, y, learned]);
    }
    const indel: Record<string, number> = {};
    result = { sub, indel };
    costs = makeCosts([...HAND_SUBSTITUTIONS, ...sub], { ...HAND_INDELS, ...indel });
  }
  return result;
}

export function costsSource(c: { sub: Array<[string, string, number]>; indel: Record<string, number> }): string {
  return (
    '// Written by bench/names/build-variants.ts: skeleton edit costs learned from the train splits. Do not edit.\n' +
    `export const LEARNED_SUBSTITUTION: Array<[string, string, number]> = ${JSON.stringify(c.sub)};\n` +
    `export const LEARNED_INDEL: Record<string, number> = ${JSON.stringify(c.indel)};\n`
  );
}

export function buildVariantTable(): { file: VariantTableFile; costs: string; stats: Record<string, number> } {
  const rows = loadTransliterations(['wikidata', 'ar2en-train', 'anetac-train']);
  const groups = buildGroups(rows);
  const kept: Array<{ key: string; spellings: Array<[string, number]> }> = [];
  let learnGroups = 0;
  const costPairs: Array<[string, string]> = [];
  for (const g of groups.values()) {
    if (g.part !== 'learn') continue;
    learnGroups++;
    const total = [...g.spellings.values()].reduce((a, b) => a + b, 0);
    const askel = arabicSkeleton(coreOf(g.key));
    const spellings = [...g.spellings.entries()]
      .filter(([lk, c]) => c / total >= 0.02 && skeletonSimilarity(latinSkeleton(coreOf(lk)), askel, HAND_COSTS) >= 0.5)
      .sort((a, b) => b[1] - a[1]);
    // one spelling: kept only for frequent words, so that the table knows Hassan (حسن) apart from Hussein (حسين)
    if (spellings.length === 0 || (spellings.length < 2 && spellings[0]![1] < MIN_SINGLE_COUNT)) continue;
    kept.push({ key: g.key, spellings });
    // pairs for the edit costs: the Arabic word against each spelling, and spellings against each other
    const skels = [...new Set(spellings.slice(0, 6).map(([lk]) => latinSkeleton(coreOf(lk))))];
    for (let i = 0; i < skels.length; i++) {
      costPairs.push([askel, skels[i]!]);
      for (let j = i + 1; j < skels.length; j++) costPairs.push([skels[i]!, skels[j]!]);
    }
  }
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const file: VariantTableFile = {
    description:
      'Derived by bench/names/build-variants.ts from the train splits of ../shared/data/names (wd_arabic_80, ar2en-train, anetac train), held-out and tuning words excluded. One entry per Arabic word: kind:arabic, then its Latin spellings, most frequent first.',
    groups: kept.map((g) => [g.key, ...g.spellings.map(([lk]) => coreOf(lk))].join(' ')),
  };
  return {
    file,
    costs: costsSource(learnCosts(costPairs)),
    stats: { rows: rows.length, groups: groups.size, learnGroups, keptGroups: kept.length, costPairs: costPairs.length },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { file, costs, stats } = buildVariantTable();
  writeFileSync(OUT, JSON.stringify(file, null, 1) + '\n');
  writeFileSync(COSTS_OUT, costs);
  console.log(JSON.stringify({ out: OUT, ...stats }));
}
