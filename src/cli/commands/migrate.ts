import type { Command } from 'commander';
import { openDatabase } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { configFromOptions } from '../../main';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Apply the committed SQL migrations (also done at every start)')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { data: string }) => {
      const config = configFromOptions(opts);
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrate(database);
        process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Already up to date\n');
      } finally {
        await database.close();
      }
    });
}
