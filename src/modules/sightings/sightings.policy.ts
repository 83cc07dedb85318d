import { ForbiddenError } from '../../platform/errors';
import { canSeeFacility, isFacilityScoped, type Actor } from '../access';

/** The facilities a reader is narrowed to (null: not narrowed). Lists filter by them; they never count hidden rows. */
export function facilityScope(actor: Actor): readonly string[] | null {
  return isFacilityScoped(actor) ? actor.facilityIds : null;
}

/** A sighting is seen by readers of the facility the person left (or by anyone unscoped). */
export function requireSightingInScope(actor: Actor, sighting: { facility_id: string | null }): void {
  if (!isFacilityScoped(actor)) return;
  if (sighting.facility_id && canSeeFacility(actor, sighting.facility_id)) return;
  throw new ForbiddenError('sightings.out_of_scope', 'This sighting concerns a facility outside your scope');
}

/** A recapture admits the person to a facility: it must be one the actor works for. */
export function requireAdmissionInScope(actor: Actor, facilityId: string): void {
  if (!canSeeFacility(actor, facilityId)) {
    throw new ForbiddenError('sightings.out_of_scope', 'You may record admissions only to the facilities of your scope');
  }
}
