/**
 * The default table of spelling variants, learned from the train splits of ../shared/data/names by
 * `bench/names/build-variants.ts` and committed as a small derived file (`names.variants.json`): for each Arabic word
 * (a group), the Latin spellings it takes often enough. Loaded lazily, once.
 */
import { readFileSync } from 'node:fs';
import type { VariantLookup } from './names.domain';

/** Shape of names.variants.json. */
export interface VariantTableFile {
  description: string;
  /**
   * One entry per Arabic word (a group; the group id is the index): `kind:arabic latin1 latin2 ...`, the Latin
   * spellings most frequent first, each read as a token key `kind:latin`.
   */
  groups: string[];
}

export class VariantTable implements VariantLookup {
  private readonly map = new Map<string, number[]>();
  private readonly spellings: string[][] = [];
  private readonly arabic: string[] = [];

  constructor(file: VariantTableFile) {
    file.groups.forEach((entry, id) => {
      const [key = '', ...spellings] = entry.split(' ');
      const kind = key.slice(0, key.indexOf(':') + 1);
      // only a plain name's spellings stand alone as a Latin word (an abd group lists the part after Abd)
      this.spellings[id] = kind === 'name:' ? spellings : [];
      this.arabic[id] = kind === 'name:' ? key.slice(kind.length) : '';
      this.add(key, id);
      for (const s of spellings) this.add(kind + s, id);
    });
  }

  private add(key: string, id: number): void {
    const ids = this.map.get(key);
    if (ids === undefined) this.map.set(key, [id]);
    else if (!ids.includes(id)) ids.push(id);
  }

  groupsOf(key: string): readonly number[] {
    return this.map.get(key) ?? EMPTY;
  }

  arabicOf(group: number): string {
    return this.arabic[group] ?? '';
  }

  spellingsOf(group: number): readonly string[] {
    return this.spellings[group] ?? EMPTY_STRINGS;
  }

  get size(): number {
    return this.map.size;
  }
}

const EMPTY: readonly number[] = Object.freeze([]);
const EMPTY_STRINGS: readonly string[] = Object.freeze([]);
let cached: VariantTable | null = null;

/** The committed variant table (read on first use). */
export function defaultVariants(): VariantTable {
  if (cached === null) {
    const url = new URL('./names.variants.json', import.meta.url);
    cached = new VariantTable(JSON.parse(readFileSync(url, 'utf8')) as VariantTableFile);
  }
  return cached;
}
