import type { Command } from 'commander';
import { configFromOptions, openApp } from '../../main';

export function register(program: Command): void {
  const outbox = program.command('outbox').description('The domain events and the consumers that react to them');
  outbox
    .command('status')
    .description("Each consumer's place in each site's stream: events behind, failures and the last error")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--deliver', 'deliver what is pending first (as a serving process would at start)')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { data: string; deliver?: boolean; json?: boolean }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        if (opts.deliver) {
          services.dispatcher.wake();
          await services.settle();
        }
        const status = await services.dispatcher.status();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(status)}\n`);
        } else {
          if (status.length === 0) process.stdout.write('No consumer has read the outbox yet.\n');
          for (const s of status) {
            const failing = s.failures > 0 ? `, ${s.failures} failure(s), last: ${s.lastError}` : '';
            process.stdout.write(`${s.consumer}\tsite ${s.siteId}\tat ${s.seq}\t${s.behind} behind${failing}\n`);
          }
        }
        process.exitCode = status.some((s) => s.failures > 0) ? 1 : 0;
      } finally {
        await services.close();
      }
    });
}
