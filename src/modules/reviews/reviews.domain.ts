import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '../../platform/canonical-json';
import { NOT_ADMITTED, hashEvent, transition, type CustodyStatus, type EventType, type LedgerEvent, type Placement } from '../custody';
import { MerkleAccumulator, verifyInclusion } from './reviews.merkle';

/**
 * Signed custody statements and the ledger export a monitor checks offline (issue 21, points 4 and 5). Everything
 * here is pure: the service gathers the figures, the CLI `custos ledger check` runs the checker on a file with no
 * database and no server.
 */

export const STATEMENT_KIND = 'custos.custody-statement';
export const EXPORT_KIND = 'custos.ledger-export';

/** One site chain's head as a statement publishes it: the Merkle root over its event hashes 1..seq in seq order. */
export interface StatedHead {
  siteId: string;
  seq: number;
  hash: string;
  merkleRoot: string;
}

export interface StatedCount {
  facilityId: string;
  facilityCode: string;
  status: CustodyStatus;
  count: number;
}

export interface CustodyStatement {
  kind: typeof STATEMENT_KIND;
  version: 1;
  /** The site that signs (its key), and when. */
  siteId: string;
  issuedAt: string;
  reason: 'daily' | 'on_demand';
  /** Every chain the site's database holds. */
  ledger: StatedHead[];
  audit: { seq: number; hash: string };
  /** Persons by facility and custody status (registered-only persons, never admitted, are not in custody). */
  counts: StatedCount[];
  /** The signing key (base64 SPKI DER), so a statement is self-describing; a monitor pins it from the first one. */
  publicKey: string;
}

export interface SignedStatement {
  statementText: string;
  signature: string;
  publicKey: string;
}

/** The statement's exact bytes: canonical JSON with its arrays in a fixed order. */
export function statementText(s: CustodyStatement): string {
  const ledger = [...s.ledger].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  const counts = [...s.counts].sort((a, b) => (a.facilityCode + a.status < b.facilityCode + b.status ? -1 : 1));
  return canonicalJson({ ...s, ledger, counts });
}

// --- keys -----------------------------------------------------------------------------------------------------------

export interface SiteKey {
  privateKey: KeyObject;
  /** base64 SPKI DER */
  publicKey: string;
}

export function siteKeyFromPem(pem: string): SiteKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('The site signing key must be an Ed25519 private key (PKCS#8 PEM)');
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, publicKey };
}

export function signStatement(statement: CustodyStatement, key: SiteKey): SignedStatement {
  if (statement.publicKey !== key.publicKey) throw new Error('The statement names another key than the one signing it');
  const text = statementText(statement);
  return { statementText: text, signature: cryptoSign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64'), publicKey: key.publicKey };
}

export function verifySignature(text: string, publicKeyBase64: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return cryptoVerify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** Parses a signed statement and checks its signature (against `pinnedKey` when given, else the key it names). */
export function openStatement(
  signed: SignedStatement,
  pinnedKey?: string,
): { ok: true; statement: CustodyStatement } | { ok: false; problem: string } {
  let statement: CustodyStatement;
  try {
    statement = JSON.parse(signed.statementText) as CustodyStatement;
  } catch {
    return { ok: false, problem: 'the statement is not JSON' };
  }
  if (statement?.kind !== STATEMENT_KIND || statement.version !== 1) return { ok: false, problem: 'not a custody statement of version 1' };
  if (statement.publicKey !== signed.publicKey) return { ok: false, problem: 'the statement names another key than the one given with it' };
  if (pinnedKey && signed.publicKey !== pinnedKey) return { ok: false, problem: 'signed with another key than the pinned site key' };
  if (!verifySignature(signed.statementText, signed.publicKey, signed.signature)) return { ok: false, problem: 'the signature does not verify' };
  return { ok: true, statement };
}

// --- the export -----------------------------------------------------------------------------------------------------

/** What an exported event carries: no name, no reason, no evidence, no officer; the person as a keyed pseudonym. */
export interface ExportedEvent {
  siteId: string;
  seq: number;
  hash: string;
  prevHash: string;
  type: EventType;
  occurredAt: string;
  recordedAt: string;
  fromFacilityId: string | null;
  fromUnitId: string | null;
  toFacilityId: string | null;
  toUnitId: string | null;
  subject: string;
}

export interface ExportHeader {
  kind: typeof EXPORT_KIND;
  version: 1;
  exportedAt: string;
  exportedBy: string;
  /** Chains in the file and how many events each holds. */
  sites: { siteId: string; events: number }[];
  pseudonyms: string;
}

/** A stable pseudonym of a person for exports: HMAC-SHA256 under a key only the site holds, so nobody can reverse it. */
export function pseudonym(key: Buffer, personId: string): string {
  return createHmac('sha256', key).update(personId).digest('hex').slice(0, 32);
}

export interface StatementCheck {
  issuedAt: string | null;
  signatureValid: boolean;
  problem: string | null;
  /** Each stated head: present on the exported chain with the same hash and Merkle root. */
  heads: { siteId: string; seq: number; onChain: boolean; rootMatches: boolean; problem: string | null }[];
  /** The stated counts against a replay of the exported chain (checked when the file holds one site's chain). */
  counts: 'match' | 'differ' | 'not_checked';
  countDifferences: { facilityId: string; status: string; stated: number; replayed: number }[];
  /** Whether this statement came from the file or was published earlier and given to the check. */
  source: 'file' | 'published';
}

export interface ExportCheckResult {
  ok: boolean;
  sites: { siteId: string; events: number; head: { seq: number; hash: string } | null; merkleRoot: string }[];
  chainProblems: { siteId: string; seq: number; problem: string }[];
  statements: StatementCheck[];
  /** Every published statement given to the check is on the exported chain: the export descends from it. */
  descendsFromPublished: boolean | null;
  keys: string[];
}

interface SiteState {
  nextSeq: number;
  lastHash: string;
  acc: MerkleAccumulator;
  /** Hash and root at the seqs statements name (collected as the chain streams past them). */
  seen: Map<number, { hash: string; root: string }>;
  wanted: Set<number>;
}

/**
 * Checks an export as it streams: every chain gapless from seq 1 and linked (each prevHash the hash before it), each
 * statement's signature, each stated head on the chain with its Merkle root, and the stated counts against a replay of
 * the chain through the custody state machine. Statements must be given before the events (the file puts them
 * first) so that the roots at their seqs are kept while streaming; memory stays O(sites x log n + subjects).
 *
 * What it cannot prove without the content: that each hash is the hash of the real event. That is what the server's
 * own verify does; this check makes a rewritten and re-hashed chain visible against any statement published before.
 */
export class ExportChecker {
  private readonly sites = new Map<string, SiteState>();
  private readonly statements: { signed: SignedStatement; source: 'file' | 'published'; opened: ReturnType<typeof openStatement> }[] = [];
  private readonly chainProblems: ExportCheckResult['chainProblems'] = [];
  private readonly placements = new Map<string, Placement>();
  private replayBroken = false;
  private readonly keys = new Set<string>();
  /** Counts of the replay at the seqs single-site statements name. */
  private readonly countsAt = new Map<number, Map<string, number>>();

  constructor(private readonly pinnedKey?: string) {}

  addStatement(signed: SignedStatement, source: 'file' | 'published' = 'file'): void {
    const opened = openStatement(signed, this.pinnedKey);
    this.keys.add(signed.publicKey);
    this.statements.push({ signed, source, opened });
    if (!opened.ok) return;
    for (const head of opened.statement.ledger ?? []) this.site(head.siteId).wanted.add(head.seq);
  }

  private site(siteId: string): SiteState {
    let s = this.sites.get(siteId);
    if (!s) {
      s = { nextSeq: 1, lastHash: GENESIS_HASH, acc: new MerkleAccumulator(), seen: new Map(), wanted: new Set() };
      this.sites.set(siteId, s);
    }
    return s;
  }

  addEvent(e: ExportedEvent): void {
    const s = this.site(e.siteId);
    if (e.seq !== s.nextSeq) {
      this.chainProblems.push({ siteId: e.siteId, seq: e.seq, problem: `expected seq ${s.nextSeq}, found ${e.seq}` });
    } else if (e.prevHash !== s.lastHash) {
      this.chainProblems.push({ siteId: e.siteId, seq: e.seq, problem: 'its prevHash is not the hash of the event before it' });
    }
    if (!/^[0-9a-f]{64}$/.test(e.hash)) {
      this.chainProblems.push({ siteId: e.siteId, seq: e.seq, problem: 'not a sha256 hash' });
      s.nextSeq = e.seq + 1;
      return;
    }
    s.acc.addEventHash(e.hash);
    s.nextSeq = e.seq + 1;
    s.lastHash = e.hash;
    this.replay(e);
    if (s.wanted.has(e.seq)) {
      s.seen.set(e.seq, { hash: e.hash, root: s.acc.root() });
      if (this.sites.size === 1) this.countsAt.set(e.seq, this.currentCounts());
    }
  }

  private replay(e: ExportedEvent): void {
    if (this.replayBroken) return;
    const current = this.placements.get(e.subject) ?? NOT_ADMITTED;
    try {
      const t = transition(current, {
        type: e.type,
        toFacilityId: e.toFacilityId,
        toUnitId: e.toUnitId,
        toUnitFacilityId: e.toUnitId ? e.toFacilityId : null,
        reason: 'withheld', // reasons are not exported; the state machine only needs one to be there
      });
      this.placements.set(e.subject, t.next);
    } catch (err) {
      this.replayBroken = true;
      this.chainProblems.push({ siteId: e.siteId, seq: e.seq, problem: `the custody state machine refuses it on replay: ${(err as Error).message}` });
    }
  }

  private currentCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const p of this.placements.values()) {
      if (p.status === 'registered' || !p.facilityId) continue;
      const key = `${p.facilityId}|${p.status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  finish(): ExportCheckResult {
    const statements: StatementCheck[] = this.statements.map(({ opened, source }) => {
      if (!opened.ok) {
        return { issuedAt: null, signatureValid: false, problem: opened.problem, heads: [], counts: 'not_checked', countDifferences: [], source };
      }
      const st = opened.statement;
      const heads = st.ledger.map((h) => {
        const seen = this.sites.get(h.siteId)?.seen.get(h.seq);
        if (!seen) return { siteId: h.siteId, seq: h.seq, onChain: false, rootMatches: false, problem: `the exported chain of ${h.siteId} does not reach seq ${h.seq}` };
        const onChain = seen.hash === h.hash;
        const rootMatches = seen.root === h.merkleRoot;
        const problem = !onChain
          ? `the exported event ${h.siteId}/${h.seq} has another hash than the statement's head: the chain was rewritten after it was stated`
          : !rootMatches
            ? 'the Merkle root over the exported chain differs from the stated one'
            : null;
        return { siteId: h.siteId, seq: h.seq, onChain, rootMatches, problem };
      });
      let counts: StatementCheck['counts'] = 'not_checked';
      const countDifferences: StatementCheck['countDifferences'] = [];
      const single = st.ledger.length === 1 && this.sites.size === 1 ? this.countsAt.get(st.ledger[0]!.seq) : undefined;
      if (single && !this.replayBroken) {
        const stated = new Map(st.counts.map((c) => [`${c.facilityId}|${c.status}`, c.count]));
        for (const key of new Set([...stated.keys(), ...single.keys()])) {
          const a = stated.get(key) ?? 0;
          const b = single.get(key) ?? 0;
          if (a !== b) {
            const [facilityId, status] = key.split('|') as [string, string];
            countDifferences.push({ facilityId, status, stated: a, replayed: b });
          }
        }
        counts = countDifferences.length === 0 ? 'match' : 'differ';
      }
      const problem = heads.find((h) => h.problem)?.problem ?? (counts === 'differ' ? 'the stated counts differ from the replayed chain' : null);
      return { issuedAt: st.issuedAt, signatureValid: true, problem, heads, counts, countDifferences, source };
    });
    const published = statements.filter((s) => s.source === 'published');
    const descendsFromPublished = published.length === 0 ? null : published.every((s) => s.signatureValid && s.heads.every((h) => h.onChain && h.rootMatches));
    const sites = [...this.sites.entries()]
      .filter(([, s]) => s.nextSeq > 1)
      .map(([siteId, s]) => ({
        siteId,
        events: s.nextSeq - 1,
        head: s.nextSeq > 1 ? { seq: s.nextSeq - 1, hash: s.lastHash } : null,
        merkleRoot: s.acc.root(),
      }));
    const ok = this.chainProblems.length === 0 && statements.every((s) => s.problem === null) && descendsFromPublished !== false;
    return { ok, sites, chainProblems: this.chainProblems, statements, descendsFromPublished, keys: [...this.keys] };
  }
}

// --- inclusion proofs -----------------------------------------------------------------------------------------------

export interface InclusionProofDocument {
  kind: 'custos.inclusion-proof';
  version: 1;
  event: Omit<LedgerEvent, 'hash' | 'occurredAt' | 'recordedAt'> & { occurredAt: string | Date; recordedAt: string | Date };
  eventHash: string;
  siteId: string;
  index: number;
  size: number;
  path: string[];
  merkleRoot: string;
  statement: SignedStatement;
}

/**
 * Checks an inclusion proof with nothing but the document (and, better, the site key the checker pinned earlier):
 * the event's canonical JSON hashes to `eventHash`, the audit path leads from it to `merkleRoot`, and that root is the
 * one a validly signed statement published for the site at exactly `size` events.
 */
export function verifyInclusionProof(proof: InclusionProofDocument, pinnedKey?: string): { ok: boolean; problem: string | null } {
  if (proof?.kind !== 'custos.inclusion-proof' || proof.version !== 1) return { ok: false, problem: 'not an inclusion proof of version 1' };
  const e = proof.event;
  const recomputed = hashEvent({ ...e, occurredAt: new Date(e.occurredAt), recordedAt: new Date(e.recordedAt) } as Omit<LedgerEvent, 'hash'>);
  if (recomputed !== proof.eventHash) return { ok: false, problem: 'the event does not hash to the stated event hash: it was altered' };
  if (e.siteId !== proof.siteId || e.seq !== proof.index + 1) return { ok: false, problem: 'the event is not the leaf the proof names' };
  if (!verifyInclusion(proof.eventHash, proof.index, proof.size, proof.path, proof.merkleRoot)) {
    return { ok: false, problem: 'the audit path does not lead to the Merkle root' };
  }
  const opened = openStatement(proof.statement, pinnedKey);
  if (!opened.ok) return { ok: false, problem: `statement: ${opened.problem}` };
  const head = opened.statement.ledger.find((h) => h.siteId === proof.siteId);
  if (!head || head.seq !== proof.size || head.merkleRoot !== proof.merkleRoot) {
    return { ok: false, problem: 'the signed statement does not publish this root for this site and size' };
  }
  return { ok: true, problem: null };
}
