import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { errorResponses } from '../../platform/http/responses';
import { CustodyEventResponse } from '../custody';
import { CreateFacilityBody, CreateUnitBody, FacilityDetailResponse, FacilityParams, FacilityResponse, UnitResponse } from './facilities.dto';

export const facilitiesRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['facilities'];

  r.post(
    '/facilities',
    { config: { permission: 'facilities.write' }, schema: { body: CreateFacilityBody, tags, response: { 201: FacilityResponse, ...errorResponses(409) } } },
    async (request, reply) => reply.status(201).send(await services.facilities.create(actorOf(request), request.body)),
  );

  r.get('/facilities', { config: { permission: 'facilities.read' }, schema: { tags, response: { 200: z.array(FacilityResponse) } } }, async (request) =>
    services.facilities.list(actorOf(request)),
  );

  r.get(
    '/facilities/:id',
    { config: { permission: 'facilities.read' }, schema: { params: FacilityParams, tags, response: { 200: FacilityDetailResponse } } },
    async (request) => services.facilities.get(actorOf(request), request.params.id),
  );

  r.post(
    '/facilities/:id/units',
    {
      config: { permission: 'facilities.write' },
      schema: { params: FacilityParams, body: CreateUnitBody, tags, response: { 201: UnitResponse, ...errorResponses(409) } },
    },
    async (request, reply) => reply.status(201).send(await services.facilities.addUnit(actorOf(request), request.params.id, request.body)),
  );

  r.get(
    '/facilities/:id/events',
    {
      config: { permission: 'custody.read' },
      schema: {
        params: FacilityParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
        tags,
        summary: 'Custody events into or out of the facility, newest first (paged: limit, offset)',
        response: {
          200: {
            description: 'A page of events; the header X-Total-Count says how many there are in all',
            headers: { 'x-total-count': { type: 'integer', description: 'How many events the feed holds' } },
            content: { 'application/json': { schema: z.array(CustodyEventResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await services.custody.facilityEventsPage(actorOf(request), request.params.id, request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );
};
