// The person page's record work: custody events the caller may record now, family links, household membership.
// Response and request types come from the server's dto files (type-only imports), so a change there fails
// `npm run typecheck:web`.

import type { AllowedEventsResponse, AppendEventRequest } from '../../../../src/modules/custody/custody.dto';
import type { AddRelationRequest, EndRelationRequest, UpdatePersonRequest } from '../../../../src/modules/registry/registry.dto';
import type { RELATION_KINDS } from '../../../../src/modules/registry/registry.domain';
import { api, type Person } from '../../lib/api';

export type AllowedEvents = AllowedEventsResponse;
export type EventForm = AllowedEvents['events'][number];
export type EventField = EventForm['required'][number];
export type RelationKind = (typeof RELATION_KINDS)[number];

/** The kinds a link may be recorded as (registry.domain RELATION_KINDS; a value, so listed here and keyed by its type). */
export const RELATION_KIND_LIST: readonly RelationKind[] = [
  'mother_of',
  'father_of',
  'spouse_of',
  'sibling_of',
  'guardian_of',
  'carer_of',
] satisfies readonly RelationKind[];

export const allowedEventsKey = (personId: string) => ['person', personId, 'allowed'] as const;

export function fetchAllowedEvents(personId: string, purpose: string): Promise<AllowedEvents> {
  return api<AllowedEvents>(`/persons/${personId}/events/allowed`, { purpose });
}

export function recordEvent(personId: string, body: AppendEventRequest): Promise<unknown> {
  return api(`/persons/${personId}/events`, { method: 'POST', body });
}

export function addRelation(personId: string, body: AddRelationRequest): Promise<Person> {
  return api<Person>(`/persons/${personId}/relations`, { method: 'POST', body });
}

export function endRelation(personId: string, relationId: string, body: EndRelationRequest): Promise<Person> {
  return api<Person>(`/persons/${personId}/relations/${relationId}/end`, { method: 'POST', body });
}

/** A household change is a correction of the record: PATCH with a reason, on the version read. */
export function changeHousehold(personId: string, body: Pick<UpdatePersonRequest, 'householdId' | 'reason' | 'version'>): Promise<Person> {
  return api<Person>(`/persons/${personId}`, { method: 'PATCH', body });
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/**
 * A time typed as `yyyy-mm-dd hh:mm` in the browser's local time (ISO order, whatever the browser's locale: a native
 * picker would show mm/dd in an American browser) as the instant the API expects; undefined when empty, null when it
 * is not such a time.
 */
export function localToIso(value: string): string | undefined | null {
  const v = value.trim();
  if (!v) return undefined;
  const m = LOCAL_TIME.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi) return null;
  return date.toISOString();
}
