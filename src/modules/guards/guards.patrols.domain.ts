/**
 * Patrols (pure): when a round is due, when a round lapses, which checkpoint a scan was expected at, and the gaps
 * between rounds. The scheduler, the scan path and the scenario's planner all decide with these functions.
 */

export const SCAN_METHODS = ['qr', 'nfc', 'typed'] as const;
export type ScanMethod = (typeof SCAN_METHODS)[number];
export const RUN_STATUSES = ['open', 'completed', 'incomplete'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ROUTE_STATES = ['ok', 'overdue', 'missed', 'inactive'] as const;
export type RouteState = (typeof ROUTE_STATES)[number];

export const DEFAULT_ROUND_INTERVAL_MINUTES = 60;
export const DEFAULT_CHECKPOINT_WINDOW_MINUTES = 15;
export const MAX_CHECKPOINTS = 100;

const MINUTE = 60_000;
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

/** When the route's next round must have started: an interval after the last start (or after the route was activated). */
export function nextRoundDue(lastStart: Date | null, activeSince: Date, intervalMinutes: number): Date {
  const from = lastStart && lastStart > activeSince ? lastStart : activeSince;
  return plus(from, intervalMinutes);
}

/** An open round lapses a checkpoint window after its last scan (or its start): the checkpoints not scanned are missed. */
export function roundDueAt(startedAt: Date, lastScanAt: Date | null, windowMinutes: number): Date {
  return plus(lastScanAt && lastScanAt > startedAt ? lastScanAt : startedAt, windowMinutes);
}

export interface ScanDecision {
  /** The checkpoint scanned was the next one in the route's order. */
  inOrder: boolean;
  /** The checkpoint expected next (null when the round had nothing left, which the caller refuses earlier). */
  expectedId: string | null;
  /** Every checkpoint scanned once the scan is recorded: the round is complete. */
  complete: boolean;
}

/**
 * A scan of `checkpointId` in a round whose route is `order` (checkpoint ids by position) and which has scanned
 * `scanned` so far. The next expected checkpoint is the first in route order not yet scanned; scanning another is
 * recorded as out of order (the skipped ones may still be scanned later in the round). A repeat is refused.
 */
export function decideScan(order: readonly string[], scanned: ReadonlySet<string>, checkpointId: string): ScanDecision | 'repeated' | 'not_on_route' {
  if (!order.includes(checkpointId)) return 'not_on_route';
  if (scanned.has(checkpointId)) return 'repeated';
  const expectedId = order.find((id) => !scanned.has(id)) ?? null;
  return { inOrder: expectedId === checkpointId, expectedId, complete: scanned.size + 1 === order.length };
}

/** The checkpoints of a round not scanned, in route order (missed when the round lapses). */
export function unscanned(order: readonly string[], scanned: ReadonlySet<string>): string[] {
  return order.filter((id) => !scanned.has(id));
}

export interface PatrolGap {
  /** The round before the gap (null: none since the route was activated). */
  lastRoundAt: Date | null;
  /** When the next round was due: the gap begins. */
  dueAt: Date;
  /** The start of the round that ended it (null: still open at `now`). */
  endedAt: Date | null;
}

/**
 * The gaps of one route up to `now`: `previous` is the last round start already looked at (or the activation, with
 * `previousIsRound` false), `starts` the round starts after it. Every pair of consecutive starts further apart than the
 * interval is a gap (ended by the later start), and so is the time from the last start to `now`.
 */
export function patrolGaps(previous: Date, previousIsRound: boolean, starts: readonly Date[], now: Date, intervalMinutes: number): PatrolGap[] {
  const out: PatrolGap[] = [];
  let prev = previous;
  let prevIsRound = previousIsRound;
  for (const s of [...starts].filter((d) => d > previous && d <= now).sort((a, b) => a.getTime() - b.getTime())) {
    const due = plus(prev, intervalMinutes);
    if (s > due) out.push({ lastRoundAt: prevIsRound ? prev : null, dueAt: due, endedAt: s });
    prev = s;
    prevIsRound = true;
  }
  const due = plus(prev, intervalMinutes);
  if (now > due) out.push({ lastRoundAt: prevIsRound ? prev : null, dueAt: due, endedAt: null });
  return out;
}

/**
 * A route's state for the status screen: inactive; overdue while its next round is late (a gap is open); missed
 * when its last finished round left checkpoints unscanned; else ok.
 */
export function routeState(r: { active: boolean; now: Date; nextDueAt: Date; openRound: boolean; lastFinished: { status: RunStatus } | null }): RouteState {
  if (!r.active) return 'inactive';
  if (!r.openRound && r.now > r.nextDueAt) return 'overdue';
  if (r.lastFinished?.status === 'incomplete') return 'missed';
  return 'ok';
}

/** A tag id as a reader types it: trimmed, inner whitespace and case kept (tags are opaque). */
export function normaliseTag(tag: string): string {
  return tag.trim();
}
