import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { CreateFacilityBody, CreateUnitBody, FacilityParams } from './facilities.dto';

export const facilitiesRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['facilities'];

  r.post('/facilities', { config: { permission: 'facilities.write' }, schema: { body: CreateFacilityBody, tags } }, async (request, reply) =>
    reply.status(201).send(await services.facilities.create(actorOf(request), request.body)),
  );

  r.get('/facilities', { config: { permission: 'facilities.read' }, schema: { tags } }, async (request) => services.facilities.list(actorOf(request)));

  r.get('/facilities/:id', { config: { permission: 'facilities.read' }, schema: { params: FacilityParams, tags } }, async (request) =>
    services.facilities.get(actorOf(request), request.params.id),
  );

  r.post(
    '/facilities/:id/units',
    { config: { permission: 'facilities.write' }, schema: { params: FacilityParams, body: CreateUnitBody, tags } },
    async (request, reply) => reply.status(201).send(await services.facilities.addUnit(actorOf(request), request.params.id, request.body)),
  );

  r.get(
    '/facilities/:id/events',
    {
      config: { permission: 'custody.read' },
      schema: { params: FacilityParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }), tags },
    },
    async (request) => services.custody.facilityEvents(actorOf(request), request.params.id, request.query.limit),
  );
};
