import type { Command } from 'commander';
import { configFromOptions, openApp } from '../../main';

export function register(program: Command): void {
  const ledger = program.command('ledger').description('The custody ledger');
  ledger
    .command('verify')
    .description('Recompute every hash chain; exit 0 when intact, 1 naming the first bad event')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { data: string; json?: boolean }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const result = await services.custody.verify(null);
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.ok) {
          process.stdout.write(`Ledger intact: ${result.events} events; head ${result.head || '(empty)'}\n`);
          for (const h of result.heads) process.stdout.write(`  site ${h.siteId}: seq ${h.seq} ${h.hash}\n`);
        } else {
          process.stdout.write(
            `Ledger BROKEN at event ${result.firstBad.id || '(end of chain)'} (site ${result.firstBad.siteId}, seq ${result.firstBad.seq}): ${result.firstBad.message}\n`,
          );
        }
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await services.close();
      }
    });
}
