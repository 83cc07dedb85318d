import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../platform/canonical-json';

/**
 * A notice to a state leaves as canonical JSON signed with the site's Ed25519 key; the document carries the public key
 * (base64 SPKI DER) so the recipient verifies it offline: `verifyNotice(doc)`.
 */
export interface SignedNotice<N = Record<string, unknown>> {
  format: 'custos.notice@1';
  notice: N;
  publicKey: string;
  signature: string;
}

export function newNoticeKeyPair(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

export function publicKeyOfPem(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' }).toString('base64');
}

export function signNotice<N>(notice: N, privateKeyPem: string): SignedNotice<N> {
  const key: KeyObject = createPrivateKey(privateKeyPem);
  const signature = sign(null, Buffer.from(canonicalJson(notice)), key).toString('base64');
  return { format: 'custos.notice@1', notice, publicKey: publicKeyOfPem(privateKeyPem), signature };
}

/** True when the signature matches the notice's canonical JSON under the document's (or a pinned) public key. */
export function verifyNotice(doc: SignedNotice<unknown>, trustedKey?: string): boolean {
  try {
    if (doc?.format !== 'custos.notice@1') return false;
    if (trustedKey && trustedKey.trim() !== doc.publicKey.trim()) return false;
    const key = createPublicKey({ key: Buffer.from(doc.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(canonicalJson(doc.notice)), key, Buffer.from(doc.signature, 'base64'));
  } catch {
    return false;
  }
}
