import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { FacilityParams, IdParams } from './guards.dto';
import {
  CreateRouteBody,
  PatrolStatusQuery,
  PatrolStatusResponse,
  RoundResponse,
  RouteResponse,
  ScanBody,
  ScanResponse,
  StartRoundBody,
  UpdateRouteBody,
} from './guards.patrols.dto';

/** Patrol routes, rounds, scans and the status screen (registered by the guards module's routes). */
export function patrolRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['guards'];
  const p = services.guards.patrols;

  r.post(
    '/guards/patrol-routes',
    {
      config: { permission: 'guards.manage' },
      schema: {
        body: CreateRouteBody,
        tags,
        summary: 'A patrol route: its checkpoints in walking order (QR or NFC tag ids, unique per facility) and its limits',
        response: { 201: RouteResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await p.createRoute(actorOf(request), request.body)),
  );
  r.patch(
    '/guards/patrol-routes/:id',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: IdParams,
        body: UpdateRouteBody,
        tags,
        summary: "A patrol route's name, round interval, checkpoint window, or whether it is walked",
        response: { 200: RouteResponse },
      },
    },
    async (request) => p.updateRoute(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/guards/facilities/:id/patrol-routes',
    {
      config: { permission: 'guards.read' },
      schema: { params: FacilityParams, tags, summary: "The facility's patrol routes with their checkpoints", response: { 200: z.array(RouteResponse) } },
    },
    async (request) => p.routes(actorOf(request), request.params.id),
  );
  r.get(
    '/guards/facilities/:id/patrols',
    {
      config: { permission: 'guards.read' },
      schema: {
        params: FacilityParams,
        querystring: PatrolStatusQuery,
        tags,
        summary: 'Patrol status: each route with its last round, next due time, overdue or missed; the recent scans (a page) and misses',
        response: { 200: PatrolStatusResponse },
      },
    },
    async (request) => p.status(actorOf(request), request.params.id, request.query),
  );
  r.post(
    '/guards/patrol-rounds',
    {
      config: { permission: 'guards.attendance' },
      schema: {
        body: StartRoundBody,
        tags,
        summary: 'A guard on duty starts a round of a route',
        response: { 201: RoundResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await p.startRound(actorOf(request), request.body)),
  );
  r.post(
    '/guards/patrol-rounds/:id/scans',
    {
      config: { permission: 'guards.attendance' },
      schema: {
        params: IdParams,
        body: ScanBody,
        tags,
        summary: 'A scan of a checkpoint tag in a round (unknown tag, another route, a repeat, a guard off duty: refused, nothing stored)',
        response: { 201: ScanResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await p.scan(actorOf(request), request.params.id, request.body)),
  );
}
