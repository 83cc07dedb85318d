import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ALIGNMENT_LANDMARKS,
  alignmentTransform,
  applySimilarity,
  assessQuality,
  canonicalLandmark,
  cosineSimilarity,
  exposureOf,
  fitSimilarity,
  fuseDescriptors,
  invertSimilarity,
  l2Normalize,
  poseFromLandmarks,
  rankFaces,
  sharpnessOf,
  warpToCrop,
  type FaceMeasures,
  type Point,
} from './face.domain';

/** A plausible frontal face: the canonical landmarks (17..67) with a symmetric jaw, placed by a transform. */
function syntheticLandmarks(scale = 1, angle = 0, dx = 0, dy = 0): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 17; i++) pts.push({ x: (i / 16) * 150, y: 60 + Math.sin((i / 16) * Math.PI) * 80 });
  for (let i = 17; i < 68; i++) pts.push(canonicalLandmark(i, 150, 0));
  const c = Math.cos(angle) * scale;
  const s = Math.sin(angle) * scale;
  return pts.map((p) => ({ x: c * p.x - s * p.y + dx, y: s * p.x + c * p.y + dy }));
}

const goodMeasures: FaceMeasures = {
  faces: [{ box: { x: 50, y: 50, width: 120, height: 140 }, score: 0.9 }],
  imageWidth: 300,
  imageHeight: 300,
  interEyeDistance: 60,
  yaw: 0.05,
  rollDegrees: 2,
  pitch: 0,
  sharpness: 0.05,
  fallback: false,
};

describe('descriptor math', () => {
  it('normalises and compares', () => {
    const n = l2Normalize([3, 4]);
    expect(Array.from(n)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(l2Normalize([0, 0]))).toEqual([0, 0]);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [2, 2])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });

  it('fuses a descriptor with its mirror into a unit vector between them', () => {
    const f = fuseDescriptors([
      [1, 0],
      [0, 2],
    ]);
    expect(f[0]).toBeCloseTo(Math.SQRT1_2);
    expect(f[1]).toBeCloseTo(Math.SQRT1_2);
  });
});

describe('alignment', () => {
  it('fitSimilarity recovers a rotation, scale and shift exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (scale, angle, tx, ty) => {
          const from = [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 3, y: 7 },
            { x: -4, y: 2 },
          ];
          const t = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx, ty };
          const fit = fitSimilarity(
            from,
            from.map((p) => applySimilarity(t, p)),
          );
          expect(fit.a).toBeCloseTo(t.a, 6);
          expect(fit.b).toBeCloseTo(t.b, 6);
          expect(fit.tx).toBeCloseTo(tx, 4);
          expect(fit.ty).toBeCloseTo(ty, 4);
          const back = applySimilarity(invertSimilarity(fit), applySimilarity(fit, { x: 5, y: -3 }));
          expect(back.x).toBeCloseTo(5, 6);
          expect(back.y).toBeCloseTo(-3, 6);
        },
      ),
    );
  });

  it('maps a tilted, shifted face onto the canonical crop', () => {
    const lm = syntheticLandmarks(2.5, 0.3, 40, -20);
    const t = alignmentTransform(lm, 150, 0.25);
    for (const i of ALIGNMENT_LANDMARKS) {
      const p = applySimilarity(t, lm[i]!);
      const q = canonicalLandmark(i, 150, 0.25);
      expect(p.x).toBeCloseTo(q.x, 6);
      expect(p.y).toBeCloseTo(q.y, 6);
    }
    expect(() => alignmentTransform(lm.slice(0, 5), 150, 0.25)).toThrow(RangeError);
  });

  it('warpToCrop resamples, mirrors and averages when it shrinks', () => {
    // 4x2 image: left half black, right half white
    const data = new Uint8Array(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const image = { data, width: 4, height: 2 };
    const identity = warpToCrop(image, { a: 1, b: 0, tx: 0, ty: 0 }, 2);
    expect(identity[0]).toBe(0);
    expect(warpToCrop(image, { a: 1, b: 0, tx: -2, ty: 0 }, 2)[0]).toBe(255);
    const mirrored = warpToCrop(image, { a: 1, b: 0, tx: -1, ty: 0 }, 2, true);
    expect(mirrored[0]).toBe(255); // crop x=0 reads image x=2 after the flip
    const shrunk = warpToCrop(image, { a: 0.5, b: 0, tx: 0, ty: 0 }, 2);
    expect(shrunk[0]).toBeCloseTo(0);
    expect(shrunk[3]).toBeCloseTo(255);
  });
});

describe('pose and sharpness', () => {
  it('reads a frontal face as frontal, and a rotated one by its roll', () => {
    const p = poseFromLandmarks(syntheticLandmarks());
    expect(Math.abs(p.yaw)).toBeLessThan(0.05);
    expect(Math.abs(p.rollDegrees)).toBeLessThan(0.5);
    expect(p.interEyeDistance).toBeGreaterThan(40);
    const r = poseFromLandmarks(syntheticLandmarks(1, (20 * Math.PI) / 180));
    expect(r.rollDegrees).toBeCloseTo(20, 0);
    expect(r.interEyeDistance).toBeCloseTo(p.interEyeDistance, 6);
  });

  it('scores a textured crop sharper than a smooth one', () => {
    const size = 40;
    const sharp = new Float32Array(size * size * 3);
    const smooth = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        sharp.fill((x + y) % 2 ? 200 : 50, (y * size + x) * 3, (y * size + x) * 3 + 3);
        smooth.fill(50 + (150 * x) / size, (y * size + x) * 3, (y * size + x) * 3 + 3);
      }
    }
    expect(sharpnessOf(sharp, size)).toBeGreaterThan(sharpnessOf(smooth, size) * 10);
    expect(sharpnessOf(new Float32Array(size * size * 3), size)).toBe(0);
  });
});

describe('quality rules', () => {
  it('accepts a good capture for both purposes', () => {
    expect(assessQuality(goodMeasures, 'enrol')).toMatchObject({ ok: true, issues: [] });
    expect(assessQuality(goodMeasures, 'probe').ok).toBe(true);
  });

  it('refuses with every reason that applies', () => {
    const bad: FaceMeasures = {
      ...goodMeasures,
      faces: [...goodMeasures.faces, { box: { x: 200, y: 50, width: 100, height: 120 }, score: 0.8 }],
      interEyeDistance: 15,
      yaw: 0.9,
      sharpness: 0.001,
    };
    const q = assessQuality(bad, 'enrol');
    expect(q.ok).toBe(false);
    expect(q.issues.map((i) => i.code)).toEqual(['face.multiple_faces', 'face.blurred', 'face.too_small', 'face.pose']);
    // a probe compares anyway: only the absence of a face refuses it
    expect(assessQuality(bad, 'probe').ok).toBe(true);
    expect(assessQuality({ ...goodMeasures, faces: [] }, 'probe').issues[0]!.code).toBe('face.no_face');
  });

  it('ignores small or doubtful faces in the background at enrolment', () => {
    const m: FaceMeasures = {
      ...goodMeasures,
      faces: [
        ...goodMeasures.faces,
        { box: { x: 250, y: 10, width: 30, height: 35 }, score: 0.9 },
        { box: { x: 200, y: 50, width: 110, height: 120 }, score: 0.3 },
      ],
    };
    expect(assessQuality(m, 'enrol').ok).toBe(true);
  });
});

describe('light on the face', () => {
  const size = 40;
  const crop = (level: (x: number, y: number) => number) => {
    const c = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) c.fill(level(x, y), (y * size + x) * 3, (y * size + x) * 3 + 3);
    return c;
  };
  it('measures the mean level and the crushed and burnt shares of the central part', () => {
    expect(
      exposureOf(
        crop(() => 120),
        size,
      ),
    ).toEqual({ meanLuma: expect.closeTo(120, 3), darkShare: 0, brightShare: 0 });
    const half = exposureOf(
      crop((x) => (x < size / 2 ? 5 : 250)),
      size,
    );
    expect(half.meanLuma).toBeCloseTo(127.5, 1);
    expect(half.darkShare).toBeCloseTo(0.5, 2);
    expect(half.brightShare).toBeCloseTo(0.5, 2);
    // the border (background shown by the crop's padding) does not count
    expect(
      exposureOf(
        crop((x, y) => (x < 5 || y < 5 ? 0 : 120)),
        size,
      ).darkShare,
    ).toBe(0);
  });
  it('asks for more light, or less, at enrolment; a probe is compared anyway', () => {
    const dark = { ...goodMeasures, exposure: { meanLuma: 27, darkShare: 0.13, brightShare: 0 } };
    const crushed = { ...goodMeasures, exposure: { meanLuma: 60, darkShare: 0.4, brightShare: 0 } };
    const burnt = { ...goodMeasures, exposure: { meanLuma: 200, darkShare: 0, brightShare: 0.42 } };
    const fine = { ...goodMeasures, exposure: { meanLuma: 110, darkShare: 0.01, brightShare: 0.01 } };
    expect(assessQuality(dark, 'enrol').issues.map((i) => i.code)).toEqual(['face.too_dark']);
    expect(assessQuality(crushed, 'enrol').issues.map((i) => i.code)).toEqual(['face.too_dark']);
    expect(assessQuality(burnt, 'enrol').issues.map((i) => i.code)).toEqual(['face.too_bright']);
    expect(assessQuality(fine, 'enrol').ok).toBe(true);
    for (const m of [dark, crushed, burnt]) expect(assessQuality(m, 'probe').ok).toBe(true);
    // measures stored before exposure was measured still read
    expect(assessQuality(goodMeasures, 'enrol').ok).toBe(true);
  });
});

describe('rankFaces: which face an image is about', () => {
  const image = { width: 640, height: 480 };
  const box = (cx: number, cy: number, side: number) => ({ x: cx - side / 2, y: cy - side / 2, width: side, height: side });
  it('puts the confident, centred subject before a larger half-confident box (issue 24)', () => {
    const subject = { box: box(320, 240, 120), score: 0.97 };
    const bystander = { box: box(520, 200, 180), score: 0.52 };
    expect(rankFaces([bystander, subject], image)[0]).toBe(subject);
  });
  it('still prefers the near face to a small confident one at the edge', () => {
    const subject = { box: box(330, 250, 200), score: 0.9 };
    const background = { box: box(80, 60, 50), score: 0.99 };
    expect(rankFaces([background, subject], image)[0]).toBe(subject);
  });
  it('prefers, between two equally confident faces, the larger when both are central', () => {
    const near = { box: box(300, 240, 160), score: 0.95 };
    const far = { box: box(340, 240, 60), score: 0.95 };
    expect(rankFaces([far, near], image)[0]).toBe(near);
  });
});

describe('rankFaces on a centred portrait', () => {
  it('keeps the centred subject found with low confidence before a confident face at the edge (LFW)', () => {
    const image = { width: 250, height: 250 };
    const subject = { box: { x: 65, y: 68, width: 99, height: 109 }, score: 0.47 };
    const edge = { box: { x: 182, y: 112, width: 67, height: 119 }, score: 0.87 };
    expect(rankFaces([edge, subject], image)[0]).toBe(subject);
  });
});
