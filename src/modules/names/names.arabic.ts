/**
 * Arabic-script normalisation and the consonant skeleton of an Arabic word. Pure.
 *
 * The skeleton is written in the same class alphabet as `latinSkeleton` (see names.latin.ts), so that an Arabic
 * word and a Latin transliteration of it can be compared letter class by letter class.
 */

const DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g; // harakat, shadda, sukun, Quranic marks, tatweel

const LETTER_FOLD: Record<string, string> = {
  // alef forms -> bare alef
  '\u0622': '\u0627', // آ
  '\u0623': '\u0627', // أ
  '\u0625': '\u0627', // إ
  '\u0671': '\u0627', // ٱ
  '\u0672': '\u0627',
  '\u0673': '\u0627',
  // hamza carriers -> their carrier letter; bare hamza is dropped
  '\u0624': '\u0648', // ؤ -> و
  '\u0626': '\u064A', // ئ -> ي
  '\u0621': '', // ء
  // taa marbuta -> haa, alef maqsura -> yaa
  '\u0629': '\u0647', // ة -> ه
  '\u0649': '\u064A', // ى -> ي
  // Persian / Urdu letter shapes
  '\u06A9': '\u0643', // ک -> ك
  '\u06CC': '\u064A', // ی -> ي
  '\u06D2': '\u064A', // ے -> ي
  '\u06C1': '\u0647', // ہ -> ه
  '\u06BE': '\u0647', // ھ -> ه
  '\u06C3': '\u0647', // ۃ -> ه
  // Urdu and Pashto retroflex and regional letters -> the Arabic letter a transliteration reads them as
  '\u0679': '\u062A', // ٹ -> ت
  '\u067C': '\u062A', // ټ -> ت
  '\u0688': '\u062F', // ڈ -> د
  '\u0689': '\u062F', // ډ -> د
  '\u0691': '\u0631', // ڑ -> ر
  '\u0693': '\u0631', // ړ -> ر
  '\u06BA': '\u0646', // ں -> ن
  '\u06BC': '\u0646', // ڼ -> ن
  '\u06D0': '\u064A', // ې -> ي
  '\u06CD': '\u064A', // ۍ -> ي
  '\u06AB': '\u06AF', // ګ -> گ
  '\u0681': '\u0632', // ځ -> ز
  '\u0685': '\u0633', // څ -> س
  '\u0696': '\u0698', // ږ -> ژ
  '\u069A': '\u0634', // ښ -> ش
};

/** True for a code point in the Arabic blocks (letters, not punctuation). */
export function isArabicLetter(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (
    (c >= 0x0620 && c <= 0x064a) ||
    (c >= 0x066e && c <= 0x06d3) ||
    (c >= 0x06fa && c <= 0x06ff) ||
    (c >= 0x0750 && c <= 0x077f) ||
    (c >= 0xfb50 && c <= 0xfdff) ||
    (c >= 0xfe70 && c <= 0xfefc)
  );
}

/**
 * Normalises Arabic text: presentation forms (NFKC), diacritics and tatweel removed, alef and hamza forms folded,
 * taa marbuta to haa, alef maqsura to yaa, Persian letter shapes to Arabic ones, punctuation to spaces.
 */
export function normalizeArabic(text: string): string {
  let s = text.normalize('NFKC').replace(DIACRITICS, '');
  let out = '';
  for (const ch of s) {
    const folded = LETTER_FOLD[ch];
    if (folded !== undefined) out += folded;
    else if (isArabicLetter(ch)) out += ch;
    else if (/[\p{L}\p{N}]/u.test(ch)) out += ch.toLowerCase();
    else out += ' ';
  }
  s = out.replace(/\s+/g, ' ').trim();
  return s;
}

// Letter -> skeleton class (shared alphabet with the Latin side). Long vowels, ain and hamza map to '' (dropped).
const AR_CLASS: Record<string, string> = {
  '\u0627': '', // ا
  '\u0628': 'b', // ب
  '\u067E': 'b', // پ
  '\u062A': 't', // ت
  '\u0637': 't', // ط
  '\u062B': 'θ', // ث
  '\u062C': 'j', // ج
  '\u0686': 'c', // چ
  '\u062D': 'h', // ح
  '\u0647': 'h', // ه
  '\u062E': 'x', // خ
  '\u062F': 'd', // د
  '\u0636': 'd', // ض
  '\u0630': 'δ', // ذ
  '\u0631': 'r', // ر
  '\u0632': 'z', // ز
  '\u0638': 'z', // ظ
  '\u0698': 'ʒ', // ژ
  '\u0633': 's', // س
  '\u0635': 's', // ص
  '\u0634': 'c', // ش
  '\u0639': '', // ع
  '\u063A': 'g', // غ
  '\u06AF': 'g', // گ
  '\u0641': 'f', // ف
  '\u06A4': 'f', // ڤ
  '\u0642': 'q', // ق
  '\u0643': 'k', // ك
  '\u0644': 'l', // ل
  '\u0645': 'm', // م
  '\u0646': 'n', // ن
  '\u0648': 'w', // و
  '\u064A': 'y', // ي
};

/**
 * Consonant skeleton of one normalised Arabic word: every letter mapped to its class, long vowels (ا, and و/ي
 * after the first letter), ain and hamza dropped, a final haa (often a taa marbuta) as the nearly optional class ħ, `تش` read as one sound, runs of
 * one class collapsed. `محمد` -> `mhmd`, `يوسف` -> `ysf`, `فاطمة` -> `ftmħ`.
 */
export function arabicSkeleton(word: string): string {
  const letters = [...word];
  let out = '';
  for (let i = 0; i < letters.length; i++) {
    const ch = letters[i]!;
    let cls = AR_CLASS[ch];
    if (cls === undefined) {
      // Latin letters or digits inside an Arabic token: ignore for the skeleton.
      continue;
    }
    if (ch === '\u062A' && letters[i + 1] === '\u0634') {
      cls = 'c';
      i++;
    }
    if ((cls === 'w' || cls === 'y') && i > 0) cls = '';
    if (cls === 'h' && ch === '\u0647' && i === letters.length - 1 && i > 0) cls = 'ħ'; // taa marbuta or final haa
    if (cls !== '' && !out.endsWith(cls)) out += cls;
  }
  return out;
}

export const AR_ARTICLE = '\u0627\u0644'; // ال
export const AR_ABD = '\u0639\u0628\u062F'; // عبد
export const AR_ABU = ['\u0627\u0628\u0648', '\u0627\u0628\u064A', '\u0628\u0648']; // ابو ابي بو
export const AR_UMM = ['\u0627\u0645']; // ام
export const AR_NASAB = ['\u0628\u0646', '\u0627\u0628\u0646', '\u0628\u0646\u062A', '\u0648\u0644\u062F']; // بن ابن بنت ولد
