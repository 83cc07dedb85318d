import { canonicalJson } from '../../platform/canonical-json';
import { pseudonym, verifySignature, type SiteKey } from './reviews.domain';
import type { Finding } from './reviews.findings.domain';
import { type TimelineItem, withoutNames } from './reviews.timeline.domain';
import { sign as cryptoSign } from 'node:crypto';

/**
 * The after-action review document (issue 21, point 3): the five questions of an after-action review, the timeline
 * and findings frozen into it, its life (drafted -> in_review -> approved; back to drafted from review), and the
 * signed JSON a monitor checks offline. Pure.
 */

import { REVIEW_STATUSES } from './reviews.document.dto';

export { REVIEW_STATUSES };
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** What was planned, what happened, why, what to keep, what to change. */
export const SECTION_KEYS = ['planned', 'happened', 'why', 'keep', 'change'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export type Sections = Record<SectionKey, string>;
export const SECTION_TITLES: Record<SectionKey, string> = {
  planned: 'What was planned',
  happened: 'What happened',
  why: 'Why it happened',
  keep: 'What to keep',
  change: 'What to change',
};

export const emptySections = (): Sections => ({ planned: '', happened: '', why: '', keep: '', change: '' });

/** The timeline and findings as they stood when frozen: what the review rests on, with person ids as stored. */
export interface ReviewSnapshot {
  builtAt: string;
  facilityId: string;
  /** The ledger event ESCAPED the review is about (an incident's id is a column of the review). */
  escapeId?: string;
  from: string;
  to: string;
  items: TimelineItem[];
  findings: Finding[];
  /** Person ids the snapshot names, and their households (to pseudonymise or hide them for a reader). */
  personIds: string[];
  households: Record<string, string>;
}

export const REVIEW_DOCUMENT_KIND = 'custos.after-action-review';
export const REVIEW_DOCUMENT_VERSION = 2;

/** What is signed when a review is approved: persons only as the site's keyed pseudonyms (those of the ledger export). */
export interface ReviewDocument {
  kind: typeof REVIEW_DOCUMENT_KIND;
  /** 2 names the escape reviewed (`escapeId`); documents of version 1, signed before, carry no such field. */
  version: typeof REVIEW_DOCUMENT_VERSION | 1;
  reviewId: string;
  siteId: string;
  facilityId: string;
  incidentId: string | null;
  /** The ledger event ESCAPED the review is about, when its subject is an escape (version 2). */
  escapeId?: string | null;
  title: string;
  window: { from: string; to: string };
  sections: Sections;
  author: string;
  submittedBy: string | null;
  approvedBy: string;
  approvedAt: string;
  snapshotHash: string;
  timeline: TimelineItem[];
  findings: Finding[];
  persons: 'pseudonym';
  publicKey: string;
}

export interface SignedReview {
  documentText: string;
  signature: string;
  publicKey: string;
}

/** The life of a review: which step may follow which, and who may not take it. */
export function nextStatus(from: ReviewStatus, step: 'submit' | 'return' | 'approve'): ReviewStatus | null {
  if (step === 'submit') return from === 'drafted' ? 'in_review' : null;
  if (step === 'return') return from === 'in_review' ? 'drafted' : null;
  return from === 'in_review' ? 'approved' : null;
}

/** The sections a review still lacks before it can go to review. */
export function missingSections(s: Sections): SectionKey[] {
  return SECTION_KEYS.filter((k) => s[k].trim().length === 0);
}

/** A person's (or household's) reference for a reader: their id, a pseudonym, or null when hidden. */
export type RefOf = (id: string) => string | null;

/**
 * The snapshot as a reader sees it: persons mapped by `refOf` (ids, pseudonyms), items about hidden persons left out,
 * and a finding only when every item it rests on is shown (so that no finding speaks of a hidden person); a
 * hypothesis about escape windows only with the windows the reader sees (none: not shown).
 */
export function presentSnapshot(
  s: Pick<ReviewSnapshot, 'items' | 'findings' | 'households'>,
  refOf: RefOf,
  persons: 'id' | 'pseudonym' = 'id',
): { items: TimelineItem[]; findings: Finding[] } {
  // a reader of pseudonyms reads no names either: alert titles that may name persons are withheld
  const shownAs = persons === 'pseudonym' ? withoutNames : (i: TimelineItem) => i;
  const rewrite = (text: string, personId: string, ref: string) => (ref === personId ? text : text.split(personId).join(ref));
  const items: TimelineItem[] = [];
  const shown = new Map<string, string>();
  for (const i of s.items) {
    if (!i.personRef) {
      items.push(shownAs(i));
      shown.set(i.id, i.id);
      continue;
    }
    const ref = refOf(i.personRef);
    if (ref === null) continue;
    const id = rewrite(i.id, i.personRef, ref);
    items.push(shownAs({ ...i, id, personRef: ref }));
    shown.set(i.id, id);
  }
  const findings: Finding[] = [];
  // escape windows shown, by their stored id (a hypothesis about windows is shown with at least one of them)
  const shownFindings = new Map<string, string>();
  for (const f of s.findings) {
    if (!f.evidence.every((e) => shown.has(e))) continue;
    let windows: string[] | undefined;
    if (f.windows) {
      windows = f.windows.flatMap((w) => {
        const ref = shownFindings.get(w);
        return ref ? [ref] : [];
      });
      if (windows.length === 0) continue;
    }
    let id = f.id;
    let personRef = f.personRef;
    let householdRef = f.householdRef;
    if (personRef) {
      const ref = refOf(personRef);
      if (ref === null) continue;
      id = rewrite(id, personRef, ref);
      personRef = ref;
    }
    if (householdRef) {
      const ref = refOf(householdRef);
      if (ref === null) continue;
      id = rewrite(id, householdRef, ref);
      householdRef = ref;
    }
    shownFindings.set(f.id, id);
    findings.push({ ...f, id, personRef, householdRef, ...(windows ? { windows } : {}), evidence: f.evidence.map((e) => shown.get(e)!) });
  }
  return { items, findings };
}

/** The keyed pseudonym of every person and household (the ledger export's pseudonyms for persons). */
export function pseudonymRefs(key: Buffer): RefOf {
  return (id) => pseudonym(key, id);
}

export function reviewDocumentText(doc: ReviewDocument): string {
  return canonicalJson(doc);
}

export function signReview(doc: ReviewDocument, key: SiteKey): SignedReview {
  if (doc.publicKey !== key.publicKey) throw new Error('The review names another key than the one signing it');
  const text = reviewDocumentText(doc);
  return { documentText: text, signature: cryptoSign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64'), publicKey: key.publicKey };
}

export type ReviewCheck = { ok: true; document: ReviewDocument } | { ok: false; problems: string[] };

/**
 * Checks a signed review offline: the signature over the exact text, the key it names (and the pinned key when
 * given), its kind, and that every finding's evidence is an item of its timeline.
 */
export function verifyReview(signed: Partial<SignedReview>, pinnedKey?: string): ReviewCheck {
  const problems: string[] = [];
  if (typeof signed.documentText !== 'string' || typeof signed.signature !== 'string' || typeof signed.publicKey !== 'string') {
    return { ok: false, problems: ['not a signed review: documentText, signature and publicKey are required'] };
  }
  let doc: ReviewDocument;
  try {
    doc = JSON.parse(signed.documentText) as ReviewDocument;
  } catch {
    return { ok: false, problems: ['the document is not JSON'] };
  }
  if (doc?.kind !== REVIEW_DOCUMENT_KIND || (doc.version !== 1 && doc.version !== REVIEW_DOCUMENT_VERSION)) {
    problems.push(`not an after-action review of version 1 or ${REVIEW_DOCUMENT_VERSION}`);
  }
  if (doc?.publicKey !== signed.publicKey) problems.push('the document names another key than the one given with it');
  if (pinnedKey && signed.publicKey !== pinnedKey) problems.push('signed with another key than the pinned site key');
  if (!verifySignature(signed.documentText, signed.publicKey, signed.signature)) problems.push('the signature does not match the document');
  if (problems.length === 0) {
    const ids = new Set((doc.timeline ?? []).map((i) => i.id));
    const orphan = (doc.findings ?? []).filter((f) => !f.evidence.every((e) => ids.has(e)));
    if (orphan.length > 0) problems.push(`${orphan.length} finding(s) rest on items that are not in the timeline`);
  }
  return problems.length === 0 ? { ok: true, document: doc } : { ok: false, problems };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PrintableReview {
  id: string;
  title: string;
  status: ReviewStatus;
  facilityName: string;
  window: { from: string; to: string };
  sections: Sections;
  author: string;
  approvedBy: string | null;
  approvedAt: string | null;
  snapshotAt: string;
  snapshotHash: string;
  items: TimelineItem[];
  findings: Finding[];
  persons: 'id' | 'pseudonym';
}

/** The printable page of a review (one self-contained HTML file, no script): sections, findings, the timeline. */
export function renderReviewHtml(r: PrintableReview): string {
  const e = escapeHtml;
  const para = (text: string) =>
    text.trim().length === 0
      ? '<p class="empty">(not written)</p>'
      : text
          .split(/\n{2,}/)
          .map((p) => `<p>${e(p).replace(/\n/g, '<br>')}</p>`)
          .join('');
  const findingRows = r.findings
    .map(
      (f) =>
        `<tr class="${f.nature}"><td>${f.nature === 'hypothesis' ? 'Hypothesis' : 'Fact'}</td><td>${e(f.measure)}</td><td>${f.minutes === undefined ? '' : f.minutes === null ? '-' : String(f.minutes)}</td><td>${e(f.statement)}${f.personRef ? ` <span class="ref">[${e(f.personRef)}]</span>` : ''}${f.householdRef ? ` <span class="ref">[household ${e(f.householdRef)}]</span>` : ''}</td><td class="ref">${f.evidence.map(e).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const itemRows = r.items
    .map(
      (i) =>
        `<tr class="${i.severity ?? 'info'}"><td>${e(i.at)}</td><td>${e(i.source)}</td><td>${e(i.kind)}</td><td>${e(i.title)}</td><td class="ref">${i.personRef ? e(i.personRef) : ''}</td><td class="ref">${e(i.id)}</td></tr>`,
    )
    .join('\n');
  const banner = r.status === 'approved' ? '' : `<p class="banner">${r.status === 'drafted' ? 'DRAFT' : 'IN REVIEW'}: not approved</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#111}h1{margin-bottom:.2em}table{border-collapse:collapse;width:100%;font-size:12px}
td,th{border:1px solid #bbb;padding:3px 5px;vertical-align:top;text-align:left}.ref{font-family:monospace;font-size:11px;color:#444}
tr.critical td{background:#fde2e2}tr.warning td{background:#fff4d6}tr.hypothesis td{font-style:italic}.banner{border:2px solid #c00;color:#c00;padding:.4em;font-weight:bold}
.empty{color:#888}@media print{a{color:inherit}}
</style></head><body>
${banner}<h1>${e(r.title)}</h1>
<p>After-action review of ${e(r.facilityName)}, ${e(r.window.from)} to ${e(r.window.to)}. Author: ${e(r.author)}.
${r.approvedBy ? `Approved by ${e(r.approvedBy)} at ${e(r.approvedAt ?? '')}.` : 'Not approved.'}
Timeline and findings frozen at ${e(r.snapshotAt)} (sha256 ${e(r.snapshotHash)}); persons shown as ${r.persons === 'id' ? 'record ids' : 'keyed pseudonyms'}.</p>
${SECTION_KEYS.map((k) => `<h2>${e(SECTION_TITLES[k])}</h2>${para(r.sections[k])}`).join('\n')}
<h2>Findings (${r.findings.length})</h2>
<p>Facts are measures computed from the timeline with the items they rest on; hypotheses are where to look, never verdicts about a person.</p>
<table><thead><tr><th>nature</th><th>measure</th><th>minutes</th><th>statement</th><th>evidence</th></tr></thead><tbody>
${findingRows}
</tbody></table>
<h2>Timeline (${r.items.length} items)</h2>
<table><thead><tr><th>at (UTC)</th><th>source</th><th>kind</th><th>what</th><th>person</th><th>item</th></tr></thead><tbody>
${itemRows}
</tbody></table>
</body></html>
`;
}
