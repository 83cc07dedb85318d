import { hasPermission, type Actor } from '../access';

/**
 * Who does what with cases: a legal officer writes (`cases.write`); commanders read cases (`cases.read`); monitors see
 * the figures only (`cases.figures`), never a case. Scope (facility, nationality) narrows every list and every read.
 */
export function canReadCases(actor: Actor): boolean {
  return hasPermission(actor.role, 'cases.read');
}
