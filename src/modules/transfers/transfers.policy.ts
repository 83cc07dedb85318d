import { ForbiddenError, NotFoundError } from '../../platform/errors';
import { canSeeFacility, type Actor } from '../access';
import type { MovementRow } from './transfers.repository';

/** Roles that hold persons in custody at a facility: the only ones who may sign for it. */
export const CUSTODIAN_ROLES = ['admin', 'commander', 'officer'];

/** A movement is seen by anyone whose scope holds either end of it; an unknown one is a 404 before any scope check. */
export function movementInScope(actor: Actor, movementId: string, m: MovementRow | undefined): MovementRow {
  if (!m) throw new NotFoundError('transfers.movement_not_found', `No movement ${movementId}`);
  if (!canSeeFacility(actor, m.fromFacilityId) && !canSeeFacility(actor, m.toFacilityId)) {
    throw new ForbiddenError('access.out_of_scope', 'This movement is outside your scope');
  }
  return m;
}

/** Only a custodian there (a custody role whose scope holds the facility) may act or sign for it. */
export function requireCustodian(actor: Actor, facilityId: string, what: string): void {
  if (!CUSTODIAN_ROLES.includes(actor.role) || !canSeeFacility(actor, facilityId)) {
    throw new ForbiddenError('transfers.not_custodian', `Only a custodian of facility ${facilityId} may ${what}`, { facilityId });
  }
}
