import { customType, date, doublePrecision, integer, jsonb, pgTable, real, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
});

export const biometricTemplates = pgTable('biometric_templates', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  modality: text('modality').notNull(),
  fingerPosition: smallint('finger_position'),
  model: text('model').notNull(),
  modelVersion: text('model_version').notNull(),
  envelope: bytea('envelope'),
  quality: real('quality'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  createdByUsername: text('created_by_username'),
  erasedAt: timestamp('erased_at', { withTimezone: true }),
  erasedBy: uuid('erased_by'),
  eraseReason: text('erase_reason'),
});

export const biometricVerifications = pgTable('biometric_verifications', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  personId: uuid('person_id'),
  modality: text('modality').notNull(),
  fingerPosition: smallint('finger_position'),
  templateId: uuid('template_id'),
  result: text('result').notNull(),
  score: doublePrecision('score'),
  threshold: doublePrecision('threshold').notNull(),
  targetFmr: doublePrecision('target_fmr').notNull(),
  model: text('model').notNull(),
  candidates: jsonb('candidates'),
  purpose: text('purpose').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  byUser: uuid('by_user'),
  byUsername: text('by_username').notNull(),
});

/**
 * An officer's decision on a 1:1 verification, with where the person was held at that moment (the placement): a
 * confirmed match is a verified presence there (the after-action timeline's last verified presence).
 */
export const biometricVerificationDecisions = pgTable('biometric_verification_decisions', {
  id: uuid('id').primaryKey(),
  verificationId: uuid('verification_id').notNull(),
  personId: uuid('person_id').notNull(),
  modality: text('modality').notNull(),
  result: text('result').notNull(),
  decision: text('decision').notNull(),
  reason: text('reason'),
  facilityId: uuid('facility_id'),
  unitId: uuid('unit_id'),
  verifiedAt: timestamp('verified_at', { withTimezone: true }).notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  byUser: uuid('by_user'),
  byUsername: text('by_username').notNull(),
});

export const duplicateCases = pgTable('duplicate_cases', {
  id: uuid('id').primaryKey(),
  newPersonId: uuid('new_person_id').notNull(),
  existingPersonId: uuid('existing_person_id').notNull(),
  modality: text('modality').notNull(),
  newTemplateId: uuid('new_template_id').notNull(),
  existingTemplateId: uuid('existing_template_id').notNull(),
  score: doublePrecision('score').notNull(),
  threshold: doublePrecision('threshold').notNull(),
  targetFmr: doublePrecision('target_fmr').notNull(),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  survivingPersonId: uuid('surviving_person_id'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: uuid('decided_by'),
  decidedByUsername: text('decided_by_username'),
  reason: text('reason'),
  reviewOn: date('review_on'),
  /** `score`: the modality's score alone reached its threshold; `fusion`: fused with the other evidence (0031). */
  openedBy: text('opened_by').notNull().default('score'),
  /** The fused evidence between the two persons when the case was opened (FusionResult). */
  fusion: jsonb('fusion'),
});

/** Record photos: the templates' companions, sealed like them (portrait and thumbnail), one live per person. */
export const personPhotos = pgTable('person_photos', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  source: text('source').notNull(),
  templateId: uuid('template_id'),
  fullEnvelope: bytea('full_envelope'),
  thumbEnvelope: bytea('thumb_envelope'),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  createdByUsername: text('created_by_username'),
  erasedAt: timestamp('erased_at', { withTimezone: true }),
  erasedBy: uuid('erased_by'),
  erasedByUsername: text('erased_by_username'),
  eraseReason: text('erase_reason'),
});

/** Fingers that cannot be printed (ANSI/NIST-ITL AMP codes), per position, with who recorded and who ended them. */
export const fingerExceptions = pgTable('finger_exceptions', {
  id: uuid('id').primaryKey(),
  personId: uuid('person_id').notNull(),
  fingerPosition: smallint('finger_position').notNull(),
  kind: text('kind').notNull(),
  ansiCode: text('ansi_code').notNull(),
  note: text('note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
  createdByUsername: text('created_by_username'),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  endedBy: uuid('ended_by'),
  endedByUsername: text('ended_by_username'),
  endReason: text('end_reason'),
});
