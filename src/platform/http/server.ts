import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { Services } from '../../services';
import { readDemoWorld } from '../demo-world';
import { errorBody, handleError } from './errors';
import { makeAuthHook } from './auth';
import { assertCleanText, parseJsonBody } from './clean-text';
import { applyBodyClass, checkBodyPolicy } from './body-policy';
import { documentResponses, responseSerializerCompiler, type ResponseCheck } from './responses';

/** A module's HTTP surface: a fastify plugin mounted under /api/v1 with the services. */
export type RoutePlugin = (app: FastifyInstance, opts: { services: Services }) => Promise<void>;

export interface ServerOptions {
  services: Services;
  routes: RoutePlugin[];
  logger?: Logger | false;
  /** Folder of the built web app, served at / when present. */
  webRoot?: string;
  bodyLimit?: number;
  /** Whether answers are checked against their schemas (see ./responses): `off` unless told. */
  responseCheck?: ResponseCheck;
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger || undefined,
    // Routes get their own limit from their body class (./body-policy); this one covers requests to no route.
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler(opts.responseCheck ?? 'off', opts.logger));
  // Before @fastify/swagger collects the routes: every documented route gets its error answers.
  app.addHook('onRoute', documentResponses);
  app.addHook('onRoute', applyBodyClass);
  app.addHook('preParsing', checkBodyPolicy);
  app.setErrorHandler(handleError);
  app.decorateRequest('actor', null);
  app.removeContentTypeParser('application/json');
  // text/plain is not an input format of this API: without a parser fastify answers 415.
  app.removeContentTypeParser('text/plain');
  // The body's depth and number of values were checked as it arrived (checkBodyPolicy), before this parse.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    assertCleanText(request.query, 'query');
    assertCleanText(request.params, 'path');
    assertCleanText(request.headers['x-custos-purpose'], 'purpose');
  });

  await app.register(fastifyHelmet, {
    // The built web app loads only its own scripts; Mantine writes <style> elements and style attributes, images may be
    // data: or blob: (an uploaded or captured photo), and nothing may frame the app or receive its forms.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // Every API answer may carry personal data: no browser or proxy cache keeps any of them.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Custos API', version: '1.0.0', description: 'Digital custody: registry, custody ledger, roll calls, alerts' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Named schemas (the shared error shape) become components; responses only, so their input twins are left out.
    transformObject: (document) => {
      const openapi = jsonSchemaTransformObject(document) as { components?: { schemas?: Record<string, unknown> } };
      const schemas = openapi.components?.schemas;
      if (schemas) for (const name of Object.keys(schemas)) if (name.endsWith('Input') && name.slice(0, -5) in schemas) delete schemas[name];
      return openapi as ReturnType<typeof jsonSchemaTransformObject>;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness, the database kind, the site id, which clock the server runs on and, for a demo, what world it is; no login',
        security: [],
        response: {
          200: z.object({
            ok: z.literal(true),
            database: z.string(),
            site: z.string(),
            clock: z.enum(['real', 'scenario']).describe('scenario: a demo replaying 2026 on its own clock'),
            now: z.string().describe("the server's time (ISO 8601)"),
            demo: z.object({ label: z.string(), scale: z.string(), seed: z.number().int(), ready: z.boolean() }).nullable(),
          }),
        },
      },
    },
    async () => {
      const world = await readDemoWorld(opts.services.database.db);
      return {
        ok: true as const,
        database: opts.services.database.kind,
        site: opts.services.siteId,
        clock: opts.services.clock.kind ?? 'real',
        now: opts.services.clock.now().toISOString(),
        demo: world ? { label: world.label, scale: world.scale, seed: world.seed, ready: world.state === 'ready' } : null,
      };
    },
  );

  await app.register(
    async (api) => {
      api.addHook(
        'onRequest',
        makeAuthHook(
          (token, purpose) => opts.services.access.authenticate(token, purpose),
          (actor, permission, route) => opts.services.access.authorise(actor, permission, route),
        ),
      );
      for (const plugin of opts.routes) await api.register(plugin, { services: opts.services });
    },
    { prefix: '/api/v1' },
  );

  if (opts.webRoot && existsSync(opts.webRoot)) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', wildcard: false });
    // Client-side routes fall back to index.html; API paths get the contract's 404.
    app.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
        return reply.status(404).send(errorBody('route.not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
      }
      return reply.sendFile('index.html');
    });
  } else {
    app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('route.not_found', `No route ${request.method} ${request.url.split('?')[0]}`)));
  }
  return app as unknown as FastifyInstance;
}
