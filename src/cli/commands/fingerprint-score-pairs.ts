import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { readPairsFile } from '../pairs-file';
import { isDomainError } from '../../platform/errors';
import {
  compareFingerprints,
  extractFingerprint,
  prepareTemplate,
  type PreparedTemplate,
} from '../../modules/biometrics/fingerprint';

type Outcome = { ok: true; template: PreparedTemplate } | { ok: false; reason: string };

/**
 * `custos fingerprint score-pairs FILE [--dpi 500]`: one calibrated similarity per pair (higher is more alike;
 * 20, 30, 40 read as false-match rates of 1%, 0.1%, 0.01%) or `error: REASON`. Each distinct image is read once.
 */
export function register(program: Command): void {
  const fingerprint =
    program.commands.find((c) => c.name() === 'fingerprint') ??
    program.command('fingerprint').description('Fingerprint biometrics');
  fingerprint
    .command('score-pairs')
    .description('Print the similarity of each image pair in FILE (lines imageA<TAB>imageB), or error: REASON')
    .argument('<file>', 'pairs file; relative image paths are relative to its folder')
    .option('--dpi <dpi>', 'resolution of the images in dots per inch', (v) => Number.parseFloat(v), 500)
    .action(async (file: string, opts: { dpi: number }) => {
      const pairs = await readPairsFile(file, { resolvePaths: true });
      const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]).filter((p) => p !== ''))];
      const outcomes = new Map<string, Outcome>();
      const progress = process.stderr.isTTY;
      let done = 0;
      for (const path of images) {
        outcomes.set(path, await describe(path, opts.dpi));
        if (progress) process.stderr.write(`\r${++done}/${images.length} images`);
      }
      if (progress && images.length) process.stderr.write('\n');
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
        else out.push(compareFingerprints(A.template, B.template).toFixed(2));
      }
      process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
    });
}

async function describe(path: string, dpi: number): Promise<Outcome> {
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
