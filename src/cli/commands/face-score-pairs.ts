import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { readPairsFile } from '../pairs-file';
import { isDomainError } from '../../platform/errors';
import { createFaceEngine, faceSimilarity } from '../../modules/biometrics/face';

type Outcome = { ok: true; descriptor: Float32Array } | { ok: false; reason: string };

/** `custos face score-pairs FILE`: one similarity per pair (higher is more alike) or `error: REASON`. */
export function register(program: Command): void {
  const face = program.commands.find((c) => c.name() === 'face') ?? program.command('face').description('Face biometrics');
  face
    .command('score-pairs')
    .description('Print the similarity of each image pair in FILE (lines imageA<TAB>imageB), or error: REASON')
    .argument('<file>', 'pairs file; relative image paths are relative to its folder')
    .option('--workers <n>', 'worker threads (default: one per core)', (v) => Number.parseInt(v, 10))
    .action(async (file: string, opts: { workers?: number }) => {
      const pairs = await readPairsFile(file, { resolvePaths: true });
      const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]).filter((p) => p !== ''))];
      const engine = createFaceEngine(opts.workers !== undefined ? { workers: opts.workers } : {});
      const outcomes = new Map<string, Outcome>();
      try {
        const progress = process.stderr.isTTY ? (n: number) => process.stderr.write(`\r${n}/${images.length} images`) : undefined;
        let done = 0;
        // Bounded in-flight reads: the pool queues work, but a long file list should not sit in memory at once.
        const inFlight = Math.max(2, engine.workers * 4);
        let next = 0;
        const runOne = async (): Promise<void> => {
          while (next < images.length) {
            const path = images[next++]!;
            outcomes.set(path, await describe(engine, path));
            progress?.(++done);
          }
        };
        await Promise.all(Array.from({ length: inFlight }, runOne));
        if (progress) process.stderr.write('\n');
      } finally {
        await engine.close();
      }
      const out: string[] = [];
      for (const { a, b } of pairs) {
        if (!a || !b) {
          out.push('error: the line needs two image paths separated by a tab');
          continue;
        }
        const A = outcomes.get(a)!;
        const B = outcomes.get(b)!;
        if (!A.ok) out.push(`error: ${A.reason} (first image)`);
        else if (!B.ok) out.push(`error: ${B.reason} (second image)`);
        else out.push(faceSimilarity(A.descriptor, B.descriptor).toFixed(6));
      }
      process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
    });
}

async function describe(engine: ReturnType<typeof createFaceEngine>, path: string): Promise<Outcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `image not found: ${path}` : `image unreadable (${code}): ${path}` };
  }
  try {
    const t = await engine.extract(bytes, { purpose: 'probe' });
    return { ok: true, descriptor: t.descriptor };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, reason: `${err.code}: ${err.message}` };
    return { ok: false, reason: `face.internal: ${(err as Error).message.split('\n')[0]}` };
  }
}
