import { describe, expect, it } from 'vitest';
import { generateTransitKey } from '../biometrics';
import { HqIdentityMatcher, judgePair } from './sync.identity';

/** The rule that opens an identity case at headquarters from two sites' records (pure; the fusion calibration is the committed one). */
describe('judgePair: when two sites records make an identity case', () => {
  const omar = { names: ['Omar Farouq al-Hadithi'], sex: 'M', birthFrom: '1985-01-01', birthTo: '1985-12-31' };
  const omarAgain = { names: ['Omar Farouk Al Hadithi'], sex: 'M', birthFrom: '1985-01-01', birthTo: '1985-12-31' };
  const yusuf = { names: ['Yusuf Karim Mansour'], sex: 'M', birthFrom: '1970-01-01', birthTo: '1970-12-31' };

  it('opens on the names alone when nothing biometric was compared', () => {
    expect(judgePair(omar, omarAgain, { face: null, finger: null })).toMatchObject({ basis: 'name' });
    expect(judgePair(omar, yusuf, { face: null, finger: null })).toBeNull();
  });

  it('does not raise a namesake whose face or finger was compared and is unrelated', () => {
    expect(judgePair(omar, omarAgain, { face: 0.4, finger: null })).toBeNull();
    expect(judgePair(omar, omarAgain, { face: null, finger: 2 })).toBeNull();
  });

  it('opens on a fingerprint or a face that match although the names differ, and says so', () => {
    const byFinger = judgePair(omar, yusuf, { face: null, finger: 90 });
    expect(byFinger).toMatchObject({ basis: 'fingerprint', score: 90 });
    // the names and birth years pull the other way, and the evidence says so for the person who decides
    const contribution = (e: string) => byFinger!.fusion.contributions.find((c) => c.evidence === e)?.log10Lr;
    expect(contribution('finger')).toBeGreaterThan(3);
    expect(contribution('name')).toBeLessThan(0);
    expect(contribution('birthYear')).toBeLessThan(0);
    const byFace = judgePair(omar, { ...yusuf, birthFrom: null, birthTo: null }, { face: 0.995, finger: null });
    expect(byFace).toMatchObject({ basis: 'face' });
  });

  it('weighs a recorded sex that differs against one person', () => {
    const plain = judgePair(omar, omarAgain, { face: 0.93, finger: null })!;
    const otherSex = judgePair(omar, { ...omarAgain, sex: 'F' }, { face: 0.93, finger: null });
    expect(otherSex === null || otherSex.fusion.log10Lr < plain.fusion.log10Lr).toBe(true);
  });
});

describe("headquarters' identity key for the comparison", () => {
  it('a key that cannot be loaded is reported and the batch goes on by names (null), and the next batch tries again', async () => {
    const key = generateTransitKey();
    let calls = 0;
    const errors: unknown[] = [];
    const matcher = new HqIdentityMatcher(
      async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('key file readable by others'), { code: 'sync.identity_key_exposed' });
        return key;
      },
      (err) => errors.push(err),
    );
    await expect(matcher.transitKey()).resolves.toBeNull();
    expect(errors).toHaveLength(1);
    await expect(matcher.transitKey()).resolves.toBe(key);
    await expect(matcher.transitKey()).resolves.toBe(key);
    expect(calls).toBe(2);
  });
});
