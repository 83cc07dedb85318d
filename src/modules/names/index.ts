/**
 * names: comparison of personal names across spellings and scripts (Arabic names first of all).
 * Pure functions; the learned table of spelling variants is loaded lazily from a committed derived file.
 * See docs/names.md for how the score is built and evaluated.
 */
import {
  blockingKeysPrepared,
  comparePrepared,
  prepareName as prepareWith,
  tokenSimilarity,
  type NameComparison,
  type PreparedName,
  type PreparedToken,
  type VariantLookup,
} from './names.domain';
import { defaultVariants } from './names.variants';

export {
  detectScript,
  normalizeName,
  parseName,
  SCORING,
  type NameComparison,
  type NameParts,
  type NameRole,
  type PartExplanation,
  type PartOutcome,
  type PreparedName,
  type PreparedToken,
  type Script,
  type TokenKind,
  type VariantLookup,
} from './names.domain';
export { normalizeArabic, arabicSkeleton } from './names.arabic';
export { normalizeLatin, latinSkeleton } from './names.latin';

/**
 * Precomputes a name for repeated comparison (normalisation, parts, skeletons, variant groups). Use it when one name
 * is compared with many: `comparePreparedNames(prepareName(a), prepareName(b))` costs a few microseconds.
 * `variants` defaults to the committed table learned from the train splits.
 */
export function prepareName(name: string, variants: VariantLookup = defaultVariants()): PreparedName {
  return prepareWith(name, variants);
}

/**
 * The similarity of two parts of names, as `comparePreparedNames` aligns them (it may lower it for a swapped role, so
 * this bounds what the two parts bring to any comparison): 0 for parts of different kinds (Abd al-X, Abu X, a plain
 * name), which never align. Cheaper than comparing names, for blocking and bounds.
 */
export function partSimilarity(a: PreparedToken, b: PreparedToken): number {
  if (a.kind !== b.kind) return 0;
  return tokenSimilarity(a, b).sim;
}

/** Compares two prepared names: see `compareNames`. */
export function comparePreparedNames(a: PreparedName, b: PreparedName): NameComparison {
  return comparePrepared(a, b);
}

/**
 * Compares two names in any script. `score` is in [0, 1]: 1 for the same name, high for spelling variants
 * (Mohammed / Muhammad), the same name in Arabic and Latin script, reordered parts or a missing nasab element; low
 * for a contradicting part (a different father's name) or Abd al-X against Abu X. `explanation` lists which parts
 * matched how (exact, variant, similar), which are missing from one side, and which contradict.
 */
export function compareNames(a: string, b: string): NameComparison {
  const v = defaultVariants();
  return comparePrepared(prepareWith(a, v), prepareWith(b, v));
}

/**
 * A small set of script-independent phonetic keys (a coarse consonant skeleton of every part), for blocking: two
 * names worth comparing share at least one key with high probability (measured in bench/names).
 */
export function blockingKeys(name: string | PreparedName): string[] {
  return blockingKeysPrepared(typeof name === 'string' ? prepareName(name) : name);
}

// ASCII stand-ins for the skeleton classes written with other letters, so that a trigram index reads them as letters
const SEARCH_FOLD: Record<string, string> = { θ: 't', δ: 'd', ħ: 'h', ʒ: 'j' };

/**
 * A script-independent key of a whole name for a trigram index: the consonant skeleton of every part, one word each
 * (both readings of a joined article: `albaghdadi` gives `lbgdd bgdd`), Abd al-X as `bd` + X, Abu X as `bw` + X.
 * "Mohammed al-Baghdadi" and "محمد البغدادي" give the same key. It only has to find candidates; `compareNames` ranks
 * them.
 */
export function nameSearchKey(name: string | PreparedName): string {
  const p = typeof name === 'string' ? prepareName(name) : name;
  const words: string[] = [];
  for (const t of p.tokens) {
    if (t.kind === 'abd') words.push('bd');
    else if (t.kind === 'abu') words.push('bw');
    else if (t.kind === 'umm') words.push('m');
    for (const s of t.skeletons) {
      const w = [...s].map((c) => SEARCH_FOLD[c] ?? c).join('');
      if (w !== '' && !words.includes(w)) words.push(w);
    }
  }
  return words.join(' ');
}
