import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../platform/canonical-json';
import { ExportChecker, siteKeyFromPem, signStatement, openStatement, type CustodyStatement, type ExportedEvent } from './reviews.domain';
import { EMPTY_ROOT, inclusionPath, leafHash, merkleRoot, nodeHash, verifyInclusion } from './reviews.merkle';

const h = (i: number) => createHash('sha256').update(`event ${i}`).digest('hex');
const hashes = (n: number) => Array.from({ length: n }, (_, i) => h(i));

/** RFC 6962's definition, written recursively as the reference the accumulator must agree with. */
function referenceRoot(leaves: string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]!).toString('hex');
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(Buffer.from(referenceRoot(leaves.slice(0, k)), 'hex'), Buffer.from(referenceRoot(leaves.slice(k)), 'hex')).toString('hex');
}

describe('the Merkle tree over a chain', () => {
  it('agrees with the recursive definition for every size up to 70', () => {
    for (let n = 0; n <= 70; n++) expect(merkleRoot(hashes(n)), `n=${n}`).toBe(referenceRoot(hashes(n)));
  });

  it('proves every leaf of trees of many sizes, and no leaf at another index or under another root', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 31, 64, 100]) {
      const leaves = hashes(n);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i++) {
        const path = inclusionPath(leaves, i);
        expect(verifyInclusion(leaves[i]!, i, n, path, root), `n=${n} i=${i}`).toBe(true);
        if (n > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % n, n, path, root)).toBe(false);
        expect(verifyInclusion(leaves[i]!, i, n, path, merkleRoot(hashes(n + 1)))).toBe(false);
      }
    }
  });

  it('fails when one byte of the leaf or of the path changes', () => {
    const leaves = hashes(37);
    const root = merkleRoot(leaves);
    const path = inclusionPath(leaves, 20);
    const flip = (hex: string) => `${hex.slice(0, 10)}${hex[10] === '0' ? '1' : '0'}${hex.slice(11)}`;
    expect(verifyInclusion(flip(leaves[20]!), 20, 37, path, root)).toBe(false);
    for (let j = 0; j < path.length; j++) {
      const bad = [...path];
      bad[j] = flip(bad[j]!);
      expect(verifyInclusion(leaves[20]!, 20, 37, bad, root)).toBe(false);
    }
    expect(verifyInclusion(leaves[20]!, 20, 37, path.slice(1), root)).toBe(false);
  });
});

const key = siteKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
const FAC = '00000000-0000-7000-8000-000000000001';
const UNIT = '00000000-0000-7000-8000-000000000002';
const UNIT2 = '00000000-0000-7000-8000-000000000003';

/** A small chain: three persons admitted, one moved, one escaped. Hashes are stand-ins linked like the ledger's. */
function chain(): ExportedEvent[] {
  const steps: [string, ExportedEvent['type'], string | null][] = [
    ['a', 'ADMITTED', UNIT],
    ['b', 'ADMITTED', UNIT],
    ['c', 'ADMITTED', UNIT],
    ['a', 'MOVED', UNIT2],
    ['c', 'ESCAPED', null],
  ];
  let prev = GENESIS_HASH;
  return steps.map(([subject, type, unit], i) => {
    const hash = h(1000 + i);
    const e: ExportedEvent = {
      siteId: 'hq',
      seq: i + 1,
      hash,
      prevHash: prev,
      type,
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:00.000Z',
      fromFacilityId: null,
      fromUnitId: null,
      toFacilityId: type === 'ESCAPED' ? null : FAC,
      toUnitId: unit,
      subject,
    };
    prev = hash;
    return e;
  });
}

function statementAt(events: ExportedEvent[], seq: number, counts: CustodyStatement['counts']) {
  const upTo = events.slice(0, seq);
  return signStatement(
    {
      kind: 'custos.custody-statement',
      version: 1,
      siteId: 'hq',
      issuedAt: `2026-01-0${seq}T00:00:00.000Z`,
      reason: 'on_demand',
      ledger: [{ siteId: 'hq', seq, hash: upTo.at(-1)!.hash, merkleRoot: merkleRoot(upTo.map((e) => e.hash)) }],
      audit: { seq: 1, hash: 'x' },
      counts,
      publicKey: key.publicKey,
    },
    key,
  );
}

const finalCounts: CustodyStatement['counts'] = [
  { facilityId: FAC, facilityCode: 'HOL', status: 'in_custody', count: 2 },
  { facilityId: FAC, facilityCode: 'HOL', status: 'escaped', count: 1 },
];

function check(events: ExportedEvent[], statements: ReturnType<typeof statementAt>[], published: ReturnType<typeof statementAt>[] = [], pinned?: string) {
  const c = new ExportChecker(pinned);
  for (const p of published) c.addStatement(p, 'published');
  for (const s of statements) c.addStatement(s, 'file');
  for (const e of events) c.addEvent(e);
  return c.finish();
}

describe('the offline check of an export', () => {
  it('passes an intact chain with its statements, replaying the counts', () => {
    const events = chain();
    const early = statementAt(events, 3, [{ facilityId: FAC, facilityCode: 'HOL', status: 'in_custody', count: 3 }]);
    const r = check(events, [early, statementAt(events, 5, finalCounts)], [early], key.publicKey);
    expect(r.ok).toBe(true);
    expect(r.statements.map((s) => s.counts)).toEqual(['match', 'match', 'match']);
    expect(r.descendsFromPublished).toBe(true);
  });

  it('catches a chain rewritten and re-hashed after an earlier published statement', () => {
    const events = chain();
    const early = statementAt(events, 3, [{ facilityId: FAC, facilityCode: 'HOL', status: 'in_custody', count: 3 }]);
    // the operator alters event 2 and re-hashes everything after it, then states the new chain afresh
    const rewritten = events.map((e) => ({ ...e }));
    let prev = rewritten[0]!.hash;
    for (let i = 1; i < rewritten.length; i++) {
      rewritten[i]!.prevHash = prev;
      rewritten[i]!.hash = h(5000 + i);
      prev = rewritten[i]!.hash;
    }
    const fresh = statementAt(rewritten, 5, finalCounts);
    const r = check(rewritten, [fresh], [early]);
    expect(r.chainProblems).toEqual([]);
    expect(r.descendsFromPublished).toBe(false);
    expect(r.ok).toBe(false);
    expect(r.statements.find((s) => s.source === 'published')?.problem).toMatch(/rewritten/);
  });

  it('catches a broken link, a gap, stated counts that differ from the chain, and a forged or foreign signature', () => {
    const events = chain();
    const bad = events.map((e) => ({ ...e }));
    bad[2]!.prevHash = h(9);
    expect(check(bad, []).chainProblems[0]).toMatchObject({ seq: 3, problem: expect.stringMatching(/prevHash/) });
    expect(check([events[0]!, events[2]!], []).chainProblems[0]).toMatchObject({ problem: expect.stringMatching(/expected seq 2/) });

    const lying = statementAt(events, 5, [{ facilityId: FAC, facilityCode: 'HOL', status: 'in_custody', count: 3 }]);
    const r = check(events, [lying]);
    expect(r.ok).toBe(false);
    expect(r.statements[0]).toMatchObject({ counts: 'differ', signatureValid: true });

    const honest = statementAt(events, 5, finalCounts);
    const forged = { ...honest, statementText: honest.statementText.replace('"count":2', '"count":3') };
    expect(openStatement(forged)).toMatchObject({ ok: false, problem: expect.stringMatching(/signature/) });
    const other = siteKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    expect(openStatement(honest, other.publicKey)).toMatchObject({ ok: false, problem: expect.stringMatching(/pinned/) });
    expect(check(events, [forged]).ok).toBe(false);
  });
});
