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
