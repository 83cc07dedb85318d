// The biometric duplicates queue: cases opened when an enrolment's template resembled another person's, decided by a
// registrar ("same person": both records kept and linked, one the reference; "different persons": not raised again).

import type { CaseResponse } from '../../../../src/modules/biometrics/biometrics.dto';
import type { DUPLICATE_DECISIONS, DUPLICATE_STATUSES } from '../../../../src/modules/biometrics/biometrics.domain';
import { api } from '../../lib/api';

export type DuplicateCase = CaseResponse;
export type CaseStatus = (typeof DUPLICATE_STATUSES)[number];
export type CaseDecision = (typeof DUPLICATE_DECISIONS)[number];

/** The queue's tabs: a case status, or every case. */
export type QueueTab = CaseStatus | 'all';
export const QUEUE_TABS: readonly QueueTab[] = ['open', 'same_person', 'different_persons', 'all'] satisfies readonly QueueTab[];

export const STATUS_COLOR: Record<CaseStatus, string> = { open: 'orange', same_person: 'grape', different_persons: 'teal' };

/** Persons' records opened from the queue are read for registration (written to the audit log with that purpose). */
export const REVIEW_PURPOSE = 'registration';

export function decideCase(id: string, body: { decision: CaseDecision; reason: string; survivingPersonId?: string; reviewOn?: string }) {
  return api<DuplicateCase>(`/biometrics/duplicates/${id}/decide`, { method: 'POST', body });
}
