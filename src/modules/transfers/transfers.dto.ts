import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { MOVE_STATUSES } from './transfers.domain';

const text = (max: number) => z.string().trim().min(1).max(max);

export const CreateOperationBody = z.object({ name: text(200) });

export const CreateMovementBody = z.object({
  code: text(40),
  kind: z.enum(['flight', 'convoy']).default('flight'),
  carrier: text(120).optional(),
  vehicle: text(60).optional(),
  capacity: z.number().int().min(1).max(2000),
  escorts: z.number().int().min(0).max(500),
  escortRatio: z.number().int().min(1).max(100).optional(),
  fromFacilityId: z.uuid(),
  toFacilityId: z.uuid(),
  departsAt: z.iso.datetime({ offset: true }).optional(),
  arrivesAt: z.iso.datetime({ offset: true }).optional(),
  transitLimitMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 14)
    .default(1440),
});
export type CreateMovementInput = z.infer<typeof CreateMovementBody>;

export const PlanBody = z.object({
  criteria: z
    .object({
      facilityId: z.uuid().optional(),
      nationality: z.string().trim().length(3).toUpperCase().optional(),
      status: z.literal('in_custody').optional(),
      personIds: z.array(z.uuid()).max(20_000).optional(),
    })
    .default({}),
  constraints: z
    .object({
      escortRatio: z.number().int().min(1).max(100).nullable().default(null),
      together: z.array(z.array(z.uuid()).min(2).max(50)).max(5000).default([]),
      apart: z.array(z.array(z.uuid()).min(2).max(50)).max(5000).default([]),
    })
    .default({ escortRatio: null, together: [], apart: [] }),
  /** Persons under a legal hold or an open case: not movable, with the reason shown among the unplaced. */
  holds: z
    .array(z.object({ personId: z.uuid(), reason: text(200) }))
    .max(20_000)
    .default([]),
});
export type PlanInput = z.infer<typeof PlanBody>;

export const AddPersonBody = z.object({ personId: z.uuid() });
export const CancelMoveBody = z.object({ personId: z.uuid(), reason: text(300) });
export const BoardBody = z.union([
  z.object({ personId: z.uuid(), verificationId: z.uuid() }).strict(),
  z.object({ personId: z.uuid(), override: z.object({ reason: text(300), verificationId: z.uuid().optional() }) }).strict(),
]);
export type BoardInput = z.infer<typeof BoardBody>;
export const ArriveBody = z.object({ identified: z.array(z.uuid()).max(2000) });
export const ReceiptBody = z.object({ manifestHash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex') });
export const ResolveBody = z.object({ personId: z.uuid(), verificationId: z.uuid().optional(), reason: text(300) });
export const OperationParams = z.object({ id: z.uuid() });
export const MovementParams = z.object({ id: z.uuid() });
export const PlanParams = z.object({ id: z.uuid(), planId: z.uuid() });
export const ExportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

// --- responses ---------------------------------------------------------------------------------------------------

export const OperationResponse = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: instant,
  movements: count,
  persons: count,
  byStatus: z.record(z.string(), count),
  discrepancies: count,
});

export const MovementResponse = z.object({
  id: z.string(),
  operationId: z.string(),
  code: z.string(),
  kind: z.string(),
  carrier: z.string().nullable(),
  vehicle: z.string().nullable(),
  capacity: count,
  escorts: count,
  escortRatio: count.nullable(),
  effectiveCapacity: count,
  fromFacilityId: z.string(),
  toFacilityId: z.string(),
  departsAt: instant.nullable(),
  arrivesAt: instant.nullable(),
  transitLimitMinutes: count,
  status: z.string(),
  departedAt: instant.nullable(),
  arrivedAt: instant.nullable(),
  countOn: count.nullable(),
  countOff: count.nullable(),
  missing: z.array(z.string()),
  extra: z.array(z.string()),
  manifestHash: z.string().nullable(),
  senderSigned: z.boolean(),
  receiverSigned: z.boolean(),
  byStatus: z.record(z.string(), count),
  total: count,
});

export const MoveResponse = z.object({
  personId: z.string(),
  status: z.enum(MOVE_STATUSES),
  verificationId: z.string().nullable(),
  overrideReason: z.string().nullable(),
  reason: z.string().nullable(),
  boardedAt: instant.nullable(),
  name: z.string().nullable(),
});

export const ManifestResponse = z.object({ movement: MovementResponse, total: count, moves: z.array(MoveResponse) });

export const UnplacedResponse = z.object({ personId: z.string(), reason: z.string(), detail: z.string() });

export const PlanResponse = z.object({
  /** Lists all the unplaced page by page: GET /transfers/operations/:id/plans/:planId/unplaced. */
  planId: z.string(),
  placed: count,
  manifests: z.array(z.object({ movementId: z.string(), code: z.string(), added: count, total: count, capacity: count })),
  /** The first 1,000 (unplacedTotal says how many). */
  unplaced: z.array(UnplacedResponse),
  unplacedTotal: count,
});

const SignedPartResponse = z.object({
  part: z.object({
    movementId: z.string(),
    operationId: z.string(),
    manifestHash: z.string(),
    personIds: z.array(z.string()),
    countOn: count,
    countOff: count.nullable(),
    missing: z.array(z.string()),
    extra: z.array(z.string()),
    fromFacilityId: z.string(),
    toFacilityId: z.string(),
    ledgerHead: z.string(),
    role: z.enum(['sender', 'receiver']),
    signedAt: z.string(),
    signer: z.object({ userId: z.string(), username: z.string(), facilityId: z.string() }),
  }),
  publicKey: z.string(),
  signature: z.string(),
});

/** The signed handover: each side's part, public key and Ed25519 signature (verifiable offline). */
export const HandoverResponse = z.object({
  format: z.literal('custos.handover@1'),
  sender: SignedPartResponse.nullable(),
  receiver: SignedPartResponse.nullable(),
});
