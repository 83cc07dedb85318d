import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

/** Chromium's flags for a camera that plays `video` (a y4m file) and a permission prompt answered yes. */
export const fakeCameraArgs = (video: string): string[] => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${video}`,
];

/** A y4m video (YUV 4:2:0, BT.601) of a few identical frames of `image`, for `--use-file-for-fake-video-capture`. */
export async function writeY4m(image: string, file: string, side = 500, frames = 5): Promise<void> {
  const { data } = await sharp(image).resize(side, side).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(side * side);
  const u = Buffer.alloc((side / 2) * (side / 2));
  const v = Buffer.alloc(u.length);
  for (let i = 0; i < side * side; i++) {
    const [r, g, b] = [data[i * 3]!, data[i * 3 + 1]!, data[i * 3 + 2]!];
    y[i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let cy = 0; cy < side / 2; cy++) {
    for (let cx = 0; cx < side / 2; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = (cy * 2 + dy) * side + cx * 2 + dx;
        r += data[i * 3]!;
        g += data[i * 3 + 1]!;
        b += data[i * 3 + 2]!;
      }
      [r, g, b] = [r / 4, g / 4, b / 4];
      u[cy * (side / 2) + cx] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      v[cy * (side / 2) + cx] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${side} H${side} F25:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), y, u, v]);
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
