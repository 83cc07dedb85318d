import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock';
import { canonicalJson } from '../../platform/canonical-json';
import { queryRows, type Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { canSeeFacility, isFacilityScoped, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { facilities } from '../facilities';
import type { SiteKey } from './reviews.domain';
import {
  emptySections,
  missingSections,
  nextStatus,
  presentSnapshot,
  pseudonymRefs,
  REVIEW_DOCUMENT_KIND,
  REVIEW_DOCUMENT_VERSION,
  renderReviewHtml,
  signReview,
  type RefOf,
  type ReviewDocument,
  type ReviewSnapshot,
  type ReviewStatus,
  type Sections,
  type SignedReview,
} from './reviews.document.domain';
import type { CreateReviewInput, ReviewsQueryInput, UpdateReviewInput } from './reviews.document.dto';
import { ReviewStatusChanged } from './reviews.document.events';
import { findReview, insertReview, listReviews, updateReviewIf, type ReviewRow, type ReviewSummaryRow } from './reviews.document.repository';
import { computeFindings, type Finding } from './reviews.findings.domain';
import { personView } from './reviews.policy';
import type { ReviewsPorts } from './reviews.ports';
import type { TimelineItem } from './reviews.timeline.domain';
import { householdsOf } from './reviews.timeline.repository';
import type { SubjectQuery, TimelineService, TimelineSubject } from './reviews.timeline.service';

export interface ReviewSummary {
  id: string;
  facilityId: string;
  incidentId: string | null;
  title: string;
  from: Date;
  to: Date;
  status: ReviewStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  submittedBy: string | null;
  submittedAt: Date | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  snapshotAt: Date;
  snapshotHash: string;
  items: number;
  findings: number;
}

export interface ReviewView extends ReviewSummary {
  /** The ledger event ESCAPED the review is about, when it is about an escape. */
  escapeId: string | null;
  sections: Sections;
  persons: 'id' | 'pseudonym';
  findingList: Finding[];
  signed: boolean;
}

const summary = (r: ReviewSummaryRow): ReviewSummary => ({
  id: r.id,
  facilityId: r.facilityId,
  incidentId: r.incidentId,
  title: r.title,
  from: r.windowFrom,
  to: r.windowTo,
  status: r.status as ReviewStatus,
  createdBy: r.createdByName,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  submittedBy: r.submittedByName,
  submittedAt: r.submittedAt,
  approvedBy: r.approvedByName,
  approvedAt: r.approvedAt,
  snapshotAt: r.snapshotAt,
  snapshotHash: r.snapshotHash,
  items: r.items,
  findings: r.findings,
});

const snapshotOf = (row: ReviewRow) => row.snapshot as ReviewSnapshot;
const hashOf = (s: ReviewSnapshot) => createHash('sha256').update(canonicalJson(s)).digest('hex');

/**
 * After-action review documents: drafted on a facility's window (or an incident's) with the timeline and findings
 * frozen into them, edited in the five sections, submitted, returned or approved by someone other than the author
 * (signed with the site key then), and exported as a printable page or as signed JSON.
 */
export class ReviewDocuments {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: ReviewsPorts,
    private readonly timeline: TimelineService,
    private readonly siteKey: () => SiteKey,
    private readonly pseudonymKey: () => Buffer,
    private readonly siteId: string,
  ) {}

  /** Timeline and findings of a subject, frozen: items in order, findings with their evidence, households named. */
  private async freeze(subject: TimelineSubject, db: Db = this.db): Promise<ReviewSnapshot> {
    const raw = await this.timeline.build(subject, db);
    const households = await householdsOf(db, raw.personIds);
    return {
      builtAt: this.clock.now().toISOString(),
      facilityId: subject.facilityId!,
      ...(subject.escapeId ? { escapeId: subject.escapeId } : {}),
      from: subject.from.toISOString(),
      to: subject.to.toISOString(),
      items: raw.items,
      findings: computeFindings(raw.items, households),
      personIds: raw.personIds,
      households: Object.fromEntries(households),
    };
  }

  /** How `actor` sees the persons and households of a snapshot. */
  private async refsFor(actor: Actor, s: Pick<ReviewSnapshot, 'personIds' | 'households'>): Promise<{ persons: 'id' | 'pseudonym'; refOf: RefOf }> {
    if (personView(actor) === 'pseudonym') return { persons: 'pseudonym', refOf: pseudonymRefs(this.pseudonymKey()) };
    const visible = await this.ports.personsInScope(this.db, actor, s.personIds);
    const households = new Set(Object.values(s.households));
    return { persons: 'id', refOf: (id) => (visible.has(id) || households.has(id) ? id : null) };
  }

  /** One audit row per person a reader was shown by id (pseudonyms are nobody's record). */
  private async auditPersons(actor: Actor, persons: 'id' | 'pseudonym', refs: Iterable<string | undefined>, details: Record<string, unknown>): Promise<void> {
    if (persons !== 'id') return;
    const ids = [...new Set([...refs].filter((r): r is string => !!r))];
    if (ids.length === 0) return;
    await this.db.transaction((tx) =>
      this.audit.record(
        tx,
        actor,
        ids.map((personId) => ({ action: 'reviews.review_read', subjectType: 'person', subjectId: personId, details })),
      ),
    );
  }

  private async load(actor: Actor, id: string): Promise<ReviewRow> {
    const row = await findReview(this.db, id);
    if (!row) throw new NotFoundError('reviews.review_not_found', `No after-action review ${id}`);
    requireFacility(actor, row.facilityId);
    return row;
  }

  /** `GET /reviews/findings`: the findings of a facility's window, computed now (nothing stored). */
  async findings(actor: Actor, q: SubjectQuery & { offset?: number; limit?: number }) {
    requirePermission(actor, 'reviews.read');
    const s = await this.timeline.subject(actor, q);
    if (!s.facilityId) throw new ValidationError('reviews.timeline_subject_required', 'Findings are about a facility window, an incident or an escape');
    const snap = await this.freeze(s);
    const { persons, refOf } = await this.refsFor(actor, snap);
    const shown = presentSnapshot(snap, refOf, persons);
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 1_000;
    const page = shown.findings.slice(offset, offset + limit);
    await this.auditPersons(
      actor,
      persons,
      page.map((f) => f.personRef),
      { facilityId: s.facilityId, incidentId: s.incidentId ?? null, escapeId: s.escapeId ?? null, findings: true },
    );
    return { facilityId: s.facilityId, from: snap.from, to: snap.to, persons, total: shown.findings.length, offset, limit, items: page };
  }

  async create(actor: Actor, input: CreateReviewInput): Promise<ReviewView> {
    requirePermission(actor, 'reviews.write');
    const s = await this.timeline.subject(actor, {
      facilityId: input.facilityId,
      incidentId: input.incidentId,
      escapeId: input.escapeId,
      from: input.from,
      to: input.to,
    });
    if (!s.facilityId) throw new ValidationError('reviews.timeline_subject_required', 'A review is about a facility window, an incident or an escape');
    const snapshot = await this.freeze(s);
    const now = this.clock.now();
    const row: ReviewRow = {
      id: this.ids.next(),
      facilityId: s.facilityId,
      incidentId: s.incidentId ?? null,
      title: input.title,
      windowFrom: s.from,
      windowTo: s.to,
      status: 'drafted',
      sections: { ...emptySections(), ...(input.sections ?? {}) },
      snapshot,
      snapshotHash: hashOf(snapshot),
      snapshotAt: now,
      createdBy: actor.userId,
      createdByName: actor.username,
      createdAt: now,
      updatedAt: now,
      submittedByName: null,
      submittedAt: null,
      approvedBy: null,
      approvedByName: null,
      approvedAt: null,
      signedText: null,
      signature: null,
      publicKey: null,
    };
    await this.outbox.transaction(async (tx) => {
      await insertReview(tx, row);
      await this.audit.record(tx, actor, {
        action: 'reviews.review_drafted',
        subjectType: 'review',
        subjectId: row.id,
        details: { facilityId: row.facilityId, from: row.windowFrom.toISOString(), to: row.windowTo.toISOString(), snapshotHash: row.snapshotHash },
      });
      this.emitStatus(tx, row, null, actor);
    });
    return this.view(actor, row);
  }

  private emitStatus(tx: Db, row: ReviewRow, from: ReviewStatus | null, actor: Actor): void {
    this.outbox.emit(
      tx,
      ReviewStatusChanged,
      { reviewId: row.id, facilityId: row.facilityId, from, to: row.status as ReviewStatus, by: actor.username, snapshotHash: row.snapshotHash },
      { subjects: { facilityIds: [row.facilityId] } },
    );
  }

  async list(actor: Actor, q: ReviewsQueryInput): Promise<{ total: number; offset: number; limit: number; items: ReviewSummary[] }> {
    requirePermission(actor, 'reviews.read');
    let scope: string[] | null = isFacilityScoped(actor) ? [...actor.facilityIds] : null;
    if (q.facilityId) scope = canSeeFacility(actor, q.facilityId) ? [q.facilityId] : [];
    const { total, rows } = await listReviews(this.db, { facilityIds: scope, status: q.status, limit: q.limit, offset: q.offset });
    return { total, offset: q.offset, limit: q.limit, items: rows.map(summary) };
  }

  private async view(actor: Actor, row: ReviewRow): Promise<ReviewView> {
    const snap = snapshotOf(row);
    const { persons, refOf } = await this.refsFor(actor, snap);
    const shown = presentSnapshot(snap, refOf, persons);
    await this.auditPersons(
      actor,
      persons,
      shown.findings.map((f) => f.personRef),
      { reviewId: row.id },
    );
    return {
      ...summary({ ...row, items: shown.items.length, findings: shown.findings.length }),
      escapeId: snap.escapeId ?? null,
      sections: row.sections as Sections,
      persons,
      findingList: shown.findings,
      signed: row.signature !== null,
    };
  }

  async get(actor: Actor, id: string): Promise<ReviewView> {
    requirePermission(actor, 'reviews.read');
    return this.view(actor, await this.load(actor, id));
  }

  /** The review's frozen timeline, a page at a time, as the reader may see it. */
  async timelinePage(actor: Actor, id: string, page: { limit: number; offset: number }) {
    requirePermission(actor, 'reviews.read');
    const row = await this.load(actor, id);
    const snap = snapshotOf(row);
    const { persons, refOf } = await this.refsFor(actor, snap);
    const shown = presentSnapshot({ ...snap, findings: [] }, refOf, persons);
    const items = shown.items.slice(page.offset, page.offset + page.limit);
    await this.auditPersons(
      actor,
      persons,
      items.map((i) => i.personRef),
      { reviewId: row.id },
    );
    return { total: shown.items.length, offset: page.offset, limit: page.limit, persons, items };
  }

  private async step(
    actor: Actor,
    id: string,
    expect: ReviewStatus,
    set: (row: ReviewRow) => Partial<ReviewRow>,
    action: string,
    details: Record<string, unknown> = {},
  ) {
    const current = await this.load(actor, id);
    if (current.status !== expect) {
      throw new ConflictError(
        'reviews.wrong_status',
        `This review is ${current.status.replace('_', ' ')}: it must be ${expect.replace('_', ' ')} for this step`,
      );
    }
    const updated = await this.outbox.transaction(async (tx) => {
      const row = await updateReviewIf(tx, id, expect, { ...set(current), updatedAt: this.clock.now() });
      if (!row) throw new ConflictError('reviews.wrong_status', 'This review changed meanwhile: load it again');
      await this.audit.record(tx, actor, { action, subjectType: 'review', subjectId: id, details: { from: expect, to: row.status, ...details } });
      if (row.status !== expect) this.emitStatus(tx, row, expect, actor);
      return row;
    });
    return this.view(actor, updated);
  }

  async update(actor: Actor, id: string, input: UpdateReviewInput): Promise<ReviewView> {
    requirePermission(actor, 'reviews.write');
    return this.step(
      actor,
      id,
      'drafted',
      (row) => ({ ...(input.title ? { title: input.title } : {}), sections: { ...(row.sections as Sections), ...(input.sections ?? {}) } }),
      'reviews.review_edited',
      { fields: [...(input.title ? ['title'] : []), ...Object.keys(input.sections ?? {})] },
    );
  }

  /** Takes the timeline and findings again (a draft only: once submitted, what was reviewed stays frozen). */
  async refresh(actor: Actor, id: string): Promise<ReviewView> {
    requirePermission(actor, 'reviews.write');
    const current = await this.load(actor, id);
    const escapeId = snapshotOf(current).escapeId;
    const subject = await this.timeline.subject(actor, {
      ...(current.incidentId ? { incidentId: current.incidentId } : escapeId ? { escapeId } : { facilityId: current.facilityId }),
      from: current.windowFrom.toISOString(),
      to: current.windowTo.toISOString(),
    });
    const snapshot = await this.freeze(subject);
    return this.step(actor, id, 'drafted', () => ({ snapshot, snapshotHash: hashOf(snapshot), snapshotAt: this.clock.now() }), 'reviews.review_refreshed', {
      snapshotHash: hashOf(snapshot),
    });
  }

  async submit(actor: Actor, id: string): Promise<ReviewView> {
    requirePermission(actor, 'reviews.write');
    const current = await this.load(actor, id);
    const missing = missingSections(current.sections as Sections);
    if (missing.length > 0 && current.status === 'drafted') {
      throw new ConflictError('reviews.sections_missing', `Write every section before submitting: ${missing.join(', ')} missing`, { missing });
    }
    return this.step(
      actor,
      id,
      'drafted',
      () => ({ status: nextStatus('drafted', 'submit')!, submittedByName: actor.username, submittedAt: this.clock.now() }),
      'reviews.review_submitted',
    );
  }

  async return(actor: Actor, id: string, reason: string): Promise<ReviewView> {
    requirePermission(actor, 'reviews.approve');
    return this.step(actor, id, 'in_review', () => ({ status: nextStatus('in_review', 'return')! }), 'reviews.review_returned', { reason });
  }

  /** Approves a review under review (not by its author) and signs it: persons as the site's keyed pseudonyms. */
  async approve(actor: Actor, id: string): Promise<ReviewView> {
    requirePermission(actor, 'reviews.approve');
    const current = await this.load(actor, id);
    const author = current.createdBy !== null && actor.userId !== null ? current.createdBy === actor.userId : current.createdByName === actor.username;
    if (author) throw new ConflictError('reviews.self_approval', 'The author of a review may not approve it: another commander must');
    const now = this.clock.now();
    const key = this.siteKey();
    const snap = snapshotOf(current);
    const shown = presentSnapshot(snap, pseudonymRefs(this.pseudonymKey()), 'pseudonym');
    const doc: ReviewDocument = {
      kind: REVIEW_DOCUMENT_KIND,
      version: REVIEW_DOCUMENT_VERSION,
      reviewId: current.id,
      siteId: this.siteId,
      facilityId: current.facilityId,
      incidentId: current.incidentId,
      escapeId: snap.escapeId ?? null,
      title: current.title,
      window: { from: current.windowFrom.toISOString(), to: current.windowTo.toISOString() },
      sections: current.sections as Sections,
      author: current.createdByName,
      submittedBy: current.submittedByName,
      approvedBy: actor.username,
      approvedAt: now.toISOString(),
      snapshotHash: current.snapshotHash,
      timeline: shown.items,
      findings: shown.findings,
      persons: 'pseudonym',
      publicKey: key.publicKey,
    };
    const signed = signReview(doc, key);
    return this.step(
      actor,
      id,
      'in_review',
      () => ({
        status: nextStatus('in_review', 'approve')!,
        approvedBy: actor.userId,
        approvedByName: actor.username,
        approvedAt: now,
        signedText: signed.documentText,
        signature: signed.signature,
        publicKey: signed.publicKey,
      }),
      'reviews.review_approved',
      { snapshotHash: current.snapshotHash },
    );
  }

  /** The approved review as signed JSON (persons as pseudonyms), for `custos review verify`. */
  async exportSigned(actor: Actor, id: string): Promise<SignedReview> {
    requirePermission(actor, 'reviews.read');
    const row = await this.load(actor, id);
    if (row.status !== 'approved' || !row.signedText || !row.signature || !row.publicKey) {
      throw new ConflictError('reviews.not_approved', 'Only an approved review is signed: approve it first');
    }
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, { action: 'reviews.review_exported', subjectType: 'review', subjectId: id, details: { format: 'json' } }),
    );
    return { documentText: row.signedText, signature: row.signature, publicKey: row.publicKey };
  }

  /** The printable page of a review, as the reader may see it (persons by id in scope, or pseudonyms). */
  async exportHtml(actor: Actor, id: string): Promise<string> {
    requirePermission(actor, 'reviews.read');
    const row = await this.load(actor, id);
    const snap = snapshotOf(row);
    const { persons, refOf } = await this.refsFor(actor, snap);
    const shown = presentSnapshot(snap, refOf, persons);
    const [f] = await queryRows<{ code: string; name: string }>(this.db, sql`select code, name from ${facilities} where id = ${row.facilityId}`);
    await this.auditPersons(actor, persons, [...shown.items.map((i: TimelineItem) => i.personRef), ...shown.findings.map((x) => x.personRef)], {
      reviewId: id,
      format: 'html',
    });
    return renderReviewHtml({
      id: row.id,
      title: row.title,
      status: row.status as ReviewStatus,
      facilityName: f ? `${f.name} (${f.code})` : row.facilityId,
      window: { from: row.windowFrom.toISOString(), to: row.windowTo.toISOString() },
      sections: row.sections as Sections,
      author: row.createdByName,
      approvedBy: row.approvedByName,
      approvedAt: row.approvedAt?.toISOString() ?? null,
      snapshotAt: row.snapshotAt.toISOString(),
      snapshotHash: row.snapshotHash,
      items: shown.items,
      findings: shown.findings,
      persons,
    });
  }
}
