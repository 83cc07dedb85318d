/** Perimeter sensors, their ingest (MQTT, webhook) and health, incidents, staff incident reports (issue 20). */
export { SensorsService, sensorView, incidentView, type SensorView, type IncidentView, type RawMessage, type IngestResult } from './sensors.service';
export { IncidentsService, type IncidentsPorts, type IncidentReviewSubject, type StaffReportView } from './sensors.incidents.service';
export { MqttIngest, type MqttIngestOptions, type IngestCounters } from './sensors.mqtt';
export { IncidentOpened, IncidentStatusChanged, SensorsWentDark, SensorsRestored, StaffReportFiled } from './sensors.events';
export {
  SENSOR_KINDS,
  EVENT_TYPES,
  REPORT_TYPES,
  INCIDENT_STATUSES,
  EventPayload,
  HeartbeatPayload,
  CorrelationSettings,
  DEFAULT_CORRELATION,
  parseTopic,
  classify,
  type SensorKind,
} from './sensors.domain';
export type { CreateSensorInput, CreateStaffReportInput } from './sensors.dto';
export { SIM_PATTERNS, simulate, type SimPattern } from './sensors.simulate';
export { sensors, sensorEvents } from './sensors.schema';
