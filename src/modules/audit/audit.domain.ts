import { canonicalJson, GENESIS_HASH, sha256Hex } from '../../platform/canonical-json';

/** One row of the audit log: who read or changed what, when, and for which purpose. */
export interface AuditEntry {
  seq: number;
  id: string;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  purpose: string | null;
  details: unknown;
  prevHash: string;
  hash: string;
}

/**
 * The canonical JSON of an entry without its hash. Written field by field in canonical (sorted) key order for the
 * usual shape, since verifying the log runs it for every entry; any other shape goes through the generic
 * `canonicalJson`, so the bytes are exactly the generic ones in every case (audit.domain.test.ts checks this).
 */
export function canonicalAuditJson(e: Omit<AuditEntry, 'hash'>): string {
  const { seq, at } = e;
  if (
    at instanceof Date &&
    typeof seq === 'number' &&
    Number.isFinite(seq) &&
    typeof e.id === 'string' &&
    typeof e.action === 'string' &&
    typeof e.prevHash === 'string' &&
    nullableString(e.actorId) &&
    nullableString(e.actorUsername) &&
    nullableString(e.actorRole) &&
    nullableString(e.subjectType) &&
    nullableString(e.subjectId) &&
    nullableString(e.purpose)
  ) {
    // action < actorId < actorRole < actorUsername < at < details < id < prevHash < purpose < seq < subjectId < subjectType
    return (
      `{"action":${JSON.stringify(e.action)},"actorId":${json(e.actorId)},"actorRole":${json(e.actorRole)}` +
      `,"actorUsername":${json(e.actorUsername)},"at":"${at.toISOString()}","details":${canonicalJson(e.details ?? null)}` +
      `,"id":${JSON.stringify(e.id)},"prevHash":${JSON.stringify(e.prevHash)},"purpose":${json(e.purpose)}` +
      `,"seq":${JSON.stringify(seq)},"subjectId":${json(e.subjectId)},"subjectType":${json(e.subjectType)}}`
    );
  }
  return canonicalJson({
    seq: e.seq,
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    actorUsername: e.actorUsername,
    actorRole: e.actorRole,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    purpose: e.purpose,
    details: e.details ?? null,
    prevHash: e.prevHash,
  });
}

const nullableString = (v: unknown): boolean => v === null || typeof v === 'string';
const json = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(canonicalAuditJson(entry));
}

export interface AuditBreak {
  seq: number;
  id: string;
  message: string;
}

/** Streams over the audit log in seq order and reports the first entry that breaks the chain. */
export class AuditChainVerifier {
  private expectedSeq: number;
  private prevHash: string;

  /** From the start, or from an entry verified before (`from`: its seq and hash) whose row the caller re-checked. */
  constructor(from?: { seq: number; hash: string }) {
    this.expectedSeq = (from?.seq ?? 0) + 1;
    this.prevHash = from?.hash ?? GENESIS_HASH;
  }

  push(entry: AuditEntry): AuditBreak | null {
    if (entry.seq !== this.expectedSeq) {
      return { seq: entry.seq, id: entry.id, message: `Audit entry seq ${entry.seq} found where ${this.expectedSeq} was expected` };
    }
    if (entry.prevHash !== this.prevHash || hashAuditEntry(entry) !== entry.hash) {
      return { seq: entry.seq, id: entry.id, message: `Audit entry ${entry.id} (seq ${entry.seq}) was altered` };
    }
    this.expectedSeq += 1;
    this.prevHash = entry.hash;
    return null;
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.expectedSeq - 1, hash: this.prevHash };
  }
}
