import type { Command } from 'commander';
import { configFromOptions, openApp } from '../../main';
import { loadTransitKey } from '../../modules/biometrics';
import { SiteRelay, statusLine, syncLinkOptionsFromEnv } from '../../modules/sync';

export function register(program: Command): void {
  const sync = program.command('sync').description("Sites and headquarters: replication of each site's events over NATS JetStream");
  sync
    .command('status')
    .description("This site's pending events and last receipt from headquarters; at headquarters, each site's chain")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { data: string; json?: boolean }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const s = await services.sync.status();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(s)}\n`);
          return;
        }
        const out: string[] = [];
        out.push(`role: ${s.role ?? 'off (set CUSTOS_ROLE=site or hq on serve)'}`);
        out.push(
          `site ${s.site.siteId} (epoch ${s.site.epoch}): ${statusLine(s.site, s.now)}; ${s.site.head} written, ${s.site.published} published, ${s.site.receipted} receipted`,
        );
        for (const h of s.hq.sites) {
          const gap = h.highestSeenSeq > h.contiguousSeq ? `, gap: ${h.contiguousSeq + 1}..${h.highestSeenSeq} asked for again` : '';
          const forks = h.forks > 0 ? `, ${h.forks} FORK(S)` : '';
          const last = h.lastReceivedAt ? h.lastReceivedAt.toISOString() : 'never';
          out.push(
            `held of site ${h.siteId} epoch ${h.epoch}: ${h.contiguousSeq} events in a verified chain (head ${h.contiguousHash.slice(0, 12)}), last received ${last}${gap}${forks}`,
          );
        }
        out.push(
          `down to this site: ${s.down.appliedCount} items applied, place ${s.down.streamSeq} on its down stream, last at ${s.down.appliedAt?.toISOString() ?? 'never'}${s.down.behindFrom !== null ? `; BEHIND from ${s.down.behindFrom} (resync asked for)` : ''}`,
        );
        for (const e of s.epochs) out.push(`epoch ${e.epoch} since ${e.startedAt.toISOString()} (chain at ${e.tipSeq}): ${e.reason}`);
        if (s.hq.downItems > 0 || s.hq.down.length > 0) out.push(`down from headquarters: ${s.hq.downItems} items issued`);
        for (const d of s.hq.down) out.push(`  to site ${d.siteId}: published up to item ${d.publishedId}, ${d.pending} pending`);
        for (const c of s.hq.epochChecks)
          out.push(
            `site ${c.siteId} epoch ${c.epoch} vs ${c.previousEpoch}: agree up to ${c.agreedSeq}${c.divergedAt !== null ? `, PART at ${c.divergedAt} (${c.previousBeyond} events of epoch ${c.previousEpoch} beyond)` : ''}`,
          );
        process.stdout.write(`${out.join('\n')}\n`);
        process.exitCode = s.hq.forks.length > 0 ? 1 : 0;
      } finally {
        await services.close();
      }
    });
  sync
    .command('identity-key')
    .description(
      "At headquarters: prints its public identity key, for each site's `custos site init --hq-key` (creates the key pair in the data folder when absent)",
    )
    .option('--data <dir>', 'data folder (where sync-identity.key lives unless CUSTOS_SYNC_IDENTITY_KEY is set)', './data')
    .action(async (opts: { data: string }) => {
      const key = await loadTransitKey({ dataDir: configFromOptions(opts).dataDir });
      process.stdout.write(`${key.base64}\n`);
      process.stderr.write(
        `key id ${key.id}, from ${key.source === 'env' ? 'CUSTOS_SYNC_IDENTITY_KEY' : `${opts.data}/sync-identity.key`}; give the line above to each site's custos site init --hq-key\n`,
      );
    });
  sync
    .command('send')
    .description('At headquarters: issue an item for a site (or * for every site): watchlist_release, wanted_gallery, user_roles, alert')
    .requiredOption('--kind <kind>', 'watchlist_release | wanted_gallery | user_roles | alert')
    .requiredOption('--key <key>', 'what the item is about (a later item with the same kind and key replaces it at the site)')
    .requiredOption('--site <id>', 'the site, or * for every site')
    .requiredOption('--body <json>', 'the item as JSON')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { kind: string; key: string; site: string; body: string; data: string }) => {
      let body: unknown;
      try {
        body = JSON.parse(opts.body);
      } catch {
        throw new Error('--body is not JSON');
      }
      const services = await openApp(configFromOptions(opts));
      try {
        const id = await services.sync.down.issue({ kind: opts.kind, key: opts.key, site: opts.site, body }, 'cli');
        process.stdout.write(
          `item ${id} issued for ${opts.site === '*' ? 'every site' : `site ${opts.site}`}; it goes down when headquarters' publisher runs (serve with CUSTOS_ROLE=hq)\n`,
        );
      } finally {
        await services.close();
      }
    });
  sync
    .command('push')
    .description("Publish this site's pending events to its stream once, then exit (CUSTOS_SITE_ID names the site)")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--nats <url>', 'the NATS server (default CUSTOS_NATS_URL, else nats://127.0.0.1:4222)')
    .option('--prefix <prefix>', 'subject and stream prefix (default CUSTOS_SYNC_PREFIX, else custos)')
    .action(async (opts: { data: string; nats?: string; prefix?: string }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const env = syncLinkOptionsFromEnv();
        const relay = new SiteRelay(services.sync, services.logger, { ...env, url: opts.nats ?? env.url, prefix: opts.prefix ?? env.prefix });
        const c = await relay.pushOnce();
        const s = await services.sync.siteStatus();
        process.stdout.write(`site ${s.siteId}: ${c.published} published, ${c.duplicates} already in the stream; ${s.published} of ${s.head} published\n`);
      } finally {
        await services.close();
      }
    });
}
