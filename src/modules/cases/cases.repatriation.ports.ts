import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { AppendOptions, AppendRequest, LedgerEvent } from '../custody';

/** The deadline scheduler (platform/deadlines) as repatriation uses it: one deadline per request, for its stage. */
export interface RepatriationDeadlines {
  schedule(tx: Db, input: { kind: string; subjectId: string; dueAt: Date; remindAt?: Date | null; payload?: Record<string, unknown> }): Promise<string>;
  cancel(tx: Db, kind: string, subjectId: string): Promise<number>;
}

export interface RepatriationPorts {
  /** The custody ledger: REPATRIATED with the request as evidence, in the caller's transaction. */
  ledger: { appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<LedgerEvent[]> };
  /** Which of these persons the actor may see (the registry's rule). */
  persons: { inScopeAmong(db: Db, actor: Actor, ids: readonly string[]): Promise<Set<string>> };
  /** Stage deadlines with reminders and alerts; absent, the deadline is still kept on the request and shown overdue. */
  deadlines?: RepatriationDeadlines | null;
}
