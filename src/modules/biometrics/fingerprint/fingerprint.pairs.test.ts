import { describe, expect, it } from 'vitest';
import { calibratedScore, THRESHOLDS } from './fingerprint.calibration';
import { matchMccOnly, matchPairsOnly, matchPrepared, PAIR_GATE_HIGH, PAIR_GATE_LOW, PAIR_WEIGHT, prepareTemplate } from './fingerprint.match';
import type { FingerprintTemplate, Minutia } from './fingerprint.types';

/** A fixed pseudo-random set of minutiae (no image needed): the same every run. */
function syntheticMinutiae(count: number, seed: number): Minutia[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out: Minutia[] = [];
  while (out.length < count) {
    const x = 60 + rnd() * 180;
    const y = 60 + rnd() * 260;
    if (out.some((m) => Math.hypot(m.x - x, m.y - y) < 14)) continue;
    out.push({ x, y, angle: rnd() * 2 * Math.PI, kind: rnd() < 0.5 ? 'ending' : 'bifurcation', quality: 80 });
  }
  return out;
}

function template(minutiae: Minutia[]): FingerprintTemplate {
  return { width: 400, height: 400, quality: 90, minutiae };
}

/** The same minutiae turned by `rot` radians about (cx, cy) and moved by (tx, ty). */
function turned(ms: Minutia[], rot: number, tx: number, ty: number): Minutia[] {
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const cx = 150;
  const cy = 190;
  return ms.map((m) => ({
    ...m,
    x: cx + c * (m.x - cx) - s * (m.y - cy) + tx,
    y: cy + s * (m.x - cx) + c * (m.y - cy) + ty,
    angle: (((m.angle + rot) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI),
  }));
}

describe('pair matcher (rotation-invariant second matcher fused with MCC)', () => {
  const a = syntheticMinutiae(40, 7);
  const other = syntheticMinutiae(40, 99);

  it('finds a print turned by 90 degrees, which MCC alone (45-degree pairing) scores as an impostor', () => {
    const pa = prepareTemplate(template(a));
    const pr = prepareTemplate(template(turned(a, Math.PI / 2, 30, 20)));
    expect(matchPairsOnly(pa, pr)).toBeGreaterThan(0.8);
    expect(matchMccOnly(pa, pr)).toBeLessThan(PAIR_GATE_HIGH);
    // The shipped score consults the pair matcher only outside MCC's impostor band (speed), so a print turned this
    // far is found only when MCC scores it below PAIR_GATE_LOW (README, limits).
    const fused = matchPrepared(pa, pr);
    const m = matchMccOnly(pa, pr);
    expect(fused).toBe(m < PAIR_GATE_LOW ? m + PAIR_WEIGHT * matchPairsOnly(pa, pr) : m);
  });

  it('finds a print turned by 30 degrees with the fused score', () => {
    const pa = prepareTemplate(template(a));
    const pr = prepareTemplate(template(turned(a, Math.PI / 6, -20, 10)));
    expect(matchPairsOnly(pa, pr)).toBeGreaterThan(0.8);
    expect(calibratedScore(matchPrepared(pa, pr))).toBeGreaterThanOrEqual(THRESHOLDS.FMR_0_1_PERCENT);
  });

  it('matches a small print (12 minutiae, a fingertip) against its full print', () => {
    const tip = a.filter((m) => m.y < 150).slice(0, 12);
    expect(tip.length).toBe(12);
    const pa = prepareTemplate(template(a));
    const pt = prepareTemplate(template(turned(tip, 0.6, -10, 5)));
    expect(matchPairsOnly(pa, pt)).toBeGreaterThan(0.3);
  });

  it('keeps different prints apart and is symmetric', () => {
    const pa = prepareTemplate(template(a));
    const po = prepareTemplate(template(other));
    expect(matchPairsOnly(pa, po)).toBeLessThan(0.2);
    expect(matchPrepared(pa, po)).toBe(matchPrepared(po, pa));
    expect(calibratedScore(matchPrepared(pa, po))).toBeLessThan(THRESHOLDS.FMR_1_PERCENT);
  });

  it('fuses the two scores with the weight and gate chosen on DB2_B', () => {
    expect(PAIR_WEIGHT).toBe(0.25);
    expect([PAIR_GATE_LOW, PAIR_GATE_HIGH]).toEqual([0.035, 0.07]);
    const pa = prepareTemplate(template(a));
    const pb = prepareTemplate(template(turned(a, 0.2, 5, -5)));
    expect(matchMccOnly(pa, pb)).toBeGreaterThanOrEqual(PAIR_GATE_HIGH);
    expect(matchPrepared(pa, pb)).toBeCloseTo(matchMccOnly(pa, pb) + PAIR_WEIGHT * matchPairsOnly(pa, pb), 12);
    // Between the two gates the score is MCC's alone.
    const po = prepareTemplate(template(other));
    const m = matchMccOnly(pa, po);
    if (m >= PAIR_GATE_LOW && m < PAIR_GATE_HIGH) expect(matchPrepared(pa, po)).toBe(m);
  });

  it('scores nothing for templates with fewer than three minutiae', () => {
    const tiny = prepareTemplate(template(a.slice(0, 2)));
    expect(matchPairsOnly(tiny, prepareTemplate(template(a)))).toBe(0);
  });
});
