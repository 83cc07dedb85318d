/**
 * Labelled name pairs for the evaluation, built deterministically (seeded) from the groups of data.ts.
 * See docs/names.md ("Evaluation pairs") for the rules; in short:
 *
 * - variant (Latin-Latin): two clean spellings x, y of one Arabic word (positive); x against a spelling of another
 *   Arabic word that is as many plain edits from x as y is (among 40 random candidates with the same initial), so that
 *   surface distance alone cannot separate them (negative),
 *   provided no file lists both spellings for one Arabic word (Hamid spells both حامد and حميد) and the two Arabic
 *   words are not forms of one name (derivedForms: Ubaid / Ubaidi).
 * - arabic-variant: the same, restricted to words of Arabic origin (see isArabicOrigin).
 * - cross-script (Arabic-Latin): the Arabic word against one of its clean spellings (positive); against the
 *   spelling of another word nearest (plain Levenshtein) to that spelling among 40 random candidates (negative).
 * - full-name: names of 2-4 parts (given or Abd al-X, father with or without bin, grandfather, al-family), each side
 *   spelled independently, sometimes in Arabic script; positives respelled, reordered, with a missing part;
 *   negatives with a different father, a similar but different given name, Abd al-X against Abu X, or a relative
 *   (same family name, different given and father).
 *
 * A spelling is clean when it carries at least 5% of its word's count and is seen at least twice or in a curated
 * list (ar2en, anetac): the wikidata alignment is noisy (محمد -> "morocco"). This filter looks only at counts and
 * sources, never at any similarity measure, so it favours no method.
 */
import { levenshtein } from '../../src/modules/names/names.similarity';
import type { Group, Part } from './data';

export type Category = 'variant' | 'arabic-variant' | 'cross-script' | 'full-name' | 'watchlist' | 'other-scripts';

export interface LabelledPair {
  a: string;
  b: string;
  label: 0 | 1;
  category: Category;
  type: string;
  /** The Arabic word the pair was drawn from (variant pairs), for resampling by word: pairs of one word go together. */
  word?: string;
}

export function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

interface Word {
  group: Group;
  spellings: string[]; // clean Latin surface spellings, most frequent first
  keys: Set<string>; // all Latin keys of the group (clean or not)
}

function coreOf(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

/** Latin spelling -> how many Arabic words (in all files, all parts) it spells. */
export type SpellingIndex = Map<string, Set<string>>;

export function spellingIndex(groups: Iterable<Group>): SpellingIndex {
  const idx: SpellingIndex = new Map();
  for (const g of groups) {
    for (const lk of g.spellings.keys()) {
      const k = coreOf(lk);
      let set = idx.get(k);
      if (!set) idx.set(k, (set = new Set()));
      set.add(g.key);
    }
  }
  return idx;
}

export function cleanWords(groups: Iterable<Group>, part: Part | 'any'): Word[] {
  const words: Word[] = [];
  for (const g of groups) {
    if (part !== 'any' && g.part !== part) continue;
    if (!g.key.startsWith('name:')) continue;
    const total = [...g.spellings.values()].reduce((a, b) => a + b, 0);
    const clean = [...g.spellings.entries()]
      .filter(([lk, c]) => {
        const curated = [...(g.sources.get(lk) ?? [])].some((s) => s !== 'wikidata');
        return lk.startsWith('name:') && c / total >= 0.05 && (c >= 2 || curated) && /^[a-z]+$/.test(coreOf(lk));
      })
      .sort((a, b) => b[1] - a[1])
      .map(([lk]) => coreOf(lk));
    if (clean.length === 0) continue;
    words.push({ group: g, spellings: clean, keys: new Set([...g.spellings.keys()].map(coreOf)) });
  }
  return words;
}

class Neighbours {
  private readonly byInitial = new Map<string, Array<{ w: Word; s: string }>>();
  constructor(
    words: Word[],
    private readonly rnd: () => number,
    private readonly index: SpellingIndex,
  ) {
    for (const w of words) {
      for (const s of w.spellings) {
        const k = s[0]!;
        let arr = this.byInitial.get(k);
        if (!arr) this.byInitial.set(k, (arr = []));
        arr.push({ w, s });
      }
    }
  }

  /**
   * A spelling of another word at a given plain Levenshtein distance from `s` (as close to `target` as the sample
   * allows; target 0: the nearest), among 40 random candidates with the same initial.
   */
  near(s: string, own: Word, target = 0): { w: Word; s: string } | null {
    const arr = this.byInitial.get(s[0]!) ?? [];
    let best: { w: Word; s: string } | null = null;
    let bestD = Infinity;
    for (let i = 0; i < 40 && arr.length > 0; i++) {
      const c = arr[Math.floor(this.rnd() * arr.length)]!;
      if (c.w === own || own.keys.has(c.s) || c.w.keys.has(s) || this.sameWordSomewhere(s, c.s)) continue;
      if (derivedForms(own.group.arabic, c.w.group.arabic)) continue;
      const d = Math.abs(levenshtein(s, c.s) - target);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }

  /** True when some file lists both spellings for one Arabic word: then they are not a negative pair. */
  private sameWordSomewhere(x: string, y: string): boolean {
    const a = this.index.get(x);
    const b = this.index.get(y);
    if (!a || !b) return false;
    for (const k of a) if (b.has(k)) return true;
    return false;
  }
}

/**
 * True when one Arabic word is the other with the article, a nisba or feminine ending (ي ه ة ا), e.g. عبيد / عبيدي
 * (Ubaid / Ubaidi), حميد / حميدة: forms of one name, so not a fair negative pair.
 */
export function derivedForms(x: string, y: string): boolean {
  const strip = (w: string) => w.replace(/^ال/, '');
  const a = strip(x);
  const b = strip(y);
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.length === short.length + 1 && long.startsWith(short) && 'يهةا'.includes(long[long.length - 1]!);
}

function cap(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function pick<T>(rnd: () => number, arr: readonly T[]): T {
  return arr[Math.floor(rnd() * arr.length)]!;
}

/**
 * Words of Arabic origin: their Arabic spelling has a pharyngeal or emphatic letter or a taa marbuta (ع ح ص ض ظ ة),
 * which transliterations of foreign names into Arabic almost never use. Decided on the Arabic word alone, so the
 * selection favours no similarity measure. (It misses Arabic names without such letters, e.g. Yusuf, Khalid.)
 */
export function isArabicOrigin(arabic: string): boolean {
  return /[\u0639\u062D\u0635\u0636\u0638\u0629]/.test(arabic);
}

export function variantPairs(words: Word[], index: SpellingIndex, rnd: () => number, maxPerWord = 3, category: Category = 'variant'): LabelledPair[] {
  const nb = new Neighbours(words, rnd, index);
  const out: LabelledPair[] = [];
  for (const w of words) {
    if (w.spellings.length < 2) continue;
    const combos: Array<[string, string]> = [];
    for (let i = 0; i < w.spellings.length; i++) for (let j = i + 1; j < w.spellings.length; j++) combos.push([w.spellings[i]!, w.spellings[j]!]);
    for (const [x, y] of combos.sort(() => rnd() - 0.5).slice(0, maxPerWord)) {
      out.push({ a: cap(x), b: cap(y), label: 1, category, type: 'same-arabic-word', word: w.group.key });
      // as far from x (in plain edits) as the positive spelling y is: only which edits matter can tell them apart
      const n = nb.near(x, w, levenshtein(x, y));
      if (n) out.push({ a: cap(x), b: cap(n.s), label: 0, category, type: 'similar-other-word', word: w.group.key });
    }
  }
  return out;
}

export function crossScriptPairs(words: Word[], index: SpellingIndex, rnd: () => number): LabelledPair[] {
  const nb = new Neighbours(words, rnd, index);
  const out: LabelledPair[] = [];
  for (const w of words) {
    const s = pick(rnd, w.spellings);
    out.push({ a: w.group.arabic, b: cap(s), label: 1, category: 'cross-script', type: 'same-word' });
    const n = nb.near(s, w);
    if (n) out.push({ a: w.group.arabic, b: cap(n.s), label: 0, category: 'cross-script', type: 'similar-other-word' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// full names

interface FullName {
  given: Word;
  givenAbd: boolean;
  father: Word;
  grandfather: Word | null;
  family: Word | null;
}

type Layout = 'normal' | 'family-first' | 'no-father' | 'no-grandfather' | 'no-family';

function renderLatin(n: FullName, rnd: () => number, layout: Layout, abu = false): string {
  const sp = (w: Word) => cap(pick(rnd, w.spellings));
  let given: string;
  if (abu) {
    given = `${pick(rnd, ['Abu', 'Abou', 'Abu'])} ${sp(n.given)}`;
  } else if (n.givenAbd) {
    const x = pick(rnd, n.given.spellings);
    const r = rnd();
    given = r < 0.25 ? `Abd al-${cap(x)}` : r < 0.5 ? `Abdul ${cap(x)}` : r < 0.7 ? `Abdel ${cap(x)}` : r < 0.85 ? `Abdul${x}` : `Abd-el-${cap(x)}`;
  } else {
    given = sp(n.given);
  }
  const bin = rnd() < 0.4 ? `${pick(rnd, ['bin', 'ibn', 'ben', 'Bin'])} ` : '';
  const father = layout === 'no-father' ? '' : bin + sp(n.father);
  const grand = n.grandfather && layout !== 'no-grandfather' ? sp(n.grandfather) : '';
  let family = '';
  if (n.family && layout !== 'no-family') {
    const f = pick(rnd, n.family.spellings);
    const r = rnd();
    family = r < 0.35 ? `al-${cap(f)}` : r < 0.55 ? `Al-${cap(f)}` : r < 0.7 ? `el-${cap(f)}` : r < 0.85 ? `Al ${cap(f)}` : `Al${f}`;
  }
  const parts = [given, father, grand].filter((x) => x !== '');
  if (layout === 'family-first' && family) return `${family}, ${parts.join(' ')}`;
  return [...parts, family].filter((x) => x !== '').join(' ');
}

function withArticle(ar: string): string {
  return ar.startsWith('ال') ? ar : 'ال' + ar;
}

function renderArabic(n: FullName, rnd: () => number, layout: Layout, abu = false): string {
  const given = abu ? `أبو ${n.given.group.arabic}` : n.givenAbd ? (rnd() < 0.5 ? 'عبد ' : 'عبد') + withArticle(n.given.group.arabic) : n.given.group.arabic;
  const father = layout === 'no-father' ? '' : (rnd() < 0.4 ? 'بن ' : '') + n.father.group.arabic;
  const grand = n.grandfather && layout !== 'no-grandfather' ? n.grandfather.group.arabic : '';
  const family = n.family && layout !== 'no-family' ? withArticle(n.family.group.arabic) : '';
  const parts = [given, father, grand].filter((x) => x !== '');
  if (layout === 'family-first' && family) return `${family} ${parts.join(' ')}`;
  return [...parts, family].filter((x) => x !== '').join(' ');
}

export function fullNamePairs(words: Word[], index: SpellingIndex, rnd: () => number, count: number): LabelledPair[] {
  const nb = new Neighbours(words, rnd, index);
  const out: LabelledPair[] = [];
  const rich = words.filter((w) => w.spellings.length >= 2);
  const pool = rich.length > 50 ? rich : words;
  const other = (not: Word[]): Word => {
    for (;;) {
      const w = pick(rnd, pool);
      if (!not.includes(w)) return w;
    }
  };
  for (let i = 0; i < count; i++) {
    const given = pick(rnd, pool);
    const father = other([given]);
    const n: FullName = {
      given,
      givenAbd: rnd() < 0.2,
      father,
      grandfather: rnd() < 0.4 ? other([given, father]) : null,
      family: rnd() < 0.75 ? other([given, father]) : null,
    };
    const render = (m: FullName, layout: Layout, abu = false, arabicOk = true) =>
      arabicOk && rnd() < 0.25 ? renderArabic(m, rnd, layout, abu) : renderLatin(m, rnd, layout, abu);
    const a = render(n, 'normal', false, false);
    // positives
    const r = rnd();
    const missing: Layout = n.grandfather && rnd() < 0.5 ? 'no-grandfather' : n.family && rnd() < 0.3 ? 'no-family' : 'no-father';
    const posLayout: Layout = r < 0.4 ? 'normal' : r < 0.65 && n.family ? 'family-first' : r < 0.65 ? 'normal' : missing;
    out.push({
      a,
      b: render(n, posLayout),
      label: 1,
      category: 'full-name',
      type: posLayout === 'normal' ? 'respelled' : posLayout === 'family-first' ? 'reordered' : 'missing-part',
    });
    // negatives
    const t = rnd();
    if (t < 0.35) {
      const m = { ...n, father: other([given, father, ...(n.grandfather ? [n.grandfather] : [])]) };
      out.push({ a, b: render(m, 'normal'), label: 0, category: 'full-name', type: 'different-father' });
    } else if (t < 0.6) {
      const near = nb.near(pick(rnd, given.spellings), given);
      const m = { ...n, given: near ? near.w : other([given]) };
      out.push({ a, b: render(m, 'normal'), label: 0, category: 'full-name', type: 'similar-given' });
    } else if (t < 0.8) {
      const m = { ...n, givenAbd: true };
      const abdSide = renderLatin(m, rnd, 'normal');
      out.push({ a: abdSide, b: render(m, 'normal', true), label: 0, category: 'full-name', type: 'abd-vs-abu' });
    } else {
      const m = { ...n, given: other([given]), father: other([father]), family: n.family ?? other([given]) };
      const base = { ...n, family: m.family };
      out.push({ a: renderLatin(base, rnd, 'normal'), b: render(m, 'normal'), label: 0, category: 'full-name', type: 'relative-same-family' });
    }
  }
  return out;
}
