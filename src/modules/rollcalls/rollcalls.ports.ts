import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { AppendOptions, AppendRequest } from '../custody';

/** The custody ledger, for the UNACCOUNTED and ACCOUNTED events a roll call records. */
export interface RollcallLedger {
  appendMany(actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<unknown[]>;
  /** Inside the caller's outbox transaction (the close). */
  appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<unknown[]>;
}

export interface RollcallsPorts {
  ledger: RollcallLedger;
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
  /**
   * Why a cited biometric verification cannot back a mark (null when it can): a matching 1:1 verification of that
   * person in that modality, made shortly before (the biometrics module).
   */
  citedVerificationProblem(db: Db, verificationId: string, claim: { personId: string; modality: 'face' | 'fingerprint'; at: Date }): Promise<string | null>;
  /**
   * The alerts a close gave rise to, once the alert rules have reacted to it (they react to `rollcall.closed@1` from
   * the outbox): the close's answer names them. Never throws for a missing reaction; an empty list then.
   */
  alertsRaisedBy(rollcallId: string): Promise<{ id: string; rule: string; severity: string }[]>;
}
