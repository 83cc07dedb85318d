import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '../../platform/errors';
import { configFromOptions, openApp } from '../../main';
import { systemActor } from '../../modules/access';
import type { ImportInput, ListFormat } from '../../modules/screening';

const FORMATS: Record<string, ListFormat> = { un: 'un-consolidated', 'un-consolidated': 'un-consolidated', ofac: 'ofac-sdn', 'ofac-sdn': 'ofac-sdn' };

function read(path: string, encoding: BufferEncoding): string {
  try {
    return readFileSync(path, encoding);
  } catch (err) {
    throw new ValidationError('watchlist.unreadable', `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Reads the file(s) of a list: the UN XML (UTF-8), or OFAC's sdn.csv with alt.csv and add.csv beside it (Latin-1). */
export function readListInput(file: string, format: ListFormat): ImportInput {
  if (!existsSync(file)) throw new ValidationError('watchlist.unreadable', `No file ${file}`);
  if (format === 'un-consolidated') return { format, content: read(file, 'utf8'), fileName: basename(file) };
  const dir = statSync(file).isDirectory() ? file : dirname(file);
  const sdnPath = statSync(file).isDirectory() ? join(dir, 'sdn.csv') : file;
  const beside = (name: string) => (existsSync(join(dir, name)) ? read(join(dir, name), 'latin1') : null);
  return { format, content: { sdn: read(sdnPath, 'latin1'), alt: beside('alt.csv'), add: beside('add.csv') }, fileName: basename(sdnPath) };
}

export function register(program: Command): void {
  const watchlist =
    program.commands.find((c) => c.name() === 'watchlist') ?? program.command('watchlist').description('Watchlists (UN consolidated list, OFAC SDN)');
  watchlist
    .command('import')
    .description('Import a release of a watchlist, record what changed since the last one, and screen the registry against it')
    .argument('<file>', 'the UN consolidated list XML; with --format ofac-sdn, sdn.csv or its folder (alt.csv and add.csv beside it are read too)')
    .option('--format <format>', 'un-consolidated (default) or ofac-sdn', 'un-consolidated')
    .option('--no-screen', 'import only; do not wait for the screening of the registry')
    .option('--force', "import even a release older than the current version's (rolls the list back)")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--json', 'print the result as JSON')
    .option('--confirm-removal', 'import a release that removes most of the list (refused without it: a cut file looks like that)')
    .action(async (file: string, opts: { format: string; screen: boolean; force?: boolean; data: string; json?: boolean; confirmRemoval?: boolean }) => {
      const format = FORMATS[opts.format];
      if (!format) throw new ValidationError('watchlist.unknown_format', `Unknown format ${opts.format}: use un-consolidated or ofac-sdn`);
      const input = { ...readListInput(file, format), confirmRemoval: opts.confirmRemoval === true };
      const services = await openApp(configFromOptions(opts));
      try {
        const result = await services.screening.importList(systemActor('watchlist import (cli)'), { ...input, force: opts.force === true });
        let pending: number | null = null;
        if (opts.screen) {
          await services.settle();
          pending = (await services.screening.hits(systemActor('watchlist import (cli)'), { status: 'pending', limit: 500, offset: 0 })).length;
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...result, pendingHits: pending })}\n`);
          return;
        }
        const s = result.stats;
        process.stdout.write(
          `Imported ${result.source} ${result.fileName ?? ''} (version ${result.id})\n` +
            `  ${s.entries} entries: ${s.individuals} individuals, ${s.entities} entities` +
            (s.vessels + s.aircraft ? `, ${s.vessels} vessels, ${s.aircraft} aircraft` : '') +
            `\n  ${s.individualAliases} aliases of individuals, ${s.originalScriptNames} original-script names (${s.arabicScriptNames} Arabic), ${s.birthDates} dates of birth, ${s.documents} documents\n` +
            `  since the previous import: ${result.diff.added} added, ${result.diff.removed} removed, ${result.diff.changed} changed, ${result.diff.unchanged} unchanged\n`,
        );
        for (const w of result.warnings) process.stdout.write(`  warning: ${w}\n`);
        if (pending !== null) process.stdout.write(`Screening done: ${pending >= 500 ? '500 or more' : pending} hits pending review\n`);
      } finally {
        await services.close();
      }
    });
  watchlist
    .command('list')
    .description('Imported versions of every list, newest first, with counts and what each changed')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { data: string; json?: boolean }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const versions = await services.screening.versions(systemActor('watchlist list (cli)'));
        if (opts.json) process.stdout.write(`${JSON.stringify(versions)}\n`);
        else
          for (const v of versions) {
            process.stdout.write(
              `${v.importedAt.toISOString()} ${v.source} ${v.fileName ?? ''} ${v.stats.entries} entries (+${v.diff.added} -${v.diff.removed} ~${v.diff.changed}) ${v.id}\n`,
            );
          }
      } finally {
        await services.close();
      }
    });
}
