/**
 * Baseline name similarities, each on the same light normalisation (lower case, accents and punctuation removed,
 * Arabic letters left as they are): Jaro-Winkler on the whole string, Double Metaphone codes per word, and
 * Levenshtein on the words sorted alphabetically.
 */
import { doubleMetaphone } from 'double-metaphone';
import { jaroWinkler, levenshtein } from '../../src/modules/names/names.similarity';

export function basicNormalize(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function jaroWinklerBaseline(a: string, b: string): number {
  return jaroWinkler(basicNormalize(a), basicNormalize(b));
}

export function sortedLevenshteinBaseline(a: string, b: string): number {
  const x = basicNormalize(a).split(' ').sort().join(' ');
  const y = basicNormalize(b).split(' ').sort().join(' ');
  const len = Math.max(x.length, y.length);
  return len === 0 ? 1 : 1 - levenshtein(x, y) / len;
}

/**
 * Double Metaphone: each word of one name takes its best match among the other's words (1 when a primary or
 * alternate code is shared, else Jaro-Winkler of the primary codes); the two directions are averaged.
 */
export function doubleMetaphoneBaseline(a: string, b: string): number {
  const codes = (s: string) =>
    basicNormalize(s)
      .split(' ')
      .filter((w) => w !== '')
      .map((w) => doubleMetaphone(w));
  const ca = codes(a);
  const cb = codes(b);
  if (ca.length === 0 || cb.length === 0) return 0;
  const dir = (x: Array<[string, string]>, y: Array<[string, string]>) => {
    let sum = 0;
    for (const [p1, s1] of x) {
      let best = 0;
      for (const [p2, s2] of y) {
        const share = p1 !== '' && (p1 === p2 || p1 === s2 || (s1 !== '' && (s1 === p2 || s1 === s2)));
        const v = share ? 1 : p1 === '' || p2 === '' ? 0 : jaroWinkler(p1, p2);
        if (v > best) best = v;
      }
      sum += best;
    }
    return sum / x.length;
  };
  return (dir(ca, cb) + dir(cb, ca)) / 2;
}
