import { z } from 'zod';
import { instant } from '../../platform/dto';
import { RESOLUTION_KINDS } from './transfers.disputes.domain';

const reason = z.string().trim().min(1).max(300);

/** An officer's resolution of one missing or extra person of a counted movement, always with a reason. */
export const ResolveDiscrepancyBody = z.discriminatedUnion('kind', [
  /** Missing: identified at the destination after all (a 1:1 verification may be cited). */
  z.object({ kind: z.literal('found'), personId: z.uuid(), verificationId: z.uuid().optional(), reason }).strict(),
  /** Missing: recorded as boarded, never left the departure facility (by a custodian there). */
  z.object({ kind: z.literal('not_boarded'), personId: z.uuid(), reason }).strict(),
  /** Extra: flew on this movement instead of the one whose manifest named them. */
  z.object({ kind: z.literal('reattributed'), personId: z.uuid(), reason }).strict(),
  /** Extra: on no movement in transit; returned to the custody the ledger names. */
  z.object({ kind: z.literal('sent_back'), personId: z.uuid(), reason }).strict(),
]);
export type ResolveDiscrepancyInput = z.infer<typeof ResolveDiscrepancyBody>;

const MovementRef = z.object({ id: z.string(), code: z.string() });

export const MovementDiscrepanciesResponse = z.object({
  movement: z.object({
    id: z.string(),
    code: z.string(),
    status: z.string(),
    fromFacilityId: z.string(),
    toFacilityId: z.string(),
    receiverSigned: z.boolean(),
  }),
  missing: z.array(z.object({ personId: z.string(), name: z.string().nullable(), moveStatus: z.string().nullable() })),
  extra: z.array(
    z.object({
      personId: z.string(),
      name: z.string().nullable(),
      /** The movement of the operation whose manifest named this person, and their move there. */
      ownMovement: MovementRef.extend({ moveStatus: z.string() }).nullable(),
    }),
  ),
  resolved: z.array(
    z.object({
      id: z.string(),
      personId: z.string(),
      name: z.string().nullable(),
      side: z.enum(['missing', 'extra']),
      kind: z.enum(RESOLUTION_KINDS),
      otherMovement: MovementRef.nullable(),
      reason: z.string(),
      resolvedBy: z.string().nullable(),
      resolvedAt: instant,
    }),
  ),
});

export const OperationDiscrepanciesResponse = z.object({
  open: z.number().int(),
  resolved: z.number().int(),
  /** The movements in scope with a discrepancy, open or resolved. */
  movements: z.array(MovementDiscrepanciesResponse),
});
