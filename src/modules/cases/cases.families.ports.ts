import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';

/** What the family work needs of the registry (relations and households stay the registry's). */
export interface FamiliesPorts {
  persons: {
    /** The person in the actor's scope, or 404/403 (not audited: the caller audits with its purpose). */
    loadInScope(
      db: Db,
      actor: Actor,
      personId: string,
    ): Promise<{ id: string; householdId: string | null; placement: { facilityId: string | null } | null; registeredFacilityId: string | null }>;
    inScopeAmong(db: Db, actor: Actor, personIds: readonly string[]): Promise<Set<string>>;
    /** Persons ranked by the names module's score against a name, in the actor's scope. */
    searchByName(actor: Actor, name: string, limit: number): Promise<{ id: string; name: string; score: number }[]>;
  };
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
}
