import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** After-action review documents (migration 0023): the AAR sections, the frozen timeline and findings, the life. */
export const afterActionReviews = pgTable('after_action_reviews', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  incidentId: uuid('incident_id'),
  title: text('title').notNull(),
  windowFrom: timestamp('window_from', { withTimezone: true }).notNull(),
  windowTo: timestamp('window_to', { withTimezone: true }).notNull(),
  status: text('status').notNull(),
  sections: jsonb('sections').notNull(),
  snapshot: jsonb('snapshot').notNull(),
  snapshotHash: text('snapshot_hash').notNull(),
  snapshotAt: timestamp('snapshot_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  submittedByName: text('submitted_by_name'),
  submittedAt: timestamp('submitted_at', { withTimezone: true }),
  approvedBy: uuid('approved_by'),
  approvedByName: text('approved_by_name'),
  approvedAt: timestamp('approved_at', { withTimezone: true }),
  signedText: text('signed_text'),
  signature: text('signature'),
  publicKey: text('public_key'),
});
