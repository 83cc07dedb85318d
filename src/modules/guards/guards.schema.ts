import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const guardStaff = pgTable('guard_staff', {
  id: uuid('id').primaryKey(),
  badge: text('badge').notNull(),
  fullName: text('full_name').notNull(),
  organisation: text('organisation').notNull(),
  rank: text('rank'),
  facilityId: uuid('facility_id').notNull(),
  status: text('status').notNull(),
  statusSince: timestamp('status_since', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const guardPosts = pgTable('guard_posts', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  unitId: uuid('unit_id'),
  code: text('code').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  minStaff: integer('min_staff').notNull(),
  active: boolean('active').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const guardShifts = pgTable('guard_shifts', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  postId: uuid('post_id').notNull(),
  staffId: uuid('staff_id').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  noShowAt: timestamp('no_show_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
});

export const guardAttendance = pgTable('guard_attendance', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  postId: uuid('post_id').notNull(),
  staffId: uuid('staff_id').notNull(),
  shiftId: uuid('shift_id'),
  checkedInAt: timestamp('checked_in_at', { withTimezone: true }).notNull(),
  method: text('method').notNull(),
  confirmedBy: uuid('confirmed_by'),
  lateMinutes: integer('late_minutes').notNull(),
  checkedOutAt: timestamp('checked_out_at', { withTimezone: true }),
  checkOutMethod: text('check_out_method'),
  recordedBy: uuid('recorded_by'),
});

export const guardThresholds = pgTable('guard_thresholds', {
  facilityId: uuid('facility_id').primaryKey(),
  settings: jsonb('settings').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: uuid('updated_by'),
});

export const guardRatioState = pgTable(
  'guard_ratio_state',
  {
    facilityId: uuid('facility_id').notNull(),
    sector: text('sector').notNull(),
    state: text('state').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    figures: jsonb('figures').notNull(),
  },
  (t) => [primaryKey({ columns: [t.facilityId, t.sector] })],
);

export const guardRatioHistory = pgTable('guard_ratio_history', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  sector: text('sector').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  onRoll: integer('on_roll').notNull(),
  present: integer('present').notNull(),
  postsRequired: integer('posts_required').notNull(),
  postsManned: integer('posts_manned').notNull(),
  state: text('state').notNull(),
  cause: text('cause').notNull(),
});

export const guardCustodians = pgTable('guard_custodians', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  organisation: text('organisation').notNull(),
  commander: text('commander').notNull(),
  fromAt: timestamp('from_at', { withTimezone: true }).notNull(),
  toAt: timestamp('to_at', { withTimezone: true }),
  endReason: text('end_reason'),
  recordedBy: uuid('recorded_by'),
});

export const guardHandovers = pgTable('guard_handovers', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  statement: jsonb('statement').notNull(),
  statementText: text('statement_text').notNull(),
  outgoingCustodianId: uuid('outgoing_custodian_id'),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});

export const guardHandoverSignatures = pgTable(
  'guard_handover_signatures',
  {
    handoverId: uuid('handover_id').notNull(),
    side: text('side').notNull(),
    signerId: uuid('signer_id'),
    publicKey: text('public_key').notNull(),
    signature: text('signature').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.handoverId, t.side] })],
);

export const guardSigningKeys = pgTable('guard_signing_keys', {
  userId: uuid('user_id').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
