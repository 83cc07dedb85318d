import { ConflictError } from '../../platform/errors';

// ---- count discrepancies and how an officer resolves them (issue 18: "all resolved on screen") ----------------------

/**
 * How one discrepancy of a counted movement is resolved, always by an officer with a reason:
 * - a person **missing** off the movement (departed on it, not identified at arrival):
 *   - `found`: identified at the destination after all: received there (TRANSFER_ARRIVED);
 *   - `not_boarded`: recorded as boarded but never left the departure facility: the move is cancelled and the ledger
 *     brings the person back to the origin (TRANSFER_ARRIVED there, stating the destination the departure named);
 * - a person **extra** off the movement (identified off it, not on its manifest as departed):
 *   - `reattributed`: they flew on this movement instead of the one whose manifest named them: received here on that
 *     manifest (TRANSFER_ARRIVED), missing there and extra here both cleared;
 *   - `sent_back`: a person on no movement in transit (the ledger holds them in custody elsewhere) returned to that
 *     custody: cleared from the count, the ledger unchanged.
 */
export const RESOLUTION_KINDS = ['found', 'not_boarded', 'reattributed', 'sent_back'] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

/** Which side of the count each kind resolves. */
export const RESOLUTION_SIDE: Record<ResolutionKind, 'missing' | 'extra'> = {
  found: 'missing',
  not_boarded: 'missing',
  reattributed: 'extra',
  sent_back: 'extra',
};

/** Movement statuses whose arrival count is closed (its missing and extra are known). */
export const COUNTED_STATUSES = ['arrived', 'received', 'disputed'] as const;

export interface CountedMovement {
  code: string;
  status: string;
  missing: readonly string[];
  extra: readonly string[];
}

/** The discrepancy must exist on this movement: its count closed and the person on the side the kind resolves. */
export function checkDiscrepancy(m: CountedMovement, kind: ResolutionKind, personId: string): void {
  if (!(COUNTED_STATUSES as readonly string[]).includes(m.status)) {
    throw new ConflictError('transfers.count_not_closed', `Movement ${m.code} is ${m.status}: its arrival count is not closed`, { status: m.status });
  }
  const side = RESOLUTION_SIDE[kind];
  if (side === 'missing' && !m.missing.includes(personId)) {
    throw new ConflictError('transfers.not_missing', `This person is not missing off movement ${m.code}`, { personId, kind });
  }
  if (side === 'extra' && !m.extra.includes(personId)) {
    throw new ConflictError('transfers.not_extra', `This person is not an extra off movement ${m.code}`, { personId, kind });
  }
}

/**
 * The movement's status once its lists changed: a count not yet signed for stays `arrived` (the receipt decides);
 * a signed one is `received` when nothing is left to resolve, else still `disputed`.
 */
export function statusAfterResolution(m: { status: string; receiverSigned: boolean }, missing: readonly string[], extra: readonly string[]): string {
  if (!m.receiverSigned) return m.status;
  return missing.length + extra.length === 0 ? 'received' : 'disputed';
}

/** The extra person's move on the movement whose manifest named them, as re-attribution needs it. */
export interface OwnMove {
  movementCode: string;
  movementStatus: string;
  moveStatus: string;
  receiverSigned: boolean;
}

/**
 * What re-attributing an extra does to the move on their own manifest: `receive` a move disputed there (missing at
 * that count), or nothing more when it was already received there (`found` earlier). Refused when the person is on
 * no manifest (send them back instead), or while that movement's count is open or unsigned.
 */
export function reattribution(own: OwnMove | null): 'receive' | 'already_received' {
  if (!own) {
    throw new ConflictError(
      'transfers.no_manifest_elsewhere',
      'This person departed on no other movement: send them back to the custody the ledger names instead',
    );
  }
  if (own.moveStatus === 'completed') return 'already_received';
  if (own.moveStatus === 'disputed') {
    if (!own.receiverSigned) {
      throw new ConflictError('transfers.receipt_first', `Sign the receipt of movement ${own.movementCode} before re-attributing its missing person`, {
        movement: own.movementCode,
      });
    }
    return 'receive';
  }
  throw new ConflictError(
    'transfers.count_not_closed',
    `This person is ${own.moveStatus} on movement ${own.movementCode} (${own.movementStatus}): close that movement's arrival count first`,
    { movement: own.movementCode, status: own.moveStatus },
  );
}
