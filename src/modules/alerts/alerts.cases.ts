import type { AlertDraft } from './alerts.domain';

const day = (iso: string) => iso.slice(0, 10);

/**
 * The case work's deadlines (cases, issue 23): a review of detention overdue (warning), due soon (info), a released
 * person's check-in missed (warning). No name in the alert: the case is the reference, read with its own audit.
 */
export function caseDeadlineAlert(
  kind: 'review_overdue' | 'review_due_soon' | 'checkin_missed',
  p: { caseId: string; personId: string; facilityId: string | null; dueAt: string; at: string },
): AlertDraft {
  const texts = {
    review_overdue: {
      rule: 'cases.review_overdue',
      severity: 'warning',
      title: `Review of detention overdue since ${day(p.dueAt)} (legal case ${p.caseId.slice(0, 8)})`,
    },
    review_due_soon: { rule: 'cases.review_due', severity: 'info', title: `Review of detention due on ${day(p.dueAt)} (legal case ${p.caseId.slice(0, 8)})` },
    checkin_missed: {
      rule: 'cases.checkin_missed',
      severity: 'warning',
      title: `Reintegration check-in missed, due ${day(p.dueAt)} (case ${p.caseId.slice(0, 8)})`,
    },
  } as const;
  const t = texts[kind];
  return {
    facilityId: p.facilityId,
    rule: t.rule,
    severity: t.severity,
    title: t.title,
    details: { caseId: p.caseId, dueAt: p.dueAt, at: p.at },
    dedupeKey: `${t.rule}:${p.caseId}:${p.dueAt}`,
  };
}
