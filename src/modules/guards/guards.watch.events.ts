import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { GOVERNANCE_STATES } from './guards.domain';

const instant = z.iso.datetime({ offset: true });

/** The roster planned for a coming shift is below the facility's threshold (reported once per shift, hours ahead). */
export const NextShiftShort = defineEvent(
  'guards.next_shift_short',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    at: instant,
    horizonHours: z.number().int(),
    startsAt: instant,
    onRoll: z.number().int(),
    planned: z.number().int(),
    guardsShort: z.number().int(),
    postsRequired: z.number().int(),
    postsCovered: z.number().int(),
    postsShort: z.number().int(),
    uncoveredPosts: z.array(z.string()),
    state: z.enum(GOVERNANCE_STATES),
    guardsPer100: z.number().nullable(),
    mannedPercent: z.number().nullable(),
    reasons: z.array(z.string()),
  }),
);

/** The guards on duty per day fell over the window, at the facility or in sectors (reported once per window). */
export const GuardsThinning = defineEvent(
  'guards.thinning',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    at: instant,
    windowDays: z.number().int(),
    thresholdPercent: z.number(),
    trends: z.array(
      z.object({
        sector: z.string(),
        label: z.string(),
        days: z.array(z.string()),
        onDuty: z.array(z.number().int()),
        slopePerDay: z.number(),
        fallPercent: z.number(),
        desertions: z.number().int().nullable(),
      }),
    ),
  }),
);

/** Required posts below their minimum staffing for longer than the grace period (each once per uncovered spell). */
export const PostsUncovered = defineEvent(
  'guards.post_uncovered',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    at: instant,
    graceMinutes: z.number().int(),
    posts: z.array(
      z.object({
        postId: z.uuid(),
        code: z.string(),
        unitId: z.uuid().nullable(),
        minStaff: z.number().int(),
        present: z.number().int(),
        since: instant,
      }),
    ),
  }),
);
