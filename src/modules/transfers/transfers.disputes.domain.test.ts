import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../platform/errors';
import { checkDiscrepancy, reattribution, statusAfterResolution } from './transfers.disputes.domain';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConflictError);
    return (e as ConflictError).code;
  }
  return null;
};

describe('count discrepancies', () => {
  const m = { code: 'F1', status: 'disputed', missing: ['p1'], extra: ['p2'] };

  it('resolves only a discrepancy that exists on a counted movement, on the side the kind names', () => {
    expect(code(() => checkDiscrepancy(m, 'found', 'p1'))).toBeNull();
    expect(code(() => checkDiscrepancy(m, 'not_boarded', 'p1'))).toBeNull();
    expect(code(() => checkDiscrepancy(m, 'reattributed', 'p2'))).toBeNull();
    expect(code(() => checkDiscrepancy(m, 'sent_back', 'p2'))).toBeNull();
    expect(code(() => checkDiscrepancy(m, 'found', 'p2'))).toBe('transfers.not_missing');
    expect(code(() => checkDiscrepancy(m, 'sent_back', 'p1'))).toBe('transfers.not_extra');
    for (const status of ['planned', 'approved', 'departed', 'lodged']) {
      expect(code(() => checkDiscrepancy({ ...m, status }, 'found', 'p1'))).toBe('transfers.count_not_closed');
    }
  });

  it('a signed movement is received once both lists are empty; an unsigned one waits for its receipt', () => {
    expect(statusAfterResolution({ status: 'disputed', receiverSigned: true }, [], [])).toBe('received');
    expect(statusAfterResolution({ status: 'disputed', receiverSigned: true }, [], ['x'])).toBe('disputed');
    expect(statusAfterResolution({ status: 'arrived', receiverSigned: false }, [], [])).toBe('arrived');
  });

  it('re-attributes an extra only to a closed, signed count of their own movement', () => {
    const own = { movementCode: 'F2', movementStatus: 'disputed', moveStatus: 'disputed', receiverSigned: true };
    expect(reattribution(own)).toBe('receive');
    expect(reattribution({ ...own, moveStatus: 'completed', movementStatus: 'received' })).toBe('already_received');
    expect(code(() => reattribution(null))).toBe('transfers.no_manifest_elsewhere');
    expect(code(() => reattribution({ ...own, receiverSigned: false }))).toBe('transfers.receipt_first');
    expect(code(() => reattribution({ ...own, moveStatus: 'departed', movementStatus: 'departed' }))).toBe('transfers.count_not_closed');
  });
});
