import { canSeeFacility, requireFacility, requirePermission, type Actor } from '../access';

/**
 * The operations room (sensors, incidents, staff reports) is read by sensors.read (admin, commander, officer,
 * investigator, monitor) within the facility scope; placing sensors needs sensors.manage; posting alarms over HTTP
 * sensors.ingest; handling an incident incidents.manage; filing a report staff_reports.file.
 */
export function requireSensorsRead(actor: Actor, facilityId?: string): void {
  requirePermission(actor, 'sensors.read');
  if (facilityId) requireFacility(actor, facilityId);
}

export function requireSensorsManage(actor: Actor, facilityId: string): void {
  requirePermission(actor, 'sensors.manage');
  requireFacility(actor, facilityId);
}

export function requireIncidentsManage(actor: Actor, facilityId: string): void {
  requirePermission(actor, 'incidents.manage');
  requireFacility(actor, facilityId);
}

export function requireReportFiling(actor: Actor, facilityId: string): void {
  requirePermission(actor, 'staff_reports.file');
  requireFacility(actor, facilityId);
}

export const canSeeSensorsOf = canSeeFacility;
