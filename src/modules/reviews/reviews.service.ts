import { sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { LedgerEvent } from '../custody';
import {
  EXPORT_KIND,
  STATEMENT_KIND,
  pseudonym,
  signStatement,
  type CustodyStatement,
  type ExportHeader,
  type ExportedEvent,
  type SignedStatement,
  type SiteKey,
} from './reviews.domain';
import { CustodyStatementIssued } from './reviews.events';
import { loadSiteKey, pseudonymKey } from './reviews.keys';
import { inclusionPath, merkleRoot } from './reviews.merkle';
import type { ReviewsPorts } from './reviews.ports';
import { TimelineService } from './reviews.timeline.service';
import { ReviewDocuments } from './reviews.document.service';
import { countsByFacilityAndStatus, findStatement, insertStatement, latestStatement, listStatements, type StatementRow } from './reviews.repository';

const PAGE = 20_000;
const HASH_PAGE = 100_000;
const DAY_MS = 24 * 3_600_000;

export interface StatementView extends SignedStatement {
  id: string;
  siteId: string;
  issuedAt: Date;
  reason: string;
  issuedBy: string;
  statement: CustodyStatement;
}

/** What a person (or their representative) is given to check that their own event is in the published chain. */
export interface InclusionProof {
  kind: 'custos.inclusion-proof';
  version: 1;
  /** The event as stored: hashing its canonical JSON gives `eventHash`. */
  event: Omit<LedgerEvent, 'hash'>;
  eventHash: string;
  siteId: string;
  /** Leaf index (seq - 1) and tree size (the stated seq). */
  index: number;
  size: number;
  path: string[];
  merkleRoot: string;
  statement: SignedStatement & { id: string };
}

const view = (row: StatementRow): StatementView => ({
  id: row.id,
  siteId: row.siteId,
  issuedAt: row.issuedAt,
  reason: row.reason,
  issuedBy: row.issuedBy,
  statementText: row.statementText,
  signature: row.signature,
  publicKey: row.publicKey,
  statement: JSON.parse(row.statementText) as CustodyStatement,
});

/**
 * Signed custody statements (a site's counts, chain heads with Merkle roots, audit head), the ledger export a monitor
 * checks with `custos ledger check`, and inclusion proofs for a person's own events.
 */
export class ReviewsService {
  private key: SiteKey | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The after-action timeline (reviews.timeline.service.ts). */
  readonly timeline: TimelineService;
  /** After-action review documents (reviews.document.service.ts). */
  readonly documents: ReviewDocuments;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: ReviewsPorts,
    private readonly siteId: string,
    private readonly logger: Logger,
    private readonly dataDir: string | undefined,
  ) {
    this.timeline = new TimelineService(db, audit, ports, () => pseudonymKey(this.siteKey()));
    this.documents = new ReviewDocuments(
      db,
      clock,
      ids,
      audit,
      outbox,
      ports,
      this.timeline,
      () => this.siteKey(),
      () => pseudonymKey(this.siteKey()),
      siteId,
    );
  }

  private siteKey(): SiteKey {
    this.key ??= loadSiteKey({ dataDir: this.dataDir });
    return this.key;
  }

  /** The site's public key (base64 SPKI DER): what a monitor pins. */
  publicKey(): string {
    return this.siteKey().publicKey;
  }

  /** The Merkle root over a site's event hashes 1..upToSeq, read in pages on `db`. */
  private async rootOf(db: Db, siteId: string, upToSeq: number): Promise<string> {
    return merkleRoot(await this.hashesOf(db, siteId, upToSeq));
  }

  private async hashesOf(db: Db, siteId: string, upToSeq: number): Promise<string[]> {
    const all: string[] = [];
    for (let after = 0; after < upToSeq; ) {
      const page = await this.ports.ledger.chainHashes(db, siteId, after, upToSeq, HASH_PAGE);
      if (page.hashes.length === 0) break;
      for (const h of page.hashes) all.push(h);
      after = page.lastSeq;
    }
    return all;
  }

  /**
   * Issues a statement now: heads, Merkle roots, audit head and counts read in one snapshot (repeatable read), signed
   * with the site key, stored, audited and announced on the outbox. `actor` null: the daily schedule.
   */
  async issue(actor: Actor | null, reason: 'daily' | 'on_demand' = 'on_demand', note?: string): Promise<StatementView> {
    if (actor) requirePermission(actor, 'ledger.statement');
    const who = actor ?? systemActor('custody statements');
    const key = this.siteKey();
    const id = this.ids.next();
    // One snapshot for every figure (counts and heads of the same moment even while appends go on), read in its own
    // read-only transaction: writing the statement and its audit row in a repeatable-read transaction would fail to
    // serialize against every concurrent audit write.
    const statement = await this.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read read only`);
      const heads = await this.ports.ledger.chainHeads(tx);
      const ledger = [];
      for (const h of heads.filter((x) => x.seq > 0)) {
        ledger.push({ siteId: h.siteId, seq: h.seq, hash: h.hash, merkleRoot: await this.rootOf(tx, h.siteId, h.seq) });
      }
      const stated: CustodyStatement = {
        kind: STATEMENT_KIND,
        version: 1,
        siteId: this.siteId,
        issuedAt: this.clock.now().toISOString(),
        reason,
        ledger,
        audit: await this.ports.auditHead(tx),
        counts: await countsByFacilityAndStatus(tx),
        publicKey: key.publicKey,
      };
      return stated;
    });
    const signed = signStatement(statement, key);
    const row: StatementRow = {
      id,
      siteId: this.siteId,
      issuedAt: new Date(statement.issuedAt),
      reason,
      statementText: signed.statementText,
      signature: signed.signature,
      publicKey: signed.publicKey,
      issuedBy: note ? `${who.username} (${note})` : who.username,
    };
    await this.outbox.transaction(async (tx) => {
      await insertStatement(tx, row);
      await this.audit.record(tx, who, {
        action: 'ledger.statement_issued',
        subjectType: 'statement',
        subjectId: id,
        details: { reason, ledger: statement.ledger },
      });
      this.outbox.emit(tx, CustodyStatementIssued, {
        statementId: id,
        siteId: this.siteId,
        issuedAt: statement.issuedAt,
        reason,
        heads: statement.ledger.map((h) => ({ siteId: h.siteId, seq: h.seq, hash: h.hash })),
      });
    });
    return view(row);
  }

  async list(actor: Actor, page: { limit: number; offset: number }): Promise<{ total: number; offset: number; limit: number; items: StatementView[] }> {
    requirePermission(actor, 'ledger.verify');
    const { total, rows } = await listStatements(this.db, page);
    return { total, offset: page.offset, limit: page.limit, items: rows.map(view) };
  }

  async get(actor: Actor, id: string): Promise<StatementView> {
    requirePermission(actor, 'ledger.verify');
    const row = await findStatement(this.db, id);
    if (!row) throw new NotFoundError('reviews.statement_not_found', `No custody statement ${id}`);
    return view(row);
  }

  async latest(actor: Actor): Promise<StatementView> {
    requirePermission(actor, 'ledger.verify');
    const row = await latestStatement(this.db);
    if (!row) throw new NotFoundError('reviews.no_statement', 'No custody statement has been issued yet');
    return view(row);
  }

  /**
   * Writes the ledger export line by line (NDJSON): a header, every statement issued so far (the last one issued for
   * this export, so the file ends exactly at a stated head), then each site's events up to that head, with persons as
   * keyed pseudonyms and no names, reasons, evidence or officers. `writeLine` gets one line or several joined by
   * newlines, each time without the last newline.
   */
  async exportLedger(actor: Actor | null, writeLine: (lines: string) => void | Promise<void>): Promise<{ events: number; statementId: string }> {
    return (await this.prepareExport(actor))(writeLine);
  }

  /**
   * Everything of an export that may fail with an answer (the permission, the export's statement) before the first
   * byte is sent; the function it returns writes the file.
   */
  async prepareExport(actor: Actor | null): Promise<(writeLine: (lines: string) => void | Promise<void>) => Promise<{ events: number; statementId: string }>> {
    if (actor) requirePermission(actor, 'ledger.verify');
    const who = actor ?? systemActor('ledger export');
    // The export's own statement is the site's, whoever asks for the export (a monitor may not issue one otherwise).
    const current = await this.issue(null, 'on_demand', `for a ledger export by ${who.username}`);
    const statements: StatementView[] = [];
    for (let offset = 0; ; offset += 500) {
      const { rows } = await listStatements(this.db, { limit: 500, offset });
      statements.push(...rows.map(view));
      if (rows.length < 500) break;
    }
    statements.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
    const sites = current.statement.ledger.map((h) => ({ siteId: h.siteId, events: h.seq }));
    const header: ExportHeader = {
      kind: EXPORT_KIND,
      version: 1,
      exportedAt: this.clock.now().toISOString(),
      exportedBy: who.username,
      sites,
      pseudonyms: 'HMAC-SHA256 of the person id under a key derived from the site key, first 32 hex digits',
    };
    return async (writeLine) => {
      await writeLine(JSON.stringify({ header }));
      for (const s of statements)
        await writeLine(JSON.stringify({ statement: { id: s.id, statementText: s.statementText, signature: s.signature, publicKey: s.publicKey } }));
      const pkey = pseudonymKey(this.siteKey());
      let events = 0;
      for (const head of current.statement.ledger) {
        for (let after = 0; after < head.seq; ) {
          const page = await this.ports.ledger.chainPage(this.db, head.siteId, after, head.seq, PAGE);
          if (page.length === 0) break;
          // one write per page (the lines joined): a write per event cost more than the events themselves
          const lines = new Array<string>(page.length);
          for (let i = 0; i < page.length; i++) {
            const e = page[i]!;
            const out: ExportedEvent = {
              siteId: e.siteId,
              seq: e.seq,
              hash: e.hash,
              prevHash: e.prevHash,
              type: e.type,
              occurredAt: e.occurredAt.toISOString(),
              recordedAt: e.recordedAt.toISOString(),
              fromFacilityId: e.fromFacilityId,
              fromUnitId: e.fromUnitId,
              toFacilityId: e.toFacilityId,
              toUnitId: e.toUnitId,
              subject: pseudonym(pkey, e.personId),
            };
            lines[i] = JSON.stringify({ event: out });
          }
          await writeLine(lines.join('\n'));
          events += page.length;
          after = page[page.length - 1]!.seq;
        }
      }
      await this.db.transaction((tx) =>
        this.audit.record(tx, who, {
          action: 'ledger.export',
          subjectType: 'statement',
          subjectId: current.id,
          details: { events, statements: statements.length },
        }),
      );
      return { events, statementId: current.id };
    };
  }

  /**
   * The inclusion proof of one event under the latest statement that covers it: the event as stored, its leaf index,
   * the audit path and the signed statement with the root. Audited as a read of the person's record.
   */
  async inclusionProof(actor: Actor, eventId: string): Promise<InclusionProof> {
    requirePermission(actor, 'ledger.proof');
    const event = await this.ports.ledger.eventById(this.db, eventId);
    // out of scope reads as unknown: the answer must not say whether a hidden person has an event
    if (!event || !(await this.ports.personInScope(this.db, actor, event.personId))) {
      throw new NotFoundError('reviews.event_not_found', `No custody event ${eventId}`);
    }
    const latest = await latestStatement(this.db);
    const stated = latest ? view(latest) : null;
    const head = stated?.statement.ledger.find((h) => h.siteId === event.siteId);
    if (!stated || !head || head.seq < event.seq) {
      throw new ConflictError('reviews.not_yet_stated', 'This event is newer than the last custody statement: issue a statement first (POST /statements)');
    }
    const hashes = await this.hashesOf(this.db, event.siteId, head.seq);
    const { hash, ...stored } = event;
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, {
        action: 'ledger.inclusion_proof',
        subjectType: 'person',
        subjectId: event.personId,
        details: { eventId, statementId: stated.id },
      }),
    );
    return {
      kind: 'custos.inclusion-proof',
      version: 1,
      event: stored,
      eventHash: hash,
      siteId: event.siteId,
      index: event.seq - 1,
      size: head.seq,
      path: inclusionPath(hashes, event.seq - 1),
      merkleRoot: head.merkleRoot,
      statement: { id: stated.id, statementText: stated.statementText, signature: stated.signature, publicKey: stated.publicKey },
    };
  }

  /** The daily statement: issued when the last one is a day old (or none exists and the ledger holds events). */
  async tick(now: Date = this.clock.now()): Promise<StatementView | null> {
    const last = await latestStatement(this.db);
    if (last && now.getTime() - last.issuedAt.getTime() < DAY_MS) return null;
    const heads = await this.ports.ledger.chainHeads(this.db);
    if (!last && !heads.some((h) => h.seq > 0)) return null;
    return this.issue(null, 'daily');
  }

  start(opts: { intervalMs: number }): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.logger.error({ err }, 'custody statement schedule failed'));
    }, opts.intervalMs);
    this.timer.unref();
    this.tick().catch((err) => this.logger.error({ err }, 'custody statement schedule failed'));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
