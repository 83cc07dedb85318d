import { ForbiddenError } from '../../platform/errors';
import { canSeeFacility, canSeePerson, hasPermission, type Actor, type Permission } from './access.domain';

/** Throws 403 when the actor's role lacks the permission. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!hasPermission(actor.role, permission)) {
    throw new ForbiddenError('access.forbidden', `The ${actor.role} role may not ${permission.replace('.', ' ')}`, {
      permission,
    });
  }
}

export function requireFacility(actor: Actor, facilityId: string): void {
  if (!canSeeFacility(actor, facilityId)) {
    throw new ForbiddenError('access.out_of_scope', 'This facility is outside your scope');
  }
}

export function requirePersonInScope(actor: Actor, person: { facilityIds: readonly (string | null)[]; nationalities: readonly string[] }): void {
  if (!canSeePerson(actor, person)) {
    throw new ForbiddenError('access.out_of_scope', 'This person is outside your scope');
  }
}
