import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { guardStaffTemplates, guardStaffVerifications } from './guards.biometrics.schema';

export type StaffTemplateRow = typeof guardStaffTemplates.$inferSelect;
export type StaffVerificationRow = typeof guardStaffVerifications.$inferSelect;

/** The guard's live face template (one at most), locked when asked. */
export async function liveTemplateOf(db: Db, staffId: string, lock = false): Promise<StaffTemplateRow | undefined> {
  const q = db
    .select()
    .from(guardStaffTemplates)
    .where(and(eq(guardStaffTemplates.staffId, staffId), isNotNull(guardStaffTemplates.envelope)));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertTemplate(tx: Db, row: StaffTemplateRow): Promise<void> {
  await tx.insert(guardStaffTemplates).values(row);
}

/** Erasure: the envelope goes; who, when and why stay. */
export async function eraseTemplate(tx: Db, id: string, at: Date, by: string | null, reason: string): Promise<void> {
  await tx.update(guardStaffTemplates).set({ envelope: null, erasedAt: at, erasedBy: by, eraseReason: reason }).where(eq(guardStaffTemplates.id, id));
}

export async function insertVerification(tx: Db, row: StaffVerificationRow): Promise<void> {
  await tx.insert(guardStaffVerifications).values(row);
}

export async function findVerification(db: Db, id: string, lock = false): Promise<StaffVerificationRow | undefined> {
  const q = db.select().from(guardStaffVerifications).where(eq(guardStaffVerifications.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** Marks a verification as used by a check-in; false when another check-in took it first. */
export async function useVerification(tx: Db, id: string, attendanceId: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(guardStaffVerifications)
    .set({ usedByAttendanceId: attendanceId, usedAt: at })
    .where(and(eq(guardStaffVerifications.id, id), sql`${guardStaffVerifications.usedByAttendanceId} is null`))
    .returning({ id: guardStaffVerifications.id });
  return rows.length === 1;
}
