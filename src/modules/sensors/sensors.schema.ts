import { boolean, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const sensors = pgTable('sensors', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  sector: text('sector').notNull(),
  unitIds: uuid('unit_ids').array().notNull(),
  x: real('x').notNull(),
  y: real('y').notNull(),
  heartbeatSeconds: integer('heartbeat_seconds').notNull(),
  state: text('state').notNull(),
  stateSince: timestamp('state_since', { withTimezone: true }).notNull(),
  silentAfter: timestamp('silent_after', { withTimezone: true }).notNull(),
  lastHeardAt: timestamp('last_heard_at', { withTimezone: true }),
  lastEventAt: timestamp('last_event_at', { withTimezone: true }),
  lastEventType: text('last_event_type'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const sensorEvents = pgTable('sensor_events', {
  id: uuid('id').primaryKey(),
  sensorId: uuid('sensor_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  sector: text('sector').notNull(),
  deviceEventId: text('device_event_id').notNull(),
  type: text('type').notNull(),
  alarm: boolean('alarm').notNull(),
  weight: integer('weight').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  value: jsonb('value'),
  incidentId: uuid('incident_id'),
});

export const sensorDeadLetters = pgTable('sensor_dead_letters', {
  id: uuid('id').primaryKey(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  source: text('source').notNull(),
  topic: text('topic'),
  reason: text('reason').notNull(),
  detail: text('detail'),
  payload: text('payload'),
});

export const incidents = pgTable('incidents', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  sector: text('sector').notNull(),
  unitIds: uuid('unit_ids').array().notNull(),
  status: text('status').notNull(),
  severity: text('severity').notNull(),
  title: text('title').notNull(),
  firstAlarmAt: timestamp('first_alarm_at', { withTimezone: true }).notNull(),
  lastAlarmAt: timestamp('last_alarm_at', { withTimezone: true }).notNull(),
  alarmCount: integer('alarm_count').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  acknowledgedBy: uuid('acknowledged_by'),
  respondingAt: timestamp('responding_at', { withTimezone: true }),
  respondingBy: uuid('responding_by'),
  containedAt: timestamp('contained_at', { withTimezone: true }),
  containedBy: uuid('contained_by'),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  closedBy: uuid('closed_by'),
  context: jsonb('context').notNull(),
  headcountRollcallId: uuid('headcount_rollcall_id'),
});

export const incidentActions = pgTable('incident_actions', {
  id: uuid('id').primaryKey(),
  incidentId: uuid('incident_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actorId: uuid('actor_id'),
  actorName: text('actor_name').notNull(),
  kind: text('kind').notNull(),
  note: text('note'),
});

export const incidentEvidence = pgTable('incident_evidence', {
  id: uuid('id').primaryKey(),
  incidentId: uuid('incident_id').notNull(),
  kind: text('kind').notNull(),
  ref: text('ref').notNull(),
  note: text('note'),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  addedBy: uuid('added_by'),
});

export const staffReports = pgTable('staff_reports', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  type: text('type').notNull(),
  severity: text('severity').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  summary: text('summary').notNull(),
  unitIds: uuid('unit_ids').array().notNull(),
  personIds: uuid('person_ids').array().notNull(),
  incidentId: uuid('incident_id'),
  status: text('status').notNull(),
  followUp: text('follow_up'),
  followUpDue: timestamp('follow_up_due', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
