// The screening API's answers, typed by the server's response schemas (test/responses.int.test.ts checks those against
// what the API sends), so that a change of the hit's shape or a new status fails the web type check here.

import type { HitDetailResponse, HitResponse, WatchlistVersionResponse } from '../../../../src/modules/screening/screening.dto';
import { i18next } from '../../i18n';

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
  if (!v) return i18next.t('screening:version.unknown', { id: versionId.slice(0, 8) });
  return i18next.t('screening:version.release', { source: SOURCE_LABEL[v.source], file: v.fileName ?? v.id.slice(0, 8) });
}

/**
 * What made the screening find a candidate, in words: the person's enrolment or change, or the list release (by its
 * list and file). The API keeps a machine trigger (`enrolment`, `list_update:<source>:<version id>`); reviewers do not read ids.
 */
export function triggerText(trigger: string, personName: string | null, versionById: ReadonlyMap<string, WatchlistVersion>): string {
  const who = personName ?? i18next.t('screening:trigger.thePerson');
  if (trigger === 'enrolment') return i18next.t('screening:trigger.enrolment', { who });
  if (trigger === 'person_names') return i18next.t('screening:trigger.names', { who });
  if (trigger === 'person_details') return i18next.t('screening:trigger.details', { who });
  if (trigger === 'came_of_age') return i18next.t('screening:trigger.cameOfAge', { who });
  if (trigger === 'cli' || trigger === 'manual') return i18next.t('screening:trigger.whole');
  const update = /^list_update:([^:]+):(.+)$/.exec(trigger);
  if (update) {
    const [, source, versionId] = update;
    const v = versionById.get(versionId!);
    return v
      ? i18next.t('screening:trigger.byVersion', { version: versionLabel(v, versionId!) })
      : i18next.t('screening:trigger.byUpdate', { source: SOURCE_LABEL[source as WatchlistVersion['source']] ?? i18next.t('screening:trigger.watchlist') });
  }
  return 'by a screening run';
}
