import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { printLines, scoreImagePairs, type ImageOutcome } from '../image-pairs';
import { isDomainError } from '../../platform/errors';
import { loadFaceModule, type FaceEngine } from '../../modules/biometrics';

/** `custos face score-pairs FILE`: one similarity per pair (higher is more alike) or `error: REASON`. */
export function register(program: Command): void {
  const face = program.commands.find((c) => c.name() === 'face') ?? program.command('face').description('Face biometrics');
  face
    .command('score-pairs')
    .description('Print the similarity of each image pair in FILE (lines imageA<TAB>imageB), or error: REASON')
    .argument('<file>', 'pairs file; relative image paths are relative to its folder')
    .option('--workers <n>', 'worker threads (default: one per core)', (v) => Number.parseInt(v, 10))
    .action(async (file: string, opts: { workers?: number }) => {
      const { createFaceEngine, faceSimilarity } = await loadFaceModule();
      const engine = createFaceEngine(opts.workers !== undefined ? { workers: opts.workers } : {});
      try {
        const lines = await scoreImagePairs<Float32Array>(file, {
          load: (path) => describe(engine, path),
          score: (a, b) => faceSimilarity(a, b).toFixed(6),
          // Bounded in-flight reads: the pool queues work, but a long file list should not sit in memory at once.
          concurrency: Math.max(2, engine.workers * 4),
        });
        printLines(lines);
      } finally {
        await engine.close();
      }
    });
}

async function describe(engine: FaceEngine, path: string): Promise<ImageOutcome<Float32Array>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `image not found: ${path}` : `image unreadable (${code}): ${path}` };
  }
  try {
    const t = await engine.extract(bytes, { purpose: 'probe' });
    return { ok: true, template: t.descriptor };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, reason: `${err.code}: ${err.message}` };
    return { ok: false, reason: `face.internal: ${(err as Error).message.split('\n')[0]}` };
  }
}
