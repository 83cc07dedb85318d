import { and, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { placements } from '../custody';
import { persons, scopeCondition } from '../registry';
import {
  biometricTemplates,
  biometricVerificationDecisions,
  biometricVerifications,
  duplicateCases,
  fingerExceptions,
  personPhotos,
} from './biometrics.schema';
import type { Modality } from './biometrics.domain';

export type TemplateRow = typeof biometricTemplates.$inferSelect;
export type VerificationRow = typeof biometricVerifications.$inferSelect;
export type CaseRow = typeof duplicateCases.$inferSelect;

/** Template metadata without the envelope. */
export type TemplateMeta = Omit<TemplateRow, 'envelope'>;

const meta = {
  id: biometricTemplates.id,
  personId: biometricTemplates.personId,
  modality: biometricTemplates.modality,
  fingerPosition: biometricTemplates.fingerPosition,
  model: biometricTemplates.model,
  modelVersion: biometricTemplates.modelVersion,
  quality: biometricTemplates.quality,
  createdAt: biometricTemplates.createdAt,
  createdBy: biometricTemplates.createdBy,
  createdByUsername: biometricTemplates.createdByUsername,
  erasedAt: biometricTemplates.erasedAt,
  erasedBy: biometricTemplates.erasedBy,
  eraseReason: biometricTemplates.eraseReason,
};

/** Cheap fingerprint of a modality's live templates: changes whenever one is enrolled or erased, by any process. */
export async function liveSignature(db: Db, modality: Modality): Promise<string> {
  const rows = await queryRows<{ n: number | string; last: string | null }>(
    db,
    sql`select count(*) as n, max(id::text) as last from biometric_templates where erased_at is null and modality = ${modality}`,
  );
  return `${rows[0]?.n ?? 0}/${rows[0]?.last ?? ''}`;
}

export async function liveTemplateIds(db: Db, modality: Modality): Promise<string[]> {
  const rows = await db
    .select({ id: biometricTemplates.id })
    .from(biometricTemplates)
    .where(and(eq(biometricTemplates.modality, modality), isNull(biometricTemplates.erasedAt)));
  return rows.map((r) => r.id);
}

/** Live templates with their envelopes (to load a gallery), optionally only these ids. */
export async function liveTemplates(db: Db, modality: Modality, ids?: string[]): Promise<TemplateRow[]> {
  const where = and(eq(biometricTemplates.modality, modality), isNull(biometricTemplates.erasedAt));
  if (ids && ids.length === 0) return [];
  return db
    .select()
    .from(biometricTemplates)
    .where(ids ? and(where, inArray(biometricTemplates.id, ids)) : where)
    .orderBy(biometricTemplates.id);
}

export async function liveSlot(tx: Db, personId: string, modality: Modality, fingerPosition: number | null): Promise<TemplateMeta | undefined> {
  const rows = await tx
    .select(meta)
    .from(biometricTemplates)
    .where(
      and(
        eq(biometricTemplates.personId, personId),
        eq(biometricTemplates.modality, modality),
        fingerPosition === null ? isNull(biometricTemplates.fingerPosition) : eq(biometricTemplates.fingerPosition, fingerPosition),
        isNull(biometricTemplates.erasedAt),
      ),
    )
    .for('update');
  return rows[0];
}

export async function insertTemplate(tx: Db, row: typeof biometricTemplates.$inferInsert): Promise<void> {
  await tx.insert(biometricTemplates).values(row);
}

export async function findTemplate(db: Db, id: string, lock = false): Promise<TemplateMeta | undefined> {
  const q = db.select(meta).from(biometricTemplates).where(eq(biometricTemplates.id, id));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function personTemplates(db: Db, personId: string): Promise<TemplateMeta[]> {
  return db.select(meta).from(biometricTemplates).where(eq(biometricTemplates.personId, personId)).orderBy(biometricTemplates.id);
}

/** A person's live templates with their sealed envelopes, newest first (what a site sends headquarters, sealed). */
export async function sealedTemplates(
  db: Db,
  personId: string,
  limit: number,
): Promise<{ id: string; modality: string; fingerPosition: number | null; model: string; envelope: Uint8Array }[]> {
  const rows = await db
    .select({
      id: biometricTemplates.id,
      modality: biometricTemplates.modality,
      fingerPosition: biometricTemplates.fingerPosition,
      model: biometricTemplates.model,
      envelope: biometricTemplates.envelope,
    })
    .from(biometricTemplates)
    .where(and(eq(biometricTemplates.personId, personId), isNull(biometricTemplates.erasedAt), isNotNull(biometricTemplates.envelope)))
    .orderBy(desc(biometricTemplates.createdAt), biometricTemplates.id)
    .limit(limit);
  return rows.map((r) => ({ ...r, envelope: r.envelope! }));
}

/**
 * Erases a template: the envelope is overwritten with NULL and the row keeps who erased it, when and why. (PostgreSQL
 * keeps the old row version until VACUUM; it is ciphertext under a key that never enters the database.)
 */
export async function eraseTemplate(tx: Db, id: string, at: Date, by: string | null, reason: string): Promise<void> {
  await tx
    .update(biometricTemplates)
    .set({ envelope: null, erasedAt: at, erasedBy: by, eraseReason: reason })
    .where(and(eq(biometricTemplates.id, id), isNull(biometricTemplates.erasedAt)));
}

export async function insertVerification(tx: Db, row: typeof biometricVerifications.$inferInsert): Promise<void> {
  await tx.insert(biometricVerifications).values(row);
}

export async function insertDecision(tx: Db, row: typeof biometricVerificationDecisions.$inferInsert): Promise<void> {
  await tx.insert(biometricVerificationDecisions).values(row);
}

export async function findVerification(db: Db, id: string): Promise<VerificationRow | undefined> {
  const rows = await db.select().from(biometricVerifications).where(eq(biometricVerifications.id, id));
  return rows[0];
}

/** A person's matched 1:1 verifications, newest first (what a record about the person can cite). */
export async function matchedVerificationsOf(db: Db, personId: string, limit: number): Promise<{ id: string; modality: string; at: Date }[]> {
  return db
    .select({ id: biometricVerifications.id, modality: biometricVerifications.modality, at: biometricVerifications.at })
    .from(biometricVerifications)
    .where(and(eq(biometricVerifications.personId, personId), eq(biometricVerifications.kind, 'verify'), eq(biometricVerifications.result, 'match')))
    .orderBy(desc(biometricVerifications.at), desc(biometricVerifications.id))
    .limit(limit);
}

/** Inserts cases; a pair of persons that already has a case for this modality is skipped. Returns the inserted ids. */
export async function insertCases(tx: Db, rows: (typeof duplicateCases.$inferInsert)[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await tx.insert(duplicateCases).values(rows).onConflictDoNothing().returning({ id: duplicateCases.id });
  return inserted.map((r) => r.id);
}

export async function findCase(db: Db, id: string, lock = false): Promise<CaseRow | undefined> {
  const q = db.select().from(duplicateCases).where(eq(duplicateCases.id, id));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function casesForPair(db: Db, a: string, b: string, modality: Modality): Promise<CaseRow[]> {
  return db
    .select()
    .from(duplicateCases)
    .where(
      and(
        eq(duplicateCases.modality, modality),
        or(
          and(eq(duplicateCases.newPersonId, a), eq(duplicateCases.existingPersonId, b)),
          and(eq(duplicateCases.newPersonId, b), eq(duplicateCases.existingPersonId, a)),
        ),
      ),
    );
}

export interface CaseFilter {
  status?: string;
  personId?: string;
  limit: number;
  offset: number;
  /** The caller's scope: a case is listed only when both of its persons are visible. */
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] };
}

function visible(column: SQL, scope: CaseFilter['scope']): SQL {
  const cond = scopeCondition({ facilityIds: [...scope.facilityIds], nationalities: [...scope.nationalities] });
  return sql`exists (select 1 from ${persons} p left join ${placements} pl on pl.person_id = p.id where p.id = ${column} and ${cond})`;
}

function caseConditions(filter: Omit<CaseFilter, 'limit' | 'offset'>): SQL | undefined {
  const conds: (SQL | undefined)[] = [];
  if (filter.status) conds.push(eq(duplicateCases.status, filter.status));
  if (filter.personId) conds.push(or(eq(duplicateCases.newPersonId, filter.personId), eq(duplicateCases.existingPersonId, filter.personId)));
  if (filter.scope.facilityIds.length > 0 || filter.scope.nationalities.length > 0) {
    conds.push(visible(sql`${duplicateCases.newPersonId}`, filter.scope), visible(sql`${duplicateCases.existingPersonId}`, filter.scope));
  }
  return conds.length ? and(...conds) : undefined;
}

/** A page of cases, newest first (a total order: pages neither overlap nor skip). */
export async function listCases(db: Db, filter: CaseFilter): Promise<CaseRow[]> {
  return db
    .select()
    .from(duplicateCases)
    .where(caseConditions(filter))
    .orderBy(desc(duplicateCases.createdAt), desc(duplicateCases.id))
    .limit(filter.limit)
    .offset(filter.offset);
}

/** How many cases the filter finds in all (same conditions and scope as `listCases`). */
export async function countCases(db: Db, filter: Omit<CaseFilter, 'limit' | 'offset'>): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(duplicateCases).where(caseConditions(filter));
  return Number(row?.n ?? 0);
}

export async function personCases(db: Db, personId: string): Promise<CaseRow[]> {
  return db
    .select()
    .from(duplicateCases)
    .where(or(eq(duplicateCases.newPersonId, personId), eq(duplicateCases.existingPersonId, personId)))
    .orderBy(desc(duplicateCases.createdAt))
    .limit(1000);
}

export async function updateCase(tx: Db, id: string, patch: Partial<typeof duplicateCases.$inferInsert>): Promise<void> {
  await tx.update(duplicateCases).set(patch).where(eq(duplicateCases.id, id));
}

// ---- record photos -----------------------------------------------------------------------------------------------

export type PhotoRow = typeof personPhotos.$inferSelect;
export type PhotoMeta = Omit<PhotoRow, 'fullEnvelope' | 'thumbEnvelope'>;

const photoMeta = {
  id: personPhotos.id,
  personId: personPhotos.personId,
  source: personPhotos.source,
  templateId: personPhotos.templateId,
  width: personPhotos.width,
  height: personPhotos.height,
  createdAt: personPhotos.createdAt,
  createdBy: personPhotos.createdBy,
  createdByUsername: personPhotos.createdByUsername,
  erasedAt: personPhotos.erasedAt,
  erasedBy: personPhotos.erasedBy,
  erasedByUsername: personPhotos.erasedByUsername,
  eraseReason: personPhotos.eraseReason,
};

/** The person's live photo (metadata only), locked when asked (before replacing or erasing it). */
export async function livePhoto(db: Db, personId: string, lock = false): Promise<PhotoMeta | undefined> {
  const q = db
    .select(photoMeta)
    .from(personPhotos)
    .where(and(eq(personPhotos.personId, personId), isNull(personPhotos.erasedAt)));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

/** The live photos' envelopes of one size for these persons. */
export async function livePhotoEnvelopes(db: Db, personIds: string[], size: 'full' | 'thumb'): Promise<{ id: string; personId: string; envelope: Buffer }[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .select({ id: personPhotos.id, personId: personPhotos.personId, envelope: size === 'full' ? personPhotos.fullEnvelope : personPhotos.thumbEnvelope })
    .from(personPhotos)
    .where(and(inArray(personPhotos.personId, personIds), isNull(personPhotos.erasedAt)));
  return rows.filter((r): r is { id: string; personId: string; envelope: Buffer } => r.envelope !== null);
}

export async function insertPhoto(tx: Db, row: typeof personPhotos.$inferInsert): Promise<void> {
  await tx.insert(personPhotos).values(row);
}

export async function findPhoto(db: Db, id: string): Promise<PhotoMeta | undefined> {
  const rows = await db.select(photoMeta).from(personPhotos).where(eq(personPhotos.id, id));
  return rows[0];
}

/** Erases a photo: both envelopes cleared; the row keeps who erased it, when and why. */
export async function erasePhoto(tx: Db, id: string, at: Date, by: { userId: string | null; username: string }, reason: string): Promise<void> {
  await tx
    .update(personPhotos)
    .set({ fullEnvelope: null, thumbEnvelope: null, erasedAt: at, erasedBy: by.userId, erasedByUsername: by.username, eraseReason: reason })
    .where(and(eq(personPhotos.id, id), isNull(personPhotos.erasedAt)));
}

// ---- missing fingers ---------------------------------------------------------------------------------------------

export type FingerExceptionRow = typeof fingerExceptions.$inferSelect;

export async function personFingerExceptions(db: Db, personId: string): Promise<FingerExceptionRow[]> {
  return db.select().from(fingerExceptions).where(eq(fingerExceptions.personId, personId)).orderBy(fingerExceptions.createdAt, fingerExceptions.id);
}

export async function liveFingerException(tx: Db, personId: string, position: number): Promise<FingerExceptionRow | undefined> {
  const rows = await tx
    .select()
    .from(fingerExceptions)
    .where(and(eq(fingerExceptions.personId, personId), eq(fingerExceptions.fingerPosition, position), isNull(fingerExceptions.endedAt)))
    .for('update');
  return rows[0];
}

export async function insertFingerException(tx: Db, row: typeof fingerExceptions.$inferInsert): Promise<void> {
  await tx.insert(fingerExceptions).values(row);
}

export async function endFingerException(tx: Db, id: string, at: Date, by: { userId: string | null; username: string }, reason: string): Promise<void> {
  await tx
    .update(fingerExceptions)
    .set({ endedAt: at, endedBy: by.userId, endedByUsername: by.username, endReason: reason })
    .where(and(eq(fingerExceptions.id, id), isNull(fingerExceptions.endedAt)));
}

export async function findFingerException(db: Db, id: string): Promise<FingerExceptionRow | undefined> {
  const rows = await db.select().from(fingerExceptions).where(eq(fingerExceptions.id, id));
  return rows[0];
}
