import type { DomainEvent } from '../../platform/outbox/events';

/**
 * The after-action timeline (issue 21, point 1): every domain event Custos wrote about a facility or a person, laid out
 * as one ordered list of items, read from the outbox and the roll calls' marks, never entered by hand. Pure: the
 * service reads the events and the last verified presences and hands them here.
 */

export const TIMELINE_SOURCES = ['custody', 'rollcalls', 'guards', 'sensors', 'alerts', 'transfers', 'sightings', 'biometrics'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

export const TIMELINE_KINDS = [
  // custody ledger
  'presence.last_verified',
  'custody.admitted',
  'custody.escaped',
  'custody.unaccounted',
  'custody.accounted',
  'custody.recaptured',
  'custody.transfer_departed',
  'custody.transfer_arrived',
  'custody.other',
  // roll calls and the Delta history
  'rollcall.opened',
  'rollcall.closed',
  'rollcall.first_missed',
  'rollcall.cancelled',
  // guards
  'guards.check_in',
  'guards.check_out',
  'guards.governance',
  'guards.custodian',
  'guards.no_show',
  'guards.patrol_gap',
  'guards.patrol_missed',
  'guards.warning',
  // sensors and incidents
  'sensors.alarms',
  'sensors.first_alarm',
  'sensors.incident_opened',
  'sensors.incident_status',
  'sensors.dead_zone',
  'sensors.restored',
  'sensors.staff_report',
  // alerts
  'alerts.raised',
  'alerts.acknowledged',
  'alerts.escalated',
  'alerts.resolved',
  // transfers
  'transfers.departed',
  'transfers.arrival_counted',
  'transfers.handover',
  'transfers.other',
  // sightings and notices
  'sightings.reported',
  'sightings.decided',
  'sightings.notice',
  // biometrics: 1:1 verifications and the officer's decision on them
  'biometrics.verification',
  'biometrics.decided',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type Ref = string | number | boolean | null;

export interface TimelineItem {
  /** The outbox event's id (a derived item adds a suffix), or `mark:<id>` for a last verified presence. */
  id: string;
  at: string;
  kind: TimelineKind;
  source: TimelineSource;
  title: string;
  facilityId: string | null;
  unitId?: string | null;
  /** The one person the item is about (a pseudonym or absent for roles that may not see persons). */
  personRef?: string;
  severity?: 'info' | 'warning' | 'critical';
  refs: Record<string, Ref>;
}

/**
 * The last time a person was verified in place before they were missed: a roll-call mark "present" at a closed roll
 * call, or a biometric 1:1 match an officer confirmed where the person was held (`markId` is then the decision's id).
 */
export interface Presence {
  source?: 'rollcall' | 'biometrics';
  markId: string;
  personId: string;
  at: Date;
  rollcallId: string | null;
  verificationId?: string | null;
  facilityId: string;
  unitId: string | null;
  method: string | null;
}

/** A sensor's raw alarms in one minute (sensors' `sensor_events`), added up: one timeline item. */
export interface AlarmMinute {
  sensorId: string;
  sensorCode: string;
  sensorKind: string;
  sector: string;
  unitIds: string[];
  facilityId: string;
  minute: Date;
  alarms: number;
  firstAt: Date;
  lastAt: Date;
  types: string[];
  incidentId: string | null;
}

/** The outbox event types the timeline reads (its sources), kept here so that the query asks for nothing else. */
export const TIMELINE_EVENT_TYPES = [
  'custody.event_appended',
  'rollcall.opened',
  'rollcall.closed',
  'rollcall.cancelled',
  'guards.attendance_recorded',
  'guards.governance_changed',
  'guards.custodian_changed',
  'guards.no_show',
  'guards.patrol_gap',
  'guards.patrol_checkpoint_missed',
  'guards.next_shift_short',
  'guards.thinning',
  'guards.posts_uncovered',
  'incident.opened',
  'incident.status_changed',
  'sensors.dead_zone',
  'sensors.restored',
  'staff_report.filed',
  'alert.raised',
  'alert.acknowledged',
  'alert.escalated',
  'alert.resolved',
  'transfers.movement_approved',
  'transfers.movement_departed',
  'transfers.arrival_counted',
  'transfers.handover_signed',
  'transfers.transit_overdue',
  'transfers.movement_diverted',
  'sightings.sighting_reported',
  'sightings.sighting_decided',
  'sightings.notice_exported',
  'biometrics.verified',
  'biometrics.verification_decided',
] as const;

/** Events about the persons concerned that matter even outside the facility (their sightings, recapture, notices). */
export const PERSON_EVENT_TYPES = [
  'custody.event_appended',
  'sightings.sighting_reported',
  'sightings.sighting_decided',
  'sightings.notice_exported',
  'biometrics.verification_decided',
] as const;

type P = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

const LEDGER_KIND: Record<string, TimelineKind> = {
  ADMITTED: 'custody.admitted',
  ESCAPED: 'custody.escaped',
  UNACCOUNTED: 'custody.unaccounted',
  ACCOUNTED: 'custody.accounted',
  RECAPTURED: 'custody.recaptured',
  TRANSFER_DEPARTED: 'custody.transfer_departed',
  TRANSFER_ARRIVED: 'custody.transfer_arrived',
};

const GOVERNANCE_SEVERITY: Record<string, TimelineItem['severity']> = { degraded: 'warning', critical: 'critical', lost: 'critical' };

/** The persons an escape, an unaccounted count or a recapture concerns: whose presence and misses the timeline shows. */
export function personsConcerned(events: readonly DomainEvent[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (e.type !== 'custody.event_appended') continue;
    const p = e.payload as P;
    if (p.type === 'ESCAPED' || p.type === 'UNACCOUNTED' || p.type === 'RECAPTURED') out.add(String(p.personId));
  }
  return [...out];
}

/** One event as the items it stands for (most: one; an incident also gives its first alarm; some: none). */
export function itemsOf(e: DomainEvent): TimelineItem[] {
  const p = e.payload as P;
  const at = e.occurredAt.toISOString();
  const facility = e.subjects.facilityIds[0] ?? str(p.facilityId);
  const base = { id: e.id, at, facilityId: facility };
  switch (e.type) {
    case 'custody.event_appended': {
      const type = String(p.type);
      const kind = LEDGER_KIND[type] ?? 'custody.other';
      const facilityId = str(p.fromFacilityId) ?? str(p.toFacilityId);
      return [
        {
          ...base,
          facilityId: type === 'TRANSFER_ARRIVED' || type === 'ADMITTED' || type === 'RECAPTURED' ? (str(p.toFacilityId) ?? facilityId) : facilityId,
          unitId: str(p.fromUnitId) ?? str(p.toUnitId),
          kind,
          source: 'custody',
          title: `Ledger: ${type}`,
          personRef: String(p.personId),
          severity: type === 'ESCAPED' || type === 'UNACCOUNTED' ? 'critical' : undefined,
          refs: { ledgerEventId: str(p.eventId), seq: num(p.seq), type, statusAfter: str(p.statusAfter) },
        },
      ];
    }
    case 'rollcall.opened':
      return [
        {
          ...base,
          kind: 'rollcall.opened',
          source: 'rollcalls',
          title: `Roll call opened: ${num(p.expected) ?? 0} expected`,
          refs: { rollcallId: str(p.rollcallId), expected: num(p.expected) },
        },
      ];
    case 'rollcall.closed': {
      const unaccounted = Array.isArray(p.unaccounted) ? p.unaccounted.length : 0;
      const delta = num(p.delta) ?? 0;
      return [
        {
          ...base,
          at: str(p.closedAt) ?? at,
          kind: 'rollcall.closed',
          source: 'rollcalls',
          title: `Roll call closed: ${num(p.present) ?? 0} present of ${num(p.expected) ?? 0} expected, Delta ${delta}`,
          severity: delta > 0 ? 'warning' : 'info',
          refs: {
            rollcallId: str(p.rollcallId),
            expected: num(p.expected),
            present: num(p.present),
            excused: num(p.excused),
            delta,
            unaccounted,
          },
        },
      ];
    }
    case 'rollcall.cancelled':
      return [
        {
          ...base,
          kind: 'rollcall.cancelled',
          source: 'rollcalls',
          title: 'Roll call cancelled',
          refs: { rollcallId: str(p.rollcallId), reason: str(p.reason) },
        },
      ];
    case 'guards.attendance_recorded': {
      const change = p.change === 'check_out' ? 'check_out' : 'check_in';
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: change === 'check_in' ? 'guards.check_in' : 'guards.check_out',
          source: 'guards',
          title: change === 'check_in' ? 'Guard checked in at a post' : 'Guard checked out of a post',
          unitId: e.subjects.unitIds[0] ?? null,
          refs: { postId: str(p.postId), staffId: str(p.staffId), attendanceId: str(p.attendanceId), lateMinutes: num(p.lateMinutes) },
        },
      ];
    }
    case 'guards.governance_changed': {
      const to = String(p.to);
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'guards.governance',
          source: 'guards',
          title: `Governance ${p.unitId ? 'of a sector' : 'of the facility'}: ${p.from ?? 'none'} -> ${to} (${num(p.guardsPer100) ?? '-'} guards per 100 on roll, ${num(p.postsManned) ?? 0}/${num(p.postsRequired) ?? 0} posts manned)`,
          unitId: str(p.unitId),
          severity: GOVERNANCE_SEVERITY[to] ?? 'info',
          refs: {
            from: str(p.from),
            to,
            guardsPer100: num(p.guardsPer100),
            postsManned: num(p.postsManned),
            postsRequired: num(p.postsRequired),
            onRoll: num(p.onRoll),
            present: num(p.present),
          },
        },
      ];
    }
    case 'guards.custodian_changed':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'guards.custodian',
          source: 'guards',
          title: p.change === 'withdrawn' ? `Custodian withdrawn: ${String(p.organisation)}` : `Custodian assumed control: ${String(p.organisation)}`,
          severity: p.change === 'withdrawn' ? 'critical' : 'info',
          refs: { change: str(p.change), organisation: str(p.organisation), gapSince: str(p.gapSince), checkedOut: num(p.checkedOut) },
        },
      ];
    case 'guards.no_show':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'guards.no_show',
          source: 'guards',
          title: `Planned shifts started with nobody checked in (${Array.isArray(p.shiftIds) ? p.shiftIds.length : 0})`,
          severity: 'warning',
          refs: { shifts: Array.isArray(p.shiftIds) ? p.shiftIds.length : 0, posts: Array.isArray(p.postCodes) ? p.postCodes.join(', ') : null },
        },
      ];
    case 'guards.patrol_gap':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'guards.patrol_gap',
          source: 'guards',
          title: `Patrol gap on route ${String(p.routeCode)} (limit ${num(p.limitMinutes) ?? '-'} min)`,
          severity: 'warning',
          refs: { routeId: str(p.routeId), routeCode: str(p.routeCode), lastRoundAt: str(p.lastRoundAt), endedAt: str(p.endedAt) },
        },
      ];
    case 'guards.patrol_checkpoint_missed':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'guards.patrol_missed',
          source: 'guards',
          title: `Patrol round on ${String(p.routeCode)} missed checkpoints (${num(p.scanned) ?? 0}/${num(p.total) ?? 0} scanned)`,
          severity: 'warning',
          refs: { routeId: str(p.routeId), runId: str(p.runId), scanned: num(p.scanned), total: num(p.total) },
        },
      ];
    case 'guards.next_shift_short':
    case 'guards.thinning':
    case 'guards.posts_uncovered':
      return [
        {
          ...base,
          kind: 'guards.warning',
          source: 'guards',
          title: e.type === 'guards.thinning' ? 'Guard force thinning' : e.type === 'guards.posts_uncovered' ? 'Posts uncovered' : 'Next shift short of guards',
          severity: 'warning',
          refs: { event: e.type },
        },
      ];
    case 'incident.opened': {
      const refs = { incidentId: str(p.incidentId), sector: str(p.sector), alarms: num(p.alarmCount) };
      const items: TimelineItem[] = [
        {
          ...base,
          at: str(p.openedAt) ?? at,
          kind: 'sensors.incident_opened',
          source: 'sensors',
          title: `Incident opened: ${String(p.title)}`,
          severity: p.severity === 'critical' ? 'critical' : 'warning',
          refs,
        },
      ];
      const first = str(p.firstAlarmAt);
      if (first) {
        items.push({
          ...base,
          id: `${e.id}:first-alarm`,
          at: new Date(first).toISOString(),
          kind: 'sensors.first_alarm',
          source: 'sensors',
          title: `First sensor alarm in sector ${String(p.sector)}`,
          severity: 'warning',
          refs,
        });
      }
      return items;
    }
    case 'incident.status_changed':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'sensors.incident_status',
          source: 'sensors',
          title: `Incident ${String(p.from)} -> ${String(p.to)}`,
          refs: { incidentId: str(p.incidentId), from: str(p.from), to: str(p.to) },
        },
      ];
    case 'sensors.dead_zone':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'sensors.dead_zone',
          source: 'sensors',
          title: `Dead zone: ${Array.isArray(p.sensors) ? p.sensors.length : 0} of ${num(p.sectorTotal) ?? 0} sensors silent in sector ${String(p.sector)}`,
          severity: 'warning',
          refs: {
            sector: str(p.sector),
            silent: Array.isArray(p.sensors) ? p.sensors.length : 0,
            sectorTotal: num(p.sectorTotal),
            // which sensors went dark (comma-separated ids and codes): the replay's plan greys them out
            sensorIds: Array.isArray(p.sensors) ? (p.sensors as P[]).map((x) => String(x.id)).join(',') : null,
            sensorCodes: Array.isArray(p.sensors) ? (p.sensors as P[]).map((x) => String(x.code)).join(',') : null,
          },
        },
      ];
    case 'sensors.restored':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'sensors.restored',
          source: 'sensors',
          title: 'Silent sensors heard again',
          refs: { sensors: Array.isArray(p.sensorIds) ? p.sensorIds.length : 0, sensorIds: Array.isArray(p.sensorIds) ? p.sensorIds.join(',') : null },
        },
      ];
    case 'staff_report.filed':
      return [
        {
          ...base,
          kind: 'sensors.staff_report',
          source: 'sensors',
          title: `Staff report filed: ${String(p.type)}`,
          severity: p.severity === 'high' || p.severity === 'critical' ? 'warning' : 'info',
          refs: { reportId: str(p.reportId), type: str(p.type), incidentId: str(p.incidentId) },
        },
      ];
    case 'alert.raised':
    case 'alert.acknowledged':
    case 'alert.escalated':
    case 'alert.resolved': {
      const a = (p.alert ?? {}) as P;
      const what = e.type.slice('alert.'.length) as 'raised' | 'acknowledged' | 'escalated' | 'resolved';
      const sev = str(a.severity);
      return [
        {
          ...base,
          facilityId: str(a.facilityId) ?? facility,
          unitId: str(a.unitId),
          kind: `alerts.${what}`,
          source: 'alerts',
          title: `Alert ${what}: ${String(a.title)}`,
          severity: sev === 'critical' ? 'critical' : sev === 'warning' || sev === 'high' ? 'warning' : 'info',
          refs: { alertId: str(a.id), rule: str(a.rule), raisedAt: str(a.raisedAt), alertSeverity: sev },
        },
      ];
    }
    case 'transfers.movement_departed':
      return [
        {
          ...base,
          kind: 'transfers.departed',
          source: 'transfers',
          title: `Movement ${String(p.code)} departed with ${num(p.countOn) ?? 0} on board`,
          refs: { movementId: str(p.movementId), code: str(p.code), countOn: num(p.countOn) },
        },
      ];
    case 'transfers.arrival_counted': {
      const missing = Array.isArray(p.missing) ? p.missing.length : 0;
      const extra = Array.isArray(p.extra) ? p.extra.length : 0;
      return [
        {
          ...base,
          kind: 'transfers.arrival_counted',
          source: 'transfers',
          title: `Movement ${String(p.code)} counted off: ${num(p.countOff) ?? 0} of ${num(p.countOn) ?? 0}`,
          severity: missing + extra > 0 ? 'critical' : 'info',
          refs: { movementId: str(p.movementId), countOn: num(p.countOn), countOff: num(p.countOff), missing, extra },
        },
      ];
    }
    case 'transfers.handover_signed':
      return [
        {
          ...base,
          kind: 'transfers.handover',
          source: 'transfers',
          title: `Handover signed: ${num(p.received) ?? 0} received${p.disputed ? ', disputed' : ''}`,
          severity: p.disputed ? 'warning' : 'info',
          refs: { movementId: str(p.movementId), received: num(p.received), disputed: p.disputed === true },
        },
      ];
    case 'transfers.movement_approved':
    case 'transfers.transit_overdue':
    case 'transfers.movement_diverted':
      return [
        {
          ...base,
          kind: 'transfers.other',
          source: 'transfers',
          title:
            e.type === 'transfers.movement_approved'
              ? 'Movement manifest approved'
              : e.type === 'transfers.transit_overdue'
                ? 'Persons in transit too long'
                : 'Movement diverted',
          severity: e.type === 'transfers.movement_approved' ? 'info' : 'warning',
          refs: { movementId: str(p.movementId), event: e.type },
        },
      ];
    case 'sightings.sighting_reported':
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          kind: 'sightings.reported',
          source: 'sightings',
          title: `Sighting reported at ${String(p.place)}`,
          personRef: str(p.personId) ?? undefined,
          severity: 'warning',
          refs: { sightingId: str(p.sightingId), place: str(p.place), method: str(p.method) },
        },
      ];
    case 'sightings.sighting_decided':
      return [
        {
          ...base,
          kind: 'sightings.decided',
          source: 'sightings',
          title: `Sighting ${String(p.decision)}`,
          personRef: str(p.personId) ?? undefined,
          refs: { sightingId: str(p.sightingId), decision: str(p.decision) },
        },
      ];
    case 'sightings.notice_exported':
      return [
        {
          ...base,
          kind: 'sightings.notice',
          source: 'sightings',
          title: `Notice sent to ${String(p.recipient)}`,
          personRef: str(p.personId) ?? undefined,
          refs: { noticeId: str(p.noticeId), recipient: str(p.recipient) },
        },
      ];
    case 'biometrics.verified':
      return [
        {
          ...base,
          kind: 'biometrics.verification',
          source: 'biometrics',
          unitId: e.subjects.unitIds[0] ?? null,
          title: `1:1 ${String(p.modality)} verification: ${p.result === 'match' ? 'match' : 'no match'} (score ${num(p.score) ?? '-'}, threshold ${num(p.threshold) ?? '-'})`,
          personRef: str(p.personId) ?? undefined,
          severity: p.result === 'match' ? 'info' : 'warning',
          refs: { verificationId: str(p.verificationId), modality: str(p.modality), result: str(p.result), score: num(p.score), threshold: num(p.threshold) },
        },
      ];
    case 'biometrics.verification_decided': {
      const accepted = p.result === 'match' && p.decision === 'confirmed';
      return [
        {
          ...base,
          at: str(p.at) ?? at,
          facilityId: str(p.facilityId) ?? facility,
          unitId: str(p.unitId),
          kind: 'biometrics.decided',
          source: 'biometrics',
          title: `Identity ${p.decision === 'confirmed' ? 'confirmed' : 'not confirmed'} by an officer on a ${String(p.modality)} ${p.result === 'match' ? 'match' : 'mismatch'}${accepted ? ': verified present' : ''}`,
          personRef: str(p.personId) ?? undefined,
          severity: p.decision === 'confirmed' ? 'info' : 'warning',
          refs: {
            verificationId: str(p.verificationId),
            modality: str(p.modality),
            result: str(p.result),
            decision: str(p.decision),
            verifiedAt: str(p.verifiedAt),
          },
        },
      ];
    }
    default:
      return [];
  }
}

/** A sensor's alarms of one minute as one item (the raw alarms are in the sensors module's `sensor_events`). */
export function alarmItem(a: AlarmMinute): TimelineItem {
  const minute = a.minute.toISOString();
  return {
    id: `alarms:${a.sensorId}:${minute}`,
    at: a.firstAt.toISOString(),
    kind: 'sensors.alarms',
    source: 'sensors',
    title: `${a.alarms} sensor alarm${a.alarms === 1 ? '' : 's'} from ${a.sensorCode} (${a.sensorKind}) in sector ${a.sector}: ${a.types.join(', ')}`,
    facilityId: a.facilityId,
    unitId: a.unitIds[0] ?? null,
    severity: 'warning',
    refs: {
      sensorId: a.sensorId,
      sensorCode: a.sensorCode,
      sector: a.sector,
      minute,
      alarms: a.alarms,
      types: a.types.join(','),
      firstAt: a.firstAt.toISOString(),
      lastAt: a.lastAt.toISOString(),
      incidentId: a.incidentId,
    },
  };
}

const byTime = (a: TimelineItem, b: TimelineItem) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The timeline: every event's items, the last verified presence of each person concerned (even before the window:
 * that is where their escape window begins), and for each of them the first closed roll call after it that missed
 * them, ordered by time (then id, so that the order is total and paging stable).
 */
export function buildTimeline(events: readonly DomainEvent[], presences: readonly Presence[], alarms: readonly AlarmMinute[] = []): TimelineItem[] {
  const items: TimelineItem[] = alarms.map(alarmItem);
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    items.push(...itemsOf(e));
  }
  const lastSeen = new Map<string, Presence>();
  for (const pr of presences) {
    const known = lastSeen.get(pr.personId);
    if (!known || known.at < pr.at) lastSeen.set(pr.personId, pr);
  }
  for (const pr of lastSeen.values()) {
    const biometric = pr.source === 'biometrics';
    items.push({
      id: biometric ? `${pr.method === 'boarding' ? 'boarding' : 'decision'}:${pr.markId}` : `mark:${pr.markId}`,
      at: pr.at.toISOString(),
      kind: 'presence.last_verified',
      source: biometric ? 'biometrics' : 'rollcalls',
      title: biometric
        ? pr.method === 'boarding'
          ? 'Last verified present: boarded a movement on a biometric match'
          : `Last verified present: a ${pr.method ?? 'biometric'} match confirmed by an officer`
        : `Last verified present at a roll call${pr.method ? ` (${pr.method})` : ''}`,
      facilityId: pr.facilityId,
      unitId: pr.unitId,
      personRef: pr.personId,
      refs: biometric ? { verificationId: pr.verificationId ?? null, method: pr.method } : { rollcallId: pr.rollcallId, method: pr.method },
    });
  }
  // the first closed roll call after each person's last presence whose unaccounted names them
  const closes = events
    .filter((e) => e.type === 'rollcall.closed')
    .map((e) => ({ e, at: String((e.payload as P).closedAt ?? e.occurredAt.toISOString()), missed: new Set((e.payload as P).unaccounted as string[]) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const concerned = new Set<string>([...lastSeen.keys(), ...personsConcerned(events)]);
  for (const personId of concerned) {
    const since = lastSeen.get(personId)?.at.toISOString() ?? '';
    const first = closes.find((c) => c.at > since && c.missed.has(personId));
    if (!first) continue;
    const p = first.e.payload as P;
    items.push({
      id: `${first.e.id}:missed:${personId}`,
      at: new Date(first.at).toISOString(),
      kind: 'rollcall.first_missed',
      source: 'rollcalls',
      title: 'First count that missed this person',
      facilityId: str(p.facilityId),
      personRef: personId,
      severity: 'critical',
      refs: { rollcallId: str(p.rollcallId) },
    });
  }
  return items.sort(byTime);
}

/**
 * Alert rules whose titles speak of a facility, a post, a sector or a chain, never of a person. Every other rule's
 * title may name people (a count discrepancy lists the missing by name, a sighting or a screening hit names who was
 * seen): a reader who sees persons only as pseudonyms gets a neutral title for those instead.
 */
const ALERT_RULES_WITHOUT_NAMES = new Set([
  'rollcall.missed',
  'rollcall.late',
  'rollcall.delta',
  'rollcall.mass_absence',
  'facility.over_capacity',
  'integrity.chain_broken',
  'sync.fork',
  'sync.identity_case',
  'transfer.transit_overdue',
]);
const titleNamesNobody = (rule: string) => ALERT_RULES_WITHOUT_NAMES.has(rule) || rule.startsWith('guards.') || rule.startsWith('sensors.');

/** An item as a reader who sees persons only as pseudonyms may read it: an alert's title that may name people withheld. */
export function withoutNames(item: TimelineItem): TimelineItem {
  if (item.source !== 'alerts') return item;
  const rule = typeof item.refs.rule === 'string' ? item.refs.rule : 'unknown';
  if (titleNamesNobody(rule)) return item;
  const what = item.kind.slice('alerts.'.length);
  return { ...item, title: `Alert ${what}: ${rule} (its title names persons and is withheld)` };
}

/**
 * What narrows a facility's timeline to one incident or one escape: the units whose items stay (an incident's units;
 * null: all), the persons it is about (an escape's household, those an incident's staff reports name), whether the
 * persons concerned in those units count too (an incident: yes; an escape: no), and the incident's headcount roll
 * call (whoever it missed is concerned).
 */
export interface TimelineFocus {
  unitIds: string[] | null;
  personIds: string[];
  concernedInUnits: boolean;
  headcountRollcallId: string | null;
}

/** The persons a focused timeline is about, out of the facility's events and the persons concerned in them. */
export function focusPersons(events: readonly DomainEvent[], focus: TimelineFocus): string[] {
  const out = new Set(focus.personIds);
  const units = focus.unitIds ? new Set(focus.unitIds) : null;
  for (const e of events) {
    const p = e.payload as P;
    if (focus.headcountRollcallId && e.type === 'rollcall.closed' && p.rollcallId === focus.headcountRollcallId && Array.isArray(p.unaccounted)) {
      for (const id of p.unaccounted) out.add(String(id));
    }
    if (!focus.concernedInUnits || e.type !== 'custody.event_appended') continue;
    if (p.type !== 'ESCAPED' && p.type !== 'UNACCOUNTED' && p.type !== 'RECAPTURED') continue;
    const unit = str(p.fromUnitId) ?? str(p.toUnitId);
    if (!units || (unit && units.has(unit))) out.add(String(p.personId));
  }
  return [...out];
}

/** A timeline narrowed to its focus: items about other persons, and facility items of other units, left out. */
export function narrowTimeline(items: readonly TimelineItem[], focus: TimelineFocus, persons: ReadonlySet<string>): TimelineItem[] {
  const units = focus.unitIds ? new Set(focus.unitIds) : null;
  return items.filter((i) => (i.personRef ? persons.has(i.personRef) : !units || !i.unitId || units.has(i.unitId)));
}
