import { ConflictError } from '../../platform/errors';

// ---- each person's move: a state machine -------------------------------------------------------------------------

/** The life of one person's move on one movement (issue 18). `cancelled` only before departure. */
export const MOVE_STATUSES = ['proposed', 'approved', 'boarded', 'departed', 'arrived', 'received', 'completed', 'cancelled', 'disputed'] as const;
export type MoveStatus = (typeof MOVE_STATUSES)[number];

/** What may happen to a move; each names the statuses it starts from and the one it leads to. */
export const MOVE_COMMANDS = ['approve', 'board', 'unboard', 'depart', 'arrive', 'receive', 'complete', 'cancel', 'dispute', 'resolve', 'not_boarded'] as const;
export type MoveCommand = (typeof MOVE_COMMANDS)[number];

const MOVE_TABLE: Record<MoveCommand, { from: readonly MoveStatus[]; to: MoveStatus }> = {
  approve: { from: ['proposed'], to: 'approved' },
  board: { from: ['approved'], to: 'boarded' },
  // taken off the aircraft before the doors close (a wrong boarding, a medical case)
  unboard: { from: ['boarded'], to: 'approved' },
  depart: { from: ['boarded'], to: 'departed' },
  // identified off the aircraft at the destination
  arrive: { from: ['departed'], to: 'arrived' },
  // the receiving custodian signed a receipt naming the person: custody passes (TRANSFER_ARRIVED)
  receive: { from: ['arrived'], to: 'received' },
  complete: { from: ['received'], to: 'completed' },
  cancel: { from: ['proposed', 'approved', 'boarded'], to: 'cancelled' },
  // departed and not found at arrival, or a receipt contradicting the manifest
  dispute: { from: ['departed', 'arrived'], to: 'disputed' },
  // a disputed person found and identified at the destination
  resolve: { from: ['disputed'], to: 'arrived' },
  // a disputed person who was recorded boarded but never left the departure facility (an officer's finding, with a
  // reason): the move ends there (transfers.disputes.service.ts writes the ledger's return to the origin)
  not_boarded: { from: ['disputed'], to: 'cancelled' },
};

/** The statuses a command starts from (rendered in docs and tested exhaustively). */
export function moveAllowedFrom(command: MoveCommand): readonly MoveStatus[] {
  return MOVE_TABLE[command].from;
}

/** The next status, or a ConflictError `transfers.invalid_transition` naming the rule. */
export function nextMoveStatus(current: MoveStatus, command: MoveCommand): MoveStatus {
  const rule = MOVE_TABLE[command];
  if (!rule.from.includes(current)) {
    const why =
      command === 'cancel' && ['departed', 'arrived', 'received', 'completed', 'disputed'].includes(current)
        ? ': a move can be cancelled only before departure'
        : `: ${command} requires status ${rule.from.join(' or ')}`;
    throw new ConflictError('transfers.invalid_transition', `Cannot ${command} a move that is ${current}${why}`, {
      command,
      status: current,
      allowedFrom: rule.from,
    });
  }
  return rule.to;
}

/** Statuses that still hold a person on a movement (they cannot be put on another one). */
export const ACTIVE_MOVE_STATUSES: readonly MoveStatus[] = ['proposed', 'approved', 'boarded', 'departed', 'arrived', 'disputed'];
/** Statuses where the person is physically between custodians. */
export const IN_TRANSIT_STATUSES: readonly MoveStatus[] = ['departed', 'arrived', 'disputed'];

// ---- arrival: count off against count on --------------------------------------------------------------------------

export interface ArrivalCount {
  /** Persons who departed on this movement (count on). */
  on: number;
  /** Persons identified off the aircraft (count off). */
  off: number;
  /** Departed on this movement, not identified off it. */
  missing: string[];
  /** Identified off this movement, not on its manifest as departed. */
  extra: string[];
}

/** Count off against count on: who is missing and who is extra (sorted, so two parties compute the same lists). */
export function countArrival(departed: readonly string[], identifiedOff: readonly string[]): ArrivalCount {
  const on = new Set(departed);
  const off = new Set(identifiedOff);
  return {
    on: on.size,
    off: off.size,
    missing: [...on].filter((p) => !off.has(p)).sort(),
    extra: [...off].filter((p) => !on.has(p)).sort(),
  };
}

// ---- movement capacity -------------------------------------------------------------------------------------------

/** The persons a movement may carry: its seats, and no more than `escortRatio` persons per escort. */
export function effectiveCapacity(capacity: number, escorts: number, escortRatio: number | null): number {
  if (escortRatio === null || escortRatio <= 0) return capacity;
  return Math.max(0, Math.min(capacity, escorts * escortRatio));
}
