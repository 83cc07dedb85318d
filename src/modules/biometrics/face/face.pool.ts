/**
 * A small pool of worker threads, each running a face pipeline, so extraction uses every core. Requests queue in
 * arrival order and go to the first idle worker (the platform's WorkerPool); a worker that dies is replaced.
 */
import { DomainError, isDomainError, ValidationError, type ErrorKind } from '../../../platform/errors';
import { WorkerPool } from '../../../platform/worker-pool';
import type { CapturePurpose } from './face.domain';
import type { FaceCapture, PipelineOptions } from './face.pipeline';

export interface WorkerRequest {
  image: Uint8Array;
  purpose: CapturePurpose;
}

export interface FaceWorkerData {
  options: PipelineOptions;
}

/** A failed extraction as it travels back from a worker: a DomainError's fields, or an internal error's stack. */
export interface WorkerError {
  kind: ErrorKind | 'internal';
  code: string;
  message: string;
  details?: unknown;
}

export function encodeWorkerError(err: unknown): WorkerError {
  return isDomainError(err)
    ? { kind: err.kind, code: err.code, message: err.message, details: err.details }
    : { kind: 'internal', code: 'face.internal', message: String((err as Error)?.stack ?? err) };
}

function decodeWorkerError(data: unknown): Error {
  const error = data as WorkerError;
  if (error.kind === 'internal') return new Error(error.message);
  if (error.kind === 'invalid') return new ValidationError(error.code, error.message, error.details);
  return new DomainError(error.kind, error.code, error.message, error.details);
}

export class FaceWorkerPool {
  readonly ready: Promise<void>;
  private readonly pool: WorkerPool<WorkerRequest, FaceCapture, FaceWorkerData>;

  constructor(size: number, options: PipelineOptions) {
    this.pool = new WorkerPool({
      entry: new URL('./face.worker.ts', import.meta.url),
      size,
      data: { options },
      name: 'face',
      closedMessage: 'the face engine is closed',
      // A worker that dies after it started is replaced, a bounded number of times (a crash loop should surface).
      onDeath: { respawn: 8 },
      decodeError: decodeWorkerError,
    });
    this.ready = this.pool.ready;
  }

  run(image: Uint8Array, purpose: CapturePurpose): Promise<FaceCapture> {
    return this.pool.run({ image, purpose });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
