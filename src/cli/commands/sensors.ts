import type { Command } from 'commander';
import mqtt from 'mqtt';
import { configFromOptions, openApp } from '../../main';
import { systemActor } from '../../modules/access';
import { SIM_PATTERNS, simulate, type SimPattern } from '../../modules/sensors';

export function register(program: Command): void {
  const sensors = program.command('sensors').description('Perimeter sensors: simulate a stream over MQTT');
  sensors
    .command('simulate')
    .description("Publish a realistic stream for a facility's registered sensors: quiet, wind on the fence, a breach, a sector going dark")
    .requiredOption('--site <code>', 'facility code (the <site> of the topics)')
    .option('--pattern <name>', `one of ${SIM_PATTERNS.join(', ')}`, 'breach')
    .option('--url <url>', 'MQTT broker', process.env.CUSTOS_MQTT_URL ?? 'mqtt://127.0.0.1:1883')
    .option('--prefix <prefix>', 'first topic level(s)', process.env.CUSTOS_MQTT_PREFIX ?? 'custos')
    .option('--seconds <n>', 'length of the stream in scenario seconds', '120')
    .option('--speed <x>', 'how many times faster than real time (0: as fast as possible)', '10')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { site: string; pattern: string; url: string; prefix: string; seconds: string; speed: string; data: string }) => {
      if (!(SIM_PATTERNS as readonly string[]).includes(opts.pattern)) throw new Error(`--pattern must be one of ${SIM_PATTERNS.join(', ')}`);
      const services = await openApp(configFromOptions(opts));
      let list: { code: string; kind: string; sector: string }[];
      try {
        const facility = (await services.facilities.list(systemActor('sensors simulate'))).find((f) => f.code === opts.site);
        if (!facility) throw new Error(`No facility ${opts.site}`);
        list = (await services.sensors.list(systemActor('sensors simulate'), { facilityId: facility.id, limit: 1000, offset: 0 })).rows;
      } finally {
        await services.close();
      }
      if (list.length === 0) throw new Error(`Facility ${opts.site} has no sensors: place some first (POST /api/v1/sensors)`);
      const messages = simulate(opts.site, list as never, opts.pattern as SimPattern, { seconds: Number(opts.seconds) });
      const client = await mqtt.connectAsync(opts.url, { clientId: `custos-sim-${process.pid}` });
      const speed = Number(opts.speed);
      const started = Date.now();
      try {
        for (const m of messages) {
          if (speed > 0) {
            const wait = m.atMs / speed - (Date.now() - started);
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
          await client.publishAsync(`${opts.prefix}/${m.topic}`, JSON.stringify(m.payload), { qos: 1 });
        }
      } finally {
        await client.endAsync();
      }
      process.stdout.write(`${messages.length} messages published to ${opts.url} (${opts.pattern}, ${list.length} sensors at ${opts.site})\n`);
    });
}
