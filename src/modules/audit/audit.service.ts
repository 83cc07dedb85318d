import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { IdGenerator } from '../../platform/ids';
import type { Actor } from '../access';
import { requirePermission } from '../access';
import { AuditChainVerifier, hashAuditEntry, type AuditBreak, type AuditEntry } from './audit.domain';
import {
  insertAuditEntries,
  listAuditEntries,
  lockAuditHead,
  readAuditHead,
  readAuditChainPage,
  type AuditFilter,
} from './audit.repository';

export interface AuditInput {
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: unknown;
}

export type AuditVerification =
  | { ok: true; entries: number; head: { seq: number; hash: string } }
  | { ok: false; entries: number; firstBad: AuditBreak };

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Appends entries to the audit chain inside the caller's transaction, so that the audit row exists exactly when
   * the change or read it describes does.
   */
  async record(tx: Db, actor: Actor, inputs: AuditInput | AuditInput[]): Promise<void> {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) return;
    const head = await lockAuditHead(tx);
    let { seq, hash } = head;
    const at = this.clock.now();
    const entries: AuditEntry[] = list.map((input) => {
      seq += 1;
      const unhashed = {
        seq,
        id: this.ids.next(),
        at,
        actorId: actor.userId,
        actorUsername: actor.username,
        actorRole: actor.role,
        action: input.action,
        subjectType: input.subjectType ?? null,
        subjectId: input.subjectId ?? null,
        purpose: actor.purpose,
        details: input.details ?? null,
        prevHash: hash,
      };
      hash = hashAuditEntry(unhashed);
      return { ...unhashed, hash };
    });
    await insertAuditEntries(tx, entries);
  }

  async list(actor: Actor, filter: AuditFilter): Promise<AuditEntry[]> {
    requirePermission(actor, 'audit.read');
    return listAuditEntries(this.db, filter);
  }

  /** Recomputes every entry's hash in seq order, in large pages, and checks the chain ends at the stored head. */
  async verify(actor: Actor, opts: { pageSize?: number } = {}): Promise<AuditVerification> {
    requirePermission(actor, 'audit.read');
    const pageSize = opts.pageSize ?? 20_000;
    const verifier = new AuditChainVerifier();
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await readAuditChainPage(this.db, after, pageSize);
      if (page.length === 0) break;
      for (const entry of page) {
        const bad = verifier.push(entry);
        if (bad) return { ok: false, entries: count, firstBad: bad };
        count += 1;
      }
      after = page[page.length - 1]!.seq;
    }
    const head = await readAuditHead(this.db);
    if (head.seq !== verifier.head.seq || head.hash !== verifier.head.hash) {
      return {
        ok: false,
        entries: count,
        firstBad: { seq: verifier.head.seq, id: '', message: 'The audit head does not match the last entry: entries were removed' },
      };
    }
    return { ok: true, entries: count, head };
  }
}
