import { doublePrecision, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const facilities = pgTable('facilities', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  capacity: integer('capacity'),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  country: text('country'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const units = pgTable('units', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id').notNull(),
  parentUnitId: uuid('parent_unit_id'),
  code: text('code').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  capacity: integer('capacity'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
