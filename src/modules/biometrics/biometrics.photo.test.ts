import { describe, expect, it } from 'vitest';
import { FINGER_EXCEPTIONS, photoBinding, portraitRect } from './biometrics.domain';

describe('portraitRect', () => {
  it('is 3:4, twice the face wide, centred on the face when there is room', () => {
    const r = portraitRect({ x: 400, y: 300, width: 100, height: 100 }, { width: 1000, height: 1000 });
    expect(r.width).toBe(200);
    expect(r.height).toBe(267);
    expect(r.left).toBe(350);
    expect(Math.abs(r.top + r.height / 2 - 355)).toBeLessThanOrEqual(1);
  });

  it('moves inwards at an edge and stays inside the image', () => {
    const r = portraitRect({ x: -10, y: -20, width: 100, height: 100 }, { width: 640, height: 480 });
    expect(r.left).toBe(0);
    expect(r.top).toBe(0);
    expect(r.width).toBe(200);
    expect(r.height).toBe(267);
  });

  it('shrinks (keeping 3:4) in an image smaller than the portrait', () => {
    const r = portraitRect({ x: 10, y: 10, width: 200, height: 220 }, { width: 250, height: 250 });
    expect(r.left).toBeGreaterThanOrEqual(0);
    expect(r.top).toBeGreaterThanOrEqual(0);
    expect(r.left + r.width).toBeLessThanOrEqual(250);
    expect(r.top + r.height).toBeLessThanOrEqual(250);
    expect(r.width / r.height).toBeCloseTo(0.75, 1);
  });
});

describe('record photo rules', () => {
  it('binds each envelope to person, row and size', () => {
    expect(photoBinding('p', 'r', 'thumb')).not.toBe(photoBinding('p', 'r', 'full'));
  });

  it('maps missing-finger kinds to ANSI/NIST-ITL amputation codes', () => {
    expect(FINGER_EXCEPTIONS.amputated.ansiCode).toBe('XX');
    expect(FINGER_EXCEPTIONS.unable_to_print.ansiCode).toBe('UP');
    expect(FINGER_EXCEPTIONS.bandaged).toEqual({ ansiCode: 'UP', temporary: true });
  });
});
