import { ConflictError, ValidationError } from '../../platform/errors';

/**
 * Repatriation (issue 23, part B): a request to a state to take back one of its nationals moves through stages, each
 * with a deadline. The state's side (the consular interview, acceptance, travel documents) is recorded by the state's
 * liaison or by a legal officer on the state's word; the handover is the detaining side's act and puts REPATRIATED on
 * the custody ledger.
 */
export const REPATRIATION_STAGES = ['requested', 'consular_interview', 'accepted', 'travel_documents', 'handed_over', 'refused', 'withdrawn'] as const;
export type RepatriationStage = (typeof REPATRIATION_STAGES)[number];

/** Stages after which nothing more happens to the request. */
export const CLOSED_STAGES: readonly RepatriationStage[] = ['handed_over', 'refused', 'withdrawn'];
export const OPEN_STAGES: readonly RepatriationStage[] = REPATRIATION_STAGES.filter((s) => !CLOSED_STAGES.includes(s));

/** Stages in which the state has accepted the person: only these allow REPATRIATED on the ledger. */
export const ACCEPTED_STAGES: readonly RepatriationStage[] = ['accepted', 'travel_documents'];

export const REPATRIATION_ACTIONS = ['schedule_interview', 'accept', 'issue_documents', 'hand_over', 'refuse', 'withdraw'] as const;
export type RepatriationAction = (typeof REPATRIATION_ACTIONS)[number];

export const NATIONALITY_STATUSES = ['claimed', 'verified', 'disputed'] as const;
export type NationalityStatus = (typeof NATIONALITY_STATUSES)[number];

/** Evidence for a child: its record only (what was seen, a reference to where it is kept). */
export const EVIDENCE_KINDS = ['dna', 'birth_certificate', 'passport', 'family_book', 'consular_record', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

const DAY_MS = 24 * 3600_000;

/**
 * How long each stage may take before it is overdue, in days (a deadline given with the step overrides it): the state
 * holds the interview within a month, decides within six weeks of it, issues documents within a month and the
 * handover follows within three weeks.
 */
export const STAGE_DAYS: Record<'requested' | 'consular_interview' | 'accepted' | 'travel_documents', number> = {
  requested: 30,
  consular_interview: 45,
  accepted: 30,
  travel_documents: 21,
};
/** A reminder goes this long before a stage's deadline. */
export const REMINDER_DAYS = 7;

const NEXT: Record<RepatriationAction, { from: readonly RepatriationStage[]; to: RepatriationStage }> = {
  schedule_interview: { from: ['requested'], to: 'consular_interview' },
  accept: { from: ['consular_interview'], to: 'accepted' },
  issue_documents: { from: ['accepted'], to: 'travel_documents' },
  hand_over: { from: ['travel_documents'], to: 'handed_over' },
  refuse: { from: ['requested', 'consular_interview', 'accepted', 'travel_documents'], to: 'refused' },
  withdraw: { from: ['requested', 'consular_interview', 'accepted', 'travel_documents'], to: 'withdrawn' },
};

export function isOpen(stage: RepatriationStage): boolean {
  return !CLOSED_STAGES.includes(stage);
}

/** The actions possible from a stage (the request page offers these). */
export function actionsFrom(stage: RepatriationStage): RepatriationAction[] {
  return REPATRIATION_ACTIONS.filter((a) => NEXT[a].from.includes(stage));
}

export interface RequestState {
  stage: RepatriationStage;
  nationalityStatus: NationalityStatus;
  minor: boolean;
  evidenceCount: number;
}

export interface StepOutcome {
  stage: RepatriationStage;
  /** The deadline of the new stage; null when the request is closed. */
  dueAt: Date | null;
  remindAt: Date | null;
}

/** The deadline of a stage entered at `at`: the one given (never in the past) or the stage's default. */
export function stageDeadline(stage: RepatriationStage, at: Date, given?: Date | null): { dueAt: Date | null; remindAt: Date | null } {
  if (!isOpen(stage)) return { dueAt: null, remindAt: null };
  if (given && given.getTime() <= at.getTime()) {
    throw new ValidationError('repatriation.deadline_in_past', `The deadline ${given.toISOString()} is not after now (${at.toISOString()})`);
  }
  const dueAt = given ?? new Date(at.getTime() + STAGE_DAYS[stage as keyof typeof STAGE_DAYS] * DAY_MS);
  const remindAt = new Date(dueAt.getTime() - REMINDER_DAYS * DAY_MS);
  return { dueAt, remindAt: remindAt.getTime() > at.getTime() ? remindAt : null };
}

/**
 * The state machine of a request: the stage an action leads to, with its deadline, or a 409 naming the rule. The
 * state accepts only a verified national, and a child only on recorded evidence of identity or filiation.
 */
export function decideStep(current: RequestState, action: RepatriationAction, at: Date, given?: Date | null): StepOutcome {
  const rule = NEXT[action];
  if (!rule.from.includes(current.stage)) {
    throw new ConflictError(
      'repatriation.invalid_transition',
      `A request that is ${current.stage} cannot be moved by ${action}; possible now: ${actionsFrom(current.stage).join(', ') || 'nothing (closed)'}`,
      { stage: current.stage, action },
    );
  }
  if (action === 'accept' && current.nationalityStatus !== 'verified') {
    throw new ConflictError(
      'repatriation.nationality_not_verified',
      `The state accepts only a verified national; the nationality is ${current.nationalityStatus}`,
      { nationalityStatus: current.nationalityStatus },
    );
  }
  if (action === 'accept' && current.minor && current.evidenceCount === 0) {
    throw new ConflictError(
      'repatriation.child_evidence_required',
      "A child's request is accepted only on recorded evidence of identity or filiation (a DNA result or a document)",
    );
  }
  return { stage: rule.to, ...stageDeadline(rule.to, at, given) };
}

/** A decision on the nationality belongs before the state's acceptance, and only on an open request. */
export function decideNationality(current: RequestState, status: Exclude<NationalityStatus, 'claimed'>): NationalityStatus {
  if (!isOpen(current.stage) || ACCEPTED_STAGES.includes(current.stage)) {
    throw new ConflictError('repatriation.nationality_settled', `The nationality cannot be decided on a request that is ${current.stage}`, {
      stage: current.stage,
    });
  }
  return status;
}

/** Evidence is recorded on an open request only (after a handover it would back nothing). */
export function requireOpenForEvidence(stage: RepatriationStage): void {
  if (!isOpen(stage)) throw new ConflictError('repatriation.closed', `The request is ${stage}: nothing more can be added`, { stage });
}

/** Overdue: an open request past its stage's deadline. */
export function isOverdue(r: { stage: RepatriationStage; dueAt: Date | null }, now: Date): boolean {
  return isOpen(r.stage) && r.dueAt !== null && r.dueAt.getTime() < now.getTime();
}
