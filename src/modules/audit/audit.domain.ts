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

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq,
      id: entry.id,
      at: entry.at,
      actorId: entry.actorId,
      actorUsername: entry.actorUsername,
      actorRole: entry.actorRole,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      purpose: entry.purpose,
      details: entry.details ?? null,
      prevHash: entry.prevHash,
    }),
  );
}

export interface AuditBreak {
  seq: number;
  id: string;
  message: string;
}

/** Streams over the audit log in seq order and reports the first entry that breaks the chain. */
export class AuditChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;

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
