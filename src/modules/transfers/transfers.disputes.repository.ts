import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { transferDiscrepancyResolutions } from './transfers.disputes.schema';
import { transferMovements, transferMoves } from './transfers.schema';

export type ResolutionRow = typeof transferDiscrepancyResolutions.$inferSelect;

export async function insertResolution(db: Db, row: ResolutionRow): Promise<void> {
  await db.insert(transferDiscrepancyResolutions).values(row);
}

/** The resolutions of these movements, oldest first. */
export async function resolutionsOf(db: Db, movementIds: readonly string[]): Promise<ResolutionRow[]> {
  if (movementIds.length === 0) return [];
  return db
    .select()
    .from(transferDiscrepancyResolutions)
    .where(inArray(transferDiscrepancyResolutions.movementId, [...movementIds]))
    .orderBy(asc(transferDiscrepancyResolutions.resolvedAt), asc(transferDiscrepancyResolutions.id));
}

/**
 * The move of an extra person on the movement of the same operation whose manifest named them (departed, disputed,
 * or completed there), the latest first; null when they departed on no other movement of the operation.
 */
export async function ownMoveOf(
  db: Db,
  personId: string,
  operationId: string,
  notMovementId: string,
): Promise<{ movementId: string; moveStatus: string; movementCode: string; movementStatus: string; receiverSigned: boolean } | null> {
  const rows = await db
    .select({
      movementId: transferMoves.movementId,
      moveStatus: transferMoves.status,
      movementCode: transferMovements.code,
      movementStatus: transferMovements.status,
      receiverSignature: transferMovements.receiverSignature,
    })
    .from(transferMoves)
    .innerJoin(transferMovements, eq(transferMovements.id, transferMoves.movementId))
    .where(
      and(
        eq(transferMoves.personId, personId),
        eq(transferMovements.operationId, operationId),
        ne(transferMoves.movementId, notMovementId),
        inArray(transferMoves.status, ['departed', 'arrived', 'disputed', 'completed']),
      ),
    )
    .orderBy(desc(transferMoves.updatedAt));
  // a live move (departed, arrived, disputed: at most one, by the index) before a completed one
  const r = rows.find((x) => x.moveStatus !== 'completed') ?? rows[0];
  return r
    ? {
        movementId: r.movementId,
        moveStatus: r.moveStatus,
        movementCode: r.movementCode,
        movementStatus: r.movementStatus,
        receiverSigned: r.receiverSignature !== null,
      }
    : null;
}
