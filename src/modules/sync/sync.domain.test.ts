import { describe, expect, it } from 'vitest';
import { agoText, chainHash, GENESIS_HASH, judge, namesFor, seal, siteFigures, statusLine, SyncMessage, type WireEvent } from './sync.domain';

const event = (n: number): WireEvent => ({
  id: `0190a0b0-0000-7000-8000-${String(n).padStart(12, '0')}`,
  type: 'custody.event_appended',
  version: 1,
  occurredAt: '2026-01-10T08:00:00.000Z',
  recordedAt: '2026-01-10T08:00:01.000Z',
  subjects: { personIds: [], facilityIds: [], unitIds: [] },
  payload: { n, nested: { b: 2, a: 1 } },
});

const chain = (count: number) =>
  seal(
    'alpha',
    { seq: 0, hash: GENESIS_HASH },
    Array.from({ length: count }, (_, i) => ({ seq: i + 1, event: event(i + 1) })),
  ).map((l) => SyncMessage.parse({ v: 1, site: 'alpha', epoch: 1, ...l }));

describe('the replication chain', () => {
  it('links each event to the one before, over canonical JSON (key order does not matter)', () => {
    const [a, b] = chain(2);
    expect(a!.prevHash).toBe(GENESIS_HASH);
    expect(b!.prevHash).toBe(a!.hash);
    const reordered = { ...event(1), payload: { nested: { a: 1, b: 2 }, n: 1 } };
    expect(chainHash(GENESIS_HASH, 'alpha', 1, reordered)).toBe(a!.hash);
    // the site and the seq are covered: the same event elsewhere is another link
    expect(chainHash(GENESIS_HASH, 'beta', 1, event(1))).not.toBe(a!.hash);
    expect(chainHash(GENESIS_HASH, 'alpha', 2, event(1))).not.toBe(a!.hash);
  });

  it('refuses to seal an outbox that skips a seq', () => {
    expect(() => seal('alpha', { seq: 0, hash: GENESIS_HASH }, [{ seq: 2, event: event(2) }])).toThrow(/skips from 0 to 2/);
  });
});

describe("headquarters' verdict on a message", () => {
  const [m1, m2, m3] = chain(3);
  const held = { seq: 1, hash: m1!.hash };

  it('applies the next link, counts a held one as a duplicate, sets aside one beyond a gap', () => {
    expect(judge({ seq: 0, hash: GENESIS_HASH }, m1!, null)).toEqual({ kind: 'apply' });
    expect(judge(held, m2!, null)).toEqual({ kind: 'apply' });
    expect(judge(held, m1!, m1!.hash)).toEqual({ kind: 'duplicate' });
    expect(judge(held, m3!, null)).toEqual({ kind: 'gap', from: 2, to: 2 });
  });

  it('calls a fork: another hash for a held seq, content its hash does not give, a link to another predecessor', () => {
    const other = { ...event(1), payload: { n: 99 } };
    const forged = { ...m1!, event: other, hash: chainHash(GENESIS_HASH, 'alpha', 1, other) };
    expect(judge(held, forged, m1!.hash)).toEqual({ kind: 'fork', reason: 'hash_differs', heldHash: m1!.hash });
    expect(judge(held, { ...m1!, event: other }, m1!.hash)).toEqual({ kind: 'fork', reason: 'bad_hash', heldHash: m1!.hash });
    expect(judge(held, { ...m2!, event: other }, null)).toMatchObject({ kind: 'fork', reason: 'bad_hash' });
    const relinked = { ...m2!, prevHash: forged.hash, hash: chainHash(forged.hash, 'alpha', 2, m2!.event) };
    expect(judge(held, relinked, null)).toEqual({ kind: 'fork', reason: 'broken_link', heldHash: m1!.hash });
  });
});

describe('names and the status line', () => {
  it('keeps subjects and stream names to safe tokens', () => {
    expect(namesFor('custos', 'HOL-1')).toEqual({
      stream: 'custos_SITE_HOL-1',
      events: 'custos.site.HOL-1.events',
      resend: 'custos.site.HOL-1.resend',
      receipt: 'custos.hq.site.HOL-1.receipt',
    });
    expect(() => namesFor('custos', 'a.b')).toThrow(/not a NATS token/);
    expect(() => namesFor('custos', '*')).toThrow(/not a NATS token/);
  });

  it('says how long ago and how many wait, never counting more receipted than written', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    const f = siteFigures(1300, 1290, { seq: 60 }, new Date('2026-01-10T09:00:00Z'));
    expect(f).toMatchObject({ receipted: 60, pending: 1240 });
    expect(statusLine(f, now)).toBe('last synced 3 h ago, 1,240 pending');
    expect(siteFigures(5, 5, { seq: 9 }, null)).toMatchObject({ receipted: 5, pending: 0 });
    expect(agoText(null, now)).toBe('never');
    expect(agoText(new Date('2026-01-10T11:59:30Z'), now)).toBe('just now');
    expect(agoText(new Date('2026-01-10T11:48:00Z'), now)).toBe('12 min ago');
    expect(agoText(new Date('2026-01-07T11:00:00Z'), now)).toBe('3 days ago');
  });
});
