import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { csvLines } from '../../platform/csv';
import { requirePermission, type Actor } from '../access';
import { reintegrationFigures, stasisRows } from './cases.figures.repository';

/** Figures of the legal stasis and of life after release: counts only, no person named (monitors read them). */
export class CasesFiguresService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async stasis(actor: Actor) {
    requirePermission(actor, 'cases.figures');
    const at = this.clock.now();
    return { at, ...(await stasisRows(this.db, actor, at)) };
  }

  async reintegration(actor: Actor) {
    requirePermission(actor, 'cases.figures');
    const at = this.clock.now();
    return { at, ...(await reintegrationFigures(this.db, actor, at)) };
  }
}

export function stasisCsv(s: Awaited<ReturnType<CasesFiguresService['stasis']>>): string {
  return csvLines(
    ['facility', 'nationality', 'open_cases', 'overdue_reviews', 'never_reviewed', 'avg_days_without_review', 'max_days_without_review'],
    s.rows.map((r) => [r.facilityCode ?? '', r.nationality ?? '', r.openCases, r.overdue, r.neverReviewed, r.avgDaysWithoutReview, r.maxDaysWithoutReview]),
  );
}

export function reintegrationCsv(s: Awaited<ReturnType<CasesFiguresService['reintegration']>>): string {
  return csvLines(
    ['month', 'outcome', 'count'],
    s.outcomes.map((o) => [o.month, o.outcome, o.count]),
  );
}
