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
import { buildTimeline, PERSON_EVENT_TYPES, personsConcerned, TIMELINE_EVENT_TYPES, type TimelineItem } from './reviews.timeline.domain';
import type { TimelineQueryInput, TimelineView } from './reviews.timeline.dto';
import { lastPresences } from './reviews.timeline.repository';

const DAY_MS = 24 * 3_600_000;
/** The longest window of a facility's timeline: a month (a person's timeline has none). */
const MAX_WINDOW_MS = 31 * DAY_MS;
/** More events than this in one window is refused rather than half-shown. */
const MAX_EVENTS = 500_000;
const ALL_FROM = new Date('2000-01-01T00:00:00Z');
const ALL_TO = new Date('2100-01-01T00:00:00Z');

export interface TimelineSubject {
  facilityId: string | null;
  personId: string | null;
  from: Date;
  to: Date;
}

/** The whole timeline of a subject, before anything is hidden from a reader: what findings and reviews are built on. */
export interface RawTimeline extends TimelineSubject {
  items: TimelineItem[];
  /** Person ids the items name (persons concerned, those sighted, ...). */
  personIds: string[];
}

/**
 * The after-action timeline: reads a facility's (or a person's) domain events of a window from the outbox and the
 * last verified presence of each person concerned, lays them out (reviews.timeline.domain.ts), and shows them to a
 * reader as their role and scope allow: ids in scope, pseudonyms for monitors, hidden persons' items left out.
 */
export class TimelineService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly ports: ReviewsPorts,
    private readonly pseudonymKey: () => Buffer,
  ) {}

  /** Checks the subject and the window of a query (400, 404, 403 out of scope) and returns them resolved. */
  async subject(actor: Actor, q: { facilityId?: string; personId?: string; from?: string; to?: string }): Promise<TimelineSubject> {
    if (!q.facilityId && !q.personId) {
      throw new ValidationError('reviews.timeline_subject_required', 'Name a facility (facilityId) or a person (personId) for the timeline');
    }
    if (q.personId) {
      if (personView(actor) !== 'id') {
        throw new ValidationError('reviews.persons_pseudonymised', "Your role sees persons only as pseudonyms: ask for a facility's timeline");
      }
      if (!(await this.ports.personsInScope(this.db, actor, [q.personId])).has(q.personId)) {
        throw new NotFoundError('reviews.person_not_found', `No person ${q.personId}`);
      }
    }
    if (q.facilityId) {
      const [row] = await queryRows<{ id: string }>(this.db, sql`select id from ${facilities} where id = ${q.facilityId}`);
      if (!row) throw new NotFoundError('reviews.facility_not_found', `No facility ${q.facilityId}`);
      requireFacility(actor, q.facilityId);
    }
    if (q.facilityId && !q.personId && (!q.from || !q.to)) {
      throw new ValidationError('reviews.window_required', "A facility's timeline needs a window: from and to (ISO 8601)");
    }
    const from = q.from ? new Date(q.from) : ALL_FROM;
    const to = q.to ? new Date(q.to) : ALL_TO;
    if (!(from.getTime() < to.getTime())) throw new ValidationError('reviews.invalid_window', 'The window must end after it begins (from < to)');
    if (!q.personId && to.getTime() - from.getTime() > MAX_WINDOW_MS) {
      throw new ValidationError('reviews.window_too_long', "A facility's timeline covers at most 31 days: narrow the window");
    }
    return { facilityId: q.facilityId ?? null, personId: q.personId ?? null, from, to };
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
    const concerned = s.personId ? [s.personId] : personsConcerned(events);
    // what happened to the persons concerned outside the facility (sightings, notices, recapture elsewhere)
    const about =
      s.facilityId && concerned.length > 0
        ? await readEventsAbout(db, { facilityId: null, personIds: concerned, from: s.from, to: s.to, types: [...PERSON_EVENT_TYPES], limit: MAX_EVENTS })
        : [];
    const presences = await lastPresences(db, concerned, s.to);
    const items = buildTimeline([...events, ...about], presences);
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
          if (!i.personRef) return i;
          const ref = refs.get(i.personRef)!;
          return { ...i, id: i.id.replace(i.personRef, ref), personRef: ref };
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
}
