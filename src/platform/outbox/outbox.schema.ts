import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The outbox's tables (migration 0014), owned by the platform: modules reach them only through `Outbox` and the
 * `Dispatcher`, never in their own SQL. The queries are written as SQL in `outbox.repository.ts`; these declarations
 * are the record of the shape.
 */
export const outboxHeads = pgTable('outbox_heads', {
  siteId: text('site_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

export const outbox = pgTable(
  'outbox',
  {
    siteId: text('site_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull().unique(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    personIds: uuid('person_ids').array().notNull(),
    facilityIds: uuid('facility_ids').array().notNull(),
    unitIds: uuid('unit_ids').array().notNull(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.seq] })],
);

export const outboxConsumers = pgTable(
  'outbox_consumers',
  {
    consumer: text('consumer').notNull(),
    siteId: text('site_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    failures: integer('failures').notNull().default(0),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.siteId] })],
);
