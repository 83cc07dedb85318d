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

/**
 * From this many overdue reviews of one facility in one delivery (a bulk intake's reviews all falling due on one day),
 * one alert per facility stands for them all instead of one each: thousands of identical warnings would bury the rest.
 */
export const REVIEW_FLOOD_THRESHOLD = 20;
/** Case ids kept in the facility's alert; the complete list is the case list it points to (facility, overdue). */
export const REVIEW_FLOOD_IDS_KEPT = 200;

export interface OverdueReview {
  caseId: string;
  facilityId: string | null;
  dueAt: string;
  /** The scheduler's run that found it overdue. */
  at?: string;
}

export const reviewsOverdueSituation = (facilityId: string | null) => `cases.reviews_overdue:${facilityId ?? 'none'}`;

/** Overdue reviews grouped by facility, in their order. */
export function overdueByFacility(reviews: readonly OverdueReview[]): Map<string | null, OverdueReview[]> {
  const out = new Map<string | null, OverdueReview[]>();
  for (const r of reviews) out.set(r.facilityId, [...(out.get(r.facilityId) ?? []), r]);
  return out;
}

/**
 * One alert for a facility's overdue reviews: the count so far (`previous`, the live alert's details, plus these),
 * the first case ids, and where the whole list is (the legal case list filtered by facility and overdue).
 */
export function reviewsOverdueAlert(facilityId: string | null, reviews: readonly OverdueReview[], previous: Record<string, unknown> | null): AlertDraft {
  const before = previous ?? {};
  const count = (typeof before.count === 'number' ? before.count : 0) + reviews.length;
  const kept = Array.isArray(before.caseIds) ? (before.caseIds as string[]) : [];
  const caseIds = [...kept, ...reviews.map((r) => r.caseId)].slice(0, REVIEW_FLOOD_IDS_KEPT);
  const dues = [...(typeof before.earliestDueAt === 'string' ? [before.earliestDueAt] : []), ...reviews.map((r) => r.dueAt)].sort();
  return {
    facilityId,
    rule: 'cases.reviews_overdue',
    severity: 'warning',
    title: `${count} reviews of detention overdue at this facility (since ${day(dues[0]!)})`,
    details: {
      count,
      caseIds,
      earliestDueAt: dues[0],
      list: { path: '/api/v1/cases/legal', query: { ...(facilityId ? { facilityId } : {}), overdue: 'true' } },
    },
    dedupeKey: null,
    situationKey: reviewsOverdueSituation(facilityId),
  };
}

/**
 * A repatriation request's stage deadline (issue 23 part B): due soon (info) or passed (warning). It carries the state,
 * so that state's liaisons see it and no other's; no facility (the request is the state's business, not a camp's) and
 * no name: the request is the reference, read with its own audit.
 */
export function repatriationDeadlineAlert(p: { requestId: string; state: string; stage: string; dueAt: string; kind: 'reminder' | 'overdue' }): AlertDraft {
  const stage = p.stage.replaceAll('_', ' ');
  const overdue = p.kind === 'overdue';
  const rule = overdue ? 'repatriation.stage_overdue' : 'repatriation.stage_due';
  return {
    facilityId: null,
    nationality: p.state,
    rule,
    severity: overdue ? 'warning' : 'info',
    title: overdue
      ? `Repatriation to ${p.state}: stage "${stage}" overdue since ${day(p.dueAt)} (request ${p.requestId.slice(0, 8)})`
      : `Repatriation to ${p.state}: stage "${stage}" due on ${day(p.dueAt)} (request ${p.requestId.slice(0, 8)})`,
    details: { requestId: p.requestId, state: p.state, stage: p.stage, dueAt: p.dueAt },
    dedupeKey: `${rule}:${p.requestId}:${p.stage}:${p.dueAt}`,
  };
}
