import { canSeeFacility, requireFacility, requirePermission, type Actor } from '../access';

/**
 * The guard force is readable only by the roles that manage it (guards.read: admin, commander, officer), each within
 * their facility scope; planning the force (staff, posts, rosters, thresholds, custodians) needs guards.manage, and a
 * check-in at a gate needs guards.attendance.
 */
export function requireGuardsRead(actor: Actor, facilityId?: string): void {
  requirePermission(actor, 'guards.read');
  if (facilityId) requireFacility(actor, facilityId);
}

export function requireGuardsManage(actor: Actor, facilityId: string): void {
  requirePermission(actor, 'guards.manage');
  requireFacility(actor, facilityId);
}

export function requireAttendance(actor: Actor, facilityId: string): void {
  requirePermission(actor, 'guards.attendance');
  requireFacility(actor, facilityId);
}

export const canSeeGuardsOf = canSeeFacility;
