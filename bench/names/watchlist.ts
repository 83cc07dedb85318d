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
