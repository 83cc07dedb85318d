import { customType, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

/** A guard's face: an envelope under the template key, bound to the guard; never in the persons' galleries. */
export const guardStaffTemplates = pgTable('guard_staff_templates', {
  id: uuid('id').primaryKey(),
  staffId: uuid('staff_id').notNull(),
  model: text('model').notNull(),
  keyId: text('key_id').notNull(),
  envelope: bytea('envelope'),
  quality: real('quality').notNull(),
  enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull(),
  enrolledBy: uuid('enrolled_by'),
  erasedAt: timestamp('erased_at', { withTimezone: true }),
  erasedBy: uuid('erased_by'),
  eraseReason: text('erase_reason'),
});

/** A 1:1 verification of a guard at a gate; a biometric check-in cites it, once. */
export const guardStaffVerifications = pgTable('guard_staff_verifications', {
  id: uuid('id').primaryKey(),
  staffId: uuid('staff_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  templateId: uuid('template_id').notNull(),
  result: text('result').notNull(),
  score: real('score').notNull(),
  threshold: real('threshold').notNull(),
  targetFmr: real('target_fmr').notNull(),
  model: text('model').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  byUser: uuid('by_user'),
  usedByAttendanceId: uuid('used_by_attendance_id'),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
