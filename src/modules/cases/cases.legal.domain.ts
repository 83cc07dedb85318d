import { ConflictError, ValidationError } from '../../platform/errors';

/** A detainee's legal status, in the order a case normally moves through them. */
export const LEGAL_STATUSES = ['held_without_charge', 'charged', 'tried', 'sentenced', 'acquitted'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/**
 * Which status may follow which. Charges may be dropped (back to held without charge); a trial ends in a sentence or
 * an acquittal, and both are final here (an appeal is a new hearing on the sentenced case, not a status).
 */
const NEXT: Record<LegalStatus, readonly LegalStatus[]> = {
  held_without_charge: ['charged'],
  charged: ['tried', 'held_without_charge'],
  tried: ['sentenced', 'acquitted'],
  sentenced: [],
  acquitted: [],
};

/** Statuses under which detention must be reviewed periodically (a sentence or an acquittal settles it). */
export const UNDER_REVIEW: readonly LegalStatus[] = ['held_without_charge', 'charged', 'tried'];

export const HEARING_OUTCOMES = ['adjourned', 'charges_confirmed', 'charges_dismissed', 'convicted', 'acquitted', 'detention_extended', 'other'] as const;
export const REVIEW_DECISIONS = ['continue_detention', 'release_recommended', 'transfer_to_court'] as const;
export const EVIDENCE_KINDS = ['biometric_verification', 'identity_document'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const DEFAULT_REVIEW_MONTHS = 6;
/** A reminder goes this many days before a review falls due. */
export const REVIEW_REMINDER_DAYS = 14;

/** The status change asked for, or a 409 naming why not. Charging needs a charge on the case. */
export function decideStatusChange(current: LegalStatus, next: LegalStatus, facts: { charges: number; closed: boolean }): void {
  if (facts.closed) throw new ConflictError('cases.case_closed', 'The case is closed: the person is no longer in custody');
  if (!NEXT[current].includes(next)) {
    throw new ConflictError('cases.invalid_status_change', `A case ${label(current)} cannot become ${label(next)}`, { from: current, to: next });
  }
  if (next === 'charged' && facts.charges === 0) {
    throw new ConflictError('cases.no_charge', 'Record a charge before marking the case as charged');
  }
}

/** `months` calendar months after `from` (the last day of a shorter month when the day does not exist in it). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** When the next review falls due after a review (or the opening) at `from`. */
export function nextReviewDue(from: Date, intervalMonths: number): Date {
  return addMonths(from, intervalMonths);
}

export function reviewReminder(due: Date): Date {
  return new Date(due.getTime() - REVIEW_REMINDER_DAYS * 86_400_000);
}

/** A hearing is part of the case: not before it opened, and not in the future beyond a planned one's reach. */
export function checkHearingDate(heldAt: Date, openedAt: Date): void {
  if (heldAt.getTime() < openedAt.getTime()) {
    throw new ValidationError('cases.hearing_before_case', `A hearing on ${heldAt.toISOString()} is before the case opened (${openedAt.toISOString()})`, {
      heldAt: heldAt.toISOString(),
      openedAt: openedAt.toISOString(),
    });
  }
}

/** A date set by hand for a deadline must lie ahead. */
export function checkDeadlineAhead(due: Date, now: Date): void {
  if (due.getTime() <= now.getTime()) {
    throw new ValidationError('cases.deadline_in_past', `The date ${due.toISOString()} is not in the future (now ${now.toISOString()})`, {
      dueAt: due.toISOString(),
      now: now.toISOString(),
    });
  }
}

/** A record (review, charge) dated after now is a mistake: it did not happen yet. */
export function checkNotFuture(at: Date, now: Date, what: string): void {
  if (at.getTime() > now.getTime()) {
    throw new ValidationError('cases.date_in_future', `${what} on ${at.toISOString()} is in the future`, { at: at.toISOString() });
  }
}

export function isOverdue(c: { nextReviewAt: Date | null; closedAt: Date | null; status: LegalStatus }, now: Date): boolean {
  return c.closedAt === null && UNDER_REVIEW.includes(c.status) && c.nextReviewAt !== null && c.nextReviewAt.getTime() < now.getTime();
}

/** Whole days in custody since the last review (or since the case opened when never reviewed). */
export function daysWithoutReview(c: { lastReviewAt: Date | null; openedAt: Date }, now: Date): number {
  const since = c.lastReviewAt ?? c.openedAt;
  return Math.max(0, Math.floor((now.getTime() - since.getTime()) / 86_400_000));
}

/**
 * How firmly the person the case is about is identified: by a cited biometric verification that still holds, by
 * identity documents, or not at all. A prosecution resting on an unidentified person is flagged on the dossier.
 */
export function identificationStatus(evidence: {
  verificationsValid: number;
  documents: number;
  nationalitiesVerified: number;
}): 'biometric' | 'documented' | 'unverified' {
  if (evidence.verificationsValid > 0) return 'biometric';
  if (evidence.documents > 0 || evidence.nationalitiesVerified > 0) return 'documented';
  return 'unverified';
}

function label(s: LegalStatus): string {
  return s.replaceAll('_', ' ');
}
