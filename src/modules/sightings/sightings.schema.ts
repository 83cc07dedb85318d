import { bigint, boolean, doublePrecision, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The wanted gallery's members: kept from the ledger by the `sightings.wanted` outbox consumer. */
export const sightingsWanted = pgTable('sightings_wanted', {
  personId: uuid('person_id').primaryKey(),
  status: text('status').notNull(),
  since: timestamp('since', { withTimezone: true }).notNull(),
  facilityId: uuid('facility_id'),
  ledgerEventId: uuid('ledger_event_id').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  /** `ledger` (this site's own ledger) or `hq` (headquarters said so, sync): the site's own ledger decides for its own. */
  source: text('source').notNull().default('ledger'),
  /** For a person headquarters sent: the names it sent (the site has no record of them) and the site they left. */
  hqNames: text('hq_names').array(),
  fromSite: text('from_site'),
});

export const sightingsGalleryVersion = pgTable('sightings_gallery_version', {
  id: smallint('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});

export const sightingsChecks = pgTable('sightings_checks', {
  id: uuid('id').primaryKey(),
  reference: text('reference').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  place: text('place').notNull(),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  officerId: uuid('officer_id'),
  officer: text('officer').notNull(),
  scope: text('scope').notNull(),
  modalities: text('modalities').array().notNull(),
  outcome: text('outcome').notNull(),
  retake: jsonb('retake'),
  personId: uuid('person_id'),
  method: text('method'),
  score: doublePrecision('score'),
  sightingId: uuid('sighting_id'),
});

export const sightings = pgTable('sightings', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  place: text('place').notNull(),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  source: text('source').notNull(),
  checkId: uuid('check_id'),
  reportedBy: uuid('reported_by'),
  reportedByName: text('reported_by_name').notNull(),
  method: text('method').notNull(),
  evidence: jsonb('evidence').notNull(),
  facilityId: uuid('facility_id'),
  minor: boolean('minor').notNull(),
  status: text('status').notNull(),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionReason: text('decision_reason'),
  recapturedAt: timestamp('recaptured_at', { withTimezone: true }),
  recaptureFacilityId: uuid('recapture_facility_id'),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  /** When the first alert of this sighting was raised (the `alert.raised` event): seconds from a hit to the alert. */
  alertedAt: timestamp('alerted_at', { withTimezone: true }),
});

/**
 * Every RECAPTURED on the ledger (through this module or written straight to the ledger), kept by the wanted
 * consumer: the facility the person had left and since when (from the wanted gallery), the facility admitting them.
 */
export const sightingsRecaptures = pgTable('sightings_recaptures', {
  ledgerEventId: uuid('ledger_event_id').primaryKey(),
  personId: uuid('person_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  facilityId: uuid('facility_id'),
  admittedTo: uuid('admitted_to'),
  since: timestamp('since', { withTimezone: true }),
  sightingId: uuid('sighting_id'),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
});

export const sightingsNotices = pgTable('sightings_notices', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  recipient: text('recipient').notNull(),
  recipientKind: text('recipient_kind').notNull(),
  recipientCountry: text('recipient_country'),
  fields: text('fields').array().notNull(),
  legalBasis: text('legal_basis').notNull(),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name').notNull(),
  document: jsonb('document'),
  exportedAt: timestamp('exported_at', { withTimezone: true }),
  exportedBy: text('exported_by'),
});

export const sightingsNoticeApprovals = pgTable(
  'sightings_notice_approvals',
  {
    noticeId: uuid('notice_id').notNull(),
    userId: uuid('user_id').notNull(),
    username: text('username').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.userId] })],
);

export const sightingsSigningKeys = pgTable('sightings_signing_keys', {
  keyId: text('key_id').primaryKey(),
  publicKey: text('public_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
