import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { MAX_CHECKPOINTS, ROUTE_STATES, RUN_STATUSES, SCAN_METHODS } from './guards.patrols.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const when = z.iso.datetime({ offset: true });
/** A QR or NFC tag id as a reader sends it (a keyboard-wedge reader types it; printable characters only). */
const tag = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7E]+$/, 'a tag id is printable ASCII without spaces');

export const CheckpointInput = z.object({
  tagId: tag,
  name: text(200),
  /** The sector (a unit of the facility) the checkpoint is in. */
  unitId: z.uuid().optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});

export const CreateRouteBody = z.object({
  facilityId: z.uuid(),
  code: text(64),
  name: text(200),
  /** A guard must be on duty at this post (of kind patrol, usually) to walk the route; absent: any post of the facility. */
  postId: z.uuid().optional(),
  /** A round must start within this many minutes of the previous one's start (the route's patrol gap limit). */
  roundIntervalMinutes: z.number().int().min(5).max(1440).default(60),
  /** Each checkpoint within this many minutes of the previous scan; else the round lapses and the rest are missed. */
  checkpointWindowMinutes: z.number().int().min(1).max(720).default(15),
  /** In walking order. */
  checkpoints: z.array(CheckpointInput).min(1).max(MAX_CHECKPOINTS),
});
export type CreateRouteInput = z.infer<typeof CreateRouteBody>;

export const UpdateRouteBody = z
  .object({
    name: text(200).optional(),
    roundIntervalMinutes: z.number().int().min(5).max(1440).optional(),
    checkpointWindowMinutes: z.number().int().min(1).max(720).optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'Name at least one of name, roundIntervalMinutes, checkpointWindowMinutes, active');
export type UpdateRouteInput = z.infer<typeof UpdateRouteBody>;

export const CheckpointResponse = z.object({
  id: z.uuid(),
  position: count,
  tagId: z.string(),
  name: z.string(),
  unitId: z.uuid().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});

export const RouteResponse = z.object({
  id: z.uuid(),
  facilityId: z.uuid(),
  code: z.string(),
  name: z.string(),
  postId: z.uuid().nullable(),
  roundIntervalMinutes: count,
  checkpointWindowMinutes: count,
  active: z.boolean(),
  activeSince: instant,
  checkpoints: z.array(CheckpointResponse),
});

export const StartRoundBody = z
  .object({
    routeId: z.uuid(),
    staffId: z.uuid().optional(),
    /** The guard's badge as read at the start (instead of the staff id). */
    badge: text(64).optional(),
    at: when.optional(),
  })
  .refine((b) => (b.staffId ? 1 : 0) + (b.badge ? 1 : 0) === 1, 'Name the guard by staffId or by badge (one of them)');
export type StartRoundInput = z.infer<typeof StartRoundBody>;

export const ScanBody = z.object({ tagId: tag, method: z.enum(SCAN_METHODS).default('typed'), at: when.optional() });
export type ScanInput = z.infer<typeof ScanBody>;

export const RoundResponse = z.object({
  id: z.uuid(),
  routeId: z.uuid(),
  routeCode: z.string(),
  facilityId: z.uuid(),
  staffId: z.uuid(),
  badge: z.string(),
  startedAt: instant,
  dueAt: instant,
  endedAt: instant.nullable(),
  status: z.enum(RUN_STATUSES),
  scanned: count,
  missed: count,
  total: count,
  /** The checkpoint expected next (null once every one is scanned or the round is over). */
  next: z.object({ id: z.uuid(), tagId: z.string(), name: z.string(), position: count }).nullable(),
});

export const ScanResponse = z.object({
  id: z.uuid(),
  runId: z.uuid(),
  checkpointId: z.uuid(),
  checkpointName: z.string(),
  position: count,
  at: instant,
  method: z.string(),
  inOrder: z.boolean(),
  expectedCheckpointId: z.uuid().nullable(),
  round: RoundResponse,
});

export const PatrolStatusQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const PatrolStatusResponse = z.object({
  facilityId: z.uuid(),
  at: instant,
  routes: z.array(
    RouteResponse.extend({
      state: z.enum(ROUTE_STATES),
      lastRound: RoundResponse.nullable(),
      openRound: RoundResponse.nullable(),
      nextDueAt: instant,
      /** The open gap: since when the route has gone without a round past its limit. */
      gapSince: instant.nullable(),
      /** Rounds, missed checkpoints and gaps of the last 24 hours. */
      last24h: z.object({ rounds: count, completed: count, missedCheckpoints: count, gaps: count }),
    }),
  ),
  scans: z.object({
    total: count,
    items: z.array(
      z.object({
        id: z.uuid(),
        at: instant,
        routeCode: z.string(),
        checkpointName: z.string(),
        tagId: z.string(),
        position: count,
        badge: z.string(),
        inOrder: z.boolean(),
        method: z.string(),
      }),
    ),
  }),
  misses: z.object({
    total: count,
    items: z.array(z.object({ runId: z.uuid(), routeCode: z.string(), checkpointName: z.string(), tagId: z.string(), dueAt: instant })),
  }),
});
