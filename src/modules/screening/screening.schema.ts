import { boolean, doublePrecision, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ListFormat } from './screening.lists';

export const watchlistVersions = pgTable('watchlist_versions', {
  id: uuid('id').primaryKey(),
  source: text('source').$type<ListFormat>().notNull(),
  generatedAt: timestamp('generated_at', { withTimezone: true }),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull(),
  importedBy: uuid('imported_by'),
  importedByUsername: text('imported_by_username'),
  fileName: text('file_name'),
  fileSha256: text('file_sha256').notNull(),
  stats: jsonb('stats').notNull(),
  added: integer('added').notNull(),
  removed: integer('removed').notNull(),
  changed: integer('changed').notNull(),
  unchanged: integer('unchanged').notNull(),
  warnings: jsonb('warnings').notNull(),
  /** The moment as of which every adult had been screened against this version's entries (null: not yet). */
  screenedAsOf: timestamp('screened_as_of', { withTimezone: true }),
});

export const watchlistEntries = pgTable('watchlist_entries', {
  id: uuid('id').primaryKey(),
  source: text('source').notNull(),
  ref: text('ref').notNull(),
  kind: text('kind').notNull(),
  primaryName: text('primary_name').notNull(),
  data: jsonb('data').notNull(),
  contentHash: text('content_hash').notNull(),
  screenHash: text('screen_hash').notNull(),
  active: boolean('active').notNull(),
  addedVersionId: uuid('added_version_id').notNull(),
  changedVersionId: uuid('changed_version_id').notNull(),
  removedVersionId: uuid('removed_version_id'),
});

export const watchlistChanges = pgTable('watchlist_changes', {
  versionId: uuid('version_id').notNull(),
  entryId: uuid('entry_id').notNull(),
  change: text('change').notNull(),
  ref: text('ref').notNull(),
  beforeHash: text('before_hash'),
  afterHash: text('after_hash'),
});

export const screeningHits = pgTable('screening_hits', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  entryId: uuid('entry_id').notNull(),
  source: text('source').notNull(),
  ref: text('ref').notNull(),
  status: text('status').notNull(),
  strength: doublePrecision('strength').notNull(),
  evidence: jsonb('evidence').notNull(),
  personHash: text('person_hash').notNull(),
  entryHash: text('entry_hash').notNull(),
  trigger: text('trigger').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: uuid('decided_by'),
  decidedByUsername: text('decided_by_username'),
  reason: text('reason'),
  /** Set when a later release removed the entry while the hit was still pending (status `withdrawn`). */
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  withdrawnVersionId: uuid('withdrawn_version_id'),
  withdrawnReason: text('withdrawn_reason'),
});

export const screeningRequests = pgTable('screening_requests', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  requestedBy: uuid('requested_by'),
  requestedByUsername: text('requested_by_username'),
  reason: text('reason').notNull(),
  minor: boolean('minor').notNull(),
  hits: integer('hits').notNull(),
});
