import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { AppendOptions, AppendRequest, LedgerEvent } from '../custody';

export interface TransfersPorts {
  /** The custody ledger: TRANSFER_DEPARTED at departure, TRANSFER_ARRIVED at the receipt, in the caller's transaction. */
  ledger: { appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<LedgerEvent[]> };
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
  /** Why a cited 1:1 verification cannot back a boarding (null when it can): that person's, passed, recent. */
  citedVerificationProblem(db: Db, verificationId: string, claim: { personId: string; at: Date }): Promise<string | null>;
  /**
   * The best-interests step (cases, families): refuses (409 families.best_interests_required) a set of planned
   * departures that would take a child's carer away without the child, or the child without the carer, unless a
   * best-interests determination approves it. Called when a manifest is approved, in its transaction.
   */
  bestInterests?(tx: Db, departures: readonly PlannedDeparture[]): Promise<void>;
}

/** One person a manifest would take from a facility to another. */
export interface PlannedDeparture {
  personId: string;
  fromFacilityId: string;
  toFacilityId: string;
}
