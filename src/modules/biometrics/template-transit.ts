/**
 * Templates in transit from a site to headquarters (issue 22, point 4). A site's templates are sealed under its own
 * template key, which never leaves the site; headquarters must still compare the faces and fingers of persons
 * enrolled at two sites. So the site re-seals each template to headquarters' identity key, an X25519 key pair whose
 * public half each site is given at `custos site init --hq-key`, and only headquarters can open it.
 *
 * Each envelope is sealed with a fresh ephemeral X25519 key: ECDH with headquarters' public key, HKDF-SHA256 into an
 * AES-256-GCM key, the header (recipient key id, ephemeral public key, model tag) and a binding (site, person,
 * template) authenticated as additional data, so an envelope cannot be moved to another person or site unnoticed.
 *
 * Envelope v1 (bytes): "CTRN" | version=1 | recipient key id (8) | ephemeral public key (32) | modelTag length (1) |
 * modelTag (UTF-8) | IV (12) | ciphertext | GCM tag (16).
 *
 * Headquarters' private key comes from `CUSTOS_SYNC_IDENTITY_KEY` (base64 of the 32-byte X25519 private key) or from
 * `sync-identity.key` in its data folder, created with mode 0600 when absent. Envelopes rest at headquarters as they
 * arrived: opened only in memory, to compare.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { DomainError, ValidationError } from '../../platform/errors';
import { decodeKey32, readOrCreateKeyFile } from './key-file';
import { aad } from './template-crypto';

const MAGIC = Buffer.from('CTRN', 'ascii');
const VERSION = 1;
const KEY_ID_BYTES = 8;
const PUBLIC_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = Buffer.from('custos.template-transit.v1', 'utf8');
export const IDENTITY_KEY_FILE = 'sync-identity.key';
export const IDENTITY_KEY_ENV = 'CUSTOS_SYNC_IDENTITY_KEY';
export const HQ_PUBLIC_KEY_ENV = 'CUSTOS_SYNC_HQ_KEY';

// DER prefixes of X25519 keys (RFC 8410): PKCS#8 for the private key, SubjectPublicKeyInfo for the public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** Headquarters' public key as a site holds it. */
export interface TransitRecipient {
  readonly publicKey: KeyObject;
  /** the 32 raw bytes, base64: what `custos site init --hq-key` takes */
  readonly base64: string;
  /** first 8 bytes of SHA-256 of the raw public key, hex: names the key in each envelope */
  readonly id: string;
}

/** Headquarters' key pair. */
export interface TransitKey extends TransitRecipient {
  readonly privateKey: KeyObject;
  readonly source: 'env' | 'file' | 'memory';
}

const invalid = (message: string) => new ValidationError('sync.identity_key_invalid', message);

function rawPublic(publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

function recipientOf(publicKey: KeyObject): TransitRecipient {
  const raw = rawPublic(publicKey);
  return { publicKey, base64: raw.toString('base64'), id: createHash('sha256').update(raw).digest().subarray(0, KEY_ID_BYTES).toString('hex') };
}

const decode32 = (text: string, where: string) => decodeKey32(text, where, invalid);

/** Headquarters' public key from its base64 form (as `custos sync identity-key` prints it). */
export function transitRecipientFromBase64(text: string, where = 'the headquarters key'): TransitRecipient {
  const raw = decode32(text, where);
  try {
    return recipientOf(createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }));
  } catch {
    throw invalid(`${where} is not an X25519 public key`);
  }
}

/** A key pair from the 32 bytes of its private key. */
export function transitKeyFromPrivateBytes(raw: Uint8Array, source: TransitKey['source'] = 'env'): TransitKey {
  if (raw.byteLength !== 32) throw invalid(`An identity key has 32 bytes, this one has ${raw.byteLength}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(raw)]), format: 'der', type: 'pkcs8' });
  return { ...recipientOf(createPublicKey(privateKey)), privateKey, source };
}

/** A fresh key pair held only in memory (tests, and a headquarters without a data folder). */
export function generateTransitKey(): TransitKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { ...recipientOf(publicKey), privateKey, source: 'memory' };
}

function privateBytes(key: TransitKey): Buffer {
  return key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
}

/**
 * Headquarters' identity key: from `env.CUSTOS_SYNC_IDENTITY_KEY` when set, else `DATA_DIR/sync-identity.key`
 * (created with a fresh key and mode 0600 when absent). A key file readable by group or others is refused.
 */
export async function loadTransitKey(opts: { dataDir: string; env?: NodeJS.ProcessEnv }): Promise<TransitKey> {
  const env = opts.env ?? process.env;
  const fromEnv = env[IDENTITY_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return transitKeyFromPrivateBytes(decode32(fromEnv, IDENTITY_KEY_ENV), 'env');
  const fresh = () => privateBytes(generateTransitKey()).toString('base64');
  const { file, text } = await readOrCreateKeyFile(
    opts.dataDir,
    IDENTITY_KEY_FILE,
    fresh,
    (message) => new DomainError('unavailable', 'sync.identity_key_exposed', message),
  );
  return transitKeyFromPrivateBytes(decode32(text, file), 'file');
}

/** What a transit envelope is bound to: opening it for another site, person or template fails. */
export function transitBinding(siteId: string, personId: string, templateId: string): string {
  return `custos.transit:${siteId}:${personId}:${templateId}`;
}

function aesKey(shared: Buffer, ephemeral: Buffer, recipientId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, Buffer.from(recipientId, 'hex')]), HKDF_INFO, 32));
}

/** Seals template bytes to headquarters' public key. */
export function sealForHeadquarters(recipient: TransitRecipient, plain: Uint8Array, opts: { model: string; bindTo: string }): Buffer {
  const tag = Buffer.from(opts.model, 'utf8');
  if (tag.length === 0 || tag.length > 255) throw new ValidationError('biometrics.template_model_invalid', 'The model tag must have 1 to 255 bytes');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublic(ephemeral.publicKey);
  const head = Buffer.concat([MAGIC, Buffer.from([VERSION]), Buffer.from(recipient.id, 'hex'), ephemeralRaw, Buffer.from([tag.length]), tag]);
  const key = aesKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.publicKey }), ephemeralRaw, recipient.id);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(head, opts.bindTo));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  key.fill(0);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

/**
 * Opens an envelope sealed to this key pair. Refuses another recipient, another binding and any changed byte (a
 * `ValidationError` with a stable code, never a crash).
 */
export function openAtHeadquarters(key: TransitKey, envelope: Uint8Array, opts: { bindTo: string }): { model: string; data: Buffer } {
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const corrupt = () => new ValidationError('sync.transit_corrupt', 'The template in transit is not a valid envelope');
  const fixed = MAGIC.length + 1 + KEY_ID_BYTES + PUBLIC_BYTES + 1;
  if (buf.length < fixed || !buf.subarray(0, 4).equals(MAGIC)) throw corrupt();
  if (buf[4] !== VERSION) throw new ValidationError('sync.transit_version', `Transit envelope version ${buf[4]} is not supported`);
  const recipientId = buf.subarray(5, 5 + KEY_ID_BYTES).toString('hex');
  if (recipientId !== key.id) throw new ValidationError('sync.transit_wrong_key', `The template was sealed to key ${recipientId}, not ${key.id}`);
  const ephemeralRaw = buf.subarray(5 + KEY_ID_BYTES, 5 + KEY_ID_BYTES + PUBLIC_BYTES);
  const tagLen = buf[fixed - 1]!;
  const headBytes = fixed + tagLen;
  if (buf.length < headBytes + IV_BYTES + TAG_BYTES) throw corrupt();
  const model = buf.subarray(fixed, headBytes).toString('utf8');
  try {
    const ephemeral = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, ephemeralRaw]), format: 'der', type: 'spki' });
    const aes = aesKey(diffieHellman({ privateKey: key.privateKey, publicKey: ephemeral }), Buffer.from(ephemeralRaw), key.id);
    const decipher = createDecipheriv('aes-256-gcm', aes, buf.subarray(headBytes, headBytes + IV_BYTES));
    decipher.setAAD(aad(buf.subarray(0, headBytes), opts.bindTo));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    const data = Buffer.concat([decipher.update(buf.subarray(headBytes + IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
    aes.fill(0);
    return { model, data };
  } catch {
    throw new ValidationError('sync.transit_corrupt', 'The template in transit failed authentication (altered, or bound to someone else)');
  }
}
