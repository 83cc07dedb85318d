import type { z } from 'zod';

/**
 * A kind of domain event: `<module>.<fact>@<version>`, with the zod schema of its payload. Modules define their events
 * in their dto file; a consumer names the definitions it handles, so an import shows which module reacts to which.
 * A payload is JSON (times as ISO strings), so that what a consumer reads back is exactly what was written.
 */
export interface EventDefinition<P = unknown> {
  readonly type: string;
  readonly version: number;
  /** `type@version`, the name consumers and the timeline use. */
  readonly key: string;
  readonly schema: z.ZodType<P>;
}

export function defineEvent<S extends z.ZodType>(type: string, version: number, schema: S): EventDefinition<z.output<S>> {
  if (!/^[a-z_]+\.[a-z_]+$/.test(type)) throw new Error(`Event type ${type} is not <module>.<fact>`);
  if (!Number.isInteger(version) || version < 1) throw new Error(`Event ${type}: version must be a positive integer`);
  return { type, version, key: `${type}@${version}`, schema: schema as unknown as z.ZodType<z.output<S>> };
}

/** Whom an event concerns: what the after-action timeline and the site relay select by. */
export interface Subjects {
  personIds: string[];
  facilityIds: string[];
  unitIds: string[];
}

export interface SubjectsInput {
  personIds?: readonly (string | null | undefined)[];
  facilityIds?: readonly (string | null | undefined)[];
  unitIds?: readonly (string | null | undefined)[];
}

/** An event as stored and delivered. */
export interface DomainEvent<P = unknown> {
  id: string;
  siteId: string;
  /** Gapless per site: the event's place in the site's stream. */
  seq: number;
  type: string;
  version: number;
  occurredAt: Date;
  recordedAt: Date;
  subjects: Subjects;
  payload: P;
}

export function isEvent<P>(def: EventDefinition<P>, event: DomainEvent): event is DomainEvent<P> {
  return event.type === def.type && event.version === def.version;
}

/** The events of one kind among a batch, typed. */
export function eventsOf<P>(def: EventDefinition<P>, events: readonly DomainEvent[]): DomainEvent<P>[] {
  return events.filter((e): e is DomainEvent<P> => isEvent(def, e));
}

export function subjectsOf(input: SubjectsInput | undefined): Subjects {
  const clean = (ids: readonly (string | null | undefined)[] | undefined) => [...new Set((ids ?? []).filter((v): v is string => !!v))];
  return { personIds: clean(input?.personIds), facilityIds: clean(input?.facilityIds), unitIds: clean(input?.unitIds) };
}
