import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const rollcalls = pgTable('rollcalls', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  unitIds: uuid('unit_ids').array().notNull(),
  status: text('status').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  openedBy: uuid('opened_by'),
  closingAt: timestamp('closing_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  closedBy: uuid('closed_by'),
  expectedCount: integer('expected_count').notNull(),
  result: jsonb('result'),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  cancelledBy: uuid('cancelled_by'),
  cancelReason: text('cancel_reason'),
});

export const rollcallExpected = pgTable('rollcall_expected', {
  rollcallId: uuid('rollcall_id').notNull(),
  personId: uuid('person_id').notNull(),
  unitId: uuid('unit_id'),
  status: text('status').notNull(),
  outReason: text('out_reason'),
});

export const rollcallMarks = pgTable(
  'rollcall_marks',
  {
    id: uuid('id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    rollcallId: uuid('rollcall_id').notNull(),
    personId: uuid('person_id').notNull(),
    result: text('result').notNull(),
    reason: text('reason'),
    note: text('note'),
    method: text('method'),
    verificationRef: text('verification_ref'),
    unitId: uuid('unit_id'),
    expected: boolean('expected').notNull(),
    misplaced: boolean('misplaced').notNull(),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull(),
    markedBy: uuid('marked_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.rollcallId, t.id] })],
);

export const rollcallUnitResults = pgTable('rollcall_unit_results', {
  id: uuid('id').primaryKey(),
  rollcallId: uuid('rollcall_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  unitId: uuid('unit_id'),
  closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
  expected: integer('expected').notNull(),
  present: integer('present').notNull(),
  excused: integer('excused').notNull(),
  delta: integer('delta').notNull(),
  misplacedIn: integer('misplaced_in').notNull(),
  misplacedOut: integer('misplaced_out').notNull(),
});

export const rollcallSchedules = pgTable('rollcall_schedules', {
  facilityId: uuid('facility_id').primaryKey(),
  times: text('times').array().notNull(),
  utcOffsetMinutes: integer('utc_offset_minutes').notNull(),
  graceMinutes: integer('grace_minutes').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  active: boolean('active').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: uuid('updated_by'),
});

/** Persons unaccounted at a closed roll call (what "absent at consecutive roll calls" alerts count). */
export const rollcallAbsences = pgTable(
  'rollcall_absences',
  {
    rollcallId: uuid('rollcall_id').notNull(),
    personId: uuid('person_id').notNull(),
    unitId: uuid('unit_id'),
  },
  (t) => [primaryKey({ columns: [t.rollcallId, t.personId] })],
);
