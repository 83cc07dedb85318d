import { z } from 'zod';
import { ConflictError } from '../../platform/errors';

export const ALERT_RULES = [
  'rollcall.delta',
  'rollcall.mass_absence',
  'rollcall.missed',
  'rollcall.late',
  'person.repeated_absence',
  'facility.over_capacity',
  // Raised by screening: new watchlist candidates wait for review (no names in the alert).
  'screening.hit',
  // A verification found the custody ledger or the audit log altered (critical, for everyone not facility-scoped).
  'integrity.chain_broken',
  // Raised by the guard force's facts (issue 17): nobody on duty, the governance ratio below threshold, no custodian
  // of record (a custody gap), planned guards who did not come.
  'guards.no_guard_on_duty',
  'guards.below_threshold',
  'guards.custody_gap',
  'guards.no_show',
  // A patrol round that lapsed with checkpoints unscanned, and a route without a round past its limit (warnings).
  'guards.patrol_missed_checkpoint',
  'guards.patrol_gap',
  // The guard force's scheduler (issue 17): a coming shift's roster below threshold hours ahead, a force thinning over
  // days, required posts below their minimum staffing past the grace period (alerts.guards.ts).
  'guards.next_shift_short',
  'guards.thinning',
  'guards.post_uncovered',
  // A movement's count off differs from its count on (transfers, issue 18): critical, naming who is missing or extra.
  'transfer.count_discrepancy',
  // Perimeter sensors (issue 20): a sector's alarms opened an incident; sensors of a sector went silent (a dead zone).
  'sensors.incident',
  'sensors.dead_zone',
  // A movement's persons in transit longer than its limit (transfers, issue 18): critical, once per movement.
  'transfer.transit_overdue',
  // A wanted (escaped or unaccounted) person seen at a checkpoint or reported (sightings, issue 19): one alert to the
  // facility the person left, one to headquarters; no name in either, the sighting is the reference.
  'sighting.reported',
  // Headquarters was offered another version of a site's replicated chain (sync, issue 22): critical, once per offer.
  'sync.fork',
  // An alert headquarters addressed to this site (or to every site), come down with the sync (issue 22).
  'sync.hq_notice',
  // One person perhaps enrolled at two sites while both were offline (sync, issue 22): a case at headquarters for a
  // person to decide; the alert names the sites, not the person.
  'sync.identity_case',
  // A child held at a facility left there without any carer (cases, issue 23 part C): a warning to the facility.
  'family.child_separated',
  // Case work (issue 23, cases-legal): a review of detention overdue or due soon, a reintegration check-in missed.
  'cases.review_overdue',
  'cases.review_due',
  'cases.checkin_missed',
  // Many reviews of one facility overdue at once (a bulk intake): one alert per facility with the count (cases-be).
  'cases.reviews_overdue',
  // A repatriation request's stage deadline (issue 23 part B): due soon (info), passed (warning); the state's
  // liaisons see them (the alert carries the state), nobody else's.
  'repatriation.stage_due',
  'repatriation.stage_overdue',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Per-facility thresholds; every field has a default so a facility without settings is still watched. */
export const RuleSettings = z.object({
  /** Any Delta at close raises an alert (warning). */
  anyDelta: z.boolean().default(true),
  /** Mass absence (critical): Delta of at least this many people at one close ... */
  massAbsenceCount: z.number().int().min(1).max(1_000_000).default(50),
  /** ... or at least this percentage of one unit's expected persons ... */
  massAbsencePercent: z.number().min(0.1).max(100).default(20),
  /** ... counted only for units expecting at least this many (a cell of 3 with 1 away is not a mass absence). */
  massAbsenceMinUnit: z.number().int().min(1).max(100_000).default(10),
  /** The same person unaccounted at this many consecutive roll calls. */
  consecutiveAbsences: z.number().int().min(2).max(50).default(2),
  /** An open alert not acknowledged within this time escalates (and again after each further period, up to 3). */
  escalateAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(15),
  missedRollcall: z.boolean().default(true),
  overCapacity: z.boolean().default(true),
});
export type RuleSettings = z.infer<typeof RuleSettings>;
export const DEFAULT_RULES: RuleSettings = RuleSettings.parse({});

export interface AlertDraft {
  facilityId: string | null;
  /** The state whose nationals it concerns (a repatriation stage), for that state's liaisons. */
  nationality?: string | null;
  unitId?: string | null;
  rule: AlertRule;
  severity: Severity;
  title: string;
  details: Record<string, unknown>;
  dedupeKey: string | null;
  /** The situation this alert reports: a live alert of the same situation is updated instead of raising another. */
  situationKey?: string | null;
  rollcallId?: string | null;
}

export interface ClosedFigures {
  rollcallId: string;
  facilityId: string;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  unaccounted: readonly string[];
  byUnit: readonly { unitId: string | null; expected: number; delta: number }[];
}

/** Units whose share of unaccounted persons reaches the mass-absence percentage. */
export function massAbsentUnits(closed: ClosedFigures, rules: RuleSettings): { unitId: string | null; expected: number; delta: number; percent: number }[] {
  return closed.byUnit
    .filter((u) => u.expected >= rules.massAbsenceMinUnit && u.delta > 0 && (u.delta * 100) / u.expected >= rules.massAbsencePercent)
    .map((u) => ({ ...u, percent: Math.round((u.delta * 1000) / u.expected) / 10 }));
}

const PERSON_LIST_CAP = 1000;

/**
 * The situation key of a facility's absences. Every roll call of the facility that finds people unaccounted reports the
 * same situation (whichever block it counted, whether the Delta is small, a mass absence, or people missing at
 * consecutive roll calls): one live alert that each close updates, never one more alert per roll call.
 */
export const absenceSituation = (facilityId: string) => `absence:${facilityId}`;

/** Rules of the absence situation, from the least to the most serious: an update never lowers the rule. */
const ABSENCE_RANK: readonly AlertRule[] = ['rollcall.delta', 'person.repeated_absence', 'rollcall.mass_absence'];
const SEVERITY_RANK: readonly Severity[] = SEVERITIES;

/** The figures an absence alert's details carry (the persons only for roles that may read person records). */
export interface AbsenceDetails {
  expected: number;
  present: number;
  excused: number;
  /** The Delta of the latest roll call. */
  delta: number;
  massAbsentUnits: unknown[];
  byUnit: unknown[];
  /** The persons unaccounted now in this situation (capped at 1,000; `count` says how many). */
  personIds: string[];
  count: number;
  /** Of them, unaccounted at `consecutive` consecutive roll calls. */
  repeatedPersonIds: string[];
  repeatedCount: number;
  consecutive: number;
  /** The roll calls that found this situation, oldest first (the last 50). */
  rollcallIds: string[];
}

function absenceTitle(rule: AlertRule, d: AbsenceDetails, occurrences: number, where: string): string {
  const lead = rule === 'rollcall.mass_absence' ? 'Mass absence' : rule === 'person.repeated_absence' ? 'Repeated absence' : `Delta ${d.delta}`;
  const first = occurrences <= 1;
  const main = first
    ? `${d.count} of ${d.expected} unaccounted at roll call${where}`
    : `${d.count} unaccounted (latest roll call: ${d.delta} of ${d.expected}${where}; ${occurrences} roll calls)`;
  const repeated = d.repeatedCount > 0 ? `; ${d.repeatedCount} at ${d.consecutive} consecutive roll calls` : '';
  return `${lead}: ${main}${repeated}`;
}

/**
 * The alert a closed roll call raises, at most one: the facility's absence situation, critical when it is a mass
 * absence or when someone is unaccounted at consecutive roll calls, else a warning when any Delta alerts. (It used to
 * be two critical alerts for the same people, the Delta's and the repeated absence's.)
 */
export function closeAlerts(
  closed: ClosedFigures,
  rules: RuleSettings,
  repeatedlyAbsent: readonly string[],
  unitCodes: ReadonlyMap<string, string>,
): AlertDraft[] {
  if (closed.delta <= 0 && repeatedlyAbsent.length === 0) return [];
  const units = closed.delta > 0 ? massAbsentUnits(closed, rules) : [];
  const mass = closed.delta > 0 && (closed.delta >= rules.massAbsenceCount || units.length > 0);
  const repeated = repeatedlyAbsent.length > 0;
  if (!mass && !repeated && !rules.anyDelta) return [];
  const rule: AlertRule = mass ? 'rollcall.mass_absence' : repeated ? 'person.repeated_absence' : 'rollcall.delta';
  const where = units.length ? ` (${units.map((u) => `${(u.unitId && unitCodes.get(u.unitId)) ?? 'no unit'} ${u.percent}%`).join(', ')})` : '';
  const details: AbsenceDetails = {
    expected: closed.expected,
    present: closed.present,
    excused: closed.excused,
    delta: closed.delta,
    massAbsentUnits: units,
    byUnit: closed.byUnit.filter((u) => u.delta > 0),
    personIds: closed.unaccounted.slice(0, PERSON_LIST_CAP),
    count: closed.unaccounted.length,
    repeatedPersonIds: repeatedlyAbsent.slice(0, PERSON_LIST_CAP),
    repeatedCount: repeatedlyAbsent.length,
    consecutive: rules.consecutiveAbsences,
    rollcallIds: [closed.rollcallId],
  };
  return [
    {
      facilityId: closed.facilityId,
      unitId: units.length === 1 ? units[0]!.unitId : null,
      rule,
      severity: mass || repeated ? 'critical' : 'warning',
      title: absenceTitle(rule, details, 1, where),
      details: { ...details, where },
      dedupeKey: `rollcall.delta:${closed.rollcallId}`,
      situationKey: absenceSituation(closed.facilityId),
      rollcallId: closed.rollcallId,
    },
  ];
}

/** The open alert of a situation, as the merge needs it. */
export interface SituationAlert {
  rule: string;
  severity: Severity;
  status: AlertStatus;
  details: Record<string, unknown> | null;
  occurrences: number;
}

export interface SituationUpdate {
  rule: AlertRule;
  severity: Severity;
  title: string;
  details: Record<string, unknown>;
  occurrences: number;
  /** Persons in the situation now who were not in it before (a new walk-out). */
  newPersons: number;
  /** An acknowledged alert goes back to open, to be acknowledged again, when new persons join the situation. */
  reopen: boolean;
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * A roll call found a situation that has an open alert: the alert is updated, not raised again. Its persons are those
 * this roll call left unaccounted plus those of the alert still unaccounted now (`stillAbsent`: persons counted by
 * other blocks' roll calls stay); rule and severity never fall while the alert is live; occurrences count the roll calls.
 */
export function mergeSituation(current: SituationAlert, draft: AlertDraft, stillAbsent: ReadonlySet<string>): SituationUpdate {
  const before = current.details ?? {};
  const next = draft.details as unknown as AbsenceDetails & { where?: string };
  const previous = ids(before.personIds);
  const fresh = ids(next.personIds);
  const persons = [...new Set([...fresh, ...previous.filter((p) => stillAbsent.has(p))])];
  const known = new Set(previous);
  const newPersons = fresh.filter((p) => !known.has(p)).length;
  const rank = (r: string) => ABSENCE_RANK.indexOf(r as AlertRule);
  const rule = rank(current.rule) > rank(draft.rule) ? (current.rule as AlertRule) : draft.rule;
  const severity = SEVERITY_RANK.indexOf(current.severity) > SEVERITY_RANK.indexOf(draft.severity) ? current.severity : draft.severity;
  const occurrences = current.occurrences + 1;
  const details: AbsenceDetails = {
    ...next,
    personIds: persons.slice(0, PERSON_LIST_CAP),
    count: persons.length,
    rollcallIds: [...ids(before.rollcallIds), ...next.rollcallIds].slice(-50),
  };
  return {
    rule,
    severity,
    title: absenceTitle(rule, details, occurrences, next.where ?? ''),
    details: { ...details, where: next.where ?? '' },
    occurrences,
    newPersons,
    reopen: current.status === 'acknowledged' && newPersons > 0,
  };
}

export function slotAlert(kind: 'missed' | 'late', facilityId: string, facilityCode: string, slot: { at: Date; openBy: Date; closeBy: Date }): AlertDraft {
  const at = slot.at.toISOString();
  return kind === 'missed'
    ? {
        facilityId,
        rule: 'rollcall.missed',
        severity: 'critical',
        title: `Roll call of ${at.slice(11, 16)} UTC at ${facilityCode} was not opened by ${slot.openBy.toISOString().slice(11, 16)} UTC`,
        details: { slot: at, openBy: slot.openBy.toISOString() },
        dedupeKey: `rollcall.missed:${facilityId}:${at}`,
      }
    : {
        facilityId,
        rule: 'rollcall.late',
        severity: 'warning',
        title: `Roll call of ${at.slice(11, 16)} UTC at ${facilityCode} was not closed by ${slot.closeBy.toISOString().slice(11, 16)} UTC`,
        details: { slot: at, closeBy: slot.closeBy.toISOString() },
        dedupeKey: `rollcall.late:${facilityId}:${at}`,
      };
}

export function capacityAlert(facilityId: string, facilityCode: string, onRoll: number, capacity: number): AlertDraft {
  return {
    facilityId,
    rule: 'facility.over_capacity',
    severity: onRoll >= capacity * 1.2 ? 'critical' : 'warning',
    title: `${facilityCode} holds ${onRoll} for a capacity of ${capacity}`,
    details: { onRoll, capacity, overBy: onRoll - capacity },
    dedupeKey: `facility.over_capacity:${facilityId}`,
  };
}

/**
 * New watchlist candidates wait for review. The alert says only how many: names and lists stay on the security side
 * (the screening review), the alert goes to everyone not facility-scoped.
 */
export function screeningHitsAlert(hits: readonly { hitId: string; trigger: string }[]): AlertDraft {
  return {
    facilityId: null,
    rule: 'screening.hit',
    severity: 'warning',
    title: `${hits.length} new watchlist candidate${hits.length === 1 ? '' : 's'} awaiting review`,
    details: { hitIds: hits.map((h) => h.hitId), count: hits.length, trigger: hits[0]?.trigger ?? null },
    dedupeKey: null,
  };
}

/** A hash chain that does not verify is an incident: one critical alert per break while it is live. */
export function chainBrokenAlert(
  broken:
    | { chain: 'ledger'; siteId: string; eventId: string; seq: number; problem: string; message: string }
    | { chain: 'audit'; entryId: string; seq: number; message: string },
): AlertDraft {
  if (broken.chain === 'ledger') {
    return {
      facilityId: null,
      rule: 'integrity.chain_broken',
      severity: 'critical',
      title: `The custody ledger does not verify: ${broken.problem.replace(/_/g, ' ')} at event ${broken.seq} of site ${broken.siteId}`,
      details: {
        chain: 'ledger',
        firstBad: { id: broken.eventId, siteId: broken.siteId, seq: broken.seq, problem: broken.problem, message: broken.message },
      },
      dedupeKey: `chain:ledger:${broken.siteId}:${broken.seq}:${broken.problem}`,
    };
  }
  return {
    facilityId: null,
    rule: 'integrity.chain_broken',
    severity: 'critical',
    title: `The audit log does not verify at entry ${broken.seq}`,
    details: { chain: 'audit', firstBad: { id: broken.entryId, seq: broken.seq, message: broken.message } },
    dedupeKey: `chain:audit:${broken.seq}`,
  };
}

/** The lifecycle: open -> acknowledged -> resolved (open -> resolved directly too); nothing leaves resolved. */
export function nextStatus(current: AlertStatus, action: 'acknowledge' | 'resolve'): AlertStatus {
  if (action === 'acknowledge') {
    if (current !== 'open') {
      throw new ConflictError('alerts.invalid_transition', `Only an open alert can be acknowledged; this one is ${current}`, {
        rule: 'acknowledge_open_only',
        status: current,
      });
    }
    return 'acknowledged';
  }
  if (current === 'resolved') {
    throw new ConflictError('alerts.invalid_transition', 'This alert is already resolved', { rule: 'resolve_once', status: current });
  }
  return 'resolved';
}

export const MAX_ESCALATION = 3;

/** How many escalation periods an unacknowledged alert has waited (0 = not yet due), capped. */
export function escalationDue(raisedAt: Date, now: Date, escalateAfterMinutes: number): number {
  const waited = now.getTime() - raisedAt.getTime();
  return Math.min(MAX_ESCALATION, Math.max(0, Math.floor(waited / (escalateAfterMinutes * 60_000))));
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const ORGANISATION: Record<string, string> = { sdf: 'the SDF', asayish: 'the Asayish', government: 'government forces', coalition: 'the coalition' };
const organisation = (o: string) => ORGANISATION[o] ?? o;

/** The facts of the guard force the alert rules see (payloads of the guards module's events). */
export interface GovernanceChange {
  facilityId: string;
  facilityCode: string;
  unitId: string | null;
  from: string | null;
  to: string;
  at: string;
  onRoll: number;
  present: number;
  postsRequired: number;
  postsManned: number;
  guardsPer100: number | null;
  mannedPercent: number | null;
  reasons: string[];
}

/**
 * A facility's governance state worsened: nobody on duty with persons on the roll is critical at once; below the
 * threshold a warning (critical below half of it). A better state raises nothing (a human resolves the alert), and
 * sectors are on the staffing board, not in the inbox.
 */
export function governanceAlert(c: GovernanceChange): AlertDraft | null {
  if (c.unitId !== null) return null;
  const rank = (s: string | null) => (s === 'critical' ? 2 : s === 'degraded' ? 1 : 0);
  const noGuard = c.reasons.includes('no_guard_on_duty');
  const figures = { ...c, unitId: undefined };
  if (noGuard) {
    return {
      facilityId: c.facilityId,
      rule: 'guards.no_guard_on_duty',
      severity: 'critical',
      title: `No guard on duty at ${c.facilityCode} since ${hhmm(c.at)}: ${c.onRoll} on the roll, 0 guards present`,
      details: figures,
      dedupeKey: `guards.no_guard_on_duty:${c.facilityId}:${c.at}`,
    };
  }
  if (rank(c.to) <= rank(c.from)) return null;
  const ratio = c.guardsPer100 === null ? '' : `${c.guardsPer100} guards per 100 on the roll`;
  const posts = c.mannedPercent === null ? '' : `${c.postsManned} of ${c.postsRequired} posts manned`;
  return {
    facilityId: c.facilityId,
    rule: 'guards.below_threshold',
    severity: c.to === 'critical' ? 'critical' : 'warning',
    title: `Governance ${c.to} at ${c.facilityCode}: ${[ratio, posts].filter(Boolean).join(', ')} (${c.present} guards for ${c.onRoll})`,
    details: figures,
    dedupeKey: `guards.below_threshold:${c.facilityId}:${c.to}:${c.at}`,
  };
}

export interface CustodianFact {
  facilityId: string;
  facilityCode: string;
  change: 'withdrawn' | 'assumed';
  at: string;
  organisation: string;
  commander: string;
  reason: string | null;
  gapSince: string | null;
  checkedOut: number;
}

/** A custodian withdrew with nobody taking over: a custody gap, critical at once. Its end is recorded as information. */
export function custodianAlert(c: CustodianFact): AlertDraft | null {
  if (c.change === 'withdrawn') {
    return {
      facilityId: c.facilityId,
      rule: 'guards.custody_gap',
      severity: 'critical',
      title: `No custodian of record at ${c.facilityCode} since ${hhmm(c.at)}: ${organisation(c.organisation)} withdrew (${c.reason ?? 'no reason given'}); ${c.checkedOut} guards left their posts`,
      details: { ...c },
      dedupeKey: `guards.custody_gap:${c.facilityId}:${c.at}`,
    };
  }
  if (!c.gapSince) return null;
  const minutes = Math.round((new Date(c.at).getTime() - new Date(c.gapSince).getTime()) / 60_000);
  return {
    facilityId: c.facilityId,
    rule: 'guards.custody_gap',
    severity: 'info',
    title: `Custody gap at ${c.facilityCode} ended at ${hhmm(c.at)}: ${organisation(c.organisation)} took over after ${Math.floor(minutes / 60)} h ${minutes % 60} min without a custodian`,
    details: { ...c, gapMinutes: minutes },
    dedupeKey: `guards.custody_gap_end:${c.facilityId}:${c.at}`,
  };
}

export function noShowAlert(n: { facilityId: string; facilityCode: string; at: string; shiftIds: string[]; postCodes: string[] }): AlertDraft {
  return {
    facilityId: n.facilityId,
    rule: 'guards.no_show',
    severity: 'warning',
    title: `${n.shiftIds.length} planned guard${n.shiftIds.length === 1 ? '' : 's'} did not check in at ${n.facilityCode} (${n.postCodes.slice(0, 8).join(', ')}${n.postCodes.length > 8 ? ', ...' : ''})`,
    details: { ...n },
    dedupeKey: `guards.no_show:${n.facilityId}:${n.at}`,
  };
}

/** CountDiscrepancy: a movement arrived with persons missing or extra; the alert names them (critical). */
export function countDiscrepancyAlert(a: {
  movementId: string;
  code: string;
  toFacilityId: string;
  countOn: number;
  countOff: number;
  missing: readonly string[];
  extra: readonly string[];
  names: Record<string, string>;
}): AlertDraft | null {
  if (a.missing.length + a.extra.length === 0) return null;
  const named = (ids: readonly string[]) => ids.map((id) => ({ personId: id, name: a.names[id] ?? null }));
  const list = (ids: readonly string[]) => ids.map((id) => a.names[id] ?? id).join(', ');
  const parts = [a.missing.length ? `missing: ${list(a.missing)}` : '', a.extra.length ? `extra: ${list(a.extra)}` : ''].filter(Boolean);
  return {
    facilityId: a.toFacilityId,
    rule: 'transfer.count_discrepancy',
    severity: 'critical',
    title: `CountDiscrepancy on ${a.code}: ${a.countOn} on, ${a.countOff} off (${parts.join('; ')})`.slice(0, 500),
    details: { movementId: a.movementId, code: a.code, countOn: a.countOn, countOff: a.countOff, missing: named(a.missing), extra: named(a.extra) },
    dedupeKey: `transfer.count_discrepancy:${a.movementId}`,
  };
}

/** A movement in transit past its limit (the transfers timer fired): critical, at the destination, once per movement. */
export function transitOverdueAlert(t: {
  movementId: string;
  code: string;
  status: string;
  fromFacilityId: string;
  toFacilityId: string;
  departedAt: string;
  dueAt: string;
  limitMinutes: number;
  persons: number;
}): AlertDraft {
  return {
    facilityId: t.toFacilityId,
    rule: 'transfer.transit_overdue',
    severity: 'critical',
    title:
      `${t.code}: ${t.persons} person${t.persons === 1 ? '' : 's'} in transit longer than ${t.limitMinutes} min (departed ${t.departedAt}, ${t.status})`.slice(
        0,
        500,
      ),
    details: { ...t },
    dedupeKey: `transfer.transit_overdue:${t.movementId}`,
  };
}

/** A wanted person seen: an alert to the facility they left and one to headquarters (no facility), without a name. */
export function sightingAlerts(s: {
  sightingId: string;
  personId: string;
  facilityId: string | null;
  place: string;
  at: string;
  source: string;
  method: string;
  minor: boolean;
  reference: string | null;
}): AlertDraft[] {
  const who = s.minor ? 'A child in the wanted gallery (child protection)' : 'A wanted person';
  const how = s.source === 'check' ? `checkpoint ${s.method} check ${s.reference ?? ''}`.trim() : `report (${s.method})`;
  const title = `${who} seen at ${s.place}: ${how}`.slice(0, 500);
  const details = {
    sightingId: s.sightingId,
    personIds: [s.personId],
    place: s.place,
    at: s.at,
    source: s.source,
    method: s.method,
    minor: s.minor,
    reference: s.reference,
  };
  const severity: Severity = s.minor ? 'warning' : 'critical';
  const drafts: AlertDraft[] = [
    { facilityId: null, rule: 'sighting.reported', severity, title, details: { ...details, to: 'hq' }, dedupeKey: `sighting.reported:${s.sightingId}:hq` },
  ];
  if (s.facilityId) {
    drafts.push({
      facilityId: s.facilityId,
      rule: 'sighting.reported',
      severity,
      title,
      details: { ...details, to: 'facility' },
      dedupeKey: `sighting.reported:${s.sightingId}:facility`,
    });
  }
  return drafts;
}
