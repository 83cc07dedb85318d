import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureData, FixtureRequest, FixtureResult } from '../../test/fixtures/worker-pool.worker';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool';

const ENTRY = new URL('../../test/fixtures/worker-pool.worker.ts', import.meta.url);
const pools: WorkerPool<FixtureRequest, FixtureResult, FixtureData>[] = [];

function pool(opts: Partial<WorkerPoolOptions<FixtureData>> = {}): WorkerPool<FixtureRequest, FixtureResult, FixtureData> {
  const p = new WorkerPool<FixtureRequest, FixtureResult, FixtureData>({
    entry: ENTRY,
    size: 1,
    data: { factor: 10 },
    name: 'fixture',
    closedMessage: 'the fixture pool is closed',
    onDeath: 'fail',
    decodeError: (e) => new Error(`decoded: ${String(e)}`),
    ...opts,
  });
  pools.push(p);
  return p;
}

/** The error a request fails with (caught at once: it may fail before the test awaits it). */
function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: Error) => err,
  );
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('worker pool', () => {
  it('answers every request with its own result, queueing those beyond the idle workers', async () => {
    const p = pool({ size: 2 });
    await p.ready;
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => p.run({ kind: 'wait', ms: 20 * (6 - n), n })));
    expect(results.map((r) => r.value)).toEqual([10, 20, 30, 40, 50]);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    const moved = await p.run({ kind: 'times', n: 4 });
    expect(moved.value).toBe(40);
    expect(Array.from(moved.bytes!)).toEqual([4]);
    expect(p.size).toBe(2);
  });

  it('accepts requests before the workers are ready', async () => {
    const p = pool();
    expect((await p.run({ kind: 'times', n: 3 })).value).toBe(30);
  });

  it('rejects `ready` when a worker fails to start, with the worker setup error', async () => {
    const p = pool({ data: { factor: 1, failSetup: true } });
    await expect(p.ready).rejects.toThrow(/fixture worker failed to start: .*setup failed on purpose/s);
  });

  it('rebuilds a failed request error with decodeError, or as an Error with its text by default', async () => {
    const p = pool();
    await expect(p.run({ kind: 'throw', message: 'no such thing' })).rejects.toThrow('decoded: no such thing');
    const plain = pool({ decodeError: undefined });
    expect((await failure(plain.run({ kind: 'throw', message: 'no such thing' }))).message).toBe('no such thing');
    // the worker keeps serving after a failed request
    expect((await p.run({ kind: 'times', n: 2 })).value).toBe(20);
  });

  it("onDeath 'fail': a dying worker fails what runs, what waits and every later request", async () => {
    const p = pool();
    await p.ready;
    const dying = failure(p.run({ kind: 'exit' }));
    const waiting = failure(p.run({ kind: 'times', n: 1 }));
    expect((await dying).message).toBe('fixture worker exited with code 7');
    expect((await waiting).message).toBe('fixture worker exited with code 7');
    await expect(p.run({ kind: 'times', n: 1 })).rejects.toThrow('fixture worker exited with code 7');
  });

  it('onDeath respawn: replaces a dying worker a bounded number of times, then fails what waits', async () => {
    const p = pool({ onDeath: { respawn: 1 } });
    await p.ready;
    const first = failure(p.run({ kind: 'exit' }));
    const served = p.run({ kind: 'times', n: 5 });
    expect((await first).message).toBe('fixture worker exited with code 7');
    expect((await served).value).toBe(50);
    // no respawn left: the request behind the second death fails with it
    const second = failure(p.run({ kind: 'exit' }));
    const stranded = failure(p.run({ kind: 'times', n: 6 }));
    expect((await second).message).toBe('fixture worker exited with code 7');
    expect((await stranded).message).toBe('fixture worker exited with code 7');
  });

  it('gives back the request queued last to a caller that settles it itself', async () => {
    const p = pool();
    await p.ready;
    const running = p.run({ kind: 'wait', ms: 100, n: 1 });
    const queued = p.run({ kind: 'times', n: 2 });
    const last = p.run({ kind: 'times', n: 3 });
    const job = p.takeBack();
    expect(job?.request).toEqual({ kind: 'times', n: 3 });
    job!.resolve({ value: -3, threadId: 0 });
    expect((await last).value).toBe(-3);
    expect((await running).value).toBe(10);
    expect((await queued).value).toBe(20);
    expect(p.takeBack()).toBeNull();
  });

  it('close fails what runs and waits with closedMessage, and every later request', async () => {
    const p = pool();
    await p.ready;
    const running = failure(p.run({ kind: 'wait', ms: 5000, n: 1 }));
    const waiting = failure(p.run({ kind: 'times', n: 1 }));
    await p.close();
    expect((await running).message).toBe('the fixture pool is closed');
    expect((await waiting).message).toBe('the fixture pool is closed');
    await expect(p.run({ kind: 'times', n: 1 })).rejects.toThrow('the fixture pool is closed');
  });

  it('closes while its workers are still starting', async () => {
    const p = pool({ size: 2 });
    await p.close();
    await expect(p.ready).rejects.toThrow();
  });

  it('refuses a pool of no workers', () => {
    expect(() => pool({ size: 0 })).toThrow(RangeError);
  });
});
