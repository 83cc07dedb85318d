import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

const instant = z.iso.datetime({ offset: true });

/** A round lapsed with checkpoints not scanned (the scheduler, at the round's due time): the alert rules react. */
export const PatrolCheckpointsMissed = defineEvent(
  'guards.patrol_checkpoint_missed',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    routeId: z.uuid(),
    routeCode: z.string(),
    runId: z.uuid(),
    staffId: z.uuid(),
    startedAt: instant,
    /** When the round lapsed: its last scan (or start) plus the checkpoint window. */
    at: instant,
    scanned: z.number().int(),
    total: z.number().int(),
    missed: z.array(z.object({ checkpointId: z.uuid(), tagId: z.string(), name: z.string() })),
  }),
);

/** No round of a route started within its limit (the scheduler): a patrol gap, from `at` until the next round. */
export const PatrolGapOpened = defineEvent(
  'guards.patrol_gap',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    routeId: z.uuid(),
    routeCode: z.string(),
    gapId: z.uuid(),
    /** The start of the last round before the gap (null: none since the route was activated). */
    lastRoundAt: instant.nullable(),
    /** When the next round was due: the gap begins. */
    at: instant,
    limitMinutes: z.number().int(),
    /** Already ended when found (the scheduler looked back over a later round). */
    endedAt: instant.nullable(),
  }),
);
