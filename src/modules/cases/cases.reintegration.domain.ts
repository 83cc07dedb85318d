import { ValidationError } from '../../platform/errors';
import { addMonths } from './cases.legal.domain';

/** The custody events after which a person is followed up: they left custody alive. */
export const REINTEGRATION_TRIGGERS = ['RELEASED', 'REPATRIATED'] as const;
/** Ledger events that end a legal case (the person is no longer held). */
export const CASE_CLOSING_EVENTS = ['RELEASED', 'REPATRIATED', 'DECEASED'] as const;

export const OUTCOME_MONTHS = [6, 12, 24] as const;
export const REINTEGRATION_OUTCOMES = ['reintegrated', 'in_progress', 'at_risk', 'reoffended', 'lost_contact'] as const;
export type ReintegrationOutcome = (typeof REINTEGRATION_OUTCOMES)[number];

/** An outcome at `month` months is recorded once the month has come, never before. */
export function checkOutcomeDue(releasedAt: Date, month: number, now: Date): void {
  const due = addMonths(releasedAt, month);
  if (due.getTime() > now.getTime()) {
    throw new ValidationError('cases.outcome_too_early', `The ${month}-month outcome can be recorded from ${due.toISOString().slice(0, 10)}`, {
      month,
      from: due.toISOString(),
    });
  }
}

export function nextCheckin(from: Date, everyDays: number): Date {
  return new Date(from.getTime() + everyDays * 86_400_000);
}
