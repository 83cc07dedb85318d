import { z } from 'zod';
import { count, instant, instantText } from '../../platform/dto';
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

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

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
export type UnitFiguresResponse = z.input<typeof UnitFiguresResponse>;

export const MisplacedPersonResponse = z.object({
  personId: z.string(),
  /** The person's unit on the manifest (null when off this roll call's list and unit-less). */
  expectedUnitId: z.string().nullable(),
  seenUnitId: z.string().nullable(),
  /** On this roll call's expected list (counted present) or only on the facility's manifest. */
  onList: z.boolean(),
});

/**
 * Of the expected persons counted present, how many were verified biometrically (a present mark citing a matching
 * 1:1 verification), by the method of their latest verified mark; the rest were seen (visual, document).
 */
export const BiometricShareResponse = z.object({ face: count, fingerprint: count, total: count });
export type BiometricShareResponse = z.input<typeof BiometricShareResponse>;

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
  /** Expected persons who left lawfully after the opening (transfer, release ...): counted as excused. */
  departed: z.array(z.object({ personId: z.string(), status: z.string() })),
  misplaced: z.array(MisplacedPersonResponse),
  byUnit: z.array(UnitFiguresResponse),
  /** Ledger events appended by the close: UNACCOUNTED for newly unaccounted, ACCOUNTED for those found again. */
  ledger: z.object({ unaccountedEvents: count, accountedEvents: count }),
  /** How many of the present were verified biometrically (face, fingerprint, total). */
  biometric: BiometricShareResponse,
});
export type CloseResultResponse = z.input<typeof CloseResultResponse>;

/** POST /rollcalls/:id/close: the result and the alerts it raised. */
export const CloseResponse = CloseResultResponse.extend({
  alerts: z.array(z.object({ id: z.string(), rule: z.string(), severity: z.string() })),
});
export type CloseResponse = z.input<typeof CloseResponse>;

/**
 * The close's result as kept on the roll call (JSON in the database, so its instant is already text): the unaccounted
 * list only up to 1,000 persons, always their count.
 */
export const StoredCloseResultResponse = CloseResultResponse.extend({
  closedAt: instantText,
  unaccounted: z.array(z.string()).optional(),
  unaccountedCount: count.optional(),
  /** Absent from results kept before the biometric share was counted. */
  biometric: BiometricShareResponse.optional(),
});

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
  result: StoredCloseResultResponse.nullable(),
  /** Set when the roll call was cancelled instead of closed. */
  cancelled: z.object({ at: instant, by: z.string().nullable(), reason: z.string() }).nullable(),
});
export type RollcallResponse = z.input<typeof RollcallResponse>;

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
  /** The person's latest present mark backed by a biometric verification (method and verification id), if any. */
  verification: z.object({ method: z.enum(['face', 'fingerprint']), ref: z.string() }).nullable(),
});
export type SheetRowResponse = z.input<typeof SheetRowResponse>;

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
  markedAt: instant,
  markedBy: z.string().nullable(),
  recordedAt: instant,
});

/** GET /rollcalls/:id: live counters, and for roles that read persons a page of the sheet and the latest marks. */
export const RollcallDetailResponse = RollcallResponse.extend({
  live: z.object({ expected: count, present: count, excused: count, delta: count, marks: count, byUnit: z.array(UnitFiguresResponse) }),
  /** A closed roll call's unaccounted persons. */
  unaccounted: z.array(z.string()).optional(),
  recentMarks: z.array(MarkResponse).optional(),
  persons: z.array(SheetRowResponse).optional(),
  page: z.object({ offset: count, limit: count }).optional(),
});
export type RollcallDetailResponse = z.input<typeof RollcallDetailResponse>;

/** POST /rollcalls/:id/marks. */
export const MarksReceiptResponse = z.object({
  rollcallId: z.string(),
  received: count,
  recorded: count,
  duplicates: count,
  misplaced: z.array(z.string()),
});
export type MarksReceiptResponse = z.input<typeof MarksReceiptResponse>;

/** GET and PUT /facilities/:id/rollcall-schedule (GET: null when the facility has none). */
export const ScheduleResponse = z.object({
  facilityId: z.string(),
  times: z.array(z.string()),
  utcOffsetMinutes: count,
  graceMinutes: count,
  durationMinutes: count,
  active: z.boolean(),
  updatedAt: instant,
  updatedBy: z.string().nullable(),
});
export type ScheduleResponse = z.input<typeof ScheduleResponse>;
