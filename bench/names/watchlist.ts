/**
 * Real full-name pairs from the UN Security Council consolidated list (../shared/data/watchlists, 2026-02-27
 * release): individuals whose name is also given in Arabic script. Never used for learning or tuning.
 *
 * Positives: the Latin name against the Arabic-script original (`original-script`), and against each alias of
 * "Good" quality (`good-alias`). Negatives: the Latin name against the Latin name and against the Arabic original
 * of the other listed individual that shares the most words with it (`other-individual`, e.g. brothers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { basicNormalize } from './baselines';
import type { LabelledPair } from './pairs';

const FILE = resolve(process.cwd(), '../shared/data/watchlists/un-consolidated/2026-02-27_watchman/UN_consolidated.xml');

interface Individual {
  latin: string;
  original: string;
  aliases: string[];
  words: Set<string>;
}

function decode(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .trim();
}

export function watchlistPairs(): LabelledPair[] {
  if (!existsSync(FILE)) throw new Error(`UN consolidated list not found at ${FILE} (../shared/data must sit beside the project)`);
  const xml = readFileSync(FILE, 'utf8');
  const people: Individual[] = [];
  for (const m of xml.matchAll(/<INDIVIDUAL>([\s\S]*?)<\/INDIVIDUAL>/g)) {
    const body = m[1]!;
    const tag = (t: string) => decode(/<(\w+)>([^<]*)<\/\1>/.exec(body.slice(body.indexOf(`<${t}>`)))?.[2] ?? '');
    const has = (t: string) => body.includes(`<${t}>`);
    const original = has('NAME_ORIGINAL_SCRIPT') ? tag('NAME_ORIGINAL_SCRIPT') : '';
    if (!/[\u0600-\u06ff]/.test(original)) continue;
    const latin = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
      .filter(has)
      .map(tag)
      .filter((x) => x !== '')
      .join(' ');
    if (latin === '') continue;
    const aliases = [...body.matchAll(/<QUALITY>Good<\/QUALITY>\s*<ALIAS_NAME>([^<]*)<\/ALIAS_NAME>/g)].map((a) => decode(a[1]!)).filter((a) => a !== '');
    const words = new Set(
      basicNormalize(latin)
        .split(' ')
        .filter((w) => w.length > 2 && !['bin', 'ibn', 'abu', 'abd'].includes(w)),
    );
    people.push({ latin, original, aliases, words });
  }
  const out: LabelledPair[] = [];
  people.forEach((p, i) => {
    out.push({ a: p.latin, b: p.original, label: 1, category: 'watchlist', type: 'original-script' });
    for (const al of p.aliases) out.push({ a: p.latin, b: al, label: 1, category: 'watchlist', type: 'good-alias' });
    let best = -1;
    let bestShared = 0;
    people.forEach((q, j) => {
      if (j === i) return;
      let shared = 0;
      for (const w of q.words) if (p.words.has(w)) shared++;
      if (shared > bestShared) {
        bestShared = shared;
        best = j;
      }
    });
    const q = people[best >= 0 ? best : (i + 1) % people.length]!;
    out.push({ a: p.latin, b: q.latin, label: 0, category: 'watchlist', type: 'other-individual' });
    out.push({ a: p.latin, b: q.original, label: 0, category: 'watchlist', type: 'other-individual-original-script' });
  });
  return out;
}

/** A name written in a script other than Latin and Arabic (Cyrillic, Chinese ... in the UN list). */
const OTHER_SCRIPT = /[^\p{Script=Latin}\p{Script=Arabic}\p{Script=Common}\p{Script=Inherited}\P{L}]/u;

/**
 * Real cross-script pairs in scripts other than Arabic, from the same UN list (2026-02-27): the Russian and Central
 * Asian individuals whose name is given in Cyrillic, and every alias whose original script is noted beside it
 * ("Abu Banat", original script "Абу Банат"; "Jin Tiesan (金铁三)"). Never used for learning or tuning.
 *
 * Positives: the Latin form against its original-script form. Negatives, chosen to be hard: the original-script form
 * against the Latin form of the other name in the list (individual or alias) that shares the most words with its own
 * Latin form (another "Abu X", a namesake), and against the next individual's Latin name.
 */
export function otherScriptPairs(): LabelledPair[] {
  if (!existsSync(FILE)) throw new Error(`UN consolidated list not found at ${FILE} (../shared/data must sit beside the project)`);
  const xml = readFileSync(FILE, 'utf8');
  const forms: Array<{ latin: string; original: string; type: string; person: number }> = [];
  const latinNames: Array<{ name: string; person: number }> = [];
  let person = 0;
  for (const m of xml.matchAll(/<INDIVIDUAL>([\s\S]*?)<\/INDIVIDUAL>/g)) {
    const body = m[1]!;
    const field = (t: string) => decode(new RegExp(`<${t}>([^<]*)</${t}>`).exec(body)?.[1] ?? '');
    const latin = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
      .map(field)
      .filter((x) => x !== '')
      .join(' ');
    person++;
    if (latin !== '') latinNames.push({ name: latin, person });
    const original = field('NAME_ORIGINAL_SCRIPT');
    if (latin !== '' && OTHER_SCRIPT.test(original)) forms.push({ latin, original, type: 'original-script', person });
    for (const a of body.matchAll(/<INDIVIDUAL_ALIAS>([\s\S]*?)<\/INDIVIDUAL_ALIAS>/g)) {
      const alias = decode(/<ALIAS_NAME>([^<]*)<\/ALIAS_NAME>/.exec(a[1]!)?.[1] ?? '');
      const note = decode(/<NOTE>original script:\s*([^<]*)<\/NOTE>/.exec(a[1]!)?.[1] ?? '');
      const inline = /^(.*?)\s*\((?:original script:\s*)?([^()]*)\)\s*$/.exec(alias);
      const aliasLatin = inline && OTHER_SCRIPT.test(inline[2]!) ? inline[1]!.trim() : alias;
      const aliasOriginal = note !== '' ? note : inline && OTHER_SCRIPT.test(inline[2]!) ? inline[2]!.trim() : '';
      if (aliasLatin !== '') latinNames.push({ name: aliasLatin, person });
      if (aliasLatin !== '' && OTHER_SCRIPT.test(aliasOriginal) && !OTHER_SCRIPT.test(aliasLatin)) {
        forms.push({ latin: aliasLatin, original: aliasOriginal, type: 'alias-original-script', person });
      }
    }
  }
  const wordsOf = (s: string) =>
    new Set(
      basicNormalize(s)
        .split(' ')
        .filter((w) => w.length > 1),
    );
  const out: LabelledPair[] = [];
  forms.forEach((f, i) => {
    out.push({ a: f.latin, b: f.original, label: 1, category: 'other-scripts', type: f.type });
    const own = wordsOf(f.latin);
    let best = '';
    let bestShared = 0;
    // names of the same individual (their aliases) are not negatives
    for (const other of latinNames) {
      if (other.person === f.person || basicNormalize(other.name) === basicNormalize(f.latin)) continue;
      let shared = 0;
      for (const w of wordsOf(other.name)) if (own.has(w)) shared++;
      if (shared > bestShared) {
        bestShared = shared;
        best = other.name;
      }
    }
    if (best !== '') out.push({ a: best, b: f.original, label: 0, category: 'other-scripts', type: 'namesake' });
    const next = forms
      .slice(i + 1)
      .concat(forms.slice(0, i))
      .find((g) => g.person !== f.person);
    if (next !== undefined) out.push({ a: next.latin, b: f.original, label: 0, category: 'other-scripts', type: 'other-name' });
  });
  return out;
}
