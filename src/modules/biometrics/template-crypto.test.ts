import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  descriptorToBytes,
  inspectTemplate,
  loadTemplateKey,
  openDescriptor,
  openTemplate,
  sealDescriptor,
  templateKeyFromBytes,
  TEMPLATE_KEY_FILE,
} from './template-crypto';

const MODEL = 'face-api.faceRecognitionNet@1.7.15/p1';

function descriptor(): Float32Array {
  return Float32Array.from({ length: 128 }, (_, i) => Math.sin(i + 1) / 8);
}

describe('template crypto', () => {
  const key = templateKeyFromBytes(randomBytes(32));

  it('round-trips a descriptor, tagged with its model', () => {
    const d = descriptor();
    const env = sealDescriptor(key, d, { model: MODEL, bindTo: 'person-1' });
    const out = openDescriptor(key, env, { expectModel: MODEL, bindTo: 'person-1' });
    expect(out.model).toBe(MODEL);
    expect(Array.from(out.descriptor)).toEqual(Array.from(d));
    expect(inspectTemplate(env)).toMatchObject({ version: 1, keyId: key.id, model: MODEL });
  });

  it('stores bytes that are not the plain descriptor', () => {
    const d = descriptor();
    const plain = descriptorToBytes(d);
    const env = sealDescriptor(key, d, { model: MODEL });
    expect(env.includes(plain)).toBe(false);
    // no 16-byte run of the plaintext survives in the envelope
    for (let i = 0; i + 16 <= plain.length; i += 16) expect(env.includes(plain.subarray(i, i + 16))).toBe(false);
    // two seals of the same descriptor differ (fresh IV)
    expect(sealDescriptor(key, d, { model: MODEL }).equals(env)).toBe(false);
  });

  it('refuses an altered envelope, another binding, another model and another key', () => {
    const env = sealDescriptor(key, descriptor(), { model: MODEL, bindTo: 'person-1' });
    const flipped = Buffer.from(env);
    flipped[flipped.length - 20] = flipped[flipped.length - 20]! ^ 1;
    expect(() => openTemplate(key, flipped, { bindTo: 'person-1' })).toThrow(expect.objectContaining({ code: 'biometrics.template_corrupt' }));
    expect(() => openTemplate(key, env, { bindTo: 'person-2' })).toThrow(expect.objectContaining({ code: 'biometrics.template_corrupt' }));
    expect(() => openTemplate(key, env, { bindTo: 'person-1', expectModel: 'other@1' })).toThrow(
      expect.objectContaining({ code: 'biometrics.template_model_mismatch' }),
    );
    const other = templateKeyFromBytes(randomBytes(32));
    expect(() => openTemplate(other, env, { bindTo: 'person-1' })).toThrow(expect.objectContaining({ code: 'biometrics.template_wrong_key' }));
    // relabelling the model in the header breaks authentication
    const relabelled = Buffer.from(env);
    relabelled[relabelled.indexOf('face-api')] = 'F'.charCodeAt(0);
    expect(() => openTemplate(key, relabelled, { bindTo: 'person-1' })).toThrow(expect.objectContaining({ code: 'biometrics.template_corrupt' }));
    expect(() => openTemplate(key, Buffer.from('nonsense'))).toThrow(expect.objectContaining({ code: 'biometrics.template_corrupt' }));
  });

  it('takes the key from CUSTOS_TEMPLATE_KEY', async () => {
    const raw = randomBytes(32);
    const dir = await mkdtemp(join(tmpdir(), 'custos-key-'));
    const k = await loadTemplateKey({ dataDir: dir, env: { CUSTOS_TEMPLATE_KEY: raw.toString('base64') } });
    expect(k.source).toBe('env');
    expect(k.key.equals(raw)).toBe(true);
    await expect(stat(join(dir, TEMPLATE_KEY_FILE))).rejects.toThrow();
    await expect(loadTemplateKey({ dataDir: dir, env: { CUSTOS_TEMPLATE_KEY: 'c2hvcnQ=' } })).rejects.toMatchObject({
      code: 'biometrics.template_key_invalid',
    });
  });

  it('creates template.key with mode 0600 once, then reuses it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'custos-key-')), 'data');
    const a = await loadTemplateKey({ dataDir: dir, env: {} });
    const st = await stat(join(dir, TEMPLATE_KEY_FILE));
    expect(st.mode & 0o777).toBe(0o600);
    expect(a.source).toBe('file');
    const b = await loadTemplateKey({ dataDir: dir, env: {} });
    expect(b.key.equals(a.key)).toBe(true);
    expect((await readFile(join(dir, TEMPLATE_KEY_FILE), 'utf8')).trim()).toBe(a.key.toString('base64'));
  });

  it('refuses a key file others can read, and a malformed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custos-key-'));
    const file = join(dir, TEMPLATE_KEY_FILE);
    await writeFile(file, randomBytes(32).toString('base64'));
    await chmod(file, 0o644);
    await expect(loadTemplateKey({ dataDir: dir, env: {} })).rejects.toMatchObject({ code: 'biometrics.template_key_exposed' });
    await writeFile(file, 'not a key!');
    await chmod(file, 0o600);
    await expect(loadTemplateKey({ dataDir: dir, env: {} })).rejects.toMatchObject({ code: 'biometrics.template_key_invalid' });
  });
});
