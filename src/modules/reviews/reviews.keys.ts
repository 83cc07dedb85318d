import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../platform/errors';
import { siteKeyFromPem, type SiteKey } from './reviews.domain';

export const SITE_KEY_ENV = 'CUSTOS_SITE_SIGNING_KEY';
export const SITE_KEY_FILE = 'site-signing.pem';

/**
 * The site's Ed25519 signing key: from `CUSTOS_SITE_SIGNING_KEY` (PKCS#8 PEM) when set, else `DATA_DIR/site-signing.pem`
 * (created 0600 when absent; refused when others may read it), else (tests, no data folder) a key of this process only.
 */
export function loadSiteKey(opts: { dataDir?: string; env?: NodeJS.ProcessEnv }): SiteKey {
  const env = opts.env ?? process.env;
  const fromEnv = env[SITE_KEY_ENV];
  if (fromEnv) return siteKeyFromPem(fromEnv.replace(/\\n/g, '\n'));
  const fresh = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  if (!opts.dataDir) return siteKeyFromPem(fresh());
  const file = join(opts.dataDir, SITE_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, fresh(), { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new EnvironmentError('reviews.site_key_exposed', `${file} is readable by other users; run chmod 600 on it`);
  }
  return siteKeyFromPem(readFileSync(file, 'utf8'));
}

/** The key of the export's pseudonyms, derived from the site key: stable across exports, known to nobody else. */
export function pseudonymKey(key: SiteKey): Buffer {
  const der = key.privateKey.export({ format: 'der', type: 'pkcs8' });
  return createHash('sha256').update('custos ledger export pseudonyms v1\0').update(der).digest();
}
