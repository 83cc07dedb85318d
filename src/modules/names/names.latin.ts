/**
 * Latin-script normalisation and the consonant skeleton of a Latin transliteration. Pure.
 *
 * Skeleton classes (shared with names.arabic.ts): b t θ(th/ث) s j g h ħ(final h/ه/ة) x(kh/خ) d δ(dh/ذ) r z ʒ c(sh/ش)
 * f q k l m n w y.
 * Vowels are dropped; w and y only count at the start of a word, because inside a word they are mostly the long
 * vowels و and ي.
 */

const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŧ: 't',
  ħ: 'h',
};

// Transliteration marks for ain and hamza, and apostrophes: removed inside a word (Ja'far -> jafar).
const MARKS = /[\u02BB\u02BC\u02BD\u02BE\u02BF\u02C8\u0060\u00B4\u2018\u2019\u201B']/g;

/** Lower case, accents stripped, ain/hamza marks and apostrophes removed, other punctuation (and hyphens) to spaces. */
export function normalizeLatin(text: string): string {
  let s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  s = s.replace(MARKS, '');
  let out = '';
  for (const ch of s) {
    const sp = SPECIAL[ch];
    if (sp !== undefined) out += sp;
    else if (/[\p{L}\p{N}]/u.test(ch)) out += ch;
    else out += ' ';
  }
  return out.replace(/\s+/g, ' ').trim();
}

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y', 'w']);

/** One sound unit of a Latin word: a consonant class, or a run of vowels (with w and y inside a word). */
export type LatinUnit = { consonant: string } | { vowels: string };

const DIGRAPHS: Record<string, string> = { sh: 'c', ch: 'c', kh: 'x', gh: 'g', th: 'θ', dh: 'δ', zh: 'ʒ', ph: 'f', dj: 'j', ck: 'k' };

/**
 * Reads one normalised Latin word as consonant classes and vowel runs: digraphs first (sh, kh, gh, th, dh, dj, ph,
 * sch, tch), c before e/i/y is s, x is k + s, p is b, v is f, a final h after a vowel is ħ (taa marbuta, silent or
 * real), w and y are consonants only at the start of a word, and a French "ou" before a vowel at the start is a w
 * (Oualid = Walid). Digits and other letters are skipped: they end a vowel run but leave no unit.
 */
export function latinUnits(word: string): LatinUnit[] {
  const w = word;
  const units: LatinUnit[] = [];
  let i = 0;
  const n = w.length;
  while (i < n) {
    const c = w[i]!;
    const next = w[i + 1] ?? '';
    const three = w.slice(i, i + 3);
    if (three === 'sch' || three === 'tch') {
      units.push({ consonant: 'c' });
      i += 3;
      continue;
    }
    if (i === 0 && c + next === 'ou' && 'aeiy'.includes(w[2] ?? '#')) {
      units.push({ consonant: 'w' });
      i += 2;
      continue;
    }
    const digraph = DIGRAPHS[c + next];
    if (digraph !== undefined) {
      units.push({ consonant: digraph });
      i += 2;
      continue;
    }
    if (VOWELS.has(c)) {
      if (i === 0 && (c === 'w' || c === 'y') && next !== '' && !'wy'.includes(next)) {
        units.push({ consonant: c });
        i += 1;
        continue;
      }
      let j = i;
      while (j < n && VOWELS.has(w[j]!)) j++;
      units.push({ vowels: w.slice(i, j) });
      i = j;
      continue;
    }
    if (c === 'c') units.push({ consonant: 'eiy'.includes(next) && next !== '' ? 's' : 'k' });
    else if (c === 'x') units.push({ consonant: 'k' }, { consonant: 's' });
    else if (c === 'p') units.push({ consonant: 'b' });
    else if (c === 'v') units.push({ consonant: 'f' });
    else if (c === 'h') units.push({ consonant: i === n - 1 && i > 0 && VOWELS.has(w[i - 1]!) ? 'ħ' : 'h' });
    else if (/[a-z]/.test(c)) units.push({ consonant: c });
    i += 1;
  }
  return units;
}

/**
 * Consonant skeleton of one normalised Latin word. `mohammed` -> `mhmd`, `youssef` -> `ysf`, `hussein` -> `hsn`,
 * `chérif` -> `crf`, `fatimah` -> `ftmħ`. With `vowelSlots`, vowel runs after a consonant are kept as a vowel
 * class (`mUhAmEd`), for comparing two Latin spellings.
 */
export function latinSkeleton(word: string, vowelSlots = false): string {
  let out = '';
  for (const u of latinUnits(word)) {
    if ('consonant' in u) {
      if (!out.endsWith(u.consonant)) out += u.consonant;
    } else if (vowelSlots && out !== '') {
      // a run of vowels after a consonant leaves a mark of its quality (Amer mEr, Amr mr)
      out += vowelClass(u.vowels);
    }
  }
  // like the Arabic side, runs of one class collapse across dropped vowels (Mamadou -> md); a final vowel slot is
  // dropped (the final vowel is compared on its own)
  return vowelSlots ? out.replace(/[AEIUV]$/, '') : out;
}

/** A consonant class and the vowels written after it (`dj` + `a` in Djamel); `doubled` when written twice (Hassan). */
export interface LatinSegment {
  consonant: string;
  vowels: string;
  doubled: boolean;
}

/**
 * A word as its leading vowels and a list of consonants with the vowels after each: `souad` -> `s` + `oua`, `d`.
 * The consonants are those of the skeleton before runs of one class are collapsed across vowels; vowels split by a
 * skipped character are joined.
 */
export function latinSegments(word: string): { onset: string; segments: LatinSegment[] } {
  let onset = '';
  const segments: LatinSegment[] = [];
  for (const u of latinUnits(word)) {
    const last = segments[segments.length - 1];
    if ('vowels' in u) {
      if (last === undefined) onset += u.vowels;
      else last.vowels += u.vowels;
    } else if (last !== undefined && last.consonant === u.consonant && last.vowels === '') {
      last.doubled = true;
    } else {
      segments.push({ consonant: u.consonant, vowels: '', doubled: false });
    }
  }
  return { onset, segments };
}

/**
 * Quality of a run of vowels: A (a, aa), E (e: a, i or silent in transliterations), I (i, ee, ie, y, ai, ei: ي or
 * ay), U (o, u, ou, oo: و or short u), V (anything else, e.g. with a w or y inside).
 */
export function vowelClass(run: string): string {
  if (/^a+$/.test(run)) return 'A';
  if (run === 'e') return 'E';
  if (/^(i+|ee|ie|iy|y|ai|ay|ei|ey)$/.test(run)) return 'I';
  if (/^(o+|u+|ou|ow|au|aw)$/.test(run)) return 'U';
  return 'V';
}

/** Separate article tokens: `al`, `el` ... and the assimilated forms before sun letters (`ar-Rahman`, `ad-Din`). */
export const LATIN_ARTICLES = new Set(['al', 'el', 'ul', 'il', 'ol', 'l']);
const SUN_ARTICLE = /^[aeiu](t|th|d|dh|r|z|s|sh|n)$/;

/** True when `tok` is an article before `next` (al-, el-, or an assimilated ar-/as-/ad-/an- before the same letter). */
export function isLatinArticle(tok: string, next: string | undefined): boolean {
  if (next === undefined || next === '') return false;
  if (LATIN_ARTICLES.has(tok)) return true;
  const m = SUN_ARTICLE.exec(tok);
  return m !== null && next.startsWith(m[1]!);
}

/** `abd`, `abdul`, `abdel`, `abdur` ... : the first half of an Abd al-X name written as its own word. */
export const LATIN_ABD = /^abd(ul|el|al|il|ol|oul|u|ou|e|o|a|i|ur|er|ar|us|es|as|ud|ed|ad|un|en|an|ut|et|uz|ez|ush|esh)?$/;
/** A joined Abd al-X: `abderrahmane`, `abdulaziz`, `abdullah`; group 1 is the rest after the connecting vowel and l. */
export const LATIN_ABD_JOINED = /^abd(?:oul|ou|u|e|o|a|i)?l?(.{3,})$/;
export const LATIN_ABU = new Set(['abu', 'abou', 'abo', 'aboo', 'abi', 'abul', 'abou', 'bou']);
export const LATIN_ABU_JOINED = /^ab(?:ou|u|o)(?:l)?(.{3,})$/;
export const LATIN_UMM = new Set(['umm', 'um', 'oum', 'om', 'oumm', 'ummu']);
export const LATIN_NASAB = new Set(['bin', 'ibn', 'ben', 'bint', 'bent', 'binti', 'ould', 'wuld', 'ibnu', 'bn', 'b']);
/** Words that end a compound: Nasr ad-Din, Fadl Allah, Saif al-Islam (joined to the word before them). */
export const COMPOUND_TAILS = new Set(['din', 'deen', 'dine', 'allah', 'ullah', 'illah', 'islam']);
