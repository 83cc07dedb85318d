import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';

/** What screening needs of the registry: a scoped read of a person (an officer's request, a decision on a hit). */
export interface ScreeningPersons {
  loadInScope(db: Db, actor: Actor, personId: string): Promise<{ possiblyMinor: boolean }>;
}
