import { createHash } from 'node:crypto';
import { ValidationError } from '../../platform/errors';

export const MARK_RESULTS = ['present', 'absent', 'excused'] as const;
export type MarkResult = (typeof MARK_RESULTS)[number];

/** Why an expected person may be away at a roll call without counting in the Delta. */
export const EXCUSE_REASONS = ['hospital', 'court', 'transfer', 'other'] as const;
export type ExcuseReason = (typeof EXCUSE_REASONS)[number];

export const MARK_METHODS = ['face', 'fingerprint', 'document', 'visual'] as const;
export type MarkMethod = (typeof MARK_METHODS)[number];

export const ROLLCALL_STATUSES = ['open', 'closing', 'closed', 'cancelled'] as const;
export type RollcallStatus = (typeof ROLLCALL_STATUSES)[number];

/** Placement statuses that put a person on a roll call's expected list (the manifest). */
export const EXPECTED_STATUSES = ['in_custody', 'temporarily_out', 'unaccounted'] as const;

export type Outcome = 'present' | 'excused' | 'unaccounted';

export interface MarkInput {
  id?: string;
  personId: string;
  result: MarkResult;
  reason?: ExcuseReason;
  note?: string;
  method?: MarkMethod;
  verificationRef?: string;
  unitId?: string;
  markedAt?: string;
}

/**
 * A mark's id when the tablet sent none: derived from the roll call and the mark's content, so that resending the
 * same batch inserts nothing, while a different verdict on the same person (absent, later present) is a new mark.
 */
export function derivedMarkId(rollcallId: string, m: Pick<MarkInput, 'personId' | 'result' | 'reason' | 'unitId'>): string {
  const h = createHash('sha256')
    .update(`${rollcallId}|${m.personId}|${m.result}|${m.reason ?? ''}|${m.unitId ?? ''}`)
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: custom
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Checks one mark's own fields (not its person): an excuse needs a reason, "other" needs a note. */
export function checkMark(m: MarkInput, index: number): void {
  const where = { index, personId: m.personId };
  if (m.result === 'excused' && !m.reason) {
    throw new ValidationError('rollcall.excuse_needs_reason', `Mark ${index + 1}: excused needs a reason (${EXCUSE_REASONS.join(', ')})`, where);
  }
  if (m.result !== 'excused' && m.reason) {
    throw new ValidationError('rollcall.reason_only_for_excused', `Mark ${index + 1}: a reason is given only with result excused`, where);
  }
  if (m.reason === 'other' && !m.note) {
    throw new ValidationError('rollcall.other_needs_note', `Mark ${index + 1}: excused for "other" needs a note saying why`, where);
  }
}

/**
 * The mark that decides a person's outcome. Seen beats not seen: a person verified present anywhere in the facility
 * was there, whatever another tablet said; otherwise the latest mark wins (a correction of absent to excused).
 */
export function decisiveMark<T extends { result: MarkResult; markedAt: Date; seq: number }>(marks: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const m of marks) {
    if (!best) best = m;
    else if ((m.result === 'present') !== (best.result === 'present')) {
      if (m.result === 'present') best = m;
    } else if (m.markedAt.getTime() > best.markedAt.getTime() || (m.markedAt.getTime() === best.markedAt.getTime() && m.seq > best.seq)) {
      best = m;
    }
  }
  return best;
}

/**
 * An expected person's outcome at close. Someone temporarily out (hospital, court) when the roll call opened is
 * excused unless marked otherwise; anyone else not verified present nor excused is unaccounted.
 */
export function outcomeOf(expectedStatus: string, decisive: { result: MarkResult } | undefined): Outcome {
  if (decisive?.result === 'present') return 'present';
  if (decisive?.result === 'excused') return 'excused';
  if (!decisive && expectedStatus === 'temporarily_out') return 'excused';
  return 'unaccounted';
}

export interface UnitFigures {
  unitId: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  /** Persons of other units seen present here. */
  misplacedIn: number;
  /** Persons of this unit seen present elsewhere. */
  misplacedOut: number;
}

export interface Totals {
  expected: number;
  present: number;
  excused: number;
  delta: number;
}

/** Delta = expected - present - excused (DOMAIN.md), summed over units; the invariant holds at every level. */
export function totalsOf(units: readonly Pick<UnitFigures, 'expected' | 'present' | 'excused'>[]): Totals {
  const t = { expected: 0, present: 0, excused: 0, delta: 0 };
  for (const u of units) {
    t.expected += u.expected;
    t.present += u.present;
    t.excused += u.excused;
  }
  t.delta = t.expected - t.present - t.excused;
  return t;
}

/**
 * Statuses (now, at close) of expected persons who left the facility lawfully after the roll call opened: transferred
 * (in transit, or in custody at another facility: "elsewhere"), released, repatriated, deceased. Unmarked, they are
 * excused by the ledger rather than unaccounted. An escape is not a lawful departure: it stays in the Delta.
 */
export const DEPARTED_STATUSES = ['in_transit', 'elsewhere', 'released', 'repatriated', 'deceased'] as const;

/** Moves unaccounted persons who departed since the opening to excused, unit by unit. */
export function excuseDepartures<U extends Pick<UnitFigures, 'unitId' | 'excused' | 'delta'>>(
  units: readonly U[],
  unaccounted: readonly { personId: string; unitId: string | null; currentStatus: string | null }[],
): { units: U[]; unaccounted: typeof unaccounted; departed: typeof unaccounted } {
  const departed = unaccounted.filter((u) => (DEPARTED_STATUSES as readonly string[]).includes(u.currentStatus ?? ''));
  if (departed.length === 0) return { units: [...units], unaccounted, departed };
  const moved = new Map<string | null, number>();
  for (const d of departed) moved.set(d.unitId, (moved.get(d.unitId) ?? 0) + 1);
  return {
    units: units.map((u) => {
      const n = moved.get(u.unitId) ?? 0;
      return n ? { ...u, excused: u.excused + n, delta: u.delta - n } : u;
    }),
    unaccounted: unaccounted.filter((u) => !departed.includes(u)),
    departed,
  };
}

// --- schedules ------------------------------------------------------------------------------------------------

export interface Schedule {
  facilityId: string;
  /** Local times of day, "HH:MM". */
  times: readonly string[];
  utcOffsetMinutes: number;
  graceMinutes: number;
  durationMinutes: number;
  active: boolean;
  updatedAt: Date;
}

export interface Slot {
  facilityId: string;
  /** The scheduled moment, in UTC. */
  at: Date;
  /** A roll call opened in [at - grace, at + grace] counts for this slot. */
  openFrom: Date;
  openBy: Date;
  closeBy: Date;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseTimeOfDay(text: string): number {
  const m = TIME.exec(text);
  if (!m) throw new ValidationError('rollcall.bad_time', `A roll-call time is HH:MM (00:00-23:59), not "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Slots whose opening deadline passed within the last day and after the schedule was set (so a new schedule does not
 * flag the past). The scheduler checks each against the roll calls opened in its window.
 */
export function slotsDue(schedule: Schedule, now: Date, lookbackMs = 24 * 3600_000): Slot[] {
  if (!schedule.active) return [];
  const out: Slot[] = [];
  const grace = schedule.graceMinutes * 60_000;
  const day = 24 * 3600_000;
  const localMidnight = Math.floor((now.getTime() + schedule.utcOffsetMinutes * 60_000) / day) * day;
  for (const dayStart of [localMidnight - day, localMidnight]) {
    for (const t of schedule.times) {
      const at = dayStart + parseTimeOfDay(t) * 60_000 - schedule.utcOffsetMinutes * 60_000;
      if (at + grace > now.getTime() || at < now.getTime() - lookbackMs || at < schedule.updatedAt.getTime()) continue;
      out.push({
        facilityId: schedule.facilityId,
        at: new Date(at),
        openFrom: new Date(at - grace),
        openBy: new Date(at + grace),
        closeBy: new Date(at + grace + schedule.durationMinutes * 60_000),
      });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export type SlotVerdict = 'kept' | 'missed' | 'late' | 'pending';

/** A slot is missed when no roll call opened in its window, late when the one that did was not closed by closeBy. */
export function slotVerdict(slot: Slot, rollcalls: readonly { openedAt: Date; closedAt: Date | null }[], now: Date): SlotVerdict {
  const inWindow = rollcalls.filter((r) => r.openedAt >= slot.openFrom && r.openedAt <= slot.openBy);
  if (inWindow.length === 0) return now >= slot.openBy ? 'missed' : 'pending';
  if (inWindow.some((r) => r.closedAt && r.closedAt <= slot.closeBy)) return 'kept';
  return now >= slot.closeBy ? 'late' : 'pending';
}
