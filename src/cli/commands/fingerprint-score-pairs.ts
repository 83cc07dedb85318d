import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { printLines, scoreImagePairs, type ImageOutcome } from '../image-pairs';
import { isDomainError } from '../../platform/errors';
import { compareFingerprints, extractFingerprint, prepareTemplate, type PreparedTemplate } from '../../modules/biometrics';

/**
 * `custos fingerprint score-pairs FILE [--dpi 500]`: one calibrated similarity per pair (higher is more alike;
 * 20, 30, 40 read as false-match rates of 1%, 0.1%, 0.01%) or `error: REASON`. Each distinct image is read once.
 */
export function register(program: Command): void {
  const fingerprint = program.commands.find((c) => c.name() === 'fingerprint') ?? program.command('fingerprint').description('Fingerprint biometrics');
  fingerprint
    .command('score-pairs')
    .description('Print the similarity of each image pair in FILE (lines imageA<TAB>imageB), or error: REASON')
    .argument('<file>', 'pairs file; relative image paths are relative to its folder')
    .option('--dpi <dpi>', 'resolution of the images in dots per inch', (v) => Number.parseFloat(v), 500)
    .action(async (file: string, opts: { dpi: number }) => {
      const lines = await scoreImagePairs<PreparedTemplate>(file, {
        load: (path) => describe(path, opts.dpi),
        score: (a, b) => compareFingerprints(a, b).toFixed(2),
      });
      printLines(lines);
    });
}

async function describe(path: string, dpi: number): Promise<ImageOutcome<PreparedTemplate>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `cannot read ${path}: no such file` : `cannot read ${path}: ${code ?? err}` };
  }
  try {
    const { template } = await extractFingerprint(bytes, { dpi });
    return { ok: true, template: prepareTemplate(template) };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, reason: `${err.message} (${err.code})` };
    return { ok: false, reason: `extraction failed: ${(err as Error).message}` };
  }
}
