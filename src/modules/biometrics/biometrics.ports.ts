import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { PersonView } from '../registry';

/**
 * What biometrics needs of the registry: a scoped read of a person (not found / out of scope as a read of the record
 * would answer), before enrolling, matching or deciding about that person.
 */
export interface BiometricPersons {
  loadInScope(db: Db, actor: Actor, personId: string): Promise<PersonView>;
  /** Which of these persons the actor may see (unknown ids left out), for lists such as a page of photos. */
  inScopeAmong(db: Db, actor: Actor, ids: readonly string[]): Promise<Set<string>>;
}
