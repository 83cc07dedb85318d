import { ConflictError, ValidationError } from '../../platform/errors';

// ---- arrival: what a 1:N search against the movement's gallery means --------------------------------------------

export const ARRIVAL_OUTCOMES = ['on_manifest', 'other_manifest', 'not_on_manifest', 'unknown'] as const;
export type ArrivalOutcome = (typeof ARRIVAL_OUTCOMES)[number];

export interface ArrivalProposal {
  outcome: ArrivalOutcome;
  /** The person the search proposes (best candidate), for an officer to confirm or reject. */
  personId: string | null;
  score: number | null;
  /** For other_manifest: the movement whose manifest holds the person. */
  otherMovementId: string | null;
}

/**
 * What a probe off a movement is: a person on its manifest (the best candidate within the movement's gallery), a
 * known person on another live manifest, a known person on none, or unknown. A proposal only: an officer decides.
 */
export function classifyProbe(
  within: readonly { personId: string; score: number }[],
  elsewhere: readonly { personId: string; score: number }[],
  liveMovementOf: (personId: string) => string | null,
): ArrivalProposal {
  const best = within[0];
  if (best) return { outcome: 'on_manifest', personId: best.personId, score: best.score, otherMovementId: null };
  const other = elsewhere[0];
  if (!other) return { outcome: 'unknown', personId: null, score: null, otherMovementId: null };
  const movementId = liveMovementOf(other.personId);
  return { outcome: movementId ? 'other_manifest' : 'not_on_manifest', personId: other.personId, score: other.score, otherMovementId: movementId };
}

/** The officer's decision on a proposal: confirming needs a proposed person (or one named), rejecting a reason. */
export function checkArrivalDecision(
  check: { decision: string | null; candidatePersonId: string | null },
  input: { decision: 'confirmed' | 'rejected'; personId?: string; reason?: string },
): string | null {
  if (check.decision) throw new ConflictError('transfers.check_decided', `This identification was already ${check.decision}`);
  if (input.decision === 'rejected') {
    if (!input.reason?.trim()) throw new ValidationError('transfers.reason_required', 'Rejecting a proposed identification needs a reason');
    return null;
  }
  const personId = input.personId ?? check.candidatePersonId;
  if (!personId) throw new ValidationError('transfers.nobody_proposed', 'The search proposed nobody: name the person (with a reason) or reject it');
  if (input.personId && input.personId !== check.candidatePersonId && !input.reason?.trim()) {
    throw new ValidationError('transfers.reason_required', 'Confirming another person than the one the search proposed needs a reason');
  }
  return personId;
}

// ---- in transit ----------------------------------------------------------------------------------------------------

/** Movement statuses in which its persons are between custodians and the transit clock runs. */
export const TRANSIT_STATUSES = ['departed', 'lodged'] as const;

/** Whether a movement that departed at `departedAt` is over its limit at `now`. */
export function transitOverdue(departedAt: Date, limitMinutes: number, now: Date): boolean {
  return now.getTime() - departedAt.getTime() > limitMinutes * 60_000;
}

/** When the in-transit alert of a movement falls due. */
export function transitDueAt(departedAt: Date, limitMinutes: number): Date {
  return new Date(departedAt.getTime() + limitMinutes * 60_000);
}

// ---- diversions and lodging ---------------------------------------------------------------------------------------

export interface StopMovement {
  code: string;
  status: string;
  fromFacilityId: string;
  toFacilityId: string;
}

/** A diversion: the movement, in the air or on the road, will land at `facilityId` instead of its destination. */
export function checkDivert(m: StopMovement, facilityId: string): void {
  if (m.status !== 'departed') {
    throw new ConflictError(
      'transfers.invalid_transition',
      `Movement ${m.code} is ${m.status}; only a departed movement (not lodged, not arrived) can be diverted`,
      { status: m.status },
    );
  }
  if (facilityId === m.toFacilityId) throw new ValidationError('transfers.divert_same', 'The movement already goes to that facility');
  if (facilityId === m.fromFacilityId) {
    throw new ValidationError(
      'transfers.divert_to_origin',
      'A movement returning to its departure facility is not a diversion; the persons were never handed over',
    );
  }
}

/** Lodging: a night at an intermediate facility (neither end of the movement); custody stays with the sender. */
export function checkLodge(m: StopMovement, facilityId: string): void {
  if (m.status !== 'departed') {
    throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}; only a departed movement can be lodged`, { status: m.status });
  }
  if (facilityId === m.toFacilityId || facilityId === m.fromFacilityId) {
    throw new ValidationError('transfers.lodge_not_intermediate', 'Lodging is at an intermediate facility, not at either end of the movement');
  }
}

/** Collecting the lodged persons: the movement continues; nobody lodged may be left behind unnamed. */
export function checkCollect(m: StopMovement, lodged: readonly string[], collected: readonly string[]): { left: string[] } {
  if (m.status !== 'lodged') {
    throw new ConflictError('transfers.invalid_transition', `Movement ${m.code} is ${m.status}; only a lodged movement is collected`, { status: m.status });
  }
  const set = new Set(lodged);
  const stranger = collected.find((p) => !set.has(p));
  if (stranger) throw new ValidationError('transfers.not_lodged', `Person ${stranger} was not lodged with this movement`, { personId: stranger });
  const got = new Set(collected);
  return { left: lodged.filter((p) => !got.has(p)) };
}

/** The reason a receipt's TRANSFER_ARRIVED carries when the movement landed elsewhere than TRANSFER_DEPARTED said. */
export function diversionOf(m: { divertedFrom: string | null }): { reason?: string } {
  return m.divertedFrom ? { reason: 'diverted from the planned destination (see the movement)' } : {};
}
