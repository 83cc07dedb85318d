import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

const iso = z.iso.datetime({ offset: true });

/** A legal case's periodic review of detention is past due (fired by the deadline scheduler). */
export const CaseReviewOverdue = defineEvent(
  'cases.review_overdue',
  1,
  z.object({ caseId: z.uuid(), personId: z.uuid(), facilityId: z.uuid().nullable(), dueAt: iso, at: iso }),
);

/** A review of detention falls due soon (the reminder before). */
export const CaseReviewDueSoon = defineEvent(
  'cases.review_due_soon',
  1,
  z.object({ caseId: z.uuid(), personId: z.uuid(), facilityId: z.uuid().nullable(), dueAt: iso, at: iso }),
);

/** A released person's reintegration check-in was missed. */
export const ReintegrationCheckinMissed = defineEvent(
  'cases.checkin_missed',
  1,
  z.object({ caseId: z.uuid(), personId: z.uuid(), facilityId: z.uuid().nullable(), dueAt: iso, at: iso }),
);
