// A dump scan for secrets: after a world with users, sessions, a failed sign-in and an enrolled fingerprint, every
// byte Custos keeps (pg_dump of the PostgreSQL database; PGlite's data folder; every other file in the data folder)
// is searched for the password, the session token, the template's plaintext bytes and the template key. The
// positive controls (a username, a person's name) show that the scan reads what it claims to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openApp } from '../../src/main';
import { extractFingerprint, serializeTemplate } from '../../src/modules/biometrics';
import { readSample, requireFingerprintData } from '../../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { systemActor } from '../../src/modules/access';
import { adminActor, buildPerson } from '../factories';
import { createScratchDatabase, targets } from '../harness';

const DPI = 569;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

describe.each(await targets())('no secret in clear in what Custos keeps on %s', (target) => {
  let dir: string;
  let url: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let savedKey: string | undefined;
  const password = `Pw-${randomBytes(9).toString('hex')}`;
  const wrongPassword = `Wrong-${randomBytes(9).toString('hex')}`;
  const username = `secrets-${randomBytes(4).toString('hex')}`;
  const personName = `Yusraqin Secretscan-${randomBytes(3).toString('hex')}`;
  let token: string;
  let plain: Buffer;

  beforeAll(async () => {
    requireFingerprintData();
    // the key must come from the data folder (as in production), not from the environment
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    delete process.env.CUSTOS_TEMPLATE_KEY;
    dir = mkdtempSync(join(tmpdir(), 'custos-secrets-'));
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
    const s = await openApp({ dataDir: dir, databaseUrl: url });
    try {
      await s.access.createUser(systemActor('test'), { username, password, role: 'registrar' });
      token = (await s.access.login(username, password, '127.0.0.1')).token;
      await s.access.login(username, wrongPassword, '127.0.0.1').catch(() => undefined);
      const person = await buildPerson(s, { names: [{ full: personName }] });
      const image = await readSample('fvc2002-db2b', '101_1');
      await s.biometrics.enrolFingerprint(adminActor, person, 2, image, DPI);
      plain = Buffer.from(serializeTemplate((await extractFingerprint(image, { dpi: DPI })).template));
      await s.settle();
    } finally {
      await s.close();
    }
  }, 120_000);
  afterAll(async () => {
    if (savedKey !== undefined) process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('keeps the template key in a 0600 file, and no password, token, template or key anywhere else', () => {
    const keyFile = join(dir, 'template.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keyText = readFileSync(keyFile, 'utf8').trim();
    const key = Buffer.from(keyText, 'base64');
    expect(key.length).toBe(32);
    expect(plain.length).toBeGreaterThan(64);

    const haystacks: { where: string; bytes: Buffer }[] = filesUnder(dir)
      .filter((f) => f !== keyFile)
      .map((f) => ({ where: relative(dir, f), bytes: readFileSync(f) }));
    if (url) {
      const dump = spawnSync('pg_dump', ['--no-owner', url], { maxBuffer: 512 * 1024 * 1024 });
      expect(dump.status, dump.stderr?.toString()).toBe(0);
      haystacks.push({ where: 'pg_dump', bytes: dump.stdout });
    }
    const mid = Math.floor(plain.length / 2);
    const window = plain.subarray(mid - 16, mid + 16);
    const needles: Record<string, Buffer[]> = {
      password: [Buffer.from(password)],
      'failed sign-in password': [Buffer.from(wrongPassword)],
      'session token': [Buffer.from(token)],
      'template key': [Buffer.from(keyText), key, Buffer.from(key.toString('hex'))],
      'template bytes': [window, Buffer.from(window.toString('hex')), Buffer.from(plain.toString('base64').slice(8, 72))],
    };
    const found: string[] = [];
    for (const { where, bytes } of haystacks) {
      for (const [what, forms] of Object.entries(needles)) if (forms.some((n) => bytes.includes(n))) found.push(`${what} in ${where}`);
    }
    expect(found).toEqual([]);

    // positive controls: the scan does read the stored rows
    const all = Buffer.concat(haystacks.map((h) => h.bytes));
    expect(all.includes(Buffer.from(username))).toBe(true);
    expect(all.includes(Buffer.from(personName))).toBe(true);
  });
});
