import type { Command } from 'commander';
import { readPairsFile } from '../pairs-file';
import { ValidationError } from '../../platform/errors';
import { comparePreparedNames, prepareName, type PreparedName } from '../../modules/names';

/**
 * `custos names score-pairs FILE`: one similarity in [0, 1] per pair (lines nameA<TAB>nameB, any script), same
 * order. A line without a second name scores 0. `--explain` adds a tab and the explanation of each score.
 */
export function register(program: Command): void {
  const names = program.commands.find((c) => c.name() === 'names') ?? program.command('names').description('Personal names');
  names
    .command('score-pairs')
    .description('Print the similarity in [0,1] of each name pair in FILE (lines nameA<TAB>nameB, UTF-8, any script)')
    .argument('<file>', 'pairs file; lines starting with # and extra columns are ignored')
    .option('--explain', 'append a tab and the explanation (which parts matched how) to each line')
    .action(async (file: string, opts: { explain?: boolean }) => {
      let pairs: Awaited<ReturnType<typeof readPairsFile>>;
      try {
        pairs = await readPairsFile(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new ValidationError('names.pairs_file_unreadable', `cannot read ${file}${code ? ` (${code})` : ''}`);
      }
      const cache = new Map<string, PreparedName>();
      const prepared = (s: string): PreparedName => {
        let p = cache.get(s);
        if (p === undefined) cache.set(s, (p = prepareName(s)));
        return p;
      };
      const out: string[] = [];
      for (const [i, { a, b }] of pairs.entries()) {
        const nameA = i === 0 ? a.replace(/^\uFEFF/, '') : a;
        if (nameA.trim() === '' || b.trim() === '') {
          out.push(opts.explain ? '0.000000\tone of the names is empty' : '0.000000');
          continue;
        }
        const r = comparePreparedNames(prepared(nameA), prepared(b));
        out.push(opts.explain ? `${r.score.toFixed(6)}\t${r.explanation.text}` : r.score.toFixed(6));
      }
      process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
    });
}
