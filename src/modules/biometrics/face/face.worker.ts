/**
 * Worker thread body: one face pipeline (its own tfjs WASM backend and models) serving extraction requests one at a
 * time. Errors travel back as plain data and are rebuilt as DomainErrors by the pool.
 */
import { serveWorker } from '../../../platform/worker-pool';
import { FacePipeline, type FaceCapture } from './face.pipeline';
import { encodeWorkerError, type FaceWorkerData, type WorkerRequest } from './face.pool';

await serveWorker<FaceWorkerData, WorkerRequest, FaceCapture>(
  async ({ options }) => {
    const pipeline = await FacePipeline.create(options);
    return (req) => pipeline.extract(req.image, req.purpose);
  },
  { transfer: (capture) => [capture.descriptor.buffer as ArrayBuffer], encodeError: encodeWorkerError },
);
