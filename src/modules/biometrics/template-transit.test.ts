import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { templateBinding } from './biometrics.domain';
import { compareIdentities, openIdentityTemplates, resealForHeadquarters, type TravellingTemplate } from './biometrics.identity-compare';
import { descriptorToBytes, sealDescriptor, templateKeyFromBytes } from './template-crypto';
import {
  generateTransitKey,
  loadTransitKey,
  openAtHeadquarters,
  sealForHeadquarters,
  transitBinding,
  transitKeyFromPrivateBytes,
  transitRecipientFromBase64,
} from './template-transit';

const MODEL = 'face-api.faceRecognitionNet@1.7.15/p2';

function unit(seed: number): Float32Array {
  const d = new Float32Array(128);
  let norm = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = Math.sin(seed * 7.1 + i * 1.3);
    norm += d[i]! * d[i]!;
  }
  for (let i = 0; i < d.length; i++) d[i]! /= Math.sqrt(norm);
  return d;
}

describe('templates in transit to headquarters', () => {
  const hq = generateTransitKey();
  const recipient = transitRecipientFromBase64(hq.base64);
  const bind = transitBinding('alpha', '11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222');

  it('opens at headquarters what a site sealed to its public key, and only there', () => {
    const plain = randomBytes(300);
    const sealed = sealForHeadquarters(recipient, plain, { model: MODEL, bindTo: bind });
    expect(sealed.includes(plain.subarray(0, 16))).toBe(false);
    expect(openAtHeadquarters(hq, sealed, { bindTo: bind })).toEqual({ model: MODEL, data: plain });
    // another headquarters' key, another binding, one changed byte: refused with a code, never a crash
    expect(() => openAtHeadquarters(generateTransitKey(), sealed, { bindTo: bind })).toThrow(expect.objectContaining({ code: 'sync.transit_wrong_key' }));
    expect(() => openAtHeadquarters(hq, sealed, { bindTo: transitBinding('beta', '1', '2') })).toThrow(
      expect.objectContaining({ code: 'sync.transit_corrupt' }),
    );
    for (const at of [10, 60, sealed.length - 1]) {
      const bent = Buffer.from(sealed);
      bent[at]! ^= 1;
      expect(() => openAtHeadquarters(hq, bent, { bindTo: bind })).toThrow(expect.objectContaining({ code: expect.stringMatching(/^sync\.transit_/) }));
    }
    expect(() => openAtHeadquarters(hq, Buffer.from('CTRN'), { bindTo: bind })).toThrow(expect.objectContaining({ code: 'sync.transit_corrupt' }));
  });

  it('keeps the key pair in a 0600 file and gives the same key back; refuses a malformed public key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-transit-'));
    const first = await loadTransitKey({ dataDir: dir, env: {} });
    const again = await loadTransitKey({ dataDir: dir, env: {} });
    expect(again.base64).toBe(first.base64);
    expect(statSync(join(dir, 'sync-identity.key')).mode & 0o777).toBe(0o600);
    const raw = randomBytes(32);
    const fromEnv = await loadTransitKey({ dataDir: dir, env: { CUSTOS_SYNC_IDENTITY_KEY: raw.toString('base64') } });
    expect(fromEnv.base64).toBe(transitKeyFromPrivateBytes(raw).base64);
    expect(() => transitRecipientFromBase64('not base64!')).toThrow(expect.objectContaining({ code: 'sync.identity_key_invalid' }));
    expect(() => transitRecipientFromBase64(randomBytes(16).toString('base64'))).toThrow(expect.objectContaining({ code: 'sync.identity_key_invalid' }));
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-seals a site's face template for headquarters, which compares it with another site's", () => {
    const siteKey = templateKeyFromBytes(randomBytes(32));
    const personA = '33333333-3333-4333-8333-333333333333';
    const personB = '44444444-4444-4444-8444-444444444444';
    const travel = (siteId: string, personId: string, templateId: string, d: Float32Array): TravellingTemplate => {
      const envelope = sealDescriptor(siteKey, d, { model: MODEL, bindTo: templateBinding(personId, templateId) });
      const forHq = resealForHeadquarters(siteKey, recipient, siteId, { id: templateId, personId, model: MODEL, envelope });
      return { templateId, modality: 'face', fingerPosition: null, model: MODEL, forHq: forHq.toString('base64') };
    };
    const a = travel('alpha', personA, '55555555-5555-4555-8555-555555555555', unit(1));
    const b = travel('beta', personB, '66666666-6666-4666-8666-666666666666', unit(1));
    const c = travel('beta', personB, '77777777-7777-4777-8777-777777777777', unit(2));
    const openedA = openIdentityTemplates(hq, 'alpha', personA, [a]);
    expect(openedA.faces).toHaveLength(1);
    expect(descriptorToBytes(openedA.faces[0]!.descriptor).equals(descriptorToBytes(unit(1)))).toBe(true);
    const same = compareIdentities(openedA, openIdentityTemplates(hq, 'beta', personB, [b]));
    expect(same.face).toBeCloseTo(1, 5);
    expect(same.finger).toBeNull();
    const other = compareIdentities(openedA, openIdentityTemplates(hq, 'beta', personB, [c]));
    expect(other.face!).toBeLessThan(0.9);
    // an envelope claimed for another person (or without one for headquarters) is counted unreadable, not compared
    const moved = openIdentityTemplates(hq, 'beta', personA, [b, { ...c, forHq: undefined }]);
    expect(moved).toMatchObject({ faces: [], unreadable: 2 });
  });
});
