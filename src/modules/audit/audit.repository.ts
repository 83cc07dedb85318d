import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { auditHead, auditLog } from './audit.schema';
import type { AuditEntry } from './audit.domain';

export async function lockAuditHead(tx: Db): Promise<{ seq: number; hash: string }> {
  const rows = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for('update');
  const head = rows[0];
  if (!head) throw new Error('audit_head row is missing: the database was not migrated');
  return { seq: head.seq, hash: head.hash };
}

export async function insertAuditEntries(tx: Db, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (let i = 0; i < entries.length; i += 1000) {
    await tx.insert(auditLog).values(entries.slice(i, i + 1000).map((e) => ({ ...e, details: e.details ?? null })));
  }
  const last = entries[entries.length - 1]!;
  await tx.update(auditHead).set({ seq: last.seq, hash: last.hash }).where(eq(auditHead.id, 1));
}

export async function readAuditPage(db: Db, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  return (await db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit)) as AuditEntry[];
}

export async function readAuditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  return { seq: head?.seq ?? 0, hash: head?.hash ?? '' };
}

export interface AuditFilter {
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  action?: string;
  limit: number;
  beforeSeq?: number;
}

export async function listAuditEntries(db: Db, f: AuditFilter): Promise<AuditEntry[]> {
  const conditions: SQL[] = [];
  if (f.subjectType) conditions.push(eq(auditLog.subjectType, f.subjectType));
  if (f.subjectId) conditions.push(eq(auditLog.subjectId, f.subjectId));
  if (f.actorId) conditions.push(eq(auditLog.actorId, f.actorId));
  if (f.action) conditions.push(eq(auditLog.action, f.action));
  if (f.beforeSeq) conditions.push(sql`${auditLog.seq} < ${f.beforeSeq}`);
  return (await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(f.limit)) as AuditEntry[];
}
