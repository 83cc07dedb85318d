import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
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

/**
 * One page of the audit log in seq order, packed by the database into one JSON text (one round trip, one
 * `JSON.parse`): verification reads every entry, and row-by-row decoding dominated its cost on PGlite.
 */
export async function readAuditChainPage(db: Db, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  const [row] = await queryRows<{ page: string | null }>(
    db,
    sql`select json_agg(json_build_array(seq, id, (extract(epoch from at) * 1000)::float8, actor_id, actor_username,
          actor_role, action, subject_type, subject_id, purpose, details, prev_hash, hash) order by seq)::text as page
        from (select * from audit_log where seq > ${afterSeq} order by seq limit ${limit}) a`,
  );
  if (!row?.page) return [];
  const tuples = JSON.parse(row.page) as AuditTuple[];
  const entries = new Array<AuditEntry>(tuples.length);
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples[i]!;
    entries[i] = {
      seq: t[0],
      id: t[1],
      at: new Date(t[2]),
      actorId: t[3],
      actorUsername: t[4],
      actorRole: t[5],
      action: t[6],
      subjectType: t[7],
      subjectId: t[8],
      purpose: t[9],
      details: t[10],
      prevHash: t[11],
      hash: t[12],
    };
  }
  return entries;
}

type AuditTuple = [
  number,
  string,
  number,
  string | null,
  string | null,
  string | null,
  string,
  string | null,
  string | null,
  string | null,
  unknown,
  string,
  string,
];

export async function readAuditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  return { seq: head?.seq ?? 0, hash: head?.hash ?? '' };
}

export interface AuditFilter {
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  /** An exact action, or a prefix when it ends with `*`. */
  action?: string;
  actorUsername?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset?: number;
  beforeSeq?: number;
  /**
   * Set for a reader who gets redacted entries (audit.policy.ts): a person's or household's id is withheld from them,
   * so a subjectId filter must not find those entries either (except their own), or the rows and the total would say
   * whose records were read.
   */
  redactedFor?: { userId: string | null };
}

function auditConditions(f: Omit<AuditFilter, 'limit' | 'offset'>): SQL | undefined {
  const conditions: SQL[] = [];
  if (f.subjectType) conditions.push(eq(auditLog.subjectType, f.subjectType));
  if (f.subjectId) conditions.push(eq(auditLog.subjectId, f.subjectId));
  if (f.subjectId && f.redactedFor) {
    const own = f.redactedFor.userId === null ? sql`false` : sql`${auditLog.actorId} = ${f.redactedFor.userId}`;
    conditions.push(sql`(${auditLog.subjectType} not in ('person', 'household') or ${own})`);
  }
  if (f.actorId) conditions.push(eq(auditLog.actorId, f.actorId));
  if (f.action?.endsWith('*')) {
    const prefix = f.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${auditLog.action} like ${`${prefix}%`}`);
  } else if (f.action) conditions.push(eq(auditLog.action, f.action));
  if (f.actorUsername) conditions.push(eq(auditLog.actorUsername, f.actorUsername));
  if (f.from) conditions.push(gte(auditLog.at, f.from));
  if (f.to) conditions.push(lt(auditLog.at, f.to));
  if (f.beforeSeq) conditions.push(sql`${auditLog.seq} < ${f.beforeSeq}`);
  return conditions.length ? and(...conditions) : undefined;
}

export async function listAuditEntries(db: Db, f: AuditFilter): Promise<AuditEntry[]> {
  return (await db
    .select()
    .from(auditLog)
    .where(auditConditions(f))
    .orderBy(desc(auditLog.seq))
    .limit(f.limit)
    .offset(f.offset ?? 0)) as AuditEntry[];
}

/** How many entries the list's filters select: its total. */
export async function countAuditEntries(db: Db, f: Omit<AuditFilter, 'limit' | 'offset'>): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(auditConditions(f));
  return Number(row?.n ?? 0);
}
