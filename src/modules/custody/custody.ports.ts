import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';

/** What the ledger needs of the registry: which persons exist, and a scoped read of one (audited by the caller). */
export interface CustodyPersons {
  existing(db: Db, personIds: string[]): Promise<Set<string>>;
  /** Throws not found / out of scope, as a read of the person record would. */
  loadInScope(db: Db, actor: Actor, personId: string): Promise<unknown>;
  /** Which of these persons the actor may see (the rule of `loadInScope`, for many). */
  inScopeAmong(db: Db, actor: Actor, personIds: readonly string[]): Promise<Set<string>>;
}

/** What the ledger needs of facilities: that a facility or unit exists (and a unit's facility). */
export interface CustodyFacilities {
  require(db: Db, facilityId: string): Promise<unknown>;
  requireUnit(db: Db, unitId: string): Promise<{ facilityId: string }>;
}

/**
 * What the ledger needs of the cases module (issue 23): REPATRIATED only for a person whose state has accepted them
 * (a repatriation request accepted, or with travel documents); the map gives each such person's request.
 */
export interface CustodyRepatriations {
  acceptedAmong(db: Db, personIds: readonly string[]): Promise<Map<string, string>>;
}

/** A person's place before and after an event of a batch about to be sealed. */
export interface CustodyMove {
  personId: string;
  type: string;
  before: { status: string; facilityId: string | null; destinationFacilityId: string | null };
  after: { status: string; facilityId: string | null; destinationFacilityId: string | null };
}

export interface CustodyPorts {
  persons: CustodyPersons;
  facilities: CustodyFacilities;
  repatriations: CustodyRepatriations;
  /**
   * Rules other modules hold over moves (the best-interests step before a move that would separate a child from their
   * carer): called in the ledger's transaction with the batch's moves before anything is written; throwing refuses
   * the whole batch.
   */
  moveChecks?: (tx: Db, moves: readonly CustodyMove[]) => Promise<void>;
}
