import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FINGERPRINT_DATA, requireFingerprintData } from '../../modules/biometrics/fingerprint/fingerprint.test-data';
import { register } from './fingerprint-score-pairs';

async function run(args: string[]): Promise<string[]> {
  const program = new Command('custos').exitOverride();
  register(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'custos', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('').split('\n').slice(0, -1);
}

describe('custos fingerprint score-pairs', () => {
  beforeAll(() => requireFingerprintData());
  afterEach(() => vi.restoreAllMocks());

  it('prints one score or error per pair, resolving relative paths against the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-fp-'));
    const db = resolve(FINGERPRINT_DATA, 'fvc2002-db2b');
    const rel = (name: string): string => relative(dir, resolve(db, name));
    writeFileSync(join(dir, 'broken.png'), 'not an image');
    const file = join(dir, 'pairs.tsv');
    writeFileSync(
      file,
      [
        '# imageA\timageB',
        `${rel('101_1.tif')}\t${resolve(db, '101_2.tif')}\tsame finger`,
        `${rel('101_1.tif')}\t${rel('102_1.tif')}`,
        `broken.png\t${rel('101_1.tif')}`,
        `${rel('101_1.tif')}\tmissing.tif`,
        `${rel('101_1.tif')}`,
        '',
      ].join('\n'),
    );
    const lines = await run(['fingerprint', 'score-pairs', file, '--dpi', '569']);
    expect(lines).toHaveLength(5);
    const [genuine, impostor] = lines.map(Number);
    expect(genuine).toBeGreaterThanOrEqual(30);
    expect(impostor).toBeLessThan(20);
    expect(lines[2]).toMatch(/^error: .*cannot be decoded.*\(first image\)$/);
    expect(lines[3]).toMatch(/^error: cannot read .*missing\.tif: no such file \(second image\)$/);
    expect(lines[4]).toMatch(/^error: /);
  });
});
