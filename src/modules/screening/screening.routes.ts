import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { errorResponses } from '../../platform/http/responses';
import {
  HitDetailResponse,
  HitParams,
  HitResponse,
  HitsQuery,
  ImportJsonBody,
  ImportQuery,
  PersonParams,
  ReasonBody,
  ScreeningRequestResponse,
  VersionParams,
  VersionsQuery,
  WatchlistImportResponse,
  WatchlistVersionDetailResponse,
  WatchlistVersionResponse,
} from './screening.dto';
import type { ImportInput } from './screening.import';

/** Lists are a few MB (UN XML about 2 MB, OFAC's three CSV files about 3.5 MB); anything past this is refused with 413. */
export const WATCHLIST_BODY_LIMIT = 16 * 1024 * 1024;

export const screeningRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['screening'];

  // The UN list is posted as it is published: an XML body (this parser is local to these routes).
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: WATCHLIST_BODY_LIMIT }, (_req, body, done) => done(null, body));

  r.post(
    '/watchlists/import',
    {
      config: { permission: 'screening.decide', body: 'list' },
      schema: {
        querystring: ImportQuery,
        body: z.union([z.string(), ImportJsonBody]),
        tags,
        summary: 'Import a release of a watchlist (UN XML body, or JSON {format, xml | files})',
        description:
          'A release older than the current version (UN dateGenerated) is refused with 409 watchlist.older_release unless force=true; ' +
          'one that would remove most of the list with 409 watchlist.mass_removal unless confirmRemoval=true',
        response: { 201: WatchlistImportResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      let input: ImportInput;
      if (typeof body === 'string') {
        if (request.query.format !== 'un-consolidated') {
          throw new ValidationError(
            'watchlist.bad_input',
            'An XML body is the UN consolidated list; send OFAC files as JSON {format: "ofac-sdn", files: {sdn, alt, add}}',
          );
        }
        input = { format: 'un-consolidated', content: body, fileName: request.query.fileName, force: request.query.force };
      } else if (body.format === 'un-consolidated') {
        input = {
          format: body.format,
          content: body.xml,
          fileName: body.fileName,
          force: body.force === true || request.query.force,
          confirmRemoval: body.confirmRemoval,
        };
      } else {
        input = { format: body.format, content: body.files, fileName: body.fileName, confirmRemoval: body.confirmRemoval };
      }
      if (request.query.confirmRemoval) input.confirmRemoval = true;
      return reply.status(201).send(await services.screening.importList(actorOf(request), input));
    },
  );

  r.get(
    '/watchlists',
    {
      config: { permission: 'screening.read' },
      schema: {
        querystring: VersionsQuery,
        tags,
        summary: 'List versions with counts and diff summary',
        response: { 200: z.array(WatchlistVersionResponse) },
      },
    },
    async (request) => services.screening.versions(actorOf(request), request.query.source),
  );

  r.get(
    '/watchlists/versions/:id',
    {
      config: { permission: 'screening.read' },
      schema: {
        params: VersionParams,
        tags,
        summary: 'One version with its added, removed and changed entries',
        response: { 200: WatchlistVersionDetailResponse },
      },
    },
    async (request) => services.screening.version(actorOf(request), request.params.id),
  );

  r.get(
    '/screening/hits',
    {
      config: { permission: 'screening.read' },
      schema: {
        querystring: HitsQuery,
        tags,
        summary: 'The review queue (pending first; paged: limit, offset)',
        response: {
          200: {
            description: "A page of hits; the header X-Total-Count says how many match in all (in the caller's scope)",
            headers: { 'x-total-count': { type: 'integer', description: 'How many hits match in all' } },
            content: { 'application/json': { schema: z.array(HitResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await services.screening.hitsPage(actorOf(request), request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );

  r.get(
    '/screening/hits/:id',
    {
      config: { permission: 'screening.read' },
      schema: { params: HitParams, tags, summary: 'One hit with its evidence and the list entry (the read is audited)', response: { 200: HitDetailResponse } },
    },
    async (request) => services.screening.hit(actorOf(request), request.params.id),
  );

  r.post(
    '/screening/hits/:id/confirm',
    {
      config: { permission: 'screening.decide' },
      schema: {
        params: HitParams,
        body: ReasonBody,
        tags,
        summary: 'Confirm a pending hit, with a reason',
        response: { 200: HitResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.screening.decide(actorOf(request), request.params.id, 'confirmed', request.body.reason),
  );

  r.post(
    '/screening/hits/:id/dismiss',
    {
      config: { permission: 'screening.decide' },
      schema: {
        params: HitParams,
        body: ReasonBody,
        tags,
        summary: 'Dismiss a pending hit, with a reason',
        response: { 200: HitResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.screening.decide(actorOf(request), request.params.id, 'dismissed', request.body.reason),
  );

  r.post(
    '/screening/persons/:id/screen',
    {
      config: { permission: 'screening.decide' },
      schema: {
        params: PersonParams,
        body: ReasonBody,
        tags,
        summary: 'Screen one person now (the only way for a possible minor); audited with the reason',
        response: { 200: ScreeningRequestResponse },
      },
    },
    async (request) => services.screening.requestScreening(actorOf(request), request.params.id, request.body.reason),
  );
};
