import { mkdirSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Command } from 'commander';
import { configFromOptions, openApp } from '../../main';
import { transitRecipientFromBase64 } from '../../modules/biometrics';
import { downNamesFor, isToken, namesFor, readSiteConfig, writeSiteConfig } from '../../modules/sync';

/** `custos site init|restore`: setting a site up against its headquarters, and telling it it was restored from a backup. */
export function register(program: Command): void {
  const site = program.command('site').description('A site of a deployment: set up against headquarters, restored from a backup');
  site
    .command('init')
    .description("Set this data folder up as a site: checks headquarters' NATS server (JetStream), creates the site's streams, writes custos-site.json")
    .requiredOption('--site <id>', 'the site id (letters, digits, _ and -)')
    .requiredOption('--hq <url>', "headquarters' NATS server, e.g. nats://hq.example:4222")
    .option('--prefix <prefix>', 'subject and stream prefix of the deployment', 'custos')
    .option(
      '--hq-key <base64>',
      "headquarters' public identity key (`custos sync identity-key` there): templates go up sealed to it, for identity cases by face and finger",
    )
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { site: string; hq: string; prefix: string; data: string; hqKey?: string }) => {
      if (!isToken(opts.site)) throw new Error(`--site ${JSON.stringify(opts.site)}: a site id is letters, digits, _ and - (up to 64)`);
      if (!isToken(opts.prefix)) throw new Error(`--prefix ${JSON.stringify(opts.prefix)}: letters, digits, _ and -`);
      if (!/^(nats|tls):\/\/\S+$/.test(opts.hq)) throw new Error(`--hq ${JSON.stringify(opts.hq)}: headquarters is nats://host:port`);
      const hqKey = opts.hqKey === undefined ? undefined : transitRecipientFromBase64(opts.hqKey, '--hq-key').base64;
      const existing = readSiteConfig(opts.data);
      if (existing && existing.site !== opts.site)
        throw new Error(`${opts.data} is already site ${existing.site}; a data folder belongs to one site (its chain is that site's)`);
      // headquarters must answer with JetStream before anything is written
      const nc = await connect({ servers: opts.hq, timeout: 5000, name: `custos-site-init-${opts.site}` }).catch((err: Error) => {
        throw new Error(`headquarters at ${opts.hq} does not answer: ${err.message}`);
      });
      try {
        const jsm = await jetstreamManager(nc);
        const up = namesFor(opts.prefix, opts.site);
        const down = downNamesFor(opts.prefix, opts.site);
        for (const [name, subject] of [
          [up.stream, up.events],
          [down.stream, down.items],
        ] as const) {
          const exists = await jsm.streams.info(name).then(
            () => true,
            () => false,
          );
          if (!exists) await jsm.streams.add({ name, subjects: [subject], duplicate_window: 120_000_000_000 });
        }
      } finally {
        await nc.close();
      }
      mkdirSync(opts.data, { recursive: true });
      const file = writeSiteConfig(opts.data, {
        v: 1,
        site: opts.site,
        hq: opts.hq,
        prefix: opts.prefix,
        initAt: new Date().toISOString(),
        ...(hqKey ? { hqKey } : existing?.hqKey ? { hqKey: existing.hqKey } : {}),
      });
      // the database, migrated, under the site's id
      process.env.CUSTOS_SITE_ID ||= opts.site;
      const services = await openApp(configFromOptions(opts), { siteId: opts.site, syncRole: 'site' });
      try {
        const s = await services.sync.siteStatus();
        process.stdout.write(
          `site ${opts.site} set up in ${opts.data} (${file}); headquarters ${opts.hq} answers; epoch ${s.epoch}, ${s.head} events written\n` +
            (hqKey || existing?.hqKey
              ? "templates go up sealed to headquarters' identity key as well: identity cases are compared by face and finger\n"
              : 'no --hq-key: identity cases at headquarters are compared by name only\n') +
            `start it with: custos serve --data ${opts.data}   (CUSTOS_ROLE=site and the rest come from ${file})\n`,
        );
      } finally {
        await services.close();
      }
    });
  site
    .command('restore')
    .description('Say this data folder was restored from a backup: a new epoch starts, so no seq is published twice')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--reason <text>', 'why (kept with the epoch)', 'restored from a backup')
    .action(async (opts: { data: string; reason: string }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const epoch = await services.sync.startNewEpoch(`custos site restore: ${opts.reason}`);
        const s = await services.sync.siteStatus();
        process.stdout.write(`site ${s.siteId}: epoch ${epoch} started; its ${s.head} events will be published again in it\n`);
      } finally {
        await services.close();
      }
    });
}
