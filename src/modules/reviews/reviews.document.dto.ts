import { z } from 'zod';
import { count, instant, instantText } from '../../platform/dto';
import { FINDING_MEASURES } from './reviews.findings.domain';
import { TimelineItemResponse } from './reviews.timeline.dto';

/** The life of a review (reviews.document.domain.ts says which step follows which). */
export const REVIEW_STATUSES = ['drafted', 'in_review', 'approved'] as const;

const text = z.string().max(20_000);
export const SectionsBody = z.object({ planned: text, happened: text, why: text, keep: text, change: text });

export const ReviewIdParams = z.object({ id: z.uuid() });

/** A review's subject: a facility and a window, an incident (its window unless from/to say otherwise), or an escape. */
export const CreateReviewBody = z
  .object({
    facilityId: z.uuid().optional(),
    from: instantText.optional(),
    to: instantText.optional(),
    title: z.string().trim().min(1).max(300),
    incidentId: z.uuid().optional(),
    escapeId: z.uuid().optional(),
    sections: SectionsBody.partial().optional(),
  })
  .strict();
export type CreateReviewInput = z.output<typeof CreateReviewBody>;

export const UpdateReviewBody = z.object({ title: z.string().trim().min(1).max(300).optional(), sections: SectionsBody.partial().optional() }).strict();
export type UpdateReviewInput = z.output<typeof UpdateReviewBody>;

export const ReturnReviewBody = z.object({ reason: z.string().trim().min(1).max(2_000) }).strict();

export const ReviewsQuery = z.object({
  facilityId: z.uuid().optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ReviewsQueryInput = z.output<typeof ReviewsQuery>;

export const ReviewTimelineQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

export const FindingResponse = z.object({
  id: z.string(),
  nature: z.enum(['fact', 'hypothesis']),
  measure: z.enum(FINDING_MEASURES),
  statement: z.string(),
  minutes: z.number().int().nullable().optional(),
  from: instantText.optional(),
  to: instantText.optional(),
  personRef: z.string().optional(),
  householdRef: z.string().optional(),
  /** A hypothesis: the escape windows (finding ids) it is about. */
  windows: z.array(z.string()).optional(),
  evidence: z.array(z.string()),
});

export const ReviewSummaryResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  incidentId: z.uuid().nullable(),
  title: z.string(),
  from: instant,
  to: instant,
  status: z.enum(REVIEW_STATUSES),
  createdBy: z.string(),
  createdAt: instant,
  updatedAt: instant,
  submittedBy: z.string().nullable(),
  submittedAt: instant.nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: instant.nullable(),
  snapshotAt: instant,
  snapshotHash: z.string(),
  items: count,
  findings: count,
});

export const ReviewPageResponse = z.object({ total: count, offset: count, limit: count, items: z.array(ReviewSummaryResponse) });

export const ReviewResponse = ReviewSummaryResponse.extend({
  escapeId: z.uuid().nullable(),
  sections: SectionsBody,
  persons: z.enum(['id', 'pseudonym']),
  findingList: z.array(FindingResponse),
  signed: z.boolean(),
});

export const ReviewTimelineResponse = z.object({
  total: count,
  offset: count,
  limit: count,
  persons: z.enum(['id', 'pseudonym']),
  items: z.array(TimelineItemResponse),
});

export const FindingsQuery = z.object({
  facilityId: z.uuid().optional(),
  from: instantText.optional(),
  to: instantText.optional(),
  incidentId: z.uuid().optional(),
  escapeId: z.uuid().optional(),
  /** A full-scale facility-day has thousands (one per person missed): paged like the timeline. */
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(1_000),
});
export const FindingsResponse = z.object({
  facilityId: z.uuid(),
  from: instantText,
  to: instantText,
  persons: z.enum(['id', 'pseudonym']),
  total: count,
  offset: count,
  limit: count,
  items: z.array(FindingResponse),
});

export const SignedReviewResponse = z.object({ documentText: z.string(), signature: z.string(), publicKey: z.string() });
