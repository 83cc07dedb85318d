/**
 * `npm run bench -- edge [--target pglite|postgres]`: hostile requests against a real HTTP server, one at a time, each
 * measured for wall time, the longest event-loop stall while it ran and the growth of the process's memory (RSS and
 * heap, sampled every 2 ms). Prints JSON with each request and the worst of them. Issue 14's limits: no single request
 * should stall the loop for more than 100 ms nor add more than 100 MB.
 */
import { request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { buildHttp } from '../../src/main';
import { systemActor } from '../../src/modules/access';
import { benchServices, type BenchTarget } from '../lib/db';

const target = (process.argv.includes('--target') ? process.argv[process.argv.indexOf('--target') + 1] : 'pglite') as BenchTarget;
const MiB = 1024 * 1024;

const { services, close } = await benchServices(target);
const http = await buildHttp(services, { logger: false });
await http.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;

const admin = systemActor('bench');
await services.access.createUser(admin, { username: 'bench-admin', password: 'bench-password-2026', role: 'admin' });
const { token } = await services.access.login('bench-admin', 'bench-password-2026', '127.0.0.1');
const person = await services.registry.create(admin, { names: [{ full: 'Bench Person' }], sex: 'F' });
const personId = (person as { id: string }).id;
const UNKNOWN = '01900000-0000-7000-8000-000000000000';
const bearer = { authorization: `Bearer ${token}` };

interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

const manyKeys = (bytes: number) => {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const p = `"k${i}":0`;
    parts.push(p);
    size += p.length + 1;
  }
  return `{${parts.join(',')}}`;
};

const cases: Case[] = [
  {
    name: 'deep JSON (2,650 levels) on POST /auth/login, no session',
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    body: `{"username":"x","password":${'['.repeat(2650)}${']'.repeat(2650)}}`,
  },
  {
    name: '14 MB raw body on DELETE /persons/:id/biometrics/:templateId',
    method: 'DELETE',
    path: `/api/v1/persons/${personId}/biometrics/${UNKNOWN}`,
    headers: { ...bearer, 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(14 * MiB, 0x41),
  },
  {
    name: '14 MB JSON with a key per 8 bytes on POST /biometrics/identify',
    method: 'POST',
    path: '/api/v1/biometrics/identify?modality=face',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: manyKeys(14 * MiB - 1024),
  },
  {
    name: '8 MB JSON array of zeros on POST /events/batch (bulk class)',
    method: 'POST',
    path: '/api/v1/events/batch',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: `[${new Array(4 * MiB - 1).fill('0').join(',')}]`,
  },
  {
    name: '250 KB JSON of many keys on POST /facilities (json class)',
    method: 'POST',
    path: '/api/v1/facilities',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: manyKeys(250 * 1024),
  },
  {
    name: '14 MB JSON body on GET /facilities',
    method: 'GET',
    path: '/api/v1/facilities',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: manyKeys(14 * MiB - 1024),
  },
  {
    name: '16 MB body to no route',
    method: 'POST',
    path: '/api/v1/nowhere',
    headers: { 'content-type': 'application/json' },
    body: Buffer.alloc(16 * MiB, 0x20),
  },
];

/** node:http rather than fetch, which refuses a body on GET (the point of one case). */
function send(c: Case): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + c.path, { method: c.method, headers: c.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer and close before the whole body is written; the answer is what counts.
    req.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err),
    );
    req.on('socket', (socket) => socket.on('error', () => undefined));
    req.end(c.body);
  });
}

const histogram = monitorEventLoopDelay({ resolution: 1 });

async function measure(c: Case) {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 2);
  histogram.reset();
  histogram.enable();
  const started = performance.now();
  const res = await send(c);
  const text = res.text;
  const ms = performance.now() - started;
  histogram.disable();
  clearInterval(sampler);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = text.slice(0, 200);
  }
  return {
    name: c.name,
    bytes: c.body === undefined ? 0 : Buffer.byteLength(c.body),
    status: res.status,
    code,
    ms: Math.round(ms),
    maxLoopStallMs: Math.round(histogram.max / 1e6),
    rssGrowthMB: Math.round((peakRss - before.rss) / MiB),
    heapGrowthMB: Math.round((peakHeap - before.heapUsed) / MiB),
  };
}

// One ordinary request first, so that the first case does not carry the server's warm-up.
await send({
  name: 'warm-up',
  method: 'POST',
  path: '/api/v1/auth/login',
  headers: { 'content-type': 'application/json' },
  body: '{"username":"x","password":"y"}',
});
const results = [];
for (const c of cases) results.push(await measure(c));
await http.close();
await close();

const worst = {
  ms: Math.max(...results.map((r) => r.ms)),
  maxLoopStallMs: Math.max(...results.map((r) => r.maxLoopStallMs)),
  rssGrowthMB: Math.max(...results.map((r) => r.rssGrowthMB)),
  heapGrowthMB: Math.max(...results.map((r) => r.heapGrowthMB)),
};
console.log(JSON.stringify({ bench: 'edge', target, node: process.version, results, worst }, null, 2));
