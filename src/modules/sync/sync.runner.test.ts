import { describe, expect, it } from 'vitest';
import { backoffMs, CoalescingRunner } from './sync.runner';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('CoalescingRunner', () => {
  it('runs once per wake, and wakes during a run coalesce into one more run', async () => {
    const first = gate();
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const runner = new CoalescingRunner(
      async () => {
        runs += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (runs === 1) await first.opened;
        concurrent -= 1;
      },
      { onFailure: () => undefined },
    );
    runner.start();
    runner.wake();
    runner.wake();
    runner.wake();
    runner.wake();
    first.open();
    await runner.idle();
    expect(runs).toBe(2);
    expect(maxConcurrent).toBe(1);
    runner.wake();
    await runner.idle();
    expect(runs).toBe(3);
  });

  it('does nothing before start or after stop', async () => {
    let runs = 0;
    const runner = new CoalescingRunner(async () => void (runs += 1), { onFailure: () => undefined });
    runner.wake();
    await runner.idle();
    expect(runs).toBe(0);
    runner.start();
    await runner.stop();
    runner.wake();
    await runner.idle();
    expect(runs).toBe(0);
  });

  it('reports each failure with the count in a row, retries, and resets the count after a success', async () => {
    const seen: number[] = [];
    let runs = 0;
    const runner = new CoalescingRunner(
      async () => {
        runs += 1;
        if (runs <= 3) throw new Error(`failure ${runs}`);
      },
      { onFailure: (_err, n) => seen.push(n), backoff: () => 1 },
    );
    runner.start();
    runner.wake();
    await runner.idle();
    expect(runs).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
    expect(runner.failuresInARow).toBe(0);
  });

  it('ends the run on a failure when retry says no (a one-shot push)', async () => {
    let runs = 0;
    const runner = new CoalescingRunner(
      async () => {
        runs += 1;
        throw new Error('refused');
      },
      { onFailure: () => undefined, retry: () => false },
    );
    runner.start();
    runner.wake();
    await runner.idle();
    expect(runs).toBe(1);
    expect(runner.failuresInARow).toBe(1);
  });

  it('stop cuts the backoff short instead of waiting it out', async () => {
    let runs = 0;
    const failed = gate();
    const runner = new CoalescingRunner(
      async () => {
        runs += 1;
        throw new Error('down');
      },
      { onFailure: () => failed.open(), backoff: () => 3_600_000 },
    );
    runner.start();
    runner.wake();
    await failed.opened;
    await runner.stop(); // would hang for an hour if the wait were not cancelled (the test's own timeout fails it)
    expect(runs).toBe(1);
  });

  it('backs off longer after each failure in a row, up to 10 s', () => {
    expect(backoffMs(1)).toBe(400);
    expect(backoffMs(2)).toBe(800);
    expect(backoffMs(6)).toBe(10_000);
    expect(backoffMs(60)).toBe(10_000);
  });
});
