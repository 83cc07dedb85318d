import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { afterActionReviews } from './reviews.document.schema';

export type ReviewRow = typeof afterActionReviews.$inferSelect;

/** The columns of a list: everything but the snapshot (which may be megabytes), with its counts. */
const summaryColumns = {
  id: afterActionReviews.id,
  facilityId: afterActionReviews.facilityId,
  incidentId: afterActionReviews.incidentId,
  title: afterActionReviews.title,
  windowFrom: afterActionReviews.windowFrom,
  windowTo: afterActionReviews.windowTo,
  status: afterActionReviews.status,
  snapshotHash: afterActionReviews.snapshotHash,
  snapshotAt: afterActionReviews.snapshotAt,
  createdByName: afterActionReviews.createdByName,
  createdAt: afterActionReviews.createdAt,
  updatedAt: afterActionReviews.updatedAt,
  submittedByName: afterActionReviews.submittedByName,
  submittedAt: afterActionReviews.submittedAt,
  approvedByName: afterActionReviews.approvedByName,
  approvedAt: afterActionReviews.approvedAt,
  items: sql<number>`jsonb_array_length(${afterActionReviews.snapshot}->'items')`.as('items'),
  findings: sql<number>`jsonb_array_length(${afterActionReviews.snapshot}->'findings')`.as('findings'),
};
export type ReviewSummaryRow = { [K in keyof typeof summaryColumns]: K extends 'items' | 'findings' ? number : ReviewRow[K & keyof ReviewRow] };

export async function insertReview(db: Db, row: ReviewRow): Promise<void> {
  await db.insert(afterActionReviews).values(row);
}

export async function findReview(db: Db, id: string): Promise<ReviewRow | null> {
  const [row] = await db.select().from(afterActionReviews).where(eq(afterActionReviews.id, id));
  return row ?? null;
}

/** Reviews newest first, in the facilities given (null: all), with the total. */
export async function listReviews(
  db: Db,
  q: { facilityIds: readonly string[] | null; status?: string; limit: number; offset: number },
): Promise<{ total: number; rows: ReviewSummaryRow[] }> {
  const where: SQL[] = [];
  if (q.facilityIds) where.push(q.facilityIds.length === 0 ? sql`false` : inArray(afterActionReviews.facilityId, [...q.facilityIds]));
  if (q.status) where.push(eq(afterActionReviews.status, q.status));
  const cond = where.length > 0 ? and(...where) : undefined;
  const rows = await db
    .select(summaryColumns)
    .from(afterActionReviews)
    .where(cond)
    .orderBy(desc(afterActionReviews.createdAt), desc(afterActionReviews.id))
    .limit(q.limit)
    .offset(q.offset);
  const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${afterActionReviews} ${cond ? sql`where ${cond}` : sql``}`);
  return { total: Number(n?.n ?? 0), rows: rows.map((r) => ({ ...r, items: Number(r.items), findings: Number(r.findings) })) as ReviewSummaryRow[] };
}

/** Changes a review only if it is still in `status` (the life's steps race safely); returns the row or null. */
export async function updateReviewIf(db: Db, id: string, status: string, set: Partial<ReviewRow>): Promise<ReviewRow | null> {
  const [row] = await db
    .update(afterActionReviews)
    .set(set)
    .where(and(eq(afterActionReviews.id, id), eq(afterActionReviews.status, status)))
    .returning();
  return row ?? null;
}
