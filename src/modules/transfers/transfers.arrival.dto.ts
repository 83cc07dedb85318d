import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { MOVE_STATUSES } from './transfers.domain';
import { ARRIVAL_OUTCOMES } from './transfers.arrival.domain';
import { HandoverResponse, MovementResponse } from './transfers.dto';

const text = (max: number) => z.string().trim().min(1).max(max);

export const ArrivalIdentifyQuery = z.object({
  modality: z.enum(['face', 'fingerprint']),
  dpi: z.coerce.number().int().min(100).max(2000).optional(),
});
export const ArrivalDecideBody = z
  .object({
    decision: z.enum(['confirmed', 'rejected']),
    /** Another person than the one proposed (with a reason), or the person an "unknown" probe turned out to be. */
    personId: z.uuid().optional(),
    reason: text(300).optional(),
  })
  .strict();
export const ArrivalCheckParams = z.object({ id: z.uuid(), checkId: z.uuid() });
export const DivertBody = z.object({ facilityId: z.uuid(), reason: text(300) }).strict();
export const LodgeBody = z.object({ facilityId: z.uuid(), reason: text(300) }).strict();
export const CollectBody = z
  .object({
    /** Who was collected (default: everyone lodged); anyone left behind needs the reason. */
    personIds: z.array(z.uuid()).max(2000).optional(),
    reason: text(300).optional(),
  })
  .strict();

const PersonRef = z.object({ personId: z.string(), name: z.string().nullable() });

export const ArrivalCheckResponse = z.object({
  id: z.string(),
  identificationId: z.string(),
  modality: z.enum(['face', 'fingerprint']),
  outcome: z.enum(ARRIVAL_OUTCOMES),
  candidate: PersonRef.extend({ score: z.number().nullable() }).nullable(),
  otherMovement: z.object({ id: z.string(), code: z.string().nullable() }).nullable(),
  /** The proposed person was already confirmed off this movement. */
  alreadyIdentified: z.boolean(),
  decision: z.enum(['confirmed', 'rejected']).nullable(),
  person: PersonRef.nullable(),
  reason: z.string().nullable(),
  createdAt: instant,
  decidedAt: instant.nullable(),
});

export const ArrivalResponse = z.object({
  movement: MovementResponse,
  /** Count on: persons who departed on the movement. */
  countOn: count,
  /** Count off: persons an officer confirmed off it (on the manifest or not). */
  countOff: count,
  /** Departed, not yet identified off (missing once the count closes). */
  notYet: z.array(PersonRef),
  /** Confirmed off, not on this movement's manifest. */
  extra: z.array(PersonRef.extend({ movementCode: z.string().nullable() })),
  identified: z.array(PersonRef.extend({ checkId: z.string(), identificationId: z.string() })),
  /** Probes waiting for an officer's decision. */
  pending: z.array(ArrivalCheckResponse),
  /** Probes that matched nobody on this movement (flagged), decided or not. */
  flagged: count,
  checks: count,
});

export const StopResponse = z.object({
  id: z.string(),
  kind: z.enum(['diversion', 'lodging']),
  facility: z.object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable() }),
  previousFacilityId: z.string().nullable(),
  reason: z.string(),
  persons: count,
  startedAt: instant,
  endedAt: instant.nullable(),
});

const SignatureSide = z
  .object({
    signer: z.object({ userId: z.string(), username: z.string(), facilityId: z.string() }),
    signedAt: z.string(),
    publicKey: z.string(),
    signature: z.string(),
    ledgerHead: z.string(),
    countOn: count,
    countOff: count.nullable(),
  })
  .nullable();

/** Everything the printable page for the receiving authority shows. */
export const PrintableResponse = z.object({
  operation: z.object({ id: z.string(), name: z.string() }),
  movement: MovementResponse,
  from: z.object({ code: z.string().nullable(), name: z.string().nullable() }),
  to: z.object({ code: z.string().nullable(), name: z.string().nullable() }),
  divertedFrom: z.object({ code: z.string().nullable(), name: z.string().nullable() }).nullable(),
  manifest: z.array(
    z.object({
      personId: z.string(),
      name: z.string().nullable(),
      status: z.enum(MOVE_STATUSES),
      boardingCheck: z.enum(['verified', 'override', 'none']),
      identifiedOff: z.boolean(),
    }),
  ),
  total: count,
  counts: z.object({ on: count.nullable(), off: count.nullable(), missing: count, extra: count }),
  extra: z.array(PersonRef),
  stops: z.array(StopResponse),
  sender: SignatureSide,
  receiver: SignatureSide,
  /** SHA-256 of the canonical JSON (sorted keys, no spaces) of the signed handover document. */
  handoverSha256: z.string(),
  handover: HandoverResponse,
  generatedAt: instant,
  generatedBy: z.string(),
});

export const TransitTickResponse = z.object({ at: instant, alerted: count });
