import type { Command } from 'commander';
import { bootstrapAdmin, checkPortFree, configFromOptions, openApp, serve } from '../../main';
import { HalfBuiltDemoError } from '../../demo/demo-seed';
import { readDemoWorld } from '../../platform/demo-world';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the API and the web app (PGlite in --data, or the server in DATABASE_URL)')
    .option('--port <port>', 'port to listen on (default: PORT, else 8080)', process.env.PORT || '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--role <role>', 'replication over NATS JetStream: site (relay to headquarters) or hq (ingest); default CUSTOS_ROLE, else off')
    .option('--nats <url>', 'the NATS server for replication (default CUSTOS_NATS_URL, else nats://127.0.0.1:4222)')
    .action(async (opts: { port: string; host: string; data: string; role?: string; nats?: string }) => {
      if (opts.role !== undefined) process.env.CUSTOS_ROLE = opts.role;
      if (opts.nats !== undefined) process.env.CUSTOS_NATS_URL = opts.nats;
      await checkPortFree(Number(opts.port), opts.host);
      const services = await openApp(configFromOptions(opts));
      // A demo seed killed midway leaves a world without some of its people: serving it would show wrong counts.
      const demo = await readDemoWorld(services.database.db);
      if (demo?.state === 'seeding') {
        await services.close();
        process.stderr.write(`${new HalfBuiltDemoError(demo).message}\n`);
        process.exitCode = 1;
        return;
      }
      const admin = await bootstrapAdmin(services);
      if (admin) {
        process.stdout.write(
          `First start: created user "${admin.username}" with one-time password ${admin.password}\n` +
            'It is shown only now; sign in and create the real users.\n',
        );
      }
      const { url } = await serve(services, { port: Number(opts.port), host: opts.host });
      process.stdout.write(`Custos is serving at ${url} (database: ${services.database.kind} ${services.database.location})\n`);
    });
}
