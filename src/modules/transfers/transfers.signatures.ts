import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../platform/canonical-json';

/**
 * The handover: what the sending custodian signs at departure and the receiving custodian signs at arrival. Both sign
 * the same canonical JSON of their part; anyone with the document (which carries both public keys) verifies it offline.
 */
export interface HandoverPart {
  movementId: string;
  operationId: string;
  manifestHash: string;
  /** Persons on the movement at this moment, sorted. */
  personIds: string[];
  countOn: number;
  countOff: number | null;
  missing: string[];
  extra: string[];
  fromFacilityId: string;
  toFacilityId: string;
  /** The ledger head when signed (seq:hash of the site's chain). */
  ledgerHead: string;
  role: 'sender' | 'receiver';
  signedAt: string;
  signer: { userId: string; username: string; facilityId: string };
}

export interface SignedPart {
  part: HandoverPart;
  publicKey: string; // SPKI PEM
  signature: string; // base64
}

export interface HandoverDocument {
  format: 'custos.handover@1';
  sender: SignedPart | null;
  receiver: SignedPart | null;
}

/** SHA-256 over the sorted person ids of a manifest: the receipt must name the same manifest. */
export function manifestHash(movementId: string, personIds: readonly string[]): string {
  return sha256Hex(canonicalJson({ movementId, personIds: [...personIds].sort() }));
}

export function newKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function signPart(part: HandoverPart, privateKeyPem: string): SignedPart {
  const key: KeyObject = createPrivateKey(privateKeyPem);
  const signature = sign(null, Buffer.from(canonicalJson(part)), key).toString('base64');
  return { part, publicKey: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(), signature };
}

export function verifyPart(signed: SignedPart): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(signed.part)), createPublicKey(signed.publicKey), Buffer.from(signed.signature, 'base64'));
  } catch {
    return false;
  }
}

export interface HandoverCheck {
  ok: boolean;
  problems: string[];
}

/**
 * Checks a handover document offline: each signature over its part, the two parts naming the same movement and
 * manifest, and the receipt's counts agreeing with the manifest (a receipt contradicting it is a dispute, not a
 * handover). Optional `trustedKeys` pins the public keys a monitor expects.
 */
export function verifyHandover(doc: HandoverDocument, trustedKeys?: readonly string[]): HandoverCheck {
  const problems: string[] = [];
  if (doc?.format !== 'custos.handover@1') return { ok: false, problems: ['not a custos.handover@1 document'] };
  const trust = trustedKeys?.map((k) => k.trim());
  for (const side of ['sender', 'receiver'] as const) {
    const s = doc[side];
    if (!s) {
      problems.push(`the ${side}'s signature is missing`);
      continue;
    }
    if (s.part?.role !== side) problems.push(`the ${side}'s part says it is the ${s.part?.role}`);
    if (!verifyPart(s)) problems.push(`the ${side}'s signature does not match its content`);
    if (trust && !trust.includes(s.publicKey.trim())) problems.push(`the ${side}'s public key is not one of the trusted keys`);
  }
  const a = doc.sender?.part;
  const b = doc.receiver?.part;
  if (a && b) {
    if (a.movementId !== b.movementId) problems.push('the receipt is for another movement');
    if (a.manifestHash !== b.manifestHash) problems.push('the receipt names another manifest');
    if (b.missing?.length || b.extra?.length || b.countOff !== a.countOn) {
      problems.push(
        `the receipt contradicts the manifest: on ${a.countOn}, off ${b.countOff}, missing ${b.missing?.length ?? 0}, extra ${b.extra?.length ?? 0}`,
      );
    }
  }
  return { ok: problems.length === 0, problems };
}
