import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { ChainChecks } from '../../platform/chain-checks';
import type { Db } from '../../platform/db/database';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import type { Actor } from '../access';
import { requirePermission } from '../access';
import { AuditChainBroken } from './audit.events';
import { auditEntryFor, readsAuditInFull, type AuditEntryView } from './audit.policy';
import { AuditChainVerifier, hashAuditEntry, type AuditBreak, type AuditEntry } from './audit.domain';
import type { AuditVerificationInfoResponse, AuditVerificationResponse } from './audit.dto';
import {
  countAuditEntries,
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

/** How a check was made: `full` walked every entry now; `tail` rests on the full walk of `fullCheckedAt`. */
export type AuditVerificationInfo = z.output<typeof AuditVerificationInfoResponse>;
export type AuditVerification = z.output<typeof AuditVerificationResponse>;

interface AuditCheckpoint {
  at: Date;
  seq: number;
  hash: string;
}

export class AuditService {
  private checkpoint: AuditCheckpoint | null = null;
  /** Which walk a request gets, one full walk at a time, reporting a broken chain, the periodic full walk. */
  private readonly checks: ChainChecks<AuditCheckpoint, AuditVerification>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {
    this.checks = new ChainChecks(
      clock,
      (from, pageSize) => this.walk(from, pageSize),
      () => this.checkpoint,
      60 * 60_000,
      (result) => this.reportBroken(result),
    );
  }

  private reportedBreak: string | null = null;

  /** A broken chain is a fact for the alert rules (`audit.chain_broken@1`), told once per break by this process. */
  private async reportBroken(result: AuditVerification & { ok: false }): Promise<void> {
    const bad = result.firstBad;
    const key = `${bad.seq}:${bad.id}`;
    if (this.reportedBreak === key) return;
    try {
      await this.outbox.transaction(async (tx) => {
        this.outbox.emit(tx, AuditChainBroken, { entryId: bad.id, seq: bad.seq, message: bad.message });
      });
      this.reportedBreak = key;
    } catch (err) {
      this.logger.error({ err, firstBad: bad }, 'the broken audit chain could not be recorded for the alert rules');
    }
  }

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

  /** The log, newest first, each entry as the actor may read it (audit.policy.ts: monitors get no names). */
  async list(actor: Actor, filter: Omit<AuditFilter, 'redactedFor'>): Promise<AuditEntryView[]> {
    return (await this.listPage(actor, filter, false)).rows;
  }

  /** A page of the log and how many entries its filters select for this reader (never counting what they may not find). */
  async listPage(actor: Actor, filter: Omit<AuditFilter, 'redactedFor'>, withTotal = true): Promise<{ total: number; rows: AuditEntryView[] }> {
    requirePermission(actor, 'audit.read');
    const f: AuditFilter = readsAuditInFull(actor) ? filter : { ...filter, redactedFor: { userId: actor.userId } };
    const [rows, total] = await Promise.all([listAuditEntries(this.db, f), withTotal ? countAuditEntries(this.db, f) : Promise.resolve(0)]);
    return { total, rows: rows.map((e) => auditEntryFor(actor, e)) };
  }

  /** The audit chain's head, read on `db` (a custody statement names it). */
  head(db: Db = this.db): Promise<{ seq: number; hash: string }> {
    return readAuditHead(db);
  }

  /**
   * Verifies the audit chain, like the ledger's (CustodyService.verify): `full` (default) recomputes every entry's hash
   * in seq order and checks the chain ends at the stored head, and an intact result becomes this process's checkpoint;
   * `tail` re-checks the checkpoint's entry and verifies the entries after it, saying when the whole chain was last
   * walked (`fullCheckedAt`). A tail check without a checkpoint, or on one older than `maxCheckpointAgeMs`, walks it all.
   */
  async verify(actor: Actor | null, opts: { scope?: 'full' | 'tail'; pageSize?: number; maxCheckpointAgeMs?: number } = {}): Promise<AuditVerification> {
    if (actor) requirePermission(actor, 'audit.read');
    return this.checks.verify(opts);
  }

  /** A full verification now and every `intervalMs` (a serving process), under the tail checks of the monitor view. */
  startFullChecks(opts: { intervalMs: number; onResult?: (result: AuditVerification) => void; onError?: (err: unknown) => void }): void {
    this.checks.startFullChecks(opts);
  }

  async stopFullChecks(): Promise<void> {
    await this.checks.stopFullChecks();
  }

  private async walk(from: AuditCheckpoint | null, pageSize: number): Promise<AuditVerification> {
    const started = performance.now();
    const checkedAt = this.clock.now();
    let checkedEntries = 0;
    const info = (ok: boolean) => ({
      scope: (from ? 'tail' : 'full') as 'full' | 'tail',
      checkedAt,
      checkedEntries,
      fullCheckedAt: from ? from.at : ok ? checkedAt : null,
      ...(from ? { tailFrom: { seq: from.seq, hash: from.hash } } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    const broken = (firstBad: AuditBreak, entries: number): AuditVerification => {
      if (!from || this.checkpoint === from) this.checkpoint = null;
      return { ok: false, entries, firstBad, ...info(false) };
    };
    if (from && from.seq > 0) {
      // The checkpoint's own entry must still be exactly what the full walk hashed.
      const [entry] = await readAuditChainPage(this.db, from.seq - 1, 1);
      checkedEntries += 1;
      if (!entry || entry.seq !== from.seq || entry.hash !== from.hash || hashAuditEntry(entry) !== entry.hash) {
        return broken(
          {
            seq: from.seq,
            id: entry?.seq === from.seq ? entry.id : '',
            message: `Audit entry seq ${from.seq}, verified by the full check of ${from.at.toISOString()}, was altered or removed since`,
          },
          from.seq - 1,
        );
      }
    }
    const verifier = new AuditChainVerifier(from ?? undefined);
    // The head is read after the walk (entries and head commit together), and the walk catches up with entries
    // appended meanwhile, for a few rounds, rather than take them for a mismatch.
    let head = { seq: 0, hash: '' };
    for (let round = 0; ; round++) {
      for (;;) {
        const page = await readAuditChainPage(this.db, verifier.head.seq, pageSize);
        for (const entry of page) {
          checkedEntries += 1;
          const bad = verifier.push(entry);
          if (bad) return broken(bad, verifier.head.seq);
        }
        if (page.length < pageSize) break;
      }
      head = await readAuditHead(this.db);
      if (head.seq <= verifier.head.seq || round >= 5) break;
    }
    if (head.seq !== verifier.head.seq || head.hash !== verifier.head.hash) {
      return broken({ seq: verifier.head.seq, id: '', message: 'The audit head does not match the last entry: entries were removed' }, verifier.head.seq);
    }
    if (!from || this.checkpoint === from) this.checkpoint = { at: from ? from.at : checkedAt, seq: head.seq, hash: head.hash };
    return { ok: true, entries: head.seq, head, ...info(true) };
  }
}
