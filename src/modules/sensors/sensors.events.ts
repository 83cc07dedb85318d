import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

const when = z.iso.datetime({ offset: true });

/** Alarms of a sector added up to an incident (the alert rules raise it on the alert stream). */
export const IncidentOpened = defineEvent(
  'incident.opened',
  1,
  z.object({
    incidentId: z.uuid(),
    facilityId: z.uuid(),
    facilityCode: z.string(),
    sector: z.string(),
    severity: z.enum(['warning', 'critical']),
    title: z.string(),
    firstAlarmAt: when,
    alarmCount: z.number().int(),
    openedAt: when,
  }),
);

/** An incident took a step of its life (acknowledged, responding, contained, closed), by whom and when. */
export const IncidentStatusChanged = defineEvent(
  'incident.status_changed',
  1,
  z.object({ incidentId: z.uuid(), facilityId: z.uuid(), from: z.string(), to: z.string(), at: when, by: z.string().nullable() }),
);

/** Sensors of one sector went silent together: a dead zone on the perimeter (one event per sector and scan). */
export const SensorsWentDark = defineEvent(
  'sensors.dead_zone',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    sector: z.string(),
    at: when,
    sensors: z.array(z.object({ id: z.uuid(), code: z.string(), lastHeardAt: when.nullable() })),
    sectorTotal: z.number().int(),
  }),
);

/** Silent sensors were heard again. */
export const SensorsRestored = defineEvent('sensors.restored', 1, z.object({ facilityId: z.uuid(), sensorIds: z.array(z.uuid()), at: when }));

/** A member of staff filed an incident report (riot, assault, contraband, ...). */
export const StaffReportFiled = defineEvent(
  'staff_report.filed',
  1,
  z.object({ reportId: z.uuid(), facilityId: z.uuid(), type: z.string(), severity: z.string(), incidentId: z.uuid().nullable() }),
);
