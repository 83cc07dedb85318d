import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface RawRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

/** Listens on a free loopback port: the suite talks real HTTP, not `inject`, so the socket and parsers take part. */
export async function listen(app: FastifyInstance): Promise<string> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * One request over a socket. node:http rather than fetch: fetch refuses bodies on GET and DELETE, and those are
 * among the hostile inputs. A connection the server cuts (as it may for an oversized body) is status 0, not a throw.
 */
export function send(base: string, req: RawRequest, opts: { timeoutMs?: number; streamMs?: number } = {}): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const r = http.request(`${base}${req.url}`, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      const done = () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
      res.on('error', reject);
      // An event stream never ends by itself: read what it says for a while, then hang up.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        setTimeout(() => {
          done();
          r.destroy();
        }, opts.streamMs ?? 300);
      }
    });
    r.setTimeout(opts.timeoutMs ?? 30_000, () => r.destroy(new Error(`${req.method} ${req.url}: no answer`)));
    r.on('error', (err: NodeJS.ErrnoException) => {
      // The server may answer 413 and close before the whole body is written: the answer already counts.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve({ status: 0, headers: {}, text: String(err.code), ms: performance.now() - started });
      else reject(err);
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
