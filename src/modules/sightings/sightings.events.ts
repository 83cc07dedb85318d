import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { CHECK_OUTCOMES, RECIPIENT_KINDS } from './sightings.domain';

const instant = z.iso.datetime({ offset: true });

/**
 * A checkpoint check, hit or not (no person in it unless it hit: the timeline of a person shows their hits). The
 * place is a checkpoint's, not a person's.
 */
export const CheckpointChecked = defineEvent(
  'sightings.checkpoint_checked',
  1,
  z.object({
    checkId: z.uuid(),
    reference: z.string(),
    at: instant,
    place: z.string(),
    outcome: z.enum(CHECK_OUTCOMES),
    sightingId: z.uuid().nullable(),
  }),
);

/**
 * A wanted person seen (a checkpoint's hit or an investigator's report): the alert rules raise an alert to the
 * facility the person left and to headquarters. No name: the alert points to the sighting.
 */
export const SightingReported = defineEvent(
  'sightings.sighting_reported',
  1,
  z.object({
    sightingId: z.uuid(),
    personId: z.uuid(),
    facilityId: z.uuid().nullable(),
    at: instant,
    place: z.string(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    source: z.enum(['check', 'report']),
    method: z.string(),
    minor: z.boolean(),
    reference: z.string().nullable(),
  }),
);

/** An investigator's decision on a sighting; a confirmed one joins the person's timeline. */
export const SightingDecided = defineEvent(
  'sightings.sighting_decided',
  1,
  z.object({ sightingId: z.uuid(), personId: z.uuid(), decision: z.enum(['confirmed', 'rejected']), by: z.string(), reason: z.string().nullable() }),
);

/** A notice left under a recorded sharing decision (two approvals). */
export const NoticeExported = defineEvent(
  'sightings.notice_exported',
  1,
  z.object({
    noticeId: z.uuid(),
    personId: z.uuid(),
    recipient: z.string(),
    recipientKind: z.enum(RECIPIENT_KINDS),
    fields: z.array(z.string()),
    approvedBy: z.array(z.string()),
  }),
);
