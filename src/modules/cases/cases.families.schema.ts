import { pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A recorded best-interests determination for one child and one move (issue 23 part C): a transfer to a facility, or
 * (no facility, migration 0033) a release or a repatriation.
 */
export const familyBestInterests = pgTable('family_best_interests', {
  id: uuid('id').primaryKey(),
  childPersonId: uuid('child_person_id').notNull(),
  moverPersonId: uuid('mover_person_id').notNull(),
  toFacilityId: uuid('to_facility_id'),
  /** transfer (to `toFacilityId`), release or repatriation (no facility) */
  move: text('move').notNull(),
  decision: text('decision').notNull(),
  reason: text('reason').notNull(),
  decidedBy: text('decided_by').notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
});

/** A family tracing request: who asks, for whom, with consent (withdrawable), and its status. */
export const tracingRequests = pgTable('tracing_requests', {
  id: uuid('id').primaryKey(),
  requesterKind: text('requester_kind').notNull(),
  requesterPersonId: uuid('requester_person_id'),
  requesterName: text('requester_name'),
  requesterContact: text('requester_contact'),
  soughtName: text('sought_name').notNull(),
  relationship: text('relationship').notNull(),
  details: text('details'),
  facilityId: uuid('facility_id'),
  status: text('status').notNull(),
  locatedPersonId: uuid('located_person_id'),
  closedReason: text('closed_reason'),
  consentGivenBy: text('consent_given_by').notNull(),
  consentGivenAt: timestamp('consent_given_at', { withTimezone: true }).notNull(),
  consentWithdrawnAt: timestamp('consent_withdrawn_at', { withTimezone: true }),
  consentWithdrawnReason: text('consent_withdrawn_reason'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** A person of the registry proposed by name for a tracing request; confirmed or rejected only by a person. */
export const tracingMatches = pgTable('tracing_matches', {
  id: uuid('id').primaryKey(),
  requestId: uuid('request_id').notNull(),
  personId: uuid('person_id').notNull(),
  score: real('score').notNull(),
  status: text('status').notNull(),
  proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull(),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionReason: text('decision_reason'),
});
