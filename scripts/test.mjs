#!/usr/bin/env node
// `npm test`: the whole suite. Unit and integration tests (integration on PGlite always, and on the PostgreSQL server
// whenever one answers), then the browser tests when Debian's Chromium is installed. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
mkdirSync(`${root}test-artifacts`, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let status = 0;

function runVitest(label, args, env = {}) {
  const report = `${root}test-artifacts/${label}.json`;
  const result = spawnSync(
    process.execPath,
    [`${root}node_modules/vitest/vitest.mjs`, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
    { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } },
  );
  if (result.status !== 0) status = result.status ?? 1;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  } else if (result.status !== 0) {
    failed += 1;
  }
}

runVitest('unit-integration', []);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasE2e = existsSync(`${root}e2e`) && readdirSync(`${root}e2e`).some((f) => f.endsWith('.e2e.ts'));
if (hasE2e) {
  if (existsSync(chromium)) runVitest('e2e', ['--config', 'e2e/vitest.config.ts']);
  else console.log(`Browser tests skipped: no Chromium at ${chromium} (.ci/run installs Debian's chromium)`);
}

console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status || (failed > 0 ? 1 : 0));
