import { boolean, doublePrecision, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const guardPatrolRoutes = pgTable('guard_patrol_routes', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  postId: uuid('post_id'),
  roundIntervalMinutes: integer('round_interval_minutes').notNull(),
  checkpointWindowMinutes: integer('checkpoint_window_minutes').notNull(),
  active: boolean('active').notNull(),
  activeSince: timestamp('active_since', { withTimezone: true }).notNull(),
  gapsCheckedUntil: timestamp('gaps_checked_until', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
});

export const guardPatrolCheckpoints = pgTable('guard_patrol_checkpoints', {
  id: uuid('id').primaryKey(),
  routeId: uuid('route_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  position: integer('position').notNull(),
  tagId: text('tag_id').notNull(),
  name: text('name').notNull(),
  unitId: uuid('unit_id'),
  lat: doublePrecision('lat'),
  lon: doublePrecision('lon'),
});

export const guardPatrolRuns = pgTable('guard_patrol_runs', {
  id: uuid('id').primaryKey(),
  routeId: uuid('route_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  staffId: uuid('staff_id').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  status: text('status').notNull(),
  scanned: integer('scanned').notNull(),
  missed: integer('missed').notNull(),
  recordedBy: uuid('recorded_by'),
});

export const guardPatrolScans = pgTable('guard_patrol_scans', {
  id: uuid('id').primaryKey(),
  runId: uuid('run_id').notNull(),
  routeId: uuid('route_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  checkpointId: uuid('checkpoint_id').notNull(),
  staffId: uuid('staff_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  method: text('method').notNull(),
  inOrder: boolean('in_order').notNull(),
  expectedCheckpointId: uuid('expected_checkpoint_id'),
  recordedBy: uuid('recorded_by'),
});

export const guardPatrolMisses = pgTable(
  'guard_patrol_misses',
  {
    runId: uuid('run_id').notNull(),
    checkpointId: uuid('checkpoint_id').notNull(),
    routeId: uuid('route_id').notNull(),
    facilityId: uuid('facility_id').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.checkpointId] })],
);

export const guardPatrolGaps = pgTable('guard_patrol_gaps', {
  id: uuid('id').primaryKey(),
  routeId: uuid('route_id').notNull(),
  facilityId: uuid('facility_id').notNull(),
  lastRoundAt: timestamp('last_round_at', { withTimezone: true }),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
});
