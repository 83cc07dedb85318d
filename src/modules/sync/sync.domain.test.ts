import { describe, expect, it } from 'vitest';
import { agoText, chainHash, GENESIS_HASH, judge, namesFor, nextAsk, seal, siteFigures, statusLine, SyncMessage, type WireEvent } from './sync.domain';

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

describe('nextAsk: a gap asks once', () => {
  let n = 0;
  const id = () => `a${++n}`;

  it('asks when something is wanted and nothing is outstanding; nothing when nothing is wanted', () => {
    expect(nextAsk(null, null, 5, 0, 30_000, id)).toEqual({ ask: null, isNew: false });
    const first = nextAsk(null, { from: 6, to: 20 }, 5, 1_000, 30_000, id);
    expect(first.isNew).toBe(true);
    expect(first.ask).toMatchObject({ from: 6, to: 20, at: 1_000, seenSeq: 5 });
  });

  it('does not ask again while the request is neither answered nor timed out, even for more seqs', () => {
    const asked = nextAsk(null, { from: 6, to: 20 }, 5, 0, 30_000, id).ask!;
    for (const to of [25, 30, 35, 40]) {
      const again = nextAsk(asked, { from: 6, to }, 5, 10_000, 30_000, id);
      expect(again.isNew).toBe(false);
      expect(again.ask).toMatchObject({ id: asked.id, from: 6, to: 20 });
    }
  });

  it('asks for the rest once the request is answered (the chain reached its end)', () => {
    const asked = nextAsk(null, { from: 6, to: 20 }, 5, 0, 30_000, id).ask!;
    const rest = nextAsk(asked, { from: 21, to: 40 }, 20, 1_000, 30_000, id);
    expect(rest.isNew).toBe(true);
    expect(rest.ask).toMatchObject({ from: 21, to: 40 });
    expect(rest.ask!.id).not.toBe(asked.id);
  });

  it('asks again after the timeout without progress, but waits while the answer is arriving', () => {
    const asked = nextAsk(null, { from: 6, to: 20 }, 5, 0, 30_000, id).ask!;
    expect(nextAsk(asked, { from: 6, to: 20 }, 5, 30_000, 30_000, id).isNew).toBe(true);
    // the chain moved at 25 s: the timeout counts from there
    const moving = nextAsk(asked, { from: 12, to: 20 }, 11, 25_000, 30_000, id);
    expect(moving).toMatchObject({ isNew: false, ask: { id: asked.id, at: 25_000, seenSeq: 11 } });
    expect(nextAsk(moving.ask, { from: 12, to: 20 }, 11, 50_000, 30_000, id).isNew).toBe(false);
    expect(nextAsk(moving.ask, { from: 12, to: 20 }, 11, 55_000, 30_000, id).isNew).toBe(true);
  });
});
