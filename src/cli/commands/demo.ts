import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { checkPortFree, configFromOptions, openApp, serve } from '../../main';
import { databaseIsEmpty, demoStatusLines, seedDemo } from '../../demo/demo-seed';
import { DAY_AFTER_COLLAPSE, parseUntil, ScenarioClock, scenarioIds, SEED_START, TIMELINE_START } from '../../demo/scenario';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Seed the al-Hol scenario into an empty database, replay its timeline, then serve; prints the URL and a login per role')
    .option('--port <port>', 'port to listen on (default: PORT, else 8080)', process.env.PORT || '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--scale <scale>', 'small (~2,000 people) or full (~54,000)', 'small')
    .option('--seed <n>', 'random seed: the same seed gives the same world and the same ledger', '1')
    .option(
      '--until <date>',
      `replay the timeline to the end of this day (YYYY-MM-DD, from ${TIMELINE_START.slice(0, 10)}) or to an instant`,
      DAY_AFTER_COLLAPSE,
    )
    .option('--speed <x>', 'replay speed: simulated seconds per real second (default: as fast as possible)')
    .option('--no-serve', 'seed and replay, print the status, then exit')
    .action(async (opts: { port: string; host: string; data: string; scale: string; seed: string; until: string; speed?: string; serve: boolean }) => {
      if (opts.scale !== 'small' && opts.scale !== 'full') throw new Error(`--scale ${opts.scale}: small or full`);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed ${opts.seed}: an integer`);
      const until = parseUntil(opts.until);
      if (until.getTime() <= Date.parse(SEED_START)) throw new Error(`--until ${opts.until}: the timeline starts on ${TIMELINE_START.slice(0, 10)}`);
      if (opts.serve) await checkPortFree(Number(opts.port), opts.host);
      const started = performance.now();
      const clock = new ScenarioClock(SEED_START);
      const services = await openApp(configFromOptions(opts), { clock, ids: scenarioIds(clock, seed) });
      const empty = await databaseIsEmpty(services);
      if (!empty) clock.set(new Date());
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
      if (empty)
        process.stdout.write(
          `Seeding the al-Hol scenario (${opts.scale}, seed ${seed}) and replaying the timeline to ${until.toISOString().slice(0, 16)}Z ...\n`,
        );
      const days = Math.ceil((until.getTime() - Date.parse(TIMELINE_START)) / 86_400_000);
      const logins = await seedDemo(services, clock, {
        scale: opts.scale,
        seed,
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
      if (phase) bar.stop();
      if (logins.run) {
        const t = logins.run.timings;
        process.stdout.write(
          `Seeded ${logins.run.world.personIds.length.toLocaleString('en-US')} people in ${(t.seedMs / 1000).toFixed(1)} s, replayed the timeline in ${(t.replayMs / 1000).toFixed(1)} s ` +
            `(${((performance.now() - started) / 1000).toFixed(1)} s in all)\n\n`,
        );
      } else {
        process.stdout.write('The database is not empty: serving it as it is (remove the data folder for a fresh demo).\n\n');
      }
      for (const line of await demoStatusLines(services, logins.run)) process.stdout.write(`${line}\n`);
      // From here on the clock runs in real time from where the replay stopped.
      clock.goLive();
      if (!opts.serve) {
        await services.close();
        return;
      }
      const { url } = await serve(services, { port: Number(opts.port), host: opts.host });
      process.stdout.write(`\nCustos demo is serving at ${url}\n`);
      process.stdout.write(`Database: ${services.database.kind} ${services.database.location}\n\nDemo logins (password for all: ${logins.password}):\n`);
      for (const u of logins.users) process.stdout.write(`  ${u.username.padEnd(12)} ${u.role.padEnd(13)} ${u.scope}\n`);
      process.stdout.write('\nAPI docs: ' + url + 'api/docs\n');
    });
}
