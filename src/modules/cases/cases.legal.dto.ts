import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { EVIDENCE_KINDS, HEARING_OUTCOMES, LEGAL_STATUSES, REVIEW_DECISIONS } from './cases.legal.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const at = z.iso.datetime({ offset: true });

export const CaseParams = z.object({ id: z.uuid() });

export const OpenCaseBody = z.object({
  personId: z.uuid(),
  grounds: text(2000),
  authority: text(300),
  /** When the case opened (default now); not in the future. */
  openedAt: at.optional(),
  status: z.enum(LEGAL_STATUSES).default('held_without_charge'),
  /** Months between reviews of detention (default 6). */
  reviewIntervalMonths: z.number().int().min(1).max(24).default(6),
});

export const StatusChangeBody = z.object({ status: z.enum(LEGAL_STATUSES), reason: text(1000) });
export const ChargeBody = z.object({ offence: text(300), legalBasis: text(300).optional(), filedAt: at.optional() });
export const HearingBody = z.object({
  heldAt: at,
  court: text(300),
  outcome: z.enum(HEARING_OUTCOMES),
  notes: z.string().trim().max(2000).optional(),
});
export const ReviewBody = z.object({
  heldAt: at.optional(),
  decision: z.enum(REVIEW_DECISIONS),
  reason: text(2000),
  /** The next review, when sooner than the case's interval asks. */
  nextDueAt: at.optional(),
});
export const NextReviewBody = z.object({ dueAt: at, reason: text(1000) });
export const EvidenceBody = z.object({ kind: z.enum(EVIDENCE_KINDS), referenceId: z.uuid(), note: z.string().trim().max(1000).optional() });

export const CasesQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum(LEGAL_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(0).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const CaseSummaryResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: z.string().nullable(),
  facilityId: z.uuid().nullable(),
  facilityCode: z.string().nullable(),
  status: z.enum(LEGAL_STATUSES),
  openedAt: instant,
  lastReviewAt: instant.nullable(),
  nextReviewAt: instant.nullable(),
  overdue: z.boolean(),
  daysWithoutReview: count,
  closedAt: instant.nullable(),
});

export const CaseListResponse = z.object({ total: count, rows: z.array(CaseSummaryResponse) });

export const TimelineEntryResponse = z.object({
  id: z.uuid(),
  kind: z.string(),
  at: instant,
  recordedAt: instant,
  recordedBy: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const CaseResponse = CaseSummaryResponse.extend({
  grounds: z.string(),
  authority: z.string(),
  reviewIntervalMonths: count,
  closedReason: z.string().nullable(),
  charges: z.array(TimelineEntryResponse),
  hearings: z.array(TimelineEntryResponse),
  reviews: z.array(TimelineEntryResponse),
  evidence: z.array(TimelineEntryResponse),
  timeline: z.array(TimelineEntryResponse),
});

export const DossierResponse = z.object({
  caseId: z.uuid(),
  personId: z.uuid(),
  identification: z.enum(['biometric', 'documented', 'unverified']),
  nationalities: z.array(z.object({ country: z.string(), status: z.string() })),
  documents: z.array(z.object({ id: z.uuid(), type: z.string(), number: z.string(), issuingCountry: z.string().nullable(), cited: z.boolean() })),
  verifications: z.array(z.object({ id: z.uuid(), valid: z.boolean(), problem: z.string().nullable() })),
  /** The person's matched 1:1 verifications (newest 20), to pick one to cite; `cited` when the case cites it already. */
  matchedVerifications: z.array(z.object({ id: z.uuid(), modality: z.string(), at: instant, cited: z.boolean() })),
});

export const CasesSummaryResponse = z.object({ open: count, overdue: count, dueWithin30Days: count });
