import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The cases module's tables (migration 0024_cases_legal); queries are SQL in the repositories. */
export const legalCases = pgTable('legal_cases', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull().unique(),
  facilityId: uuid('facility_id'),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  grounds: text('grounds').notNull(),
  authority: text('authority').notNull(),
  status: text('status').notNull(),
  reviewIntervalMonths: integer('review_interval_months').notNull(),
  lastReviewAt: timestamp('last_review_at', { withTimezone: true }),
  nextReviewAt: timestamp('next_review_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  closedReason: text('closed_reason'),
  createdBy: text('created_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const legalCaseEntries = pgTable('legal_case_entries', {
  id: uuid('id').primaryKey(),
  caseId: uuid('case_id').notNull(),
  kind: text('kind').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  recordedBy: text('recorded_by').notNull(),
  details: jsonb('details').notNull(),
});

export const reintegrationCases = pgTable('reintegration_cases', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  ledgerEventId: uuid('ledger_event_id').notNull().unique(),
  reason: text('reason').notNull(),
  releasedAt: timestamp('released_at', { withTimezone: true }).notNull(),
  facilityId: uuid('facility_id'),
  programme: text('programme'),
  casePlan: text('case_plan'),
  checkinEveryDays: integer('checkin_every_days'),
  nextCheckinAt: timestamp('next_checkin_at', { withTimezone: true }),
  lastCheckinAt: timestamp('last_checkin_at', { withTimezone: true }),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const reintegrationCheckins = pgTable('reintegration_checkins', {
  id: uuid('id').primaryKey(),
  caseId: uuid('case_id').notNull(),
  heldAt: timestamp('held_at', { withTimezone: true }).notNull(),
  note: text('note').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  recordedBy: text('recorded_by').notNull(),
});

export const reintegrationOutcomes = pgTable(
  'reintegration_outcomes',
  {
    caseId: uuid('case_id').notNull(),
    month: integer('month').notNull(),
    outcome: text('outcome').notNull(),
    note: text('note').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.month] })],
);
