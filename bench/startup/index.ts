/**
 * bench/startup: how long `npm start` (= `custos demo`) takes from the command to a working URL.
 *   npm run bench -- startup [--runs 1] [--restart] [--args "--scale small"]
 * Starts the real CLI as a child process on an empty data folder (PGlite) and a free port, then polls until the web
 * app answers and a demo user can sign in. With --restart it then stops the process and starts it again on the same
 * folder (the second `npm start` of a user). Prints JSON, with the load average beside the figures: the machine is
 * shared, so the same command on a quiet machine runs faster.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const RUNS = Number(arg('--runs', '1'));
const RESTART = argv.includes('--restart');
const EXTRA = arg('--args', '').split(' ').filter(Boolean);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URL works when the web app's page comes back and a demo user signs in through the API. */
async function works(url: string): Promise<boolean> {
  try {
    const page = await fetch(url);
    if (!page.ok || !(await page.text()).includes('<div id="root">')) return false;
    const login = await fetch(`${url}api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'commander', password: 'custos-demo-2026' }),
    });
    return login.ok;
  } catch {
    return false;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc: on a shared machine the wall time depends on the
 * others' load, the CPU time much less; on a quiet machine the two are close (the demo runs on one thread mostly).
 */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function startOnce(dataDir: string): Promise<{ ms: number; cpuSeconds: number | null; seedLine: string | null; lines: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const t = performance.now();
  const child = spawn(process.execPath, ['bin/custos.js', 'demo', '--data', dataDir, '--port', String(port), ...EXTRA], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  try {
    for (;;) {
      if (exited !== null) throw new Error(`custos demo exited with ${exited}:\n${out}\n${err}`);
      if (await works(url)) break;
      await sleep(250);
    }
    const ms = performance.now() - t;
    return {
      ms: Math.round(ms),
      cpuSeconds: child.pid ? cpuSeconds(child.pid) : null,
      seedLine: out.split('\n').find((l) => l.startsWith('Seeded')) ?? null,
      lines: out.split('\n').length,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (exited !== null ? r(null) : child.once('exit', r)));
  }
}

const runs: Record<string, unknown>[] = [];
for (let i = 0; i < RUNS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-startup-'));
  try {
    const load = loadavg()[0];
    const cold = await startOnce(dataDir);
    const run: Record<string, unknown> = {
      loadAverageAtStart: Number(load!.toFixed(1)),
      loadAverageAtEnd: Number(loadavg()[0]!.toFixed(1)),
      coldStartMs: cold.ms,
      coldStartCpuSeconds: cold.cpuSeconds,
      seedLine: cold.seedLine,
    };
    if (RESTART) {
      const again = await startOnce(dataDir);
      run.restartMs = again.ms;
      run.restartCpuSeconds = again.cpuSeconds;
    }
    runs.push(run);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
process.stdout.write(
  `${JSON.stringify({ bench: 'startup', command: `custos demo ${EXTRA.join(' ')}`.trim(), node: process.version, cores: cpus().length, at: new Date().toISOString(), runs }, null, 2)}\n`,
);
