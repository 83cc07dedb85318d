import { z } from 'zod';
import { EXCUSE_REASONS, MARK_METHODS, MARK_RESULTS, ROLLCALL_STATUSES } from './rollcalls.domain';

export const OpenRollcallBody = z.object({
  facilityId: z.uuid(),
  /** Units to count (their sub-units included); absent or empty: the whole facility. */
  unitIds: z.array(z.uuid()).max(1000).optional(),
});
export type OpenRollcallInput = z.infer<typeof OpenRollcallBody>;

export const MarkBody = z.object({
  /** Client-generated id (UUID): a retried batch inserts nothing twice. */
  id: z.uuid().optional(),
  personId: z.uuid(),
  result: z.enum(MARK_RESULTS),
  reason: z.enum(EXCUSE_REASONS).optional(),
  note: z.string().trim().min(1).max(500).optional(),
  method: z.enum(MARK_METHODS).optional(),
  /** Reference of the biometric verification or document check behind the mark. */
  verificationRef: z.string().trim().min(1).max(200).optional(),
  /** Where the person was seen; a unit other than the person's own makes the person misplaced. */
  unitId: z.uuid().optional(),
  /** When the tablet recorded the mark (defaults to when the server receives it). */
  markedAt: z.iso.datetime({ offset: true }).optional(),
});

export const MarksBody = z.object({
  marks: z.array(MarkBody).min(1).max(10_000),
  /** Default unit for marks that do not name one (the block the tablet is counting). */
  unitId: z.uuid().optional(),
});
export type MarksInput = z.infer<typeof MarksBody>;

export const RollcallParams = z.object({ id: z.uuid() });

export const ListRollcallsQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum(ROLLCALL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const RollcallDetailQuery = z.object({
  unitId: z.uuid().optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(0).max(5000).default(500),
});

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00-23:59');

export const ScheduleBody = z.object({
  times: z.array(timeOfDay).min(1).max(24),
  utcOffsetMinutes: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60)
    .default(0),
  graceMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  active: z.boolean().default(true),
});
export type ScheduleInput = z.input<typeof ScheduleBody>;

export const FacilityParams = z.object({ id: z.uuid() });

export const CancelRollcallBody = z.object({
  /** Why the roll call is cancelled rather than closed (opened by mistake, wrong units ...): kept in the audit log. */
  reason: z.string().trim().min(3).max(500),
});
export type CancelRollcallInput = z.infer<typeof CancelRollcallBody>;

// --- responses (the JSON on the wire: instants as ISO strings); the web app imports these types ----------------------

const instant = z.iso.datetime({ offset: true });
const count = z.number().int();

export const UnitFiguresResponse = z.object({
  unitId: z.string().nullable(),
  expected: count,
  present: count,
  excused: count,
  delta: count,
  /** Persons of other units seen present here. */
  misplacedIn: count,
  /** Persons of this unit seen present elsewhere. */
  misplacedOut: count,
});
export type UnitFiguresResponse = z.infer<typeof UnitFiguresResponse>;

/** What a close computed (also kept on the roll call as `result`). */
export const CloseResultResponse = z.object({
  rollcallId: z.string(),
  facilityId: z.string(),
  closedAt: instant,
  expected: count,
  present: count,
  excused: count,
  delta: count,
  unaccounted: z.array(z.string()),
  departed: z.array(z.object({ personId: z.string(), status: z.string() })),
  misplaced: z.array(z.object({ personId: z.string(), expectedUnitId: z.string().nullable(), seenUnitId: z.string().nullable(), onList: z.boolean() })),
  byUnit: z.array(UnitFiguresResponse),
  ledger: z.object({ unaccountedEvents: count, accountedEvents: count }),
});
export type CloseResultResponse = z.infer<typeof CloseResultResponse>;

/** POST /rollcalls/:id/close: the result and the alerts it raised. */
export const CloseResponse = CloseResultResponse.extend({
  alerts: z.array(z.object({ id: z.string(), rule: z.string(), severity: z.string() })),
});
export type CloseResponse = z.infer<typeof CloseResponse>;

export const RollcallResponse = z.object({
  id: z.string(),
  facilityId: z.string(),
  unitIds: z.array(z.string()),
  status: z.enum(ROLLCALL_STATUSES),
  openedAt: instant,
  openedBy: z.string().nullable(),
  closedAt: instant.nullable(),
  closedBy: z.string().nullable(),
  expected: count,
  /** The close's result as kept: the unaccounted list only up to 1,000 persons, always their count. */
  result: CloseResultResponse.extend({ unaccounted: z.array(z.string()).optional(), unaccountedCount: count.optional() }).nullable(),
  cancelled: z.object({ at: instant, by: z.string().nullable(), reason: z.string() }).nullable(),
});
export type RollcallResponse = z.infer<typeof RollcallResponse>;

/** One expected person on a page of the sheet, with the decisive mark. */
export const SheetRowResponse = z.object({
  personId: z.string(),
  name: z.string().nullable(),
  unitId: z.string().nullable(),
  statusAtOpen: z.string(),
  outReason: z.string().nullable(),
  mark: z.object({ result: z.enum(MARK_RESULTS), reason: z.string().nullable(), unitId: z.string().nullable() }).nullable(),
  outcome: z.string().nullable(),
  misplaced: z.boolean(),
});
export type SheetRowResponse = z.infer<typeof SheetRowResponse>;

export const MarkResponse = z.object({
  id: z.string(),
  rollcallId: z.string(),
  personId: z.string(),
  result: z.enum(MARK_RESULTS),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  method: z.string().nullable(),
  verificationRef: z.string().nullable(),
  unitId: z.string().nullable(),
  expected: z.boolean(),
  misplaced: z.boolean(),
  markedAt: z.iso.datetime(),
  markedBy: z.string().nullable(),
  recordedAt: z.iso.datetime(),
});

/** GET /rollcalls/:id: live counters, and for roles that read persons a page of the sheet and the latest marks. */
export const RollcallDetailResponse = RollcallResponse.extend({
  live: z.object({ expected: count, present: count, excused: count, delta: count, marks: count, byUnit: z.array(UnitFiguresResponse) }),
  unaccounted: z.array(z.string()).optional(),
  recentMarks: z.array(MarkResponse).optional(),
  persons: z.array(SheetRowResponse).optional(),
  page: z.object({ offset: count, limit: count }).optional(),
});
export type RollcallDetailResponse = z.infer<typeof RollcallDetailResponse>;

/** POST /rollcalls/:id/marks. */
export const MarksReceiptResponse = z.object({
  rollcallId: z.string(),
  received: count,
  recorded: count,
  duplicates: count,
  misplaced: z.array(z.string()),
});
export type MarksReceiptResponse = z.infer<typeof MarksReceiptResponse>;
