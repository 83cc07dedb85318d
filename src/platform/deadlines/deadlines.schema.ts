import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The deadlines table (migration 0024_deadlines), owned by the platform: modules reach it only through `Deadlines`
 * (schedule, cancel, handlers). The queries are SQL in `deadlines.ts`; this declaration is the record of the shape.
 */
export const deadlines = pgTable('deadlines', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  subjectId: uuid('subject_id').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  remindAt: timestamp('remind_at', { withTimezone: true }),
  firedAt: timestamp('fired_at', { withTimezone: true }),
  remindedAt: timestamp('reminded_at', { withTimezone: true }),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  payload: jsonb('payload').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error'),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
});
