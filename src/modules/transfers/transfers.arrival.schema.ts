import { pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One probe taken off a movement at arrival: what the 1:N search against the movement's gallery proposed, and the officer's decision. */
export const transferArrivalChecks = pgTable('transfer_arrival_checks', {
  id: uuid('id').primaryKey(),
  movementId: uuid('movement_id').notNull(),
  identificationId: uuid('identification_id').notNull(),
  modality: text('modality').notNull(),
  outcome: text('outcome').notNull(),
  candidatePersonId: uuid('candidate_person_id'),
  candidateScore: real('candidate_score'),
  otherMovementId: uuid('other_movement_id'),
  decision: text('decision'),
  personId: uuid('person_id'),
  reason: text('reason'),
  decidedBy: uuid('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/** A movement's stops on the way: a diversion to a new arrival facility, or a night lodged at an intermediate one. */
export const transferMovementStops = pgTable('transfer_movement_stops', {
  id: uuid('id').primaryKey(),
  movementId: uuid('movement_id').notNull(),
  kind: text('kind').notNull(),
  facilityId: uuid('facility_id').notNull(),
  previousFacilityId: uuid('previous_facility_id'),
  reason: text('reason').notNull(),
  personIds: uuid('person_ids').array().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  startedBy: uuid('started_by'),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  endedBy: uuid('ended_by'),
});
