import { describe, expect, it } from 'vitest';
import { checkDownItem } from './sync.down';
import { GENESIS_HASH } from './sync.domain';
import { restoreSign } from './sync.epochs';

const H = (c: string) => c.repeat(64);

describe('what a receipt says about a site restored from a backup', () => {
  const tip = { seq: 10, hash: H('a') };
  it('a receipt of the site epoch within its chain, with the same hash: not restored', () => {
    expect(restoreSign({ epoch: 1, seq: 8, hash: H('b') }, 1, tip, H('b')).restored).toBe(false);
    expect(restoreSign({ epoch: 1, seq: 0, hash: GENESIS_HASH }, 1, tip, null).restored).toBe(false);
  });
  it('an older epoch says nothing (headquarters still holds it)', () => {
    expect(restoreSign({ epoch: 1, seq: 50, hash: H('c') }, 2, tip, null).restored).toBe(false);
  });
  it('beyond the chain tip, another hash at the seq, or a later epoch: restored, above the highest epoch known', () => {
    expect(restoreSign({ epoch: 1, seq: 11, hash: H('c') }, 1, tip, null)).toMatchObject({ restored: true, why: 'beyond_tip', above: 1 });
    expect(restoreSign({ epoch: 1, seq: 9, hash: H('c') }, 1, tip, H('d'))).toMatchObject({ restored: true, why: 'hash_differs', above: 1 });
    expect(restoreSign({ epoch: 3, seq: 2, hash: H('c') }, 1, tip, null)).toMatchObject({ restored: true, why: 'later_epoch', above: 3 });
  });
});

describe('an item for the sites', () => {
  it('is checked by kind, key, site and body, each with its own code', () => {
    expect(checkDownItem({ kind: 'alert', key: 'k', site: '*', body: { severity: 'info', title: 'x' } }).kind).toBe('alert');
    expect(() => checkDownItem({ kind: 'nope', key: 'k', site: '*', body: {} })).toThrow(expect.objectContaining({ code: 'sync.down_kind_unknown' }));
    expect(() => checkDownItem({ kind: 'alert', key: 'x'.repeat(201), site: '*', body: {} })).toThrow(
      expect.objectContaining({ code: 'sync.down_key_invalid' }),
    );
    expect(() => checkDownItem({ kind: 'alert', key: 'k', site: 'a b', body: {} })).toThrow(expect.objectContaining({ code: 'sync.down_site_invalid' }));
    expect(() => checkDownItem({ kind: 'wanted_gallery', key: 'k', site: 'A', body: { personId: 'not-a-uuid', wanted: true, names: [] } })).toThrow(
      expect.objectContaining({ code: 'sync.down_body_invalid' }),
    );
  });
});
