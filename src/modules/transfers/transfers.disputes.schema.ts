import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One count discrepancy of a movement (a missing or an extra person) resolved by an officer, with the reason. */
export const transferDiscrepancyResolutions = pgTable('transfer_discrepancy_resolutions', {
  id: uuid('id').primaryKey(),
  movementId: uuid('movement_id').notNull(),
  personId: uuid('person_id').notNull(),
  side: text('side').notNull(),
  kind: text('kind').notNull(),
  otherMovementId: uuid('other_movement_id'),
  reason: text('reason').notNull(),
  verificationId: uuid('verification_id'),
  resolvedBy: uuid('resolved_by'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }).notNull(),
});
