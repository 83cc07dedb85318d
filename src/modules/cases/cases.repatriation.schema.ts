import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A request to a state to take back one of its nationals (migration 0025). */
export const repatriationRequests = pgTable('repatriation_requests', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  state: text('state').notNull(),
  stage: text('stage').notNull(),
  nationalityStatus: text('nationality_status').notNull(),
  nationalityDecidedAt: timestamp('nationality_decided_at', { withTimezone: true }),
  nationalityDecidedBy: uuid('nationality_decided_by'),
  minor: boolean('minor').notNull(),
  facilityId: uuid('facility_id'),
  dueAt: timestamp('due_at', { withTimezone: true }),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  openedBy: uuid('opened_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  representative: text('representative'),
  handoverEventId: uuid('handover_event_id'),
  reason: text('reason'),
  remindedAt: timestamp('reminded_at', { withTimezone: true }),
  alertedAt: timestamp('alerted_at', { withTimezone: true }),
});

/** The timeline of a request: each change of stage and each decision on the nationality. */
export const repatriationSteps = pgTable('repatriation_steps', {
  id: uuid('id').primaryKey(),
  requestId: uuid('request_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  recordedBy: uuid('recorded_by'),
  recordedByName: text('recorded_by_name').notNull(),
  kind: text('kind').notNull(),
  fromStage: text('from_stage'),
  toStage: text('to_stage'),
  dueAt: timestamp('due_at', { withTimezone: true }),
  note: text('note'),
});

/** A record that evidence for a child was seen (kind, reference, where kept): never the evidence itself. */
export const repatriationEvidence = pgTable('repatriation_evidence', {
  id: uuid('id').primaryKey(),
  requestId: uuid('request_id').notNull(),
  kind: text('kind').notNull(),
  reference: text('reference').notNull(),
  note: text('note'),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  recordedBy: uuid('recorded_by'),
  recordedByName: text('recorded_by_name').notNull(),
});
