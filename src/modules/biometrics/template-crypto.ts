/**
 * Biometric templates at rest: AES-256-GCM with a versioned envelope that names the key and the model that made the
 * template. The envelope's header is authenticated (as GCM additional data) together with an optional binding such as
 * the person's id, so a template cannot be moved to another person or relabelled with another model unnoticed.
 *
 * Envelope v1 (bytes): "CTPL" | version=1 | keyId (8) | modelTag length (1) | modelTag (UTF-8) | IV (12) |
 * ciphertext | GCM tag (16).
 *
 * The key comes from `CUSTOS_TEMPLATE_KEY` (base64 of 32 bytes) or from `template.key` in the data folder, created
 * with mode 0600 when absent. Erasure: a template is erased by deleting its envelope (and `zeroize` on any plaintext
 * copy still in memory); without the key, a copy left in a backup reveals nothing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DomainError, ValidationError } from '../../platform/errors';
import { decodeKey32, readOrCreateKeyFile } from './key-file';

const MAGIC = Buffer.from('CTPL', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;
export const TEMPLATE_KEY_FILE = 'template.key';
export const TEMPLATE_KEY_ENV = 'CUSTOS_TEMPLATE_KEY';

export interface TemplateKey {
  /** 32 secret bytes. */
  readonly key: Buffer;
  /** First 8 bytes of SHA-256 of the key, hex: names the key in each envelope without revealing it. */
  readonly id: string;
  /** Where the key came from, for logs. */
  readonly source: 'env' | 'file';
}

export function templateKeyFromBytes(key: Uint8Array, source: TemplateKey['source'] = 'env'): TemplateKey {
  if (key.byteLength !== 32) {
    throw new ValidationError('biometrics.template_key_invalid', `A template key has 32 bytes, this one has ${key.byteLength}`);
  }
  const buf = Buffer.from(key);
  const id = createHash('sha256').update(buf).digest().subarray(0, KEY_ID_BYTES).toString('hex');
  return { key: buf, id, source };
}

const parseBase64Key = (text: string, where: string) => decodeKey32(text, where, (message) => new ValidationError('biometrics.template_key_invalid', message));

/**
 * The template key: from `env.CUSTOS_TEMPLATE_KEY` when set, else `DATA_DIR/template.key` (created with fresh random
 * bytes and mode 0600 when absent). A key file readable by group or others is refused.
 */
export async function loadTemplateKey(opts: { dataDir: string; env?: NodeJS.ProcessEnv }): Promise<TemplateKey> {
  const env = opts.env ?? process.env;
  const fromEnv = env[TEMPLATE_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return templateKeyFromBytes(parseBase64Key(fromEnv, TEMPLATE_KEY_ENV), 'env');
  const { file, text } = await readOrCreateKeyFile(
    opts.dataDir,
    TEMPLATE_KEY_FILE,
    () => randomBytes(32).toString('base64'),
    (message) => new DomainError('unavailable', 'biometrics.template_key_exposed', message),
  );
  return templateKeyFromBytes(parseBase64Key(text, file), 'file');
}

export interface SealOptions {
  /** Model that produced the template, e.g. FACE_MODEL.tag; at most 255 UTF-8 bytes. */
  model: string;
  /** Bound into the authentication (e.g. the person's id): opening needs the same value. */
  bindTo?: string;
}

function header(keyId: string, model: string): Buffer {
  const tag = Buffer.from(model, 'utf8');
  if (tag.length === 0 || tag.length > 255) {
    throw new ValidationError('biometrics.template_model_invalid', 'The model tag must have 1 to 255 bytes');
  }
  return Buffer.concat([MAGIC, Buffer.from([VERSION]), Buffer.from(keyId, 'hex'), Buffer.from([tag.length]), tag]);
}

/** The header and the binding, length-prefixed: what GCM authenticates beside the ciphertext (also for transit envelopes). */
export function aad(head: Buffer, bindTo: string | undefined): Buffer {
  const bind = Buffer.from(bindTo ?? '', 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bind.length);
  return Buffer.concat([head, len, bind]);
}

/** Encrypts template bytes into an envelope. */
export function sealTemplate(key: TemplateKey, plain: Uint8Array, opts: SealOptions): Buffer {
  const head = header(key.id, opts.model);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(head, opts.bindTo));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

export interface EnvelopeInfo {
  version: number;
  keyId: string;
  model: string;
}

/** Reads an envelope's header without decrypting (to route it to the right key or model). */
export function inspectTemplate(envelope: Uint8Array): EnvelopeInfo & { headerBytes: number } {
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const bad = () => new ValidationError('biometrics.template_corrupt', 'The stored template is not a valid envelope');
  if (buf.length < MAGIC.length + 2 + KEY_ID_BYTES || !buf.subarray(0, 4).equals(MAGIC)) throw bad();
  const version = buf[4]!;
  if (version !== VERSION) {
    throw new ValidationError('biometrics.template_version', `Template envelope version ${version} is not supported`);
  }
  const keyId = buf.subarray(5, 5 + KEY_ID_BYTES).toString('hex');
  const tagLen = buf[5 + KEY_ID_BYTES]!;
  const headerBytes = 6 + KEY_ID_BYTES + tagLen;
  if (buf.length < headerBytes + IV_BYTES + TAG_BYTES) throw bad();
  const model = buf.subarray(6 + KEY_ID_BYTES, headerBytes).toString('utf8');
  return { version, keyId, model, headerBytes };
}

/**
 * Decrypts an envelope. Refuses a different key, a different model than `expectModel`, a different binding, and any
 * change to the bytes.
 */
export function openTemplate(key: TemplateKey, envelope: Uint8Array, opts: { expectModel?: string; bindTo?: string } = {}): { model: string; data: Buffer } {
  const info = inspectTemplate(envelope);
  if (info.keyId !== key.id) {
    throw new ValidationError('biometrics.template_wrong_key', `The template was sealed with key ${info.keyId}, not ${key.id}`);
  }
  if (opts.expectModel !== undefined && info.model !== opts.expectModel) {
    throw new ValidationError('biometrics.template_model_mismatch', `The template was made by ${info.model}, not ${opts.expectModel}`);
  }
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const head = buf.subarray(0, info.headerBytes);
  const iv = buf.subarray(info.headerBytes, info.headerBytes + IV_BYTES);
  const body = buf.subarray(info.headerBytes + IV_BYTES, buf.length - TAG_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
    decipher.setAAD(aad(head, opts.bindTo));
    decipher.setAuthTag(tag);
    return { model: info.model, data: Buffer.concat([decipher.update(body), decipher.final()]) };
  } catch {
    throw new ValidationError('biometrics.template_corrupt', 'The stored template failed authentication (altered, or bound to someone else)');
  }
}

/** Float32 descriptor to little-endian bytes (the plaintext that gets sealed). */
export function descriptorToBytes(d: Float32Array): Buffer {
  const out = Buffer.alloc(d.length * 4);
  for (let i = 0; i < d.length; i++) out.writeFloatLE(d[i]!, i * 4);
  return out;
}

export function bytesToDescriptor(b: Uint8Array): Float32Array {
  if (b.byteLength % 4 !== 0) throw new ValidationError('biometrics.template_corrupt', 'Descriptor bytes are not a whole number of floats');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(b.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Seals a descriptor: the usual way to store a template. */
export function sealDescriptor(key: TemplateKey, d: Float32Array, opts: SealOptions): Buffer {
  const plain = descriptorToBytes(d);
  try {
    return sealTemplate(key, plain, opts);
  } finally {
    zeroize(plain);
  }
}

export function openDescriptor(key: TemplateKey, envelope: Uint8Array, opts: { expectModel?: string; bindTo?: string } = {}) {
  const { model, data } = openTemplate(key, envelope, opts);
  try {
    return { model, descriptor: bytesToDescriptor(data) };
  } finally {
    zeroize(data);
  }
}

/** Overwrites a plaintext copy of template bytes in memory. */
export function zeroize(buf: Uint8Array | Float32Array): void {
  buf.fill(0);
}
