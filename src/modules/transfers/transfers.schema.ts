import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const transferOperations = pgTable('transfer_operations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
});

export const transferMovements = pgTable('transfer_movements', {
  id: uuid('id').primaryKey(),
  operationId: uuid('operation_id').notNull(),
  code: text('code').notNull(),
  kind: text('kind').notNull(),
  carrier: text('carrier'),
  vehicle: text('vehicle'),
  capacity: integer('capacity').notNull(),
  escorts: integer('escorts').notNull(),
  escortRatio: integer('escort_ratio'),
  fromFacilityId: uuid('from_facility_id').notNull(),
  toFacilityId: uuid('to_facility_id').notNull(),
  departsAt: timestamp('departs_at', { withTimezone: true }),
  arrivesAt: timestamp('arrives_at', { withTimezone: true }),
  transitLimitMinutes: integer('transit_limit_minutes').notNull(),
  status: text('status').notNull(),
  approvedAt: timestamp('approved_at', { withTimezone: true }),
  approvedBy: uuid('approved_by'),
  departedAt: timestamp('departed_at', { withTimezone: true }),
  arrivedAt: timestamp('arrived_at', { withTimezone: true }),
  countOn: integer('count_on'),
  countOff: integer('count_off'),
  missing: uuid('missing').array().notNull(),
  extra: uuid('extra').array().notNull(),
  manifestHash: text('manifest_hash'),
  senderSignature: jsonb('sender_signature'),
  receiverSignature: jsonb('receiver_signature'),
  /** The destination TRANSFER_DEPARTED named, once the movement was diverted (transfers.arrival.service.ts). */
  divertedFrom: uuid('diverted_from'),
  /** When the in-transit alert fired (once per movement). */
  transitAlertedAt: timestamp('transit_alerted_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const transferMoves = pgTable(
  'transfer_moves',
  {
    movementId: uuid('movement_id').notNull(),
    personId: uuid('person_id').notNull(),
    status: text('status').notNull(),
    verificationId: uuid('verification_id'),
    overrideReason: text('override_reason'),
    overrideBy: uuid('override_by'),
    reason: text('reason'),
    boardedAt: timestamp('boarded_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.movementId, t.personId] })],
);

export const transferSigningKeys = pgTable('transfer_signing_keys', {
  signer: text('signer').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/** Whom one plan could not place and why, in the planner's order (listed page by page). */
export const transferPlanUnplaced = pgTable(
  'transfer_plan_unplaced',
  {
    planId: uuid('plan_id').notNull(),
    operationId: uuid('operation_id').notNull(),
    fromFacilityId: uuid('from_facility_id').notNull(),
    ordinal: integer('ordinal').notNull(),
    personId: uuid('person_id').notNull(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    plannedAt: timestamp('planned_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.ordinal] })],
);
