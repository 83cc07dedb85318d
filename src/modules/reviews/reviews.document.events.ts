import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { REVIEW_STATUSES } from './reviews.document.dto';

/** An after-action review was drafted, submitted, returned or approved (by whom; the approval is signed). */
export const ReviewStatusChanged = defineEvent(
  'reviews.review_status_changed',
  1,
  z.object({
    reviewId: z.uuid(),
    facilityId: z.uuid(),
    from: z.enum(REVIEW_STATUSES).nullable(),
    to: z.enum(REVIEW_STATUSES),
    by: z.string(),
    snapshotHash: z.string(),
  }),
);
