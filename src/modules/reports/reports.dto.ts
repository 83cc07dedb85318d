import { z } from 'zod';
import { count, instant } from '../../platform/dto';

/** The statuses of the status report, in the order the seeds' tables use. */
export const REPORT_STATUSES = ['in_custody', 'temporarily_out', 'unaccounted', 'escaped', 'in_transit', 'released', 'repatriated', 'deceased'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const StatusReportQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  level: z.enum(['facility', 'unit']).default('facility'),
});

export const DeltaHistoryQuery = z.object({
  facilityId: z.uuid().optional(),
  unitId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(5000),
  format: z.enum(['json', 'csv']).default('json'),
});

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

export const ByStatusResponse = z.object(Object.fromEntries(REPORT_STATUSES.map((s) => [s, count])) as Record<ReportStatus, typeof count>);
export type ByStatus = z.infer<typeof ByStatusResponse>;

/** The same figures for each unit holding anyone (unitId null: placed in the facility without a unit). */
export const UnitStatusResponse = z.object({ unitId: z.string().nullable(), code: z.string().nullable(), onRoll: count, byStatus: ByStatusResponse });

export const FacilityStatusResponse = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  capacity: count.nullable(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
  /** On the roll: in custody + temporarily out + unaccounted. */
  onRoll: count,
  minorsOnRoll: count,
  byStatus: ByStatusResponse,
  byNationality: z.record(z.string(), count),
  units: z.array(UnitStatusResponse),
});

/** GET /reports/status: population by facility (and unit), status and nationality, in the caller's scope. */
export const StatusReportResponse = z.object({
  generatedAt: instant,
  totals: ByStatusResponse.extend({ onRoll: count, minorsOnRoll: count, registeredNotAdmitted: count }),
  facilities: z.array(FacilityStatusResponse),
  nationalities: z.array(z.object({ country: z.string(), onRoll: count, byStatus: ByStatusResponse })),
});
export type StatusReportResponse = z.input<typeof StatusReportResponse>;

/** One unit's figures at one closed roll call. */
export const DeltaHistoryEntryResponse = z.object({
  rollcallId: z.string(),
  closedAt: instant,
  facilityId: z.string(),
  facilityCode: z.string(),
  unitId: z.string().nullable(),
  unitCode: z.string().nullable(),
  expected: count,
  present: count,
  excused: count,
  delta: count,
  misplacedIn: count,
  misplacedOut: count,
});

/** GET /reports/delta: the Delta history of each unit over time (closed roll calls), newest first. */
export const DeltaHistoryResponse = z.object({ generatedAt: instant, rows: z.array(DeltaHistoryEntryResponse) });
export type DeltaHistoryResponse = z.input<typeof DeltaHistoryResponse>;

export const FacilityFiguresQuery = z.object({
  facilityId: z.uuid().optional(),
  /** Leave out points before this instant (the figures still combine every earlier count). */
  from: z.iso.datetime({ offset: true }).optional(),
});

/** A facility's figures after one roll call closed: the latest count of each of its units, summed. */
export const CombinedFiguresResponse = z.object({
  /** The roll call whose close produced this point (it may have counted one block only). */
  rollcallId: z.string(),
  at: instant,
  expected: count,
  present: count,
  excused: count,
  delta: count,
  unitsCounted: count,
  /** When the oldest of the unit counts in the sum was taken: the age of these figures. */
  oldestCountAt: instant,
});

/**
 * GET /reports/figures: per facility, its current combined roll-call figures (`latest`) and their history (`series`,
 * oldest first, one point per closed roll call). A block roll call changes only that block's part.
 */
export const FacilityFiguresResponse = z.object({
  generatedAt: instant,
  facilities: z.array(z.object({ facilityId: z.string(), latest: CombinedFiguresResponse.nullable(), series: z.array(CombinedFiguresResponse) })),
});
export type FacilityFiguresResponse = z.input<typeof FacilityFiguresResponse>;
