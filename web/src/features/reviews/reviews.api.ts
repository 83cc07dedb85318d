// After-action reviews' API as the screens read it: the shapes are the server's own response schemas (JSON side).
import type { z } from 'zod';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, qs } from '../../lib/api';
import type { FindingResponse, ReviewPageResponse, ReviewResponse, ReviewTimelineResponse } from '../../../../src/modules/reviews/reviews.document.dto';
import type { EscapesResponse, TimelineItemResponse } from '../../../../src/modules/reviews/reviews.timeline.dto';

export type ReviewPage = z.input<typeof ReviewPageResponse>;
export type Review = z.input<typeof ReviewResponse>;
export type Finding = z.input<typeof FindingResponse>;
export type TimelineItem = z.input<typeof TimelineItemResponse>;
export type ReviewTimeline = z.input<typeof ReviewTimelineResponse>;
export type Escapes = z.input<typeof EscapesResponse>;

export const SECTION_KEYS = ['planned', 'happened', 'why', 'keep', 'change'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export const STATUS_COLOR: Record<string, string> = { drafted: 'gray', in_review: 'orange', approved: 'teal' };
export const SEVERITY_COLOR: Record<string, string> = { critical: 'red', warning: 'orange', info: 'gray' };

export function useReviews(page: { facilityId?: string; status?: string; limit: number; offset: number }) {
  return useQuery({
    queryKey: ['reviews', page],
    queryFn: () => api<ReviewPage>(`/reviews${qs(page)}`),
    placeholderData: keepPreviousData,
  });
}

export function useReview(id: string) {
  return useQuery({ queryKey: ['review', id], queryFn: () => api<Review>(`/reviews/${id}`) });
}

export function useReviewTimeline(id: string, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: ['review-timeline', id, page],
    queryFn: () => api<ReviewTimeline>(`/reviews/${id}/timeline${qs(page)}`),
    placeholderData: keepPreviousData,
  });
}

/** The escapes from a facility a review may be about, newest first (the draft form's picker). */
export function useEscapes(page: { facilityId: string; limit: number; offset: number }) {
  return useQuery({
    queryKey: ['review-escapes', page],
    queryFn: () => api<Escapes>(`/reviews/escapes${qs(page)}`),
    placeholderData: keepPreviousData,
  });
}
