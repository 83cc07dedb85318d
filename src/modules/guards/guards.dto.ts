import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { CHECKIN_METHODS, GOVERNANCE_STATES, HANDOVER_SIDES, ORGANISATIONS, POST_KINDS, STAFF_STATUSES, ThresholdSettings } from './guards.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const when = z.iso.datetime({ offset: true });

export const CreateStaffBody = z.object({
  badge: text(64),
  fullName: text(200),
  organisation: z.enum(ORGANISATIONS),
  rank: text(80).optional(),
  facilityId: z.uuid(),
  status: z.enum(STAFF_STATUSES).default('active'),
});
export type CreateStaffInput = z.infer<typeof CreateStaffBody>;

export const UpdateStaffBody = z
  .object({
    status: z.enum(STAFF_STATUSES).optional(),
    rank: text(80).optional(),
    facilityId: z.uuid().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'Name at least one of status, rank, facilityId');
export type UpdateStaffInput = z.infer<typeof UpdateStaffBody>;

export const ListStaffQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum(STAFF_STATUSES).optional(),
  /** Part of a badge or a name, any case. */
  q: z.string().trim().min(1).max(100).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const StaffResponse = z.object({
  id: z.uuid(),
  badge: z.string(),
  fullName: z.string(),
  organisation: z.string(),
  rank: z.string().nullable(),
  facilityId: z.uuid(),
  status: z.string(),
  statusSince: instant,
  onDuty: z.object({ postId: z.uuid(), since: instant }).nullable(),
  /** Whether a face is enrolled for the 1:1 check-in (lists only; the template itself never leaves the server). */
  faceEnrolled: z.boolean().optional(),
});
export const StaffPageResponse = z.object({ total: count, items: z.array(StaffResponse) });

export const CreatePostBody = z.object({
  facilityId: z.uuid(),
  /** The sector: a unit (block, phase) of the facility; absent for a perimeter post of the whole facility. */
  unitId: z.uuid().optional(),
  code: text(64),
  name: text(200),
  kind: z.enum(POST_KINDS),
  /** Guards this post needs on every shift. */
  minStaff: z.number().int().min(0).max(100),
});
export type CreatePostInput = z.infer<typeof CreatePostBody>;

export const PostResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  unitId: z.uuid().nullable(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  minStaff: count,
  active: z.boolean(),
});

export const CreateShiftBody = z.object({ staffId: z.uuid(), postId: z.uuid(), startsAt: when, endsAt: when });
export type CreateShiftInput = z.infer<typeof CreateShiftBody>;

export const ShiftResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  postId: z.uuid(),
  staffId: z.uuid(),
  startsAt: instant,
  endsAt: instant,
  noShowAt: instant.nullable(),
});

export const RosterQuery = z.object({
  from: when.optional(),
  to: when.optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});
export const ShiftPageResponse = z.object({ total: count, items: z.array(ShiftResponse) });

export const RosterImportBody = z.object({ csv: z.string().min(1).max(4_000_000) });
export const RosterImportResponse = z.object({ imported: count });

export const CheckInBody = z
  .object({
    staffId: z.uuid().optional(),
    /** The badge read at the gate (instead of the staff id). */
    badge: text(64).optional(),
    postId: z.uuid(),
    method: z.enum(CHECKIN_METHODS),
    /** A 1:1 biometric verification or the confirming supervisor's note. */
    evidence: text(200).optional(),
    at: when.optional(),
  })
  .refine((b) => (b.staffId ? 1 : 0) + (b.badge ? 1 : 0) === 1, 'Name the guard by staffId or by badge (one of them)');
export type CheckInInput = z.infer<typeof CheckInBody>;

export const CheckOutBody = z
  .object({ staffId: z.uuid().optional(), badge: text(64).optional(), at: when.optional() })
  .refine((b) => (b.staffId ? 1 : 0) + (b.badge ? 1 : 0) === 1, 'Name the guard by staffId or by badge (one of them)');
export type CheckOutInput = z.infer<typeof CheckOutBody>;

export const AttendanceResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  postId: z.uuid(),
  staffId: z.uuid(),
  shiftId: z.uuid().nullable(),
  checkedInAt: instant,
  method: z.string(),
  lateMinutes: count,
  checkedOutAt: instant.nullable(),
  checkOutMethod: z.string().nullable(),
});

export const FacilityParams = z.object({ id: z.uuid() });
export const IdParams = z.object({ id: z.uuid() });

// Each field optional and without its default: a PUT of one field leaves the others as they are (`.partial()` kept
// the defaults, so a PUT of one field reset the others).
const thresholdShape = ThresholdSettings.shape;
export const ThresholdBody = z.object(
  Object.fromEntries(Object.entries(thresholdShape).map(([k, v]) => [k, v.unwrap().optional()])) as {
    [K in keyof typeof thresholdShape]: z.ZodOptional<ReturnType<(typeof thresholdShape)[K]['unwrap']>>;
  },
);
export const ThresholdResponse = ThresholdSettings;

const figures = z.object({
  onRoll: count,
  present: count,
  postsRequired: count,
  postsManned: count,
  guardsPer100: z.number().nullable(),
  mannedPercent: z.number().nullable(),
  state: z.enum(GOVERNANCE_STATES),
  reasons: z.array(z.string()),
});

export const CustodianResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  organisation: z.string(),
  commander: z.string(),
  fromAt: instant,
  toAt: instant.nullable(),
  endReason: z.string().nullable(),
});

export const BoardResponse = z.object({
  facilityId: z.uuid(),
  at: instant,
  custodian: CustodianResponse.nullable(),
  threshold: ThresholdSettings,
  figures,
  since: instant.nullable(),
  sectors: z.array(figures.extend({ unitId: z.uuid(), unitCode: z.string() })),
  posts: z.array(
    PostResponse.extend({
      planned: count,
      present: z.array(z.object({ staffId: z.uuid(), fullName: z.string(), rank: z.string().nullable(), since: instant, lateMinutes: count })),
    }),
  ),
  /** The rotation rule: guards whose latest shifts (planned up to a week ahead) keep them at one post `maxShiftsInRow` times or more in a row. */
  rotation: z.array(z.object({ staffId: z.uuid(), badge: z.string(), postId: z.uuid(), run: count, overLimit: z.boolean() })),
});

export const OverviewResponse = z.array(
  figures.extend({ facilityId: z.uuid(), code: z.string(), name: z.string(), since: instant.nullable(), custodian: z.string().nullable() }),
);

export const HistoryQuery = z.object({
  from: when.optional(),
  to: when.optional(),
  sectors: z.enum(['facility', 'all']).default('facility'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export const HistoryResponse = z.object({
  total: count,
  items: z.array(
    z.object({
      sector: z.string(),
      at: instant,
      onRoll: count,
      present: count,
      postsRequired: count,
      postsManned: count,
      state: z.string(),
      cause: z.string(),
    }),
  ),
});

export const AssumeCustodyBody = z.object({ organisation: z.enum(ORGANISATIONS), commander: text(200), at: when.optional() });
export type AssumeCustodyInput = z.infer<typeof AssumeCustodyBody>;
export const WithdrawBody = z.object({ reason: text(500), at: when.optional() });
export type WithdrawInput = z.infer<typeof WithdrawBody>;
export const CustodiansResponse = z.object({ current: CustodianResponse.nullable(), history: z.array(CustodianResponse) });

export const StartHandoverBody = z.object({ incomingOrganisation: z.enum(ORGANISATIONS), incomingCommander: text(200) });
export type StartHandoverInput = z.infer<typeof StartHandoverBody>;
const base64 = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64');
export const SignHandoverBody = z.object({
  side: z.enum(HANDOVER_SIDES),
  /** The signer's Ed25519 public key, base64 of its SPKI DER (registered on first use, then required to match). */
  publicKey: base64(200),
  /** Ed25519 signature of `statementText` (UTF-8), base64. */
  signature: base64(200),
});
export type SignHandoverInput = z.infer<typeof SignHandoverBody>;
export const HandoverResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  status: z.enum(['open', 'completed']),
  statement: z.record(z.string(), z.unknown()),
  /** The exact text both sides sign: the statement's canonical JSON. */
  statementText: z.string(),
  signatures: z.array(
    z.object({ side: z.enum(HANDOVER_SIDES), signerId: z.uuid().nullable(), publicKey: z.string(), signature: z.string(), signedAt: instant }),
  ),
  createdAt: instant,
  completedAt: instant.nullable(),
});
export const HandoverVerifyResponse = z.object({
  ok: z.boolean(),
  statementIntact: z.boolean(),
  sides: z.array(z.object({ side: z.enum(HANDOVER_SIDES), valid: z.boolean() })),
});
