import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The two-person rule's pending requests and their decisions (migration 0021). Not part of the ledger. */
export const custodyConfirmations = pgTable('custody_confirmations', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  facilityId: uuid('facility_id'),
  type: text('type').notNull(),
  request: jsonb('request').notNull(),
  status: text('status').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  requestedBy: uuid('requested_by'),
  requestedByUsername: text('requested_by_username').notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: uuid('decided_by'),
  decidedByUsername: text('decided_by_username'),
  decisionReason: text('decision_reason'),
  eventId: uuid('event_id'),
});
