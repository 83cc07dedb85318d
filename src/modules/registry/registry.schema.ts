import { date, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const households = pgTable('households', {
  id: uuid('id').primaryKey(),
  label: text('label').notNull(),
  facilityId: uuid('facility_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const persons = pgTable('persons', {
  id: uuid('id').primaryKey(),
  sex: text('sex').notNull(),
  birthDate: date('birth_date', { mode: 'string' }),
  birthPrecision: text('birth_precision').notNull().default('unknown'),
  birthFrom: date('birth_from', { mode: 'string' }),
  birthTo: date('birth_to', { mode: 'string' }),
  placeOfBirth: text('place_of_birth'),
  householdId: uuid('household_id'),
  registeredFacilityId: uuid('registered_facility_id'),
  vulnerabilities: text('vulnerabilities').array().notNull().default([]),
  distinguishingMarks: text('distinguishing_marks').array().notNull().default([]),
  notes: text('notes'),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const personNames = pgTable('person_names', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  ordinal: integer('ordinal').notNull(),
  script: text('script').notNull(),
  fullName: text('full_name').notNull(),
  parts: jsonb('parts'),
  kind: text('kind').notNull().default('primary'),
  source: text('source'),
  searchKey: text('search_key').notNull(),
  searchKeyVersion: smallint('search_key_version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const personNationalities = pgTable(
  'person_nationalities',
  {
    personId: uuid('person_id').notNull(),
    country: text('country').notNull(),
    status: text('status').notNull().default('claimed'),
  },
  (t) => [primaryKey({ columns: [t.personId, t.country] })],
);

export const identityDocuments = pgTable('identity_documents', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  type: text('type').notNull(),
  number: text('number').notNull(),
  issuingCountry: text('issuing_country'),
  issuedOn: date('issued_on', { mode: 'string' }),
  expiresOn: date('expires_on', { mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const personRelations = pgTable('person_relations', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  relatedPersonId: uuid('related_person_id').notNull(),
  kind: text('kind').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  /** Why the link was recorded (the web app asks for it; bulk enrolment may leave it out). */
  reason: text('reason'),
  createdBy: text('created_by'),
  /** An ended link stays, with who ended it, when and why (see POST /persons/:id/relations/:relationId/end). */
  endedAt: timestamp('ended_at', { withTimezone: true }),
  endedBy: text('ended_by'),
  endReason: text('end_reason'),
});
