import { bigint, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ledgerHeads = pgTable('ledger_heads', {
  siteId: text('site_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

export const custodyEvents = pgTable('custody_events', {
  id: uuid('id').primaryKey(),
  siteId: text('site_id').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  personId: uuid('person_id').notNull(),
  type: text('type').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  recordedBy: uuid('recorded_by'),
  fromFacilityId: uuid('from_facility_id'),
  fromUnitId: uuid('from_unit_id'),
  toFacilityId: uuid('to_facility_id'),
  toUnitId: uuid('to_unit_id'),
  authority: text('authority'),
  reason: text('reason'),
  evidence: jsonb('evidence'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const placements = pgTable('placements', {
  personId: uuid('person_id').primaryKey(),
  status: text('status').notNull(),
  facilityId: uuid('facility_id'),
  unitId: uuid('unit_id'),
  destinationFacilityId: uuid('destination_facility_id'),
  outReason: text('out_reason'),
  since: timestamp('since', { withTimezone: true }).notNull(),
  lastEventId: uuid('last_event_id').notNull(),
  eventCount: integer('event_count').notNull(),
});
