import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** What the guard force's scheduler has already alerted (guards.watch.ts), so each finding is raised once across restarts. */
export const guardWatchMarks = pgTable(
  'guard_watch_marks',
  {
    facilityId: uuid('facility_id').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.facilityId, t.kind, t.key] })],
);
