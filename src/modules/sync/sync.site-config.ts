import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../../platform/errors';
import { isToken } from './sync.domain';

/**
 * What `custos site init` writes into a site's data folder: the site's id, its headquarters' NATS server and the
 * deployment's prefix. Commands opening that folder take them as defaults (the environment still wins), so a site is
 * set up once, not on every command line.
 */
export const SITE_CONFIG_FILE = 'custos-site.json';

export const SiteConfig = z.object({
  v: z.literal(1),
  site: z.string().refine(isToken, 'a site id is letters, digits, _ and -'),
  hq: z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'the headquarters address is nats://host:port'),
  prefix: z.string().refine(isToken, 'a prefix is letters, digits, _ and -'),
  initAt: z.iso.datetime({ offset: true }),
  /** headquarters' public identity key (base64 of 32 bytes, `custos sync identity-key` at headquarters prints it) */
  hqKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "headquarters' identity key is 32 bytes in base64")
    .optional(),
});
export type SiteConfig = z.infer<typeof SiteConfig>;

export function readSiteConfig(dataDir: string): SiteConfig | null {
  const file = join(dataDir, SITE_CONFIG_FILE);
  if (!existsSync(file)) return null;
  const parsed = SiteConfig.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new EnvironmentError('sync.site_config_invalid', `${file} is not a site configuration: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function writeSiteConfig(dataDir: string, config: SiteConfig): string {
  const file = join(dataDir, SITE_CONFIG_FILE);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Fills CUSTOS_SITE_ID, CUSTOS_ROLE, CUSTOS_NATS_URL, CUSTOS_SYNC_PREFIX and CUSTOS_SYNC_HQ_KEY from the folder's site configuration where unset. */
export function applySiteConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): SiteConfig | null {
  const config = readSiteConfig(dataDir);
  if (!config) return null;
  env.CUSTOS_SITE_ID ||= config.site;
  env.CUSTOS_ROLE ||= 'site';
  env.CUSTOS_NATS_URL ||= config.hq;
  env.CUSTOS_SYNC_PREFIX ||= config.prefix;
  if (config.hqKey) env.CUSTOS_SYNC_HQ_KEY ||= config.hqKey;
  return config;
}
