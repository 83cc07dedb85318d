/**
 * bench/reliability: the fuzzer of test/reliability in full.
 *   npm run bench -- reliability [--requests 20000] [--db pglite|postgres|both] [--seed 14]
 * Prints JSON per database: requests, 5xx (with the first findings), rejected requests that changed state, the
 * statuses histogram, the worst latency (and the operation), the worst RSS growth of the process (server in-process).
 * Every kind of hostile request is drawn, the heavy ones (deep nesting, 14 MB raw bodies) included.
 */
import { performance } from 'node:perf_hooks';
import { createTestApp, postgresReachable } from '../../test/harness';
import { fuzz } from '../../test/reliability/runner';
import { machine, numberArg, targetsFromArgs } from '../lib/db';

const argv = process.argv.slice(2);
const REQUESTS = numberArg(argv, '--requests', 20_000);
const SEED = numberArg(argv, '--seed', 14);

const results: Record<string, unknown>[] = [];
for (const target of targetsFromArgs(argv)) {
  if (target === 'postgres' && !(await postgresReachable())) {
    results.push({ database: target, skipped: 'no PostgreSQL server answers' });
    continue;
  }
  const app = await createTestApp(target);
  try {
    const t = performance.now();
    const stats = await fuzz(app, { requests: REQUESTS, seed: SEED });
    results.push({
      database: target,
      requests: stats.requests,
      '5xx': stats.serverErrors.length,
      rejectedThatChangedState: stats.stateChanges.length,
      statuses: stats.statuses,
      byKind: stats.byKind,
      worstLatencyMs: stats.worstLatencyMs,
      worstLatencyOp: stats.worstLatencyOp,
      worstRssGrowthMb: stats.worstRssGrowthMb,
      seconds: Math.round((performance.now() - t) / 1000),
      findings: [...stats.serverErrors.slice(0, 10), ...stats.stateChanges.slice(0, 10)],
    });
  } finally {
    await app.close();
  }
}
console.log(JSON.stringify({ bench: 'reliability', seed: SEED, machine: machine(), results }, null, 2));
