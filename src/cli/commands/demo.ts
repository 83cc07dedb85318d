import type { Command } from 'commander';
import { configFromOptions, openApp, serve } from '../../main';
import { seedDemo } from '../../demo-seed';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Seed the demo scenario into an empty database, then serve; prints the URL and a login per role')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--scale <scale>', 'small (~2,000 people) or full (~60,000)', 'small')
    .option('--seed <n>', 'random seed: the same seed gives the same world', '1')
    .action(async (opts: { port: string; host: string; data: string; scale: string; seed: string }) => {
      const services = await openApp(configFromOptions(opts));
      const logins = await seedDemo(services, { scale: opts.scale === 'full' ? 'full' : 'small', seed: Number(opts.seed) || 1 });
      const { url } = await serve(services, { port: Number(opts.port), host: opts.host });
      process.stdout.write(`\nCustos demo is serving at ${url}\n`);
      process.stdout.write(`Database: ${services.database.kind} ${services.database.location}\n\nDemo logins (password for all: ${logins.password}):\n`);
      for (const u of logins.users) process.stdout.write(`  ${u.username.padEnd(12)} ${u.role.padEnd(13)} ${u.scope}\n`);
      process.stdout.write('\nAPI docs: ' + url + 'api/docs\n');
    });
}
