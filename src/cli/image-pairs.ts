import { readPairsFile } from './pairs-file';

/** What a modality made of one image: a template, or the reason it could not. */
export type ImageOutcome<T> = { ok: true; template: T } | { ok: false; reason: string };

export interface ScoreImagePairsOptions<T> {
  /** Reads and processes one image; called once per distinct path. */
  load(path: string): Promise<ImageOutcome<T>>;
  /** The similarity of two templates, formatted for output. */
  score(a: T, b: T): string;
  /** Images processed at once (a worker pool queues the rest). */
  concurrency?: number;
}

/**
 * The `score-pairs` contract shared by the biometric modalities: one output line per input pair (a similarity, or
 * `error: REASON` naming which image failed), each distinct image processed once, relative paths resolved against
 * the pairs file's folder.
 */
export async function scoreImagePairs<T>(file: string, opts: ScoreImagePairsOptions<T>): Promise<string[]> {
  const pairs = await readPairsFile(file, { resolvePaths: true });
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]).filter((p) => p !== ''))];
  const outcomes = new Map<string, ImageOutcome<T>>();
  const progress = process.stderr.isTTY ? (n: number) => process.stderr.write(`\r${n}/${images.length} images`) : undefined;
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const path = images[next++]!;
      outcomes.set(path, await opts.load(path));
      progress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  if (progress && images.length) process.stderr.write('\n');
  return pairs.map(({ a, b }) => {
    if (!a || !b) return 'error: the line needs two image paths separated by a tab';
    const A = outcomes.get(a)!;
    const B = outcomes.get(b)!;
    if (!A.ok) return `error: ${A.reason} (first image)`;
    if (!B.ok) return `error: ${B.reason} (second image)`;
    return opts.score(A.template, B.template);
  });
}

export function printLines(lines: string[]): void {
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
