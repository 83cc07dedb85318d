// The screening API's answers, typed by the server's response schemas (test/responses.int.test.ts checks those against
// what the API sends), so that a change of the hit's shape or a new status fails the web type check here.

import type { HitDetailResponse, HitResponse, WatchlistVersionResponse } from '../../../../src/modules/screening/screening.dto';

export type Hit = HitResponse;
export type HitDetail = HitDetailResponse;
export type HitStatus = Hit['status'];
export type WatchlistVersion = WatchlistVersionResponse;
export type ListSource = Hit['entry']['source'];

export const SOURCE_LABEL: Record<ListSource, string> = { 'un-consolidated': 'UN consolidated list', 'ofac-sdn': 'OFAC SDN list' };

/** The tabs of the review screen. */
export type ReviewTab = 'pending' | 'decided' | 'withdrawn';

/**
 * Which tab shows a hit of each status: keyed by the server's statuses, so that a status added there fails the type
 * check instead of leaving its hits on no tab at all.
 */
export const TAB_OF_STATUS: Record<HitStatus, ReviewTab> = { pending: 'pending', confirmed: 'decided', dismissed: 'decided', withdrawn: 'withdrawn' };

export const HIT_STATUS_COLOR: Record<HitStatus, string> = { pending: 'orange', confirmed: 'red', dismissed: 'gray', withdrawn: 'indigo' };

export function statusesOf(tab: ReviewTab): HitStatus[] {
  return (Object.keys(TAB_OF_STATUS) as HitStatus[]).filter((s) => TAB_OF_STATUS[s] === tab);
}

/** A list release as a reviewer knows it: the list and the file imported (its id until the versions have come). */
export function versionLabel(v: WatchlistVersion | undefined, versionId: string): string {
  if (!v) return `list version ${versionId.slice(0, 8)}`;
  return `${SOURCE_LABEL[v.source]} release ${v.fileName ?? v.id.slice(0, 8)}`;
}

/**
 * What made the screening find a candidate, in words: the person's enrolment or change, or the list release (by its
 * list and file). The API keeps a machine trigger (`enrolment`, `list_update:<source>:<version id>`); reviewers do not read ids.
 */
export function triggerText(trigger: string, personName: string | null, versionById: ReadonlyMap<string, WatchlistVersion>): string {
  const who = personName ?? 'the person';
  if (trigger === 'enrolment') return `when ${who} was enrolled`;
  if (trigger === 'person_names') return `after the names of ${who} were changed`;
  if (trigger === 'person_details') return `after the record of ${who} was changed`;
  if (trigger === 'came_of_age') return `when ${who} turned 18`;
  if (trigger === 'cli' || trigger === 'manual') return 'by a screening of the whole registry';
  const update = /^list_update:([^:]+):(.+)$/.exec(trigger);
  if (update) {
    const [, source, versionId] = update;
    const v = versionById.get(versionId!);
    return v ? `by the ${versionLabel(v, versionId!)}` : `by an update of the ${SOURCE_LABEL[source as WatchlistVersion['source']] ?? 'watchlist'}`;
  }
  return 'by a screening run';
}
