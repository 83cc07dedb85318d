import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { NotFoundError, ValidationError } from '../../platform/errors';
import { readEventsAbout } from '../../platform/outbox';
import { requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { facilities } from '../facilities';
import { pseudonym } from './reviews.domain';
import { personView } from './reviews.policy';
import type { ReviewsPorts } from './reviews.ports';
import {
  buildTimeline,
  PERSON_EVENT_TYPES,
  personsConcerned,
  TIMELINE_EVENT_TYPES,
  focusPersons,
  narrowTimeline,
  type TimelineFocus,
  type TimelineItem,
  withoutNames,
} from './reviews.timeline.domain';
import type { EscapesQueryInput, EscapesView, TimelineQueryInput, TimelineView } from './reviews.timeline.dto';
import { alarmMinutes, householdOf, lastPresences } from './reviews.timeline.repository';

const DAY_MS = 24 * 3_600_000;
/** The longest window of a facility's timeline: a month (a person's timeline has none). */
const MAX_WINDOW_MS = 31 * DAY_MS;
/** More events than this in one window is refused rather than half-shown. */
const MAX_EVENTS = 500_000;
const ALL_FROM = new Date('2000-01-01T00:00:00Z');
const ALL_TO = new Date('2100-01-01T00:00:00Z');

/** An incident's timeline begins this long before its first alarm (the signs before it: ratio, dead zones). */
const INCIDENT_LEAD_MS = 6 * 3_600_000;
/** ... and ends a day after its first alarm, or 6 h after it closed when that is later (the count that followed). */
const INCIDENT_TAIL_MS = 6 * 3_600_000;
/** An escape's timeline begins an hour before the person's last verified presence (else a day before the escape)... */
const ESCAPE_LEAD_MS = 3_600_000;
/** ... and follows them three days after it (sightings, notices, recapture). */
const ESCAPE_TAIL_MS = 3 * DAY_MS;

export interface TimelineSubject {
  facilityId: string | null;
  personId: string | null;
  /** The incident (sensors module) the timeline is about: facility, window, units and persons come from it. */
  incidentId?: string | null;
  /** The ledger event ESCAPED the timeline is about: facility, window and the household come from it. */
  escapeId?: string | null;
  from: Date;
  to: Date;
  /** What narrows the facility's timeline to the incident or the escape (null: nothing). */
  focus?: TimelineFocus | null;
}

/** The whole timeline of a subject, before anything is hidden from a reader: what findings and reviews are built on. */
export interface RawTimeline extends TimelineSubject {
  items: TimelineItem[];
  /** Person ids the items name (persons concerned, those sighted, ...). */
  personIds: string[];
}

export interface SubjectQuery {
  facilityId?: string;
  personId?: string;
  incidentId?: string;
  escapeId?: string;
  from?: string;
  to?: string;
}

/**
 * The after-action timeline: reads a facility's (or a person's) domain events of a window from the outbox and the
 * last verified presence of each person concerned, lays them out (reviews.timeline.domain.ts), and shows them to a
 * reader as their role and scope allow: ids in scope, pseudonyms for monitors, hidden persons' items left out. An
 * incident or an escape is a facility's window narrowed to it.
 */
export class TimelineService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly ports: ReviewsPorts,
    private readonly pseudonymKey: () => Buffer,
  ) {}

  /** Checks the subject and the window of a query (400, 404, 403 out of scope) and returns them resolved. */
  async subject(actor: Actor, q: SubjectQuery): Promise<TimelineSubject> {
    const named = [q.facilityId || q.personId ? 'facility or person' : null, q.incidentId ? 'incident' : null, q.escapeId ? 'escape' : null].filter(Boolean);
    if (named.length === 0) {
      throw new ValidationError(
        'reviews.timeline_subject_required',
        'Name the subject of the timeline: a facility (facilityId, from, to), a person (personId), an incident (incidentId) or an escape (escapeId)',
      );
    }
    if (named.length > 1) {
      throw new ValidationError('reviews.timeline_subject_ambiguous', 'Name one subject: a facility or a person, an incident, or an escape, not several');
    }
    if (q.incidentId) return this.incidentSubject(actor, q.incidentId, q);
    if (q.escapeId) return this.escapeSubject(actor, q.escapeId, q);
    if (q.personId) {
      if (personView(actor) !== 'id') {
        throw new ValidationError('reviews.persons_pseudonymised', "Your role sees persons only as pseudonyms: ask for a facility's timeline");
      }
      if (!(await this.ports.personsInScope(this.db, actor, [q.personId])).has(q.personId)) {
        throw new NotFoundError('reviews.person_not_found', `No person ${q.personId}`);
      }
    }
    if (q.facilityId) await this.requireFacilityOf(actor, q.facilityId);
    if (q.facilityId && !q.personId && (!q.from || !q.to)) {
      throw new ValidationError('reviews.window_required', "A facility's timeline needs a window: from and to (ISO 8601)");
    }
    const from = q.from ? new Date(q.from) : ALL_FROM;
    const to = q.to ? new Date(q.to) : ALL_TO;
    this.checkWindow(from, to, !q.personId);
    return { facilityId: q.facilityId ?? null, personId: q.personId ?? null, incidentId: null, escapeId: null, from, to, focus: null };
  }

  private async requireFacilityOf(actor: Actor, facilityId: string): Promise<void> {
    const [row] = await queryRows<{ id: string }>(this.db, sql`select id from ${facilities} where id = ${facilityId}`);
    if (!row) throw new NotFoundError('reviews.facility_not_found', `No facility ${facilityId}`);
    requireFacility(actor, facilityId);
  }

  private checkWindow(from: Date, to: Date, bounded: boolean): void {
    if (!(from.getTime() < to.getTime())) throw new ValidationError('reviews.invalid_window', 'The window must end after it begins (from < to)');
    if (bounded && to.getTime() - from.getTime() > MAX_WINDOW_MS) {
      throw new ValidationError('reviews.window_too_long', "A facility's timeline covers at most 31 days: narrow the window");
    }
  }

  /** An incident's timeline: its facility, from 6 h before its first alarm (unless from/to say otherwise), its units and persons. */
  private async incidentSubject(actor: Actor, incidentId: string, q: SubjectQuery): Promise<TimelineSubject> {
    const incident = await this.ports.incident(this.db, incidentId);
    if (!incident) throw new NotFoundError('reviews.incident_not_found', `No incident ${incidentId}`);
    requireFacility(actor, incident.facilityId);
    const first = incident.firstAlarmAt.getTime();
    const from = q.from ? new Date(q.from) : new Date(first - INCIDENT_LEAD_MS);
    const to = q.to ? new Date(q.to) : new Date(Math.max(first + DAY_MS, (incident.closedAt?.getTime() ?? 0) + INCIDENT_TAIL_MS));
    this.checkWindow(from, to, true);
    return {
      facilityId: incident.facilityId,
      personId: null,
      incidentId: incident.id,
      escapeId: null,
      from,
      to,
      focus: {
        unitIds: incident.unitIds.length > 0 ? incident.unitIds : null,
        personIds: incident.reportedPersonIds,
        concernedInUnits: true,
        headcountRollcallId: incident.headcountRollcallId,
      },
    };
  }

  /** An escape's timeline: the facility escaped from, from the person's last verified presence to 3 days after, their household. */
  private async escapeSubject(actor: Actor, escapeId: string, q: SubjectQuery): Promise<TimelineSubject> {
    const event = await this.ports.ledger.eventById(this.db, escapeId);
    if (!event) throw new NotFoundError('reviews.escape_not_found', `No ledger event ${escapeId}`);
    if (event.type !== 'ESCAPED' || !event.fromFacilityId) {
      throw new ValidationError('reviews.not_an_escape', `Ledger event ${escapeId} is ${event.type}, not an escape (ESCAPED)`);
    }
    requireFacility(actor, event.fromFacilityId);
    // a reader who sees persons by id must have the escaped person in scope; a monitor sees them as a pseudonym
    if (personView(actor) === 'id' && !(await this.ports.personsInScope(this.db, actor, [event.personId])).has(event.personId)) {
      throw new NotFoundError('reviews.escape_not_found', `No ledger event ${escapeId}`);
    }
    const escapedAt = event.occurredAt.getTime();
    const last = (await lastPresences(this.db, [event.personId], event.occurredAt)).reduce<{ at: Date } | null>((a, b) => (!a || a.at < b.at ? b : a), null);
    const from = q.from ? new Date(q.from) : new Date(last ? last.at.getTime() - ESCAPE_LEAD_MS : escapedAt - DAY_MS);
    const to = q.to ? new Date(q.to) : new Date(escapedAt + ESCAPE_TAIL_MS);
    this.checkWindow(from, to, true);
    return {
      facilityId: event.fromFacilityId,
      personId: null,
      incidentId: null,
      escapeId: event.id,
      from,
      to,
      focus: { unitIds: null, personIds: await householdOf(this.db, event.personId), concernedInUnits: false, headcountRollcallId: null },
    };
  }

  /** Every item of the subject's timeline, in order, nothing hidden (callers decide what a reader sees). */
  async build(s: TimelineSubject, db: Db = this.db): Promise<RawTimeline> {
    const types = [...TIMELINE_EVENT_TYPES];
    const events = await readEventsAbout(db, {
      facilityId: s.facilityId,
      personIds: s.personId ? [s.personId] : [],
      from: s.from,
      to: s.to,
      types,
      limit: MAX_EVENTS + 1,
    });
    if (events.length > MAX_EVENTS) {
      throw new ValidationError('reviews.window_too_busy', `More than ${MAX_EVENTS} events in this window: narrow it`);
    }
    const focus = s.focus ?? null;
    const concerned = s.personId ? [s.personId] : focus ? focusPersons(events, focus) : personsConcerned(events);
    // what happened to the persons concerned outside the facility (sightings, notices, recapture elsewhere)
    const about =
      s.facilityId && concerned.length > 0
        ? await readEventsAbout(db, {
            facilityId: null,
            personIds: concerned,
            exceptFacilityId: s.facilityId,
            from: s.from,
            to: s.to,
            types: [...PERSON_EVENT_TYPES],
            limit: MAX_EVENTS,
          })
        : [];
    const presences = await lastPresences(db, concerned, s.to);
    // the raw sensor alarms, one item per sensor and minute (a facility's window only)
    const alarms = s.facilityId ? await alarmMinutes(db, s.facilityId, s.from, s.to, MAX_EVENTS - events.length + 1) : [];
    if (events.length + alarms.length > MAX_EVENTS) {
      throw new ValidationError('reviews.window_too_busy', `More than ${MAX_EVENTS} events in this window: narrow it`);
    }
    const laidOut = buildTimeline([...events, ...about], presences, alarms);
    const items = focus ? narrowTimeline(laidOut, focus, new Set(concerned)) : laidOut;
    const personIds = [...new Set(items.flatMap((i) => (i.personRef ? [i.personRef] : [])))];
    return { ...s, items, personIds };
  }

  /**
   * What `actor` may see of a raw timeline: persons out of their scope hidden (their items left out, so counts say
   * nothing of them), pseudonyms instead of ids for roles that do not read person records.
   */
  async present(actor: Actor, raw: RawTimeline): Promise<{ persons: 'id' | 'pseudonym'; items: TimelineItem[] }> {
    const view = personView(actor);
    if (view === 'pseudonym') {
      const key = this.pseudonymKey();
      const refs = new Map(raw.personIds.map((id) => [id, pseudonym(key, id)]));
      return {
        persons: view,
        items: raw.items.map((i) => {
          if (!i.personRef) return withoutNames(i);
          const ref = refs.get(i.personRef)!;
          return withoutNames({ ...i, id: i.id.replace(i.personRef, ref), personRef: ref });
        }),
      };
    }
    const visible = await this.ports.personsInScope(this.db, actor, raw.personIds);
    return { persons: view, items: raw.items.filter((i) => !i.personRef || visible.has(i.personRef)) };
  }

  /** `GET /reviews/timeline`: one page of what the reader may see, the reads of persons audited. */
  async timeline(actor: Actor, q: TimelineQueryInput): Promise<TimelineView> {
    requirePermission(actor, 'reviews.read');
    const s = await this.subject(actor, q);
    const raw = await this.build(s);
    const shown = await this.present(actor, raw);
    const kinds = q.kinds && q.kinds.length > 0 ? new Set<string>(q.kinds) : null;
    const all = kinds ? shown.items.filter((i) => kinds.has(i.kind)) : shown.items;
    const page = all.slice(q.offset, q.offset + q.limit);
    if (shown.persons === 'id') {
      const read = [...new Set(page.flatMap((i) => (i.personRef ? [i.personRef] : [])))];
      if (read.length > 0) {
        await this.db.transaction((tx) =>
          this.audit.record(
            tx,
            actor,
            read.map((personId) => ({
              action: 'reviews.timeline_read',
              subjectType: 'person',
              subjectId: personId,
              details: { facilityId: s.facilityId, from: s.from.toISOString(), to: s.to.toISOString() },
            })),
          ),
        );
      }
    }
    const personRef = s.personId ? (shown.persons === 'id' ? s.personId : pseudonym(this.pseudonymKey(), s.personId)) : null;
    return {
      facilityId: s.facilityId,
      incidentId: s.incidentId ?? null,
      escapeId: s.escapeId ?? null,
      personRef,
      from: s.from.toISOString(),
      to: s.to.toISOString(),
      persons: shown.persons,
      total: all.length,
      offset: q.offset,
      limit: q.limit,
      items: page,
    };
  }

  /**
   * `GET /reviews/escapes`: the escapes from a facility, newest first, that the reader may review: for roles that see
   * persons by id, only persons in their scope (the total counts those), each page's persons audited; monitors see
   * every escape with the person as a pseudonym.
   */
  async escapes(actor: Actor, q: EscapesQueryInput): Promise<EscapesView> {
    requirePermission(actor, 'reviews.read');
    await this.requireFacilityOf(actor, q.facilityId);
    const all = await this.ports.ledger.escapesFrom(this.db, q.facilityId);
    const view = personView(actor);
    let rows = all;
    if (view === 'id') {
      const visible = await this.ports.personsInScope(this.db, actor, [...new Set(all.map((e) => e.personId))]);
      rows = all.filter((e) => visible.has(e.personId));
    }
    const page = rows.slice(q.offset, q.offset + q.limit);
    const key = view === 'pseudonym' ? this.pseudonymKey() : null;
    if (view === 'id' && page.length > 0) {
      await this.db.transaction((tx) =>
        this.audit.record(
          tx,
          actor,
          [...new Set(page.map((e) => e.personId))].map((personId) => ({
            action: 'reviews.escapes_listed',
            subjectType: 'person',
            subjectId: personId,
            details: { facilityId: q.facilityId },
          })),
        ),
      );
    }
    return {
      facilityId: q.facilityId,
      persons: view,
      total: rows.length,
      offset: q.offset,
      limit: q.limit,
      items: page.map((e) => ({
        escapeId: e.id,
        occurredAt: e.occurredAt.toISOString(),
        unitId: e.fromUnitId,
        personRef: key ? pseudonym(key, e.personId) : e.personId,
      })),
    };
  }
}
