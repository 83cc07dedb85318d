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

// --- the whole count, as one pure function -------------------------------------------------------------------
//
// The repository computes the same figures in one aggregate SQL statement (closeComputation, unitFigures), because a
// facility of thousands must close in one round trip. These functions are the rules written once in TypeScript; a
// property test (test/rollcalls-delta.property.int.test.ts) checks on PGlite and PostgreSQL that the SQL agrees with
// them on random facilities, marks and movements.

/** A person on a roll call's expected list: the manifest copied when the roll call opened. */
export interface ExpectedEntry {
  personId: string;
  unitId: string | null;
  /** Placement status at the opening (one of EXPECTED_STATUSES). */
  status: string;
}

/** A mark as recorded; `seq` orders marks recorded with the same `markedAt`. */
export interface RecordedMark {
  personId: string;
  result: MarkResult;
  unitId: string | null;
  markedAt: Date;
  seq: number;
}

/** A person's placement as the projection holds it (now, or at the opening). */
export interface PlacementNow {
  personId: string;
  status: string;
  facilityId: string | null;
  unitId: string | null;
}

/** The manifest a roll call expects: persons on the facility's roll (in the units, when the roll call names some). */
export function manifestOf(placements: readonly PlacementNow[], facilityId: string, unitIds: readonly string[]): ExpectedEntry[] {
  return placements
    .filter(
      (p) =>
        p.facilityId === facilityId &&
        (EXPECTED_STATUSES as readonly string[]).includes(p.status) &&
        (unitIds.length === 0 || (p.unitId !== null && unitIds.includes(p.unitId))),
    )
    .map((p) => ({ personId: p.personId, unitId: p.unitId, status: p.status }));
}

export interface MisplacedEntry {
  personId: string;
  /** The unit on the expected list; for a person off the list, the unit of the current placement. */
  expectedUnitId: string | null;
  seenUnitId: string | null;
  onList: boolean;
}

export interface LiveCount {
  /** Figures per unit (units with someone expected or someone seen there by mistake), ordered by unit id, null first. */
  byUnit: UnitFigures[];
  /** Outcome of each expected person, with the unit where the decisive mark saw them. */
  outcomes: Map<string, { unitId: string | null; status: string; outcome: Outcome; seenUnitId: string | null; moved: boolean }>;
  /** Persons off the list whose decisive mark is present, with where they were seen. */
  strays: { personId: string; seenUnitId: string | null }[];
}

const byUnitId = (a: { unitId: string | null }, b: { unitId: string | null }) => (a.unitId ?? '').localeCompare(b.unitId ?? '');

/**
 * The count while the roll call is open (and before lawful departures are excused): each expected person's outcome
 * from their decisive mark, summed per unit of the list; a person seen present in another unit than their own is
 * misplaced out of theirs and in to the one they were seen in; persons off the list seen present count in there too.
 */
export function liveCount(expected: readonly ExpectedEntry[], marks: readonly RecordedMark[]): LiveCount {
  const marksOf = new Map<string, RecordedMark[]>();
  for (const m of marks) {
    const list = marksOf.get(m.personId);
    if (list) list.push(m);
    else marksOf.set(m.personId, [m]);
  }
  const units = new Map<string | null, UnitFigures>();
  const unit = (unitId: string | null) => {
    let u = units.get(unitId);
    if (!u) {
      u = { unitId, expected: 0, present: 0, excused: 0, delta: 0, misplacedIn: 0, misplacedOut: 0 };
      units.set(unitId, u);
    }
    return u;
  };
  const outcomes: LiveCount['outcomes'] = new Map();
  for (const e of expected) {
    const d = decisiveMark(marksOf.get(e.personId) ?? []);
    const outcome = outcomeOf(e.status, d);
    const seenUnitId = d?.unitId ?? null;
    const moved = d?.result === 'present' && seenUnitId !== null && seenUnitId !== e.unitId;
    outcomes.set(e.personId, { unitId: e.unitId, status: e.status, outcome, seenUnitId, moved });
    const u = unit(e.unitId);
    u.expected += 1;
    if (outcome === 'present') u.present += 1;
    else if (outcome === 'excused') u.excused += 1;
    else u.delta += 1;
    if (moved) {
      u.misplacedOut += 1;
      unit(seenUnitId).misplacedIn += 1;
    }
  }
  const strays: LiveCount['strays'] = [];
  for (const [personId, list] of marksOf) {
    if (outcomes.has(personId)) continue;
    const d = decisiveMark(list);
    if (d?.result !== 'present') continue;
    strays.push({ personId, seenUnitId: d.unitId });
    if (d.unitId !== null) unit(d.unitId).misplacedIn += 1;
  }
  return { byUnit: [...units.values()].sort(byUnitId), outcomes, strays };
}

/**
 * A person's status for the close: the placement's, except that someone on the roll of another facility now is
 * "elsewhere" (transferred and arrived), which DEPARTED_STATUSES excuses.
 */
export function statusAtClose(facilityId: string, placement: PlacementNow | undefined): string | null {
  if (!placement) return null;
  if (placement.facilityId !== facilityId && (EXPECTED_STATUSES as readonly string[]).includes(placement.status)) return 'elsewhere';
  return placement.status;
}

export interface CloseCount {
  byUnit: UnitFigures[];
  totals: Totals;
  /** Unaccounted at the close, sorted. */
  unaccounted: string[];
  departed: { personId: string; status: string }[];
  misplaced: MisplacedEntry[];
  /** The ledger events the close appends: UNACCOUNTED for those still in custody, ACCOUNTED for those found again. */
  ledger: { unaccounted: string[]; accounted: string[] };
}

/**
 * The close: the live count, then every unaccounted person who left lawfully since the opening (by their placement
 * now) moved to excused. Persons expected as unaccounted, seen present and still unaccounted are found again.
 */
export function closeCount(
  facilityId: string,
  expected: readonly ExpectedEntry[],
  marks: readonly RecordedMark[],
  placementsNow: ReadonlyMap<string, PlacementNow>,
): CloseCount {
  const live = liveCount(expected, marks);
  const unaccountedAll: { personId: string; unitId: string | null; currentStatus: string | null }[] = [];
  const misplaced: MisplacedEntry[] = [];
  const accounted: string[] = [];
  for (const [personId, o] of live.outcomes) {
    const now = placementsNow.get(personId);
    if (o.outcome === 'unaccounted') unaccountedAll.push({ personId, unitId: o.unitId, currentStatus: statusAtClose(facilityId, now) });
    if (o.moved) misplaced.push({ personId, expectedUnitId: o.unitId, seenUnitId: o.seenUnitId, onList: true });
    if (o.outcome === 'present' && o.status === 'unaccounted' && now?.status === 'unaccounted') accounted.push(personId);
  }
  for (const s of live.strays) {
    misplaced.push({ personId: s.personId, expectedUnitId: placementsNow.get(s.personId)?.unitId ?? null, seenUnitId: s.seenUnitId, onList: false });
  }
  const excusing = excuseDepartures(live.byUnit, unaccountedAll);
  return {
    byUnit: excusing.units,
    totals: totalsOf(excusing.units),
    unaccounted: excusing.unaccounted.map((u) => u.personId).sort(),
    departed: excusing.departed.map((d) => ({ personId: d.personId, status: d.currentStatus! })),
    misplaced,
    ledger: {
      unaccounted: unaccountedAll.filter((u) => u.currentStatus === 'in_custody').map((u) => u.personId),
      accounted,
    },
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

// --- a facility's figures from the counts of its units ---------------------------------------------------------
//
// A roll call may count a whole facility or only some of its units (a block). The facility's figures are therefore
// never "the last roll call": they are the sum, over its units, of each unit's latest count, each with its own age.
// A block roll call replaces that block's contribution and leaves the others as they were counted.

/** One closed roll call of a facility with its figures per unit (the rows written at its close). */
export interface ClosedCount {
  rollcallId: string;
  facilityId: string;
  closedAt: Date;
  /** The units the roll call covered (parents with their children); empty for the whole facility. */
  scopeUnitIds: readonly string[];
  byUnit: readonly { unitId: string | null; expected: number; present: number; excused: number; delta: number }[];
}

/** A facility's combined figures after one roll call closed: the latest count of every unit, summed. */
export interface CombinedFigures {
  rollcallId: string;
  at: Date;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  /** Units holding someone (and the facility's persons placed in no unit) whose latest count makes up these figures. */
  unitsCounted: number;
  /** The time of the oldest unit count in the sum: how old the least recent part of these figures is. */
  oldestCountAt: Date;
}

type UnitCount = { closedAt: Date; expected: number; present: number; excused: number; delta: number };

/**
 * The combined figures of each facility after each of its closed roll calls, oldest first. A whole-facility roll call
 * replaces every unit's count (units it found empty count as nobody); a roll call of some units replaces only the
 * counts of those units (a covered unit without a row held nobody then). `counts` may come in any order.
 */
export function combinedFigures(counts: readonly ClosedCount[]): Map<string, CombinedFigures[]> {
  const sorted = [...counts].sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime() || a.rollcallId.localeCompare(b.rollcallId));
  const latest = new Map<string, Map<string, UnitCount>>();
  const out = new Map<string, CombinedFigures[]>();
  const NO_UNIT = '';
  for (const c of sorted) {
    let units = latest.get(c.facilityId);
    if (!units || c.scopeUnitIds.length === 0) {
      units = new Map();
      latest.set(c.facilityId, units);
    }
    const zero = { closedAt: c.closedAt, expected: 0, present: 0, excused: 0, delta: 0 };
    // A covered unit without a row held nobody: its earlier count no longer stands.
    for (const u of c.scopeUnitIds) if (units.has(u)) units.set(u, zero);
    for (const r of c.byUnit) {
      units.set(r.unitId ?? NO_UNIT, { closedAt: c.closedAt, expected: r.expected, present: r.present, excused: r.excused, delta: r.delta });
    }
    const point: CombinedFigures = {
      rollcallId: c.rollcallId,
      at: c.closedAt,
      expected: 0,
      present: 0,
      excused: 0,
      delta: 0,
      unitsCounted: 0,
      oldestCountAt: c.closedAt,
    };
    for (const u of units.values()) {
      point.expected += u.expected;
      point.present += u.present;
      point.excused += u.excused;
      point.delta += u.delta;
      // An empty unit has nothing to be out of date about: it does not make the figures look older.
      if (u.expected === 0 && u.present === 0) continue;
      point.unitsCounted += 1;
      if (u.closedAt < point.oldestCountAt) point.oldestCountAt = u.closedAt;
    }
    const series = out.get(c.facilityId) ?? [];
    series.push(point);
    out.set(c.facilityId, series);
  }
  return out;
}
