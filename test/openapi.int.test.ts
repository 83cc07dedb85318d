// The OpenAPI document describes every answer of every route: a schema for the success body (JSON, or the content type
// and a string for CSV and event streams) and the shared error shape for every error status. The answers themselves
// are checked against these schemas in every integration test (the harness runs the strict response check).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { apiRoutes } from '../src/routes';
import { buildServer, type RoutePlugin } from '../src/platform/http/server';
import { auth, createTestApp, type TestApp } from './harness';

type Schema = Record<string, unknown> & { $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[] };
type Media = Record<string, { schema?: Schema }>;
type Operation = { responses?: Record<string, { description?: string; content?: Media }> };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ERROR_REF = '#/components/schemas/Error';

/** Every (method, path) of the document, paths in OpenAPI form (`{id}`). */
function operations(doc: OpenApi): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** A schema that says something about the body: a type, a reference, or a combination of those. */
function describesABody(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (typeof schema.$ref === 'string' || typeof schema.type === 'string') return true;
  return ['anyOf', 'oneOf', 'allOf'].some(
    (k) => Array.isArray(schema[k]) && (schema[k] as Schema[]).length > 0 && (schema[k] as Schema[]).every(describesABody),
  );
}

describe('the OpenAPI document', () => {
  let app: TestApp;
  let doc: OpenApi;
  let admin: string;

  beforeAll(async () => {
    app = await createTestApp('pglite');
    const res = await app.http.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as OpenApi;
    admin = await app.tokenFor('admin');
  });
  afterAll(async () => app?.close());

  it('has every route of every module, and the health check', async () => {
    // The routes as the modules register them, seen by an onRoute hook in each module's own context.
    const seen: string[] = [];
    const watched: RoutePlugin[] = apiRoutes.map((plugin) => async (instance, opts) => {
      instance.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const m of methods) if (m !== 'HEAD') seen.push(`${m.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      });
      await plugin(instance, opts);
    });
    const server: FastifyInstance = await buildServer({ services: app.services, routes: watched, logger: false });
    await server.ready();
    await server.close();
    const documented = new Set(operations(doc).map((o) => `${o.method} ${o.path}`));
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((r) => !documented.has(r))).toEqual([]);
    expect(documented.has('get /api/health')).toBe(true);
  });

  it('gives every operation a schema for its success body', () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const successes = Object.entries(op.responses ?? {}).filter(([status]) => /^2(\d\d|XX)$/.test(status));
      if (successes.length === 0) missing.push(`${method} ${path}: no success status`);
      for (const [status, response] of successes) {
        const media = Object.entries(response.content ?? {});
        if (media.length === 0) missing.push(`${method} ${path} ${status}: no content`);
        for (const [type, { schema }] of media) {
          const ok = type === 'application/json' ? describesABody(schema) : schema?.type === 'string';
          if (!ok) missing.push(`${method} ${path} ${status} ${type}: no body schema`);
        }
        if (!response.description || response.description === 'Default Response') missing.push(`${method} ${path} ${status}: no description`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('describes every error answer with the shared error shape {error: {code, message, details?}}', () => {
    const error = doc.components?.schemas?.Error;
    expect(error).toMatchObject({ type: 'object', required: ['error'] });
    const inner = error?.properties?.error;
    expect(inner).toMatchObject({ type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } });
    expect([...(inner?.required ?? [])].sort()).toEqual(['code', 'message']);
    expect(Object.keys(inner?.properties ?? {}).sort()).toEqual(['code', 'details', 'message']);

    const wrong: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const errors = Object.entries(op.responses ?? {}).filter(([status]) => !/^2/.test(status));
      const statuses = errors.map(([s]) => s);
      for (const needed of ['400', '500', 'default']) if (!statuses.includes(needed)) wrong.push(`${method} ${path}: no ${needed}`);
      for (const [status, response] of errors) {
        const media = Object.keys(response.content ?? {});
        if (media.length !== 1 || response.content?.['application/json']?.schema?.$ref !== ERROR_REF) wrong.push(`${method} ${path} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents what needs a login, a permission, a record and a body', () => {
    const has = (method: string, path: string, status: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).includes(status);
    expect(has('get', '/api/health', '401')).toBe(false);
    expect(has('post', '/api/v1/auth/login', '401')).toBe(true);
    expect(has('post', '/api/v1/auth/login', '429')).toBe(true);
    expect(has('get', '/api/v1/facilities', '401')).toBe(true);
    expect(has('get', '/api/v1/facilities', '403')).toBe(true);
    expect(has('get', '/api/v1/facilities', '404')).toBe(false);
    expect(has('get', '/api/v1/persons/{id}', '404')).toBe(true);
    expect(has('post', '/api/v1/persons/{id}/events', '409')).toBe(true);
    expect(has('post', '/api/v1/persons', '413')).toBe(true);
    expect(has('post', '/api/v1/persons', '415')).toBe(true);
  });

  it('documents the CSV exports and the event stream by content type, and they still answer as before', async () => {
    const report = doc.paths['/api/v1/reports/status']?.get?.responses?.['200']?.content ?? {};
    expect(Object.keys(report).sort()).toEqual(['application/json', 'text/csv']);
    expect(report['text/csv']?.schema).toMatchObject({ type: 'string' });
    const stream = doc.paths['/api/v1/alerts/stream']?.get?.responses?.['200']?.content ?? {};
    expect(Object.keys(stream)).toEqual(['text/event-stream']);

    // Under the strict response check: text bodies are sent as they are, JSON ones checked.
    for (const url of ['/api/v1/reports/status?format=csv', '/api/v1/reports/status?format=csv&level=unit', '/api/v1/reports/delta?format=csv']) {
      const csv = await app.http.inject({ method: 'GET', url, headers: auth(admin) });
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.body.split('\n')[0]).toContain(',');
    }
    const json = await app.http.inject({ method: 'GET', url: '/api/v1/reports/status', headers: auth(admin) });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
