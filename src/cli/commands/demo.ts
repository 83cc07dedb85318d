import { type Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { checkPortFree, configFromOptions, openApp, serve } from '../../main';
import { DEMO_UNTIL, demoLabel, demoStatusLines, HalfBuiltDemoError, NotADemoError, seedDemo } from '../../demo/demo-seed';
import { parseUntil, ScenarioClock, scenarioIds, SEED_START, TIMELINE_START } from '../../demo/scenario';
import { dropEverything, readDemoWorld } from '../../platform/demo-world';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Seed the al-Hol scenario into an empty database, replay its timeline, then serve; prints the URL and a login per role')
    .option('--port <port>', 'port to listen on (default: PORT, else 8080)', process.env.PORT || '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--scale <scale>', 'small (a 1:27 miniature, ~2,000 people) or full (~54,000)', 'small')
    .option('--seed <n>', 'random seed: the same seed gives the same world and the same ledger', '1')
    .option(
      '--until <date>',
      `replay the timeline to the end of this day (YYYY-MM-DD, from ${TIMELINE_START.slice(0, 10)}) or to an instant; default: the collapse and the first airlift flights`,
      DEMO_UNTIL,
    )
    .option('--speed <x>', 'replay speed: simulated seconds per real second (default: as fast as possible)')
    .option('--no-serve', 'seed and replay, print the status, then exit')
    // Tests: a world smaller than small (the full world divided by N), so that a real process seeds in seconds.
    .addOption(new Option('--divisor <n>', 'tests: divide the full world by N').hideHelp())
    .action(
      async (opts: {
        port: string;
        host: string;
        data: string;
        scale: string;
        seed: string;
        until: string;
        speed?: string;
        serve: boolean;
        divisor?: string;
      }) => {
        if (opts.scale !== 'small' && opts.scale !== 'full') throw new Error(`--scale ${opts.scale}: small or full`);
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed)) throw new Error(`--seed ${opts.seed}: an integer`);
        const divisor = opts.divisor === undefined ? undefined : Number(opts.divisor);
        if (divisor !== undefined && !(Number.isInteger(divisor) && divisor >= 1)) throw new Error(`--divisor ${opts.divisor}: a whole number, 1 or more`);
        const until = parseUntil(opts.until);
        if (until.getTime() <= Date.parse(SEED_START)) throw new Error(`--until ${opts.until}: the timeline starts on ${TIMELINE_START.slice(0, 10)}`);
        if (opts.serve) await checkPortFree(Number(opts.port), opts.host);
        const started = performance.now();
        const clock = new ScenarioClock(SEED_START);
        const config = configFromOptions(opts);
        let services = await openApp(config, { clock, ids: scenarioIds(clock, seed) });
        const earlier = await readDemoWorld(services.database.db);
        if (earlier?.state === 'seeding') {
          // A seed killed midway left a half world: it was the demo's own, so it is removed and seeded again.
          process.stdout.write(`${new HalfBuiltDemoError(earlier).message.split(' Run ')[0]} Removing it and seeding the demo again.\n`);
          await dropEverything(services.database);
          await services.close();
          services = await openApp(config, { clock, ids: scenarioIds(clock, seed) });
        } else if (earlier) {
          // The same world served again: its scenario clock goes on from where it stopped, not from today.
          clock.resumeAt(earlier.scenarioNow);
        }
        const bar = new cliProgress.SingleBar(
          {
            format: '{phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}',
            hideCursor: true,
            noTTYOutput: opts.scale === 'full',
            notTTYSchedule: 5000,
          },
          cliProgress.Presets.shades_classic,
        );
        let phase = '';
        if (!earlier || earlier.state === 'seeding')
          process.stdout.write(
            `Seeding the al-Hol scenario as a ${demoLabel(opts.scale, divisor)} (seed ${seed}) and replaying the timeline to ${until.toISOString().slice(0, 16)}Z ...\n`,
          );
        const days = Math.ceil((until.getTime() - Date.parse(TIMELINE_START)) / 86_400_000);
        let demo: Awaited<ReturnType<typeof seedDemo>>;
        try {
          demo = await seedDemo(services, clock, {
            scale: opts.scale,
            seed,
            divisor,
            until: until.toISOString(),
            onSeedProgress: (p) => {
              if (opts.scale !== 'full') {
                if (p.done === p.total && p.phase !== 'facilities')
                  process.stdout.write(`  ${p.phase === 'persons' ? 'enrolled' : 'admitted'} ${p.total.toLocaleString('en-US')} people\n`);
                return;
              }
              const label = { facilities: 'facilities', persons: 'enrolment ', admissions: 'admissions' }[p.phase];
              if (label !== phase) {
                if (phase) bar.stop();
                phase = label;
                bar.start(p.total, 0, { phase });
              }
              bar.update(p.done, { phase });
            },
            onDay: (day) => {
              if (opts.scale !== 'full') return;
              if (phase !== 'timeline  ') {
                bar.stop();
                phase = 'timeline  ';
                bar.start(days, 0, { phase });
              }
              bar.update(Math.round((day.getTime() - Date.parse(TIMELINE_START)) / 86_400_000), { phase });
            },
          });
        } catch (err) {
          await services.close();
          if (!(err instanceof NotADemoError)) throw err;
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        if (phase) bar.stop();
        const { world } = demo;
        if (demo.run) {
          const t = demo.run.timings;
          process.stdout.write(
            `Seeded ${demo.run.world.personIds.length.toLocaleString('en-US')} people in ${(t.seedMs / 1000).toFixed(1)} s, replayed the timeline in ${(t.replayMs / 1000).toFixed(1)} s ` +
              `(${((performance.now() - started) / 1000).toFixed(1)} s in all)\n\n`,
          );
        } else {
          process.stdout.write(
            `Serving the demo world seeded on ${world.seedingStartedAt.toISOString().slice(0, 10)} (${world.label}, seed ${world.seed}) again: ` +
              `its scenario clock goes on from ${world.scenarioNow.toISOString().slice(0, 16).replace('T', ' ')} UTC. Remove the data folder for a fresh demo.\n\n`,
          );
        }
        for (const line of await demoStatusLines(services, demo.run, world)) process.stdout.write(`${line}\n`);
        // From here on the clock runs in real time from where the replay stopped.
        if (!clock.live) clock.goLive();
        if (!opts.serve) {
          await services.close();
          return;
        }
        const { url } = await serve(services, { port: Number(opts.port), host: opts.host });
        process.stdout.write(`\nCustos demo (${world.label}, scenario time) is serving at ${url}\n`);
        process.stdout.write(`Database: ${services.database.kind} ${services.database.location}\n\nDemo logins (password for all: ${demo.password}):\n`);
        for (const u of demo.users) process.stdout.write(`  ${u.username.padEnd(12)} ${u.role.padEnd(13)} ${u.scope}\n`);
        process.stdout.write('\nAPI docs: ' + url + 'api/docs\n');
      },
    );
}
