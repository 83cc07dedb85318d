/**
 * Reads the name data in ../shared/data/names (in place, never copied) and splits Arabic words into groups for
 * learning, tuning and held-out reporting.
 *
 * A *group* is one Arabic word (normalised): all Latin spellings of that Arabic word are variants
 * of one name. Groups are assigned to a part by a hash of their Arabic key, whichever file they come from, so a
 * held-out word is never seen by the variant table nor by any tuning:
 *   bucket 0-1 (20%): held out, reported;   bucket 2 (10%): tuning;   bucket 3-9 (70%): learning (train files only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prepareName } from '../../src/modules/names/names.domain';

export const DATA_DIR = resolve(process.cwd(), '../shared/data/names');

export type Source = 'wikidata' | 'ar2en-train' | 'ar2en-eval' | 'anetac-train' | 'anetac-dev';
export type Part = 'heldout' | 'tune' | 'learn';

export interface Transliteration {
  latin: string; // as in the file
  arabic: string; // as in the file (letters joined)
  count: number;
  source: Source;
}

function need(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`name data not found at ${path}: the shared data folder must sit beside the project (../shared/data)`);
  }
  return readFileSync(path, 'utf8');
}

export function loadTransliterations(sources: Source[]): Transliteration[] {
  const out: Transliteration[] = [];
  for (const source of sources) {
    if (source === 'wikidata') {
      for (const line of need(resolve(DATA_DIR, 'wikidata-arabic-names/wd_arabic_80')).split('\n')) {
        const [latin, arabic, count] = line.split('\t');
        if (!latin || !arabic) continue;
        out.push({ latin, arabic: arabic.replace(/ /g, ''), count: Number(count) || 1, source });
      }
    } else if (source === 'ar2en-train' || source === 'ar2en-eval') {
      const file = source === 'ar2en-train' ? 'ar2en-train.txt' : 'ar2en-eval.txt';
      for (const line of need(resolve(DATA_DIR, 'google-translit-ar2en', file)).split('\n')) {
        const [arabic, latin] = line.split('\t');
        if (!latin || !arabic) continue;
        out.push({ latin, arabic, count: 1, source });
      }
    } else {
      const stem = source === 'anetac-train' ? 'train' : 'dev';
      const en = need(resolve(DATA_DIR, 'anetac/EN-AR Translit', `${stem}.en`)).split('\n');
      const ar = need(resolve(DATA_DIR, 'anetac/EN-AR Translit', `${stem}.ar`)).split('\n');
      for (let i = 0; i < Math.min(en.length, ar.length); i++) {
        const latin = en[i]!.trim();
        const arabic = ar[i]!.trim();
        if (!latin || !arabic || latin.includes(' ') || arabic.includes(' ')) continue;
        out.push({ latin, arabic, count: 1, source });
      }
    }
  }
  return out;
}

/** FNV-1a, 32 bits: a stable hash for assigning groups to parts. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function partOf(groupKey: string): Part {
  const b = fnv1a(groupKey) % 10;
  return b < 2 ? 'heldout' : b === 2 ? 'tune' : 'learn';
}

/** Token keys as the comparison computes them (kind:core), or null when the word is not one name part. */
export function tokenKeys(word: string): { keys: string[]; kind: string } | null {
  const p = prepareName(word);
  if (p.tokens.length !== 1) return null;
  const t = p.tokens[0]!;
  return { keys: [...t.keys], kind: t.kind };
}

/** The group key of an Arabic word: its key as written (an article is kept: الأميرة "the princess" is not أميرة). */
export function groupKeyOf(arabic: string): string | null {
  const k = tokenKeys(arabic);
  if (k === null) return null;
  return k.keys[0]!;
}

export interface Group {
  key: string; // kind:arabic core, article stripped
  arabic: string; // most frequent surface form
  part: Part;
  spellings: Map<string, number>; // normalised Latin key -> count
  surfaces: Map<string, string>; // normalised Latin key -> a surface spelling as in the data
  sources: Map<string, Set<Source>>; // normalised Latin key -> files it comes from
}

/** Groups the transliterations by Arabic word; Latin spellings keyed by their token key. */
export function buildGroups(rows: Transliteration[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  const arabicSurface = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const gk = groupKeyOf(r.arabic);
    if (gk === null) continue;
    const lk = tokenKeys(r.latin);
    if (lk === null) continue;
    const latinKey = lk.keys[0]!;
    let g = groups.get(gk);
    if (!g) {
      g = { key: gk, arabic: r.arabic, part: partOf(gk), spellings: new Map(), surfaces: new Map(), sources: new Map() };
      groups.set(gk, g);
      arabicSurface.set(gk, new Map());
    }
    g.spellings.set(latinKey, (g.spellings.get(latinKey) ?? 0) + r.count);
    if (!g.surfaces.has(latinKey)) g.surfaces.set(latinKey, r.latin);
    let src = g.sources.get(latinKey);
    if (!src) g.sources.set(latinKey, (src = new Set()));
    src.add(r.source);
    const as = arabicSurface.get(gk)!;
    as.set(r.arabic, (as.get(r.arabic) ?? 0) + r.count);
  }
  for (const [gk, as] of arabicSurface) {
    const best = [...as.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) groups.get(gk)!.arabic = best[0];
  }
  return groups;
}
