import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, GENESIS_HASH } from '../../platform/canonical-json';
import { AuditChainVerifier, canonicalAuditJson, hashAuditEntry, type AuditEntry } from './audit.domain';

type Unhashed = Omit<AuditEntry, 'hash'>;

/** How every entry was hashed before the fixed-order writer: the generic canonical JSON (sorted keys) of these fields. */
function referenceCanonical(e: Unhashed): string {
  return canonicalJson({
    seq: e.seq,
    id: e.id,
    at: e.at,
    actorId: e.actorId,
    actorUsername: e.actorUsername,
    actorRole: e.actorRole,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    purpose: e.purpose,
    details: e.details ?? null,
    prevHash: e.prevHash,
  });
}

const PINNED: Unhashed = {
  seq: 42,
  id: '0190a6b2-7c00-7000-8000-000000000042',
  at: new Date('2026-01-21T09:00:00.125Z'),
  actorId: '0190a6b2-7c00-7000-8000-0000000000bb',
  actorUsername: 'commander',
  actorRole: 'commander',
  action: 'person.read',
  subjectType: 'person',
  subjectId: '0190a6b2-7c00-7000-8000-0000000000aa',
  purpose: 'family tracing «بحث»',
  details: { query: 'Mohammed "al" Baghdadi', count: 3, nested: { z: 1, a: [1, 'b'] } },
  prevHash: 'c'.repeat(64),
};

const arbText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));
const arbNullableText = fc.option(arbText, { nil: null });
const arbEntry: fc.Arbitrary<Unhashed> = fc.record({
  seq: fc.oneof(fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  id: arbText,
  at: fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }),
  actorId: arbNullableText,
  actorUsername: arbNullableText,
  actorRole: arbNullableText,
  action: arbText,
  subjectType: arbNullableText,
  subjectId: arbNullableText,
  purpose: arbNullableText,
  details: fc.oneof(fc.constant(null), fc.constant(undefined), fc.jsonValue({ maxDepth: 3 })),
  prevHash: arbText,
});

describe('audit entry canonical bytes', () => {
  it('hashes the pinned entry to the hash the generic canonical JSON gave it', () => {
    expect(hashAuditEntry(PINNED)).toBe('4376d1f78fcc4511c0eee6ada352fefd59529635535a7613aa374e9388de6601');
    expect(hashAuditEntry({ ...PINNED, details: null })).toBe('fa33e68f30e880f28067687b549821eec0769dfb89d34b5317bf52b76cc1a3dd');
  });

  it('writes the keys in canonical (sorted) order', () => {
    const keys = Object.keys(JSON.parse(canonicalAuditJson(PINNED)) as object);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(12);
  });

  it('gives exactly the bytes of the generic canonical JSON for any entry', () => {
    fc.assert(
      fc.property(arbEntry, (e) => {
        expect(canonicalAuditJson(e)).toBe(referenceCanonical(e));
        expect(hashAuditEntry(e)).toBe(createHash('sha256').update(referenceCanonical(e)).digest('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back to the generic routine, with the same bytes, for other shapes', () => {
    const odd = [
      { ...PINNED, actorId: undefined },
      { ...PINNED, at: '2026-01-21T09:00:00.125Z' },
      { ...PINNED, seq: '42' },
      { ...PINNED, purpose: 7 },
      { ...PINNED, hash: 'not hashed' },
    ] as unknown as Unhashed[];
    for (const e of odd) expect(canonicalAuditJson(e)).toBe(referenceCanonical(e));
  });

  it('a chain verifies, and changing any field of any entry breaks it at that entry', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { minLength: 1, maxLength: 15 }), fc.nat(), (drafts, pick) => {
        let prevHash = GENESIS_HASH;
        const chain: AuditEntry[] = drafts.map((d, i) => {
          const unhashed = { ...d, seq: i + 1, id: `entry-${i}`, details: d.details ?? null, prevHash };
          prevHash = hashAuditEntry(unhashed);
          return { ...unhashed, hash: prevHash };
        });
        const v = new AuditChainVerifier();
        for (const e of chain) expect(v.push(e)).toBeNull();
        const index = pick % chain.length;
        const tampered = chain.map((e, i) => (i === index ? { ...e, action: `${e.action}x` } : e));
        const w = new AuditChainVerifier();
        const bad = tampered.map((e) => w.push(e)).find((b) => b !== null);
        expect(bad?.seq).toBe(index + 1);
      }),
    );
  });
});
