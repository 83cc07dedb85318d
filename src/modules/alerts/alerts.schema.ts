import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AlertStatus, Severity } from './alerts.domain';

export const alerts = pgTable('alerts', {
  id: uuid('id').primaryKey(),
  facilityId: uuid('facility_id'),
  /** The state whose nationals the alert concerns (a repatriation stage): its liaisons see it; null otherwise. */
  nationality: text('nationality'),
  unitId: uuid('unit_id'),
  rule: text('rule').notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  status: text('status').$type<AlertStatus>().notNull(),
  title: text('title').notNull(),
  details: jsonb('details'),
  dedupeKey: text('dedupe_key'),
  rollcallId: uuid('rollcall_id'),
  raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  raisedBy: uuid('raised_by'),
  escalationLevel: integer('escalation_level').notNull(),
  escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  acknowledgedBy: uuid('acknowledged_by'),
  acknowledgeNote: text('acknowledge_note'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by'),
  resolutionNote: text('resolution_note'),
  /** The situation the alert reports (one live alert per situation); null for alerts raised once per fact. */
  situationKey: text('situation_key'),
  occurrences: integer('occurrences').notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  waitingSince: timestamp('waiting_since', { withTimezone: true }),
});

export const alertRules = pgTable('alert_rules', {
  facilityId: uuid('facility_id').primaryKey(),
  rules: jsonb('rules').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: uuid('updated_by'),
});
