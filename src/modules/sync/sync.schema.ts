import { bigint, date, doublePrecision, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * The sync module's tables (migration 0023). At a site: the replication chain over its outbox and the relay's place.
 * At headquarters: the replicated copy of each site's chain, where each chain stands, forks, and the state implied.
 * The queries are SQL in `sync.repository.ts`; these declarations record the shape and the owner.
 */
export const syncSiteChain = pgTable(
  'sync_site_chain',
  {
    siteId: text('site_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    eventId: uuid('event_id').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.seq] })],
);

export const syncRelay = pgTable('sync_relay', {
  siteId: text('site_id').primaryKey(),
  epoch: integer('epoch').notNull().default(1),
  publishedSeq: bigint('published_seq', { mode: 'number' }).notNull().default(0),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  receiptEpoch: integer('receipt_epoch'),
  receiptSeq: bigint('receipt_seq', { mode: 'number' }),
  receiptHash: text('receipt_hash'),
  receiptAt: timestamp('receipt_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const syncHqEvents = pgTable(
  'sync_hq_events',
  {
    siteId: text('site_id').notNull(),
    epoch: integer('epoch').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    personIds: uuid('person_ids').array().notNull(),
    facilityIds: uuid('facility_ids').array().notNull(),
    unitIds: uuid('unit_ids').array().notNull(),
    payload: jsonb('payload').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.epoch, t.seq] })],
);

export const syncHqSites = pgTable(
  'sync_hq_sites',
  {
    siteId: text('site_id').notNull(),
    epoch: integer('epoch').notNull(),
    contiguousSeq: bigint('contiguous_seq', { mode: 'number' }).notNull().default(0),
    contiguousHash: text('contiguous_hash').notNull(),
    highestSeenSeq: bigint('highest_seen_seq', { mode: 'number' }).notNull().default(0),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.epoch] })],
);

export const syncHqForks = pgTable(
  'sync_hq_forks',
  {
    id: uuid('id').primaryKey(),
    siteId: text('site_id').notNull(),
    epoch: integer('epoch').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    heldHash: text('held_hash'),
    offeredHash: text('offered_hash').notNull(),
    offered: jsonb('offered').notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique().on(t.siteId, t.epoch, t.seq, t.offeredHash)],
);

export const syncHqPersons = pgTable(
  'sync_hq_persons',
  {
    siteId: text('site_id').notNull(),
    personId: uuid('person_id').notNull(),
    status: text('status').notNull(),
    facilityId: text('facility_id'),
    unitId: text('unit_id'),
    ledgerSeq: bigint('ledger_seq', { mode: 'number' }).notNull(),
    eventId: uuid('event_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.personId] })],
);

/** Headquarters to sites and epochs (migration 0027): the items issued, each site's cursor, what a site applied. */
export const syncDownItems = pgTable('sync_down_items', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  itemKey: text('item_key').notNull(),
  targetSite: text('target_site').notNull(),
  body: jsonb('body').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  issuedBy: text('issued_by').notNull(),
});

export const syncDownCursors = pgTable('sync_down_cursors', {
  siteId: text('site_id').primaryKey(),
  publishedId: bigint('published_id', { mode: 'number' }).notNull().default(0),
  publishedAt: timestamp('published_at', { withTimezone: true }),
});

export const syncDownApplied = pgTable(
  'sync_down_applied',
  {
    kind: text('kind').notNull(),
    itemKey: text('item_key').notNull(),
    hqId: bigint('hq_id', { mode: 'number' }).notNull(),
    streamSeq: bigint('stream_seq', { mode: 'number' }).notNull(),
    body: jsonb('body').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.itemKey] })],
);

export const syncDownState = pgTable('sync_down_state', {
  siteId: text('site_id').primaryKey(),
  streamSeq: bigint('stream_seq', { mode: 'number' }).notNull().default(0),
  hqId: bigint('hq_id', { mode: 'number' }).notNull().default(0),
  appliedCount: bigint('applied_count', { mode: 'number' }).notNull().default(0),
  appliedAt: timestamp('applied_at', { withTimezone: true }),
  behindFrom: bigint('behind_from', { mode: 'number' }),
});

export const syncSiteEpochs = pgTable(
  'sync_site_epochs',
  {
    siteId: text('site_id').notNull(),
    epoch: integer('epoch').notNull(),
    reason: text('reason').notNull(),
    tipSeq: bigint('tip_seq', { mode: 'number' }).notNull(),
    tipHash: text('tip_hash').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.epoch] })],
);

export const syncHqEpochChecks = pgTable(
  'sync_hq_epoch_checks',
  {
    siteId: text('site_id').notNull(),
    epoch: integer('epoch').notNull(),
    previousEpoch: integer('previous_epoch').notNull(),
    agreedSeq: bigint('agreed_seq', { mode: 'number' }).notNull(),
    divergedAt: bigint('diverged_at', { mode: 'number' }),
    previousBeyond: bigint('previous_beyond', { mode: 'number' }).notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.epoch] })],
);

/** At headquarters (migration 0028): each site's record of the identity of its persons, from `sync.identity_recorded@1`. */
export const syncHqIdentities = pgTable(
  'sync_hq_identities',
  {
    siteId: text('site_id').notNull(),
    personId: uuid('person_id').notNull(),
    names: text('names').array().notNull(),
    nameKeys: text('name_keys').array().notNull(),
    sex: text('sex').notNull(),
    birthFrom: date('birth_from', { mode: 'string' }),
    birthTo: date('birth_to', { mode: 'string' }),
    nationalities: text('nationalities').array().notNull(),
    /** The site's templates: its own sealed envelopes (base64), and each re-sealed to headquarters' identity key (`forHq`), opened only in memory to compare. */
    templates: jsonb('templates').notNull(),
    siteSeq: bigint('site_seq', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.personId] })],
);

/** One row whose lock serialises the comparison of identities between concurrently applied batches of two sites. */
export const syncIdentityLock = pgTable('sync_identity_lock', { id: smallint('id').primaryKey() });

/** At headquarters: records of two sites that may be one person, for a human to decide. */
export const syncIdentityCases = pgTable('sync_identity_cases', {
  id: uuid('id').primaryKey(),
  siteA: text('site_a').notNull(),
  personA: uuid('person_a').notNull(),
  siteB: text('site_b').notNull(),
  personB: uuid('person_b').notNull(),
  basis: text('basis').notNull(),
  score: doublePrecision('score').notNull(),
  nameScore: doublePrecision('name_score'),
  /** migration 0032: the biometric scores and the fused evidence the case was opened on (null where not compared) */
  faceScore: doublePrecision('face_score'),
  fingerScore: doublePrecision('finger_score'),
  log10Lr: doublePrecision('log10_lr'),
  targetFmr: doublePrecision('target_fmr'),
  raisedBy: text('raised_by'),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  referenceSite: text('reference_site'),
  referencePerson: uuid('reference_person'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: uuid('decided_by'),
  decidedByUsername: text('decided_by_username'),
  reason: text('reason'),
});
