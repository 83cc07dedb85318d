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

/** A `datetime-local` value (the browser's local time) as the instant the API expects, or undefined when empty. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
