import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { ChainHead, LedgerEvent } from '../custody';
import type { IncidentReviewSubject } from '../sensors';

/** What the reviews module needs of the others, wired in the composition root. */
export interface ReviewsPorts {
  ledger: {
    chainHeads(db: Db): Promise<ChainHead[]>;
    chainPage(db: Db, siteId: string, afterSeq: number, upToSeq: number, limit: number): Promise<LedgerEvent[]>;
    chainHashes(db: Db, siteId: string, afterSeq: number, upToSeq: number, limit: number): Promise<{ lastSeq: number; hashes: string[] }>;
    eventById(db: Db, id: string): Promise<LedgerEvent | null>;
    /** Every escape (ESCAPED) from a facility, newest first. */
    escapesFrom(db: Db, facilityId: string): Promise<{ id: string; personId: string; occurredAt: Date; fromUnitId: string | null }[]>;
  };
  auditHead(db: Db): Promise<{ seq: number; hash: string }>;
  personInScope(db: Db, actor: Actor, personId: string): Promise<boolean>;
  /** The persons among `ids` that `actor` may see (registry's scope rule). */
  personsInScope(db: Db, actor: Actor, ids: readonly string[]): Promise<Set<string>>;
  /** An incident (sensors module) as the subject of a timeline, or null when there is none. */
  incident(db: Db, id: string): Promise<IncidentReviewSubject | null>;
}
