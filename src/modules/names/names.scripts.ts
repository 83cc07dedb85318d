/**
 * Names written in scripts other than Latin and Arabic (Cyrillic, Greek, Armenian, Georgian, Hebrew, Chinese,
 * Japanese kana, Korean ...) are romanised before they are compared, so that Барак Обама, Բարակ Օբամա and
 * 贝拉克·奥巴马 meet Barack Obama on the Latin side's skeletons. Pure.
 *
 * The letters come from any-ascii (ISC licence; tables derived from Unicode data, no model, nothing downloaded):
 * Cyrillic in a BGN-like reading (Хусеин -> Khusein), Greek, Armenian and Georgian letter by letter, Chinese
 * characters as pinyin syllables without tones, kana as Hepburn romaji, Hangul as Revised Romanisation. What this
 * file adds is the shape of a name: a Chinese or Korean name written without spaces is a family name of one
 * syllable followed by a given name (习近平 -> Xi Jinping, 김정은 -> Gim Jeongeun); a transcribed foreign name keeps
 * its separators (贝拉克·奥巴马 -> Beilake Aobama).
 */
import anyAscii from 'any-ascii';

/** A letter of a script that is neither Latin nor Arabic (Arabic letters are read by names.arabic.ts). */
const OTHER_SCRIPT_LETTER = /[^\p{Script=Latin}\p{Script=Arabic}\p{Script=Common}\p{Script=Inherited}\P{L}]/u;
const HAN_OR_HANGUL = /[\p{Script=Han}\p{Script=Hangul}]/u;
// дж writes the Arabic jim (Джихад, Jihad): read as the Latin side's dj, one sound
const CYRILLIC = /\p{Script=Cyrillic}/u;
const HEBREW = /\p{Script=Hebrew}/u;
const KATAKANA = /\p{Script=Katakana}/u;
const SYLLABIC_NAME = /^[\p{Script=Han}\p{Script=Hangul}]{2,4}$/u;
// middle dots and other separators written between the parts of a transcribed foreign name
const NAME_SEPARATORS = /[·・•‧･⋅]/g;

/** True when a word carries letters this file must romanise before comparison. */
export function needsRomanising(word: string): boolean {
  return OTHER_SCRIPT_LETTER.test(word);
}

/**
 * Romanises one whitespace-delimited chunk of a name. Returns Latin text (possibly several words), still to be
 * normalised by `normalizeLatin`.
 */
export function romaniseWord(word: string): string {
  const nfc = word.normalize('NFC');
  if (KATAKANA.test(nfc)) return katakanaName(nfc);
  if (HEBREW.test(nfc)) return hebrewName(nfc);
  if (CYRILLIC.test(nfc)) return anyAscii(nfc.replace(/дж/gi, 'dj').replace(NAME_SEPARATORS, ' '));
  if (!HAN_OR_HANGUL.test(nfc)) return anyAscii(nfc.replace(NAME_SEPARATORS, ' '));
  return nfc
    .split(NAME_SEPARATORS)
    .filter((segment) => segment !== '')
    .map((segment) => (SYLLABIC_NAME.test(segment) && !nfc.match(NAME_SEPARATORS) ? familyThenGiven(segment) : joinedSyllables(segment)))
    .join(' ');
}

/** 习近平 -> "Xi Jinping": the first character is the family name, the rest one given name. */
function familyThenGiven(segment: string): string {
  const chars = [...segment];
  return `${joinedSyllables(chars[0]!)} ${joinedSyllables(chars.slice(1).join(''))}`;
}

/** 奥巴马 -> "Aobama": any-ascii writes each syllable capitalised (AoBaMa); one word of the name is one word. */
function joinedSyllables(segment: string): string {
  return anyAscii(segment)
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

/**
 * Katakana writes foreign names with a vowel after every final consonant (Barack -> バラク baraku, Robert -> robato):
 * the vowel Japanese adds is dropped so that the Latin side's consonants meet it.
 */
function katakanaName(text: string): string {
  return anyAscii(text.replace(NAME_SEPARATORS, ' '))
    .split(/[\s-]+/)
    .map((w) => w.replace(/([kgszbpfmr])u$/i, '$1').replace(/([td])o$/i, '$1'))
    .join(' ');
}

// Hebrew letters as a name's Latin spelling reads them. any-ascii writes vav and yod always as the consonants v and y,
// but inside a name they are mostly the vowels o/u and i (בנימין Binyamin, נתניהו Netanyahu); he at the end is a vowel (e: unknown to the comparison of endings, Moshe, Golda).
const HEBREW_LETTERS: Record<string, string> = {
  א: 'a',
  ב: 'b',
  ג: 'g',
  ד: 'd',
  ה: 'h',
  ז: 'z',
  ח: 'h',
  ט: 't',
  כ: 'k',
  ך: 'kh',
  ל: 'l',
  מ: 'm',
  ם: 'm',
  נ: 'n',
  ן: 'n',
  ס: 's',
  ע: '',
  פ: 'p',
  ף: 'f',
  צ: 'tz',
  ץ: 'tz',
  ק: 'k',
  ר: 'r',
  ש: 'sh',
  ת: 't',
};

function hebrewName(text: string): string {
  // points (niqqud) are dropped: names are written without them
  const words = text
    .normalize('NFD')
    .replace(/[\u0591-\u05C7]/g, '')
    .replace(NAME_SEPARATORS, ' ')
    .split(/[\s\u05BE-]+/);
  return words
    .map((word) => {
      const letters = [...word];
      return letters
        .map((ch, i) => {
          if (ch === 'ו') return i === 0 ? 'v' : letters[i + 1] === 'ו' ? 'v' : 'o';
          if (ch === 'י') return i === 0 || letters[i + 1] === 'י' ? 'y' : 'i';
          if (ch === 'ה' && i === letters.length - 1 && i > 0) return 'e';
          return HEBREW_LETTERS[ch] ?? anyAscii(ch);
        })
        .join('');
    })
    .join(' ');
}
