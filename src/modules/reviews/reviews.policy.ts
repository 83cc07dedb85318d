import { hasPermission, type Actor } from '../access';

/**
 * How a reader of the timeline and the reviews sees persons: by id when their role may read person records (then
 * only those in their scope), else as the site's keyed pseudonyms (a monitor checks that nobody vanished from the
 * record without reading anybody's record).
 */
export function personView(actor: Actor): 'id' | 'pseudonym' {
  return hasPermission(actor.role, 'persons.read') ? 'id' : 'pseudonym';
}
