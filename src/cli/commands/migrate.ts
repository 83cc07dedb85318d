import type { Command } from 'commander';
import { openDatabase } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { configFromOptions } from '../../main';
import { createServices } from '../../services';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Apply the committed SQL migrations and refresh derived data (also done at every start)')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { data: string }) => {
      const config = configFromOptions(opts);
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      let applied: string[];
      try {
        applied = await migrate(database);
      } catch (err) {
        await database.close();
        throw err;
      }
      const services = createServices(database, { dataDir: config.dataDir });
      try {
        // derived data that SQL cannot compute: search keys written by an older version of the key
        const keys = await services.registry.refreshSearchKeys();
        process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Already up to date\n');
        if (keys > 0) process.stdout.write(`Recomputed ${keys} name search keys\n`);
      } finally {
        await services.close();
      }
    });
}
