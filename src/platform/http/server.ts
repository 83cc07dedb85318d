import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../logger';
import type { Services } from '../../services';
import { errorBody, handleError } from './errors';
import { makeAuthHook } from './auth';
import { assertCleanText, parseJsonBody } from './clean-text';

/** A module's HTTP surface: a fastify plugin mounted under /api/v1 with the services. */
export type RoutePlugin = (app: FastifyInstance, opts: { services: Services }) => Promise<void>;

export interface ServerOptions {
  services: Services;
  routes: RoutePlugin[];
  logger?: Logger | false;
  /** Folder of the built web app, served at / when present. */
  webRoot?: string;
  bodyLimit?: number;
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger || undefined,
    bodyLimit: opts.bodyLimit ?? 2 * 1024 * 1024,
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.decorateRequest('actor', null);
  app.removeContentTypeParser('application/json');
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

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Custos API', version: '1.0.0', description: 'Digital custody: registry, custody ledger, roll calls, alerts' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/api/health', { config: { public: true }, schema: { hide: true } }, async () => ({
    ok: true,
    database: opts.services.database.kind,
    site: opts.services.siteId,
  }));

  await app.register(
    async (api) => {
      api.addHook(
        'onRequest',
        makeAuthHook(
          (token, purpose) => opts.services.access.authenticate(token, purpose),
          (actor, permission) => opts.services.access.authorise(actor, permission),
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
