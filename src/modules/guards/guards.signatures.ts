import { createPublicKey, verify as cryptoVerify } from 'node:crypto';

/** Ed25519 over the statement's canonical JSON, keys as base64 SPKI DER (what `node:crypto` and WebCrypto export). */
export function verifyStatementSignature(statementText: string, publicKeyBase64: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return cryptoVerify(null, Buffer.from(statementText, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
