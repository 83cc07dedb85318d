/**
 * Runs a face bench script in `shards` child processes (each takes every `shards`-th image: tfjs's WASM backend
 * computes on the calling thread, so processes are how a bench uses both cores) and merges what they wrote.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** When and where a sharded run ran: the load average before and after, to read its timings by. */
export interface ShardedRun {
  date: string;
  loadavg: number[];
  cpu: string | undefined;
  node: string;
  shards: number;
}

/**
 * Starts `script` once per shard with `args` plus `--shards N --shard K --out OUT.partK`; each child writes its
 * entries (image -> result) as JSON to its part file. Resolves with all entries and the run's facts.
 */
export async function runInShards<E>(
  script: string,
  shards: number,
  out: string,
  args: readonly string[],
): Promise<{ run: ShardedRun; entries: Record<string, E> }> {
  const load0 = loadavg();
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, k) => {
      const part = `${out}.part${k}`;
      return new Promise<Record<string, E>>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, ...args, '--shards', String(shards), '--shard', String(k), '--out', part], {
          stdio: 'inherit',
        });
        child.on('exit', (code) => (code === 0 ? done(JSON.parse(readFileSync(part, 'utf8'))) : fail(new Error(`shard ${k} exited ${code}`))));
      });
    }),
  );
  return {
    run: {
      date: new Date().toISOString(),
      loadavg: [...load0, ...loadavg()].map((x) => Math.round(x * 10) / 10),
      cpu: cpus()[0]?.model,
      node: process.version,
      shards,
    },
    entries: Object.assign({}, ...parts),
  };
}
