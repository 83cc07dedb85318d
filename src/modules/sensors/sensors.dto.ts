import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import {
  CorrelationSettings,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  REPORT_SEVERITIES,
  REPORT_STATUSES,
  REPORT_TYPES,
  SENSOR_KINDS,
  SENSOR_STATES,
} from './sensors.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only (it is a segment of an MQTT topic)');
const page = {
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

export const IdParams = z.object({ id: z.uuid() });

// --- sensors -------------------------------------------------------------------------------------------------------

export const CreateSensorBody = z.object({
  facilityId: z.uuid(),
  code,
  name: text(200),
  kind: z.enum(SENSOR_KINDS),
  /** The perimeter sector (free text such as `north-fence`): alarms of one sector add up to one incident. */
  sector: code,
  /** Units nearby: the posts manned there, their last roll call, and whom an emergency headcount counts. */
  unitIds: z.array(z.uuid()).max(50).default([]),
  /** Position on the facility map, 0..1000 on both axes (west to east, north to south). */
  x: z.number().min(0).max(1000),
  y: z.number().min(0).max(1000),
  heartbeatSeconds: z.number().int().min(5).max(86_400).default(60),
});
export type CreateSensorInput = z.infer<typeof CreateSensorBody>;

/** What may change of a placed sensor (its code and kind are its identity on the wire: place a new one instead). */
export const UpdateSensorBody = z
  .object({
    name: text(200).optional(),
    sector: code.optional(),
    unitIds: z.array(z.uuid()).max(50).optional(),
    x: z.number().min(0).max(1000).optional(),
    y: z.number().min(0).max(1000).optional(),
    heartbeatSeconds: z.number().int().min(5).max(86_400).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Name at least one of name, sector, unitIds, x, y, heartbeatSeconds');
export type UpdateSensorInput = z.infer<typeof UpdateSensorBody>;
export const DecommissionSensorBody = z.object({ reason: text(500) });

export const ListSensorsQuery = z.object({ facilityId: z.uuid().optional(), sector: code.optional(), ...page });

export const SensorResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(SENSOR_KINDS),
  sector: z.string(),
  unitIds: z.array(z.uuid()),
  x: z.number(),
  y: z.number(),
  heartbeatSeconds: count,
  state: z.enum(SENSOR_STATES),
  stateSince: instant,
  lastHeardAt: instant.nullable(),
  lastEventAt: instant.nullable(),
  lastEventType: z.string().nullable(),
});
export const SensorPageResponse = z.object({ total: count, rows: z.array(SensorResponse) });

/** One message as a device sends it, for systems that post instead of publishing over MQTT. */
export const WebhookMessage = z.object({
  /** The facility code (the `<site>` of the MQTT topic). */
  site: code,
  /** The sensor code (the `<sensor>` of the MQTT topic). */
  sensor: code,
  channel: z.enum(['event', 'heartbeat']).default('event'),
  /** The JSON the device would publish (see docs/sensors.md); checked like an MQTT payload (bad: dead-lettered). */
  payload: z.unknown(),
});
export const WebhookBody = z.object({ messages: z.array(WebhookMessage).min(1).max(5000) });
export type WebhookInput = z.infer<typeof WebhookBody>;

export const IngestReceipt = z.object({
  received: count,
  accepted: count,
  duplicates: count,
  heartbeats: count,
  deadLettered: count,
  incidentsOpened: z.array(z.uuid()),
});

export const DeadLettersQuery = z.object({ ...page });
export const DeadLettersResponse = z.object({
  total: count,
  byReason: z.array(z.object({ reason: z.string(), count })),
  rows: z.array(
    z.object({
      id: z.uuid(),
      receivedAt: instant,
      source: z.string(),
      topic: z.string().nullable(),
      reason: z.string(),
      detail: z.string().nullable(),
      payload: z.string().nullable(),
    }),
  ),
});

// --- incidents -----------------------------------------------------------------------------------------------------

export const IncidentContext = z.object({
  /** The posts of the units nearby (or the facility's gates and towers) and who was on duty when it opened. */
  posts: z.array(z.object({ postId: z.uuid(), code: z.string(), kind: z.string(), minStaff: count, present: count })),
  /** The last closed roll call of each unit nearby, with its Delta. */
  rollcalls: z.array(
    z.object({ unitId: z.uuid(), unitCode: z.string(), rollcallId: z.uuid(), closedAt: z.string(), expected: count, present: count, delta: count }),
  ),
  sensors: z.array(z.string()),
});
export type IncidentContext = z.infer<typeof IncidentContext>;

export const IncidentResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  sector: z.string(),
  unitIds: z.array(z.uuid()),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(INCIDENT_SEVERITIES),
  title: z.string(),
  firstAlarmAt: instant,
  lastAlarmAt: instant,
  alarmCount: count,
  openedAt: instant,
  acknowledgedAt: instant.nullable(),
  respondingAt: instant.nullable(),
  containedAt: instant.nullable(),
  closedAt: instant.nullable(),
  /** From the first alarm to the acknowledgement, and to the close (null until then). */
  secondsToAcknowledge: count.nullable(),
  secondsToClose: count.nullable(),
  context: IncidentContext,
  headcountRollcallId: z.uuid().nullable(),
});
export const IncidentPageResponse = z.object({ total: count, rows: z.array(IncidentResponse) });

export const IncidentDetailResponse = IncidentResponse.extend({
  actions: z.array(z.object({ id: z.uuid(), at: instant, actorName: z.string(), kind: z.string(), note: z.string().nullable() })),
  evidence: z.array(z.object({ id: z.uuid(), kind: z.string(), ref: z.string(), note: z.string().nullable(), addedAt: instant })),
  alarms: z.array(z.object({ id: z.uuid(), sensorCode: z.string(), type: z.string(), weight: count, occurredAt: instant })),
});

export const ListIncidentsQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum([...INCIDENT_STATUSES, 'live']).optional(),
  ...page,
});

export const TransitionBody = z.object({
  to: z.enum(INCIDENT_STATUSES.slice(1) as ['acknowledged', 'responding', 'contained', 'closed']),
  note: text(2000).optional(),
});
export const ActionBody = z.object({ note: text(2000) });
export const EvidenceBody = z.object({
  kind: z.enum(['photo', 'video', 'document', 'sensor_event', 'staff_report', 'other']),
  /** Where the evidence is: a file reference, a camera clip id, a sensor event or report id. */
  ref: text(500),
  note: text(2000).optional(),
});
export const HeadcountResponse = z.object({ incidentId: z.uuid(), rollcallId: z.uuid(), facilityId: z.uuid(), unitIds: z.array(z.uuid()) });

// --- operations room -----------------------------------------------------------------------------------------------

export const OperationsResponse = z.object({
  facilityId: z.uuid(),
  facilityCode: z.string(),
  at: instant,
  online: z.object({ total: count, online: count, share: z.number().nullable() }),
  sensors: z.array(SensorResponse.extend({ incidentId: z.uuid().nullable() })),
  sectors: z.array(z.object({ sector: z.string(), total: count, online: count, alarms24h: count, liveIncidents: count })),
  incidents: z.array(IncidentResponse),
  /** Over the incidents of the last 30 days: median seconds to acknowledge and to close. */
  timing: z.object({ incidents30d: count, medianSecondsToAcknowledge: z.number().nullable(), medianSecondsToClose: z.number().nullable() }),
});

export const SettingsResponse = CorrelationSettings;

// --- staff reports -------------------------------------------------------------------------------------------------

export const CreateStaffReportBody = z.object({
  facilityId: z.uuid(),
  type: z.enum(REPORT_TYPES),
  severity: z.enum(REPORT_SEVERITIES),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  summary: text(4000),
  unitIds: z.array(z.uuid()).max(50).default([]),
  /** Persons concerned: each must be held in the report's facility now. */
  personIds: z.array(z.uuid()).max(200).default([]),
  incidentId: z.uuid().optional(),
  followUp: text(2000).optional(),
  followUpDue: z.iso.datetime({ offset: true }).optional(),
});
export type CreateStaffReportInput = z.infer<typeof CreateStaffReportBody>;

export const UpdateStaffReportBody = z
  .object({
    status: z.enum(REPORT_STATUSES).optional(),
    followUp: text(2000).optional(),
    followUpDue: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'Name at least one of status, followUp, followUpDue');
export type UpdateStaffReportInput = z.infer<typeof UpdateStaffReportBody>;

export const ListStaffReportsQuery = z.object({
  facilityId: z.uuid().optional(),
  type: z.enum(REPORT_TYPES).optional(),
  status: z.enum(REPORT_STATUSES).optional(),
  ...page,
});

export const StaffReportResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  type: z.enum(REPORT_TYPES),
  severity: z.enum(REPORT_SEVERITIES),
  occurredAt: instant,
  summary: z.string(),
  unitIds: z.array(z.uuid()),
  /** Shown to roles that read person records; others see only how many. */
  personIds: z.array(z.uuid()).nullable(),
  personCount: count,
  incidentId: z.uuid().nullable(),
  status: z.enum(REPORT_STATUSES),
  followUp: z.string().nullable(),
  followUpDue: instant.nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export const StaffReportPageResponse = z.object({ total: count, rows: z.array(StaffReportResponse) });
