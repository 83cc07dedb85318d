import { ConflictError } from '../../platform/errors';
import type { EventType } from './custody.domain';

/**
 * The two-person rule (issue 17, integrity controls): a release, and the corrections that take a person off the
 * escaped or unaccounted figures (RECAPTURED after ESCAPED, ACCOUNTED after UNACCOUNTED), become final only when a
 * second, different officer confirms them. These are the events a corrupt officer would record to let a person walk
 * out, or to hide an escape behind a "found" mark. Roll calls record ACCOUNTED on their own verified marks, not here.
 */
export const SECOND_OFFICER_EVENTS = ['RELEASED', 'RECAPTURED', 'ACCOUNTED'] as const satisfies readonly EventType[];
export type SecondOfficerEvent = (typeof SECOND_OFFICER_EVENTS)[number];

export function needsSecondOfficer(type: EventType): type is SecondOfficerEvent {
  return (SECOND_OFFICER_EVENTS as readonly EventType[]).includes(type);
}

/** Refuses an event of the two-person rule on a path that appends at once (a person recording by hand). */
export function requireNoSecondOfficerEvent(type: EventType, where = ''): void {
  if (!needsSecondOfficer(type)) return;
  throw new ConflictError(
    'custody.second_officer_required',
    `${type} becomes final only when a second officer confirms it${where}: request it (POST /persons/:id/events/requests) and have another officer confirm`,
    { rule: 'two_person', type },
  );
}
