import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { GOVERNANCE_STATES } from './guards.domain';

export const HEATMAP_RANGES = { day: { hours: 24, bucketMinutes: 60 }, week: { hours: 168, bucketMinutes: 360 } } as const;

export const HeatmapQuery = z.object({
  /** A day in hourly cells, or a week in cells of six hours. */
  range: z.enum(['day', 'week']).default('day'),
  /** The end of the range (default: now). */
  to: z.iso.datetime({ offset: true }).optional(),
});
export type HeatmapQueryInput = z.infer<typeof HeatmapQuery>;

const cell = z.object({
  /** The worst state of the cell (the state carried in from before it counts): null without figures yet. */
  state: z.enum(GOVERNANCE_STATES).nullable(),
  /** The figures of the recomputation that gave that state. */
  at: instant.nullable(),
  present: count.nullable(),
  onRoll: count.nullable(),
  postsManned: count.nullable(),
  postsRequired: count.nullable(),
  guardsPer100: z.number().nullable(),
});

export const HeatmapResponse = z.object({
  from: instant,
  to: instant,
  bucketMinutes: z.number().int(),
  /** The start of each column. */
  columns: z.array(instant),
  /** A row per facility in scope (sector '') followed by its sectors. */
  rows: z.array(
    z.object({
      facilityId: z.uuid(),
      facilityCode: z.string(),
      sector: z.string(),
      label: z.string(),
      cells: z.array(cell),
    }),
  ),
});
export type HeatmapView = z.output<typeof HeatmapResponse>;
