/**
 * Worker thread body: one face pipeline (its own tfjs WASM backend and models) serving extraction requests one at a
 * time. Errors travel back as plain data and are rebuilt as DomainErrors by the pool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDomainError } from '../../../platform/errors';
import { FacePipeline, type PipelineOptions } from './face.pipeline';
import type { WorkerReply, WorkerRequest } from './face.pool';

const port = parentPort;
if (!port) throw new Error('face.worker must run in a worker thread');

const { options } = workerData as { options: PipelineOptions };

try {
  const pipeline = await FacePipeline.create(options);
  port.on('message', (req: WorkerRequest) => {
    void pipeline.extract(req.image, req.purpose).then(
      (capture) => {
        const reply: WorkerReply = { id: req.id, ok: true, capture };
        port.postMessage(reply, [capture.descriptor.buffer as ArrayBuffer]);
      },
      (err: unknown) => {
        const reply: WorkerReply = isDomainError(err)
          ? { id: req.id, ok: false, error: { kind: err.kind, code: err.code, message: err.message, details: err.details } }
          : { id: req.id, ok: false, error: { kind: 'internal', code: 'face.internal', message: String((err as Error)?.stack ?? err) } };
        port.postMessage(reply);
      },
    );
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ ready: false, error: String((err as Error)?.stack ?? err) });
}
