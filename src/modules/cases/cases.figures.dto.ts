import { z } from 'zod';
import { count, instant } from '../../platform/dto';

export const FiguresQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

export const StasisRowResponse = z.object({
  facilityCode: z.string().nullable(),
  nationality: z.string().nullable(),
  openCases: count,
  overdue: count,
  neverReviewed: count,
  avgDaysWithoutReview: count,
  maxDaysWithoutReview: count,
});
export const StasisResponse = z.object({
  at: instant,
  totals: z.object({ openCases: count, overdue: count, neverReviewed: count }),
  rows: z.array(StasisRowResponse),
});

export const ReintegrationFiguresResponse = z.object({
  at: instant,
  cases: count,
  withPlan: count,
  checkinMissed: count,
  outcomes: z.array(z.object({ month: count, outcome: z.string(), count })),
});
