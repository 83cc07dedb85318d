import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * Reads the contract's pair files: one pair per line, `a<TAB>b`, extra columns ignored, lines starting with `#`
 * skipped. Blank lines are skipped too. For image pairs, relative paths resolve against the file's folder.
 */
export interface PairLine {
  a: string;
  b: string;
}

export async function readPairsFile(file: string, opts: { resolvePaths?: boolean } = {}): Promise<PairLine[]> {
  const text = await readFile(file, 'utf8');
  const base = dirname(resolve(file));
  const pairs: PairLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const [a = '', b = ''] = raw.split('\t');
    if (opts.resolvePaths) {
      pairs.push({ a: a && !isAbsolute(a) ? resolve(base, a) : a, b: b && !isAbsolute(b) ? resolve(base, b) : b });
    } else {
      pairs.push({ a, b });
    }
  }
  return pairs;
}
