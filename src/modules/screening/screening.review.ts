import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Outbox } from '../../platform/outbox';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import { ScreeningHitDecided } from './screening.events';
import type { ScreeningPersons } from './screening.ports';
import type { HitStatus, PairEvidence } from './screening.domain';
import type { HitResponse } from './screening.dto';
import type { WatchEntry } from './screening.lists';
import { countHits, findEntry, findHit, listHits, updateHit, type HitListRow } from './screening.repository';

/** A hit of the review queue (see HitResponse for `entry.active`/`removedIn`, `decision` and `withdrawal`). */
export type HitView = z.output<typeof HitResponse>;

function toDate(v: string | Date | null): Date | null {
  return v === null ? null : v instanceof Date ? v : new Date(v);
}

/** The review queue: the hits screening raised, read in the caller's scope, and the officer's decision on each. */
export class ScreeningReview {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: ScreeningPersons,
  ) {}

  private hitView(r: HitListRow): HitView {
    return {
      id: r.id,
      personId: r.person_id,
      personName: r.person_name,
      entry: {
        id: r.entry_id,
        source: r.source,
        ref: r.ref,
        name: r.entry_name,
        active: r.entry_active,
        removedIn: r.entry_removed_version_id ? { versionId: r.entry_removed_version_id, at: toDate(r.entry_removed_at)! } : null,
      },
      status: r.status as HitStatus,
      evidence: r.evidence as PairEvidence,
      trigger: r.trigger,
      createdAt: toDate(r.created_at)!,
      updatedAt: toDate(r.updated_at)!,
      decision: r.decided_at ? { at: toDate(r.decided_at)!, by: r.decided_by_username, reason: r.reason } : null,
      withdrawal:
        r.withdrawn_at && r.withdrawn_version_id && r.withdrawn_reason
          ? { at: toDate(r.withdrawn_at)!, versionId: r.withdrawn_version_id, reason: r.withdrawn_reason }
          : null,
    };
  }

  async hits(actor: Actor, filter: { status?: HitStatus | readonly HitStatus[]; personId?: string; limit: number; offset: number }): Promise<HitView[]> {
    requirePermission(actor, 'screening.read');
    const rows = await listHits(this.db, { ...filter, facilityIds: actor.facilityIds, nationalities: actor.nationalities });
    return rows.map((r) => this.hitView(r));
  }

  /** A page of the queue and how many hits its filters select in the actor's scope (hidden persons' hits not counted). */
  async hitsPage(
    actor: Actor,
    filter: { status?: HitStatus | readonly HitStatus[]; personId?: string; limit: number; offset: number },
  ): Promise<{ total: number; rows: HitView[] }> {
    requirePermission(actor, 'screening.read');
    const scope = { status: filter.status, personId: filter.personId, facilityIds: actor.facilityIds, nationalities: actor.nationalities };
    const [rows, total] = await Promise.all([listHits(this.db, { ...scope, limit: filter.limit, offset: filter.offset }), countHits(this.db, scope)]);
    // The queue shows the persons' names beside the list entries: audited like a search, with the persons it showed.
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: 'screening.queue_read',
        subjectType: 'person',
        details: {
          filter: { status: filter.status ?? null, personId: filter.personId ?? null },
          offset: filter.offset,
          total,
          personIds: [...new Set(rows.map((r) => r.person_id))],
        },
      }),
    );
    return { total, rows: rows.map((r) => this.hitView(r)) };
  }

  async hit(actor: Actor, id: string): Promise<HitView & { entryData: WatchEntry | null }> {
    requirePermission(actor, 'screening.read');
    const row = await findHit(this.db, id);
    if (!row) throw new NotFoundError('screening.hit_not_found', `No screening hit ${id}`);
    const [view] = (
      await listHits(this.db, { personId: row.personId, limit: 1000, offset: 0, facilityIds: actor.facilityIds, nationalities: actor.nationalities })
    ).filter((r) => r.id === id);
    if (!view) throw new NotFoundError('screening.hit_not_found', `No screening hit ${id}`);
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, { action: 'screening.hit_read', subjectType: 'person', subjectId: row.personId, details: { hitId: id } }),
    );
    const entry = await findEntry(this.db, row.entryId);
    return { ...this.hitView(view), entryData: (entry?.data as WatchEntry) ?? null };
  }

  /** An officer's decision on a pending hit, with a reason; audited in the same transaction. */
  async decide(actor: Actor, id: string, decision: 'confirmed' | 'dismissed', reason: string): Promise<HitView> {
    requirePermission(actor, 'screening.decide');
    const why = reason?.trim();
    if (!why || why.length < 3) throw new ValidationError('screening.reason_required', 'A decision needs a reason (at least 3 characters)');
    let personId = '';
    await this.outbox.transaction(async (tx) => {
      const hit = await findHit(tx, id, true);
      if (!hit) throw new NotFoundError('screening.hit_not_found', `No screening hit ${id}`);
      await this.registry.loadInScope(tx, actor, hit.personId);
      if (hit.status === 'withdrawn') {
        throw new ConflictError(
          'screening.hit_withdrawn',
          `This hit was withdrawn, nothing is left to decide: ${hit.withdrawnReason ?? 'its entry left the list'}`,
          {
            status: hit.status,
            versionId: hit.withdrawnVersionId,
          },
        );
      }
      if (hit.status !== 'pending') {
        throw new ConflictError('screening.already_decided', `This hit was already ${hit.status}`, { status: hit.status });
      }
      personId = hit.personId;
      const now = this.clock.now();
      await updateHit(tx, id, { status: decision, decidedAt: now, decidedBy: actor.userId, decidedByUsername: actor.username, reason: why, updatedAt: now });
      await this.audit.record(tx, actor, {
        action: decision === 'confirmed' ? 'screening.hit_confirm' : 'screening.hit_dismiss',
        subjectType: 'person',
        subjectId: hit.personId,
        details: { hitId: id, source: hit.source, ref: hit.ref, reason: why },
      });
      this.outbox.emit(
        tx,
        ScreeningHitDecided,
        { hitId: id, personId: hit.personId, decision, source: hit.source, ref: hit.ref },
        { occurredAt: now, subjects: { personIds: [hit.personId] } },
      );
    });
    const [view] = (await this.hits(actor, { personId, limit: 1000, offset: 0 })).filter((h) => h.id === id);
    return view!;
  }
}
