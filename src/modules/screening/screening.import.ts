import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { canonicalJson } from '../../platform/canonical-json';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import {
  computeStats,
  diffList,
  entryContentHash,
  entryScreenHash,
  LIST_FORMATS,
  parseList,
  type ListFormat,
  type ListStats,
  type OfacFiles,
  type ParsedList,
  type WatchEntry,
} from './screening.lists';
import { WatchEntrySchema } from './screening.entry-schema';
import {
  countWithdrawnBy,
  currentEntries,
  findVersion,
  insertChanges,
  insertEntries,
  insertVersion,
  listVersions,
  lockSource,
  updateEntry,
  versionChanges,
  withdrawPendingHits,
  type ChangeRow,
  type VersionRow,
} from './screening.repository';
import { isMassRemoval } from './screening.domain';
import type { WatchlistImportResponse, WatchlistVersionDetailResponse, WatchlistVersionResponse } from './screening.dto';
import { WatchlistVersionImported } from './screening.events';
import type { ScreeningRuns } from './screening.runs';
import { checkReleaseOrder } from './screening.release-order';

export interface ImportInput {
  format: ListFormat;
  /** The UN XML document, or OFAC's files (sdn.csv text, alt.csv and add.csv when given). */
  content: string | OfacFiles;
  fileName?: string;
  /** Import even a release older than the current version's (a deliberate roll-back). */
  force?: boolean;
  /** Import even when the release removes most of the list (see isMassRemoval); recorded in the audit. */
  confirmRemoval?: boolean;
}

export type VersionView = z.output<typeof WatchlistVersionResponse>;
export type VersionDetail = z.output<typeof WatchlistVersionDetailResponse>;
export type ImportResult = z.output<typeof WatchlistImportResponse>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Watchlist imports: versioned releases of each list, what each changed, and the versions to read back. */
export class ScreeningImport {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly runs: ScreeningRuns,
  ) {}

  /**
   * Imports a release of a list in one transaction: all of it or, for a corrupt or truncated file, nothing. Records
   * the entries added, removed and changed since the list's previous import, and withdraws the pending hits against
   * the removed ones. The import's `watchlist.version_imported@1` makes screening run the registry against the entries
   * added or changed (`screenListUpdates`, an outbox consumer; `services.settle()` waits for it).
   */
  async importList(actor: Actor, input: ImportInput): Promise<ImportResult> {
    requirePermission(actor, 'screening.decide');
    const parsed = parseList(input.format, input.content);
    const raw = typeof input.content === 'string' ? input.content : [input.content.sdn, input.content.alt ?? '', input.content.add ?? ''].join('\u0000');
    const fileSha256 = sha256(raw);
    const versionId = this.ids.next();
    let diff!: ReturnType<typeof diffList>;
    await this.outbox.transaction(async (tx) => {
      diff = await this.importParsedIn(tx, actor, parsed, {
        versionId,
        fileSha256,
        fileName: input.fileName ?? null,
        force: input.force === true,
        confirmRemoval: input.confirmRemoval === true,
      });
    });
    this.runs.dropIndex();
    const version = (await findVersion(this.db, versionId))!;
    return { ...this.versionView(version), changes: { added: diff.added, removed: diff.removed, changed: diff.changed } };
  }

  /**
   * A release headquarters imported, as it came down to this site (sync): imported here in the caller's transaction
   * (the one that records the item applied), as headquarters' import read it. Headquarters already judged its order
   * and its removals, so neither is refused here; both are audited as usual. Entries that are not a list's entries
   * are refused (ValidationError) before anything is written.
   */
  async importReleaseIn(tx: Db, actor: Actor, release: { source: string; generatedAt: string | null; entries: unknown[] }, label: string): Promise<string> {
    if (!(LIST_FORMATS as readonly string[]).includes(release.source))
      throw new ValidationError('watchlist.bad_input', `A release of an unknown list ${JSON.stringify(release.source)}`);
    const entries = release.entries.map((e) => {
      const checked = WatchEntrySchema.safeParse(e);
      if (!checked.success)
        throw new ValidationError('watchlist.bad_input', `An entry of the release is not a list entry: ${checked.error.issues[0]?.message}`);
      return checked.data as WatchEntry;
    });
    const parsed: ParsedList = { format: release.source as ListFormat, generatedAt: release.generatedAt, entries, stats: computeStats(entries), warnings: [] };
    const versionId = this.ids.next();
    const fileSha256 = sha256(canonicalJson(entries));
    await this.importParsedIn(tx, actor, parsed, { versionId, fileSha256, fileName: label, force: true, confirmRemoval: true });
    this.runs.dropIndex();
    return versionId;
  }

  private async importParsedIn(
    tx: Db,
    actor: Actor,
    parsed: ParsedList,
    meta: { versionId: string; fileSha256: string; fileName: string | null; force: boolean; confirmRemoval: boolean },
  ): Promise<ReturnType<typeof diffList>> {
    const input = { fileName: meta.fileName ?? undefined, force: meta.force, confirmRemoval: meta.confirmRemoval };
    const { versionId, fileSha256 } = meta;
    const now = this.clock.now();
    const source = parsed.format;
    const prepared = parsed.entries.map((e) => ({ entry: e, contentHash: entryContentHash(e), screenHash: entryScreenHash(e) }));
    let diff!: ReturnType<typeof diffList>;
    let withdrawnHits = 0;
    {
      await lockSource(tx, source);
      const rollBack = await checkReleaseOrder(tx, source, parsed.generatedAt, input.force === true);
      if (rollBack) parsed.warnings.push(rollBack);
      const current = await currentEntries(tx, source);
      const activeHashes = new Map([...current].filter(([, v]) => v.active).map(([ref, v]) => [ref, v.contentHash]));
      diff = diffList(
        activeHashes,
        prepared.map((p) => ({ ref: p.entry.ref, contentHash: p.contentHash })),
      );
      const massRemoval = isMassRemoval(activeHashes.size, diff.removed.length);
      if (massRemoval && !input.confirmRemoval) {
        throw new ConflictError(
          'watchlist.mass_removal',
          `This release of ${source} would remove ${diff.removed.length} of its ${activeHashes.size} current entries ` +
            `(and withdraw the pending hits against them), leaving ${prepared.length}. A cut or wrong file looks like this. ` +
            'If the release is right, import it again with confirmRemoval=true (API: ?confirmRemoval=true or {"confirmRemoval": true}; CLI: --confirm-removal).',
          { removed: diff.removed.length, current: activeHashes.size, entries: prepared.length },
        );
      }
      if (massRemoval) {
        await this.audit.record(tx, actor, {
          action: 'watchlist.mass_removal_confirmed',
          subjectType: 'watchlist_version',
          subjectId: versionId,
          details: { source, fileName: input.fileName ?? null, removed: diff.removed.length, current: activeHashes.size, entries: prepared.length },
        });
      }
      await insertVersion(tx, {
        id: versionId,
        source,
        generatedAt: parsed.generatedAt ? new Date(parsed.generatedAt) : null,
        importedAt: now,
        importedBy: actor.userId,
        importedByUsername: actor.username,
        fileName: input.fileName ?? null,
        fileSha256,
        stats: parsed.stats,
        added: diff.added.length,
        removed: diff.removed.length,
        changed: diff.changed.length,
        unchanged: diff.unchanged,
        warnings: parsed.warnings,
      });
      const inserts: Parameters<typeof insertEntries>[1] = [];
      const changes: ChangeRow[] = [];
      const added = new Set(diff.added);
      const changed = new Set(diff.changed);
      for (const p of prepared) {
        const row = {
          kind: p.entry.kind,
          primaryName: p.entry.names[0]?.full ?? p.entry.ref,
          data: p.entry,
          contentHash: p.contentHash,
          screenHash: p.screenHash,
          active: true,
        };
        const existing = current.get(p.entry.ref);
        if (added.has(p.entry.ref)) {
          if (existing) {
            // back on the list after a removal
            await updateEntry(tx, existing.id, { ...row, changedVersionId: versionId, removedVersionId: null });
            changes.push({ versionId, entryId: existing.id, change: 'added', ref: p.entry.ref, beforeHash: existing.contentHash, afterHash: p.contentHash });
          } else {
            const id = this.ids.next();
            inserts.push({ id, source, ref: p.entry.ref, ...row, addedVersionId: versionId, changedVersionId: versionId });
            changes.push({ versionId, entryId: id, change: 'added', ref: p.entry.ref, beforeHash: null, afterHash: p.contentHash });
          }
        } else if (changed.has(p.entry.ref) && existing) {
          await updateEntry(tx, existing.id, { ...row, changedVersionId: versionId });
          changes.push({ versionId, entryId: existing.id, change: 'changed', ref: p.entry.ref, beforeHash: existing.contentHash, afterHash: p.contentHash });
        }
      }
      await insertEntries(tx, inserts);
      const removedEntryIds: string[] = [];
      for (const ref of diff.removed) {
        const existing = current.get(ref)!;
        await updateEntry(tx, existing.id, { active: false, removedVersionId: versionId });
        changes.push({ versionId, entryId: existing.id, change: 'removed', ref, beforeHash: existing.contentHash, afterHash: null });
        removedEntryIds.push(existing.id);
      }
      await insertChanges(tx, changes);
      // A pending hit against an entry that is no longer listed has nothing left for an officer to decide: it leaves
      // the queue here, in the import's transaction, kept with the reason. Decided hits keep their decision (the hit
      // view shows the entry's removal); should the entry come back, screening raises the pair again.
      const versionName = input.fileName ? `${versionId} (${input.fileName})` : versionId;
      const withdrawn = await withdrawPendingHits(tx, removedEntryIds, {
        versionId,
        at: now,
        reasonOf: (ref) => `Entry ${ref} was removed from the ${source} list in version ${versionName}`,
      });
      withdrawnHits = withdrawn.length;
      await this.audit.record(
        tx,
        actor,
        withdrawn.map((h) => ({
          action: 'screening.hit_withdraw',
          subjectType: 'person',
          subjectId: h.personId,
          details: { hitId: h.id, source: h.source, ref: h.ref, versionId, reason: h.reason },
        })),
      );
      await this.audit.record(tx, actor, {
        action: 'watchlist.import',
        subjectType: 'watchlist_version',
        subjectId: versionId,
        details: {
          source,
          fileName: input.fileName ?? null,
          fileSha256,
          entries: parsed.stats.entries,
          added: diff.added.length,
          removed: diff.removed.length,
          changed: diff.changed.length,
          withdrawnHits,
        },
      });
      this.outbox.emit(tx, WatchlistVersionImported, {
        versionId,
        source,
        added: diff.added.length,
        removed: diff.removed.length,
        changed: diff.changed.length,
        withdrawnHits,
      });
    }
    return diff;
  }

  private versionView(v: VersionRow): VersionView {
    return {
      id: v.id,
      source: v.source,
      generatedAt: v.generatedAt,
      importedAt: v.importedAt,
      importedBy: v.importedByUsername,
      fileName: v.fileName,
      fileSha256: v.fileSha256,
      stats: v.stats as ListStats,
      diff: { added: v.added, removed: v.removed, changed: v.changed, unchanged: v.unchanged },
      warnings: (v.warnings as string[]) ?? [],
    };
  }

  async versions(actor: Actor, source?: string): Promise<VersionView[]> {
    requirePermission(actor, 'screening.read');
    return (await listVersions(this.db, source)).map((v) => this.versionView(v));
  }

  /** One version with what it changed; `withdrawnHits` counts the pending hits its removals withdrew. */
  async version(actor: Actor, id: string): Promise<VersionDetail> {
    requirePermission(actor, 'screening.read');
    const v = await findVersion(this.db, id);
    if (!v) throw new NotFoundError('watchlist.version_not_found', `No watchlist version ${id}`);
    return { ...this.versionView(v), changes: await versionChanges(this.db, id), withdrawnHits: await countWithdrawnBy(this.db, id) };
  }
}
