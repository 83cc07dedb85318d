import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds web/dist when it is missing (npm ci builds it through `prepare`; a fresh checkout may not have). */
export default function setup(): void {
  mkdirSync(`${root}test-artifacts/screenshots`, { recursive: true });
  if (existsSync(`${root}web/dist/index.html`) && !process.env.CUSTOS_E2E_REBUILD) return;
  const r = spawnSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would give React's development build: test what is shipped
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('vite build of web/ failed');
}
