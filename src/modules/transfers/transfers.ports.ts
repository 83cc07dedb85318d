import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { AppendOptions, AppendRequest, LedgerEvent } from '../custody';

export interface TransfersPorts {
  /** The custody ledger: TRANSFER_DEPARTED at departure, TRANSFER_ARRIVED at the receipt, in the caller's transaction. */
  ledger: { appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<LedgerEvent[]> };
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
  /** Why a cited 1:1 verification cannot back a boarding (null when it can): that person's, passed, recent. */
  citedVerificationProblem(db: Db, verificationId: string, claim: { personId: string; at: Date }): Promise<string | null>;
}
