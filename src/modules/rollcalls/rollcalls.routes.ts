import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/responses';
import {
  CancelRollcallBody,
  CloseResponse,
  FacilityParams,
  ListRollcallsQuery,
  MarksBody,
  MarksReceiptResponse,
  OpenRollcallBody,
  RollcallDetailQuery,
  RollcallDetailResponse,
  RollcallParams,
  RollcallResponse,
  ScheduleBody,
  ScheduleResponse,
} from './rollcalls.dto';

export const rollcallsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['rollcalls'];

  r.post(
    '/rollcalls',
    {
      config: { permission: 'rollcall.run' },
      schema: {
        body: OpenRollcallBody,
        tags,
        summary: 'Open a roll call; its expected list is the manifest now',
        response: { 201: RollcallResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.rollcalls.open(actorOf(request), request.body)),
  );

  r.get(
    '/rollcalls',
    {
      config: { permission: 'reports.read' },
      schema: { querystring: ListRollcallsQuery, tags, summary: 'Roll calls, newest first', response: { 200: z.array(RollcallResponse) } },
    },
    async (request) => services.rollcalls.list(actorOf(request), request.query),
  );

  r.get(
    '/rollcalls/:id',
    {
      config: { permission: 'reports.read' },
      schema: {
        params: RollcallParams,
        querystring: RollcallDetailQuery,
        tags,
        summary: 'A roll call with live counters and a page of its sheet',
        response: { 200: RollcallDetailResponse },
      },
    },
    async (request) => services.rollcalls.get(actorOf(request), request.params.id, request.query),
  );

  r.post(
    '/rollcalls/:id/marks',
    {
      config: { permission: 'rollcall.run', body: 'bulk' },
      schema: {
        params: RollcallParams,
        body: MarksBody,
        tags,
        summary: 'Record a batch of marks (idempotent by mark id)',
        response: { 200: MarksReceiptResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.rollcalls.mark(actorOf(request), request.params.id, request.body),
  );

  r.post(
    '/rollcalls/:id/close',
    {
      config: { permission: 'rollcall.run' },
      schema: {
        params: RollcallParams,
        tags,
        summary: 'Close: compute the Delta, record the unaccounted, raise alerts',
        response: { 200: CloseResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.rollcalls.close(actorOf(request), request.params.id),
  );

  r.post(
    '/rollcalls/:id/cancel',
    {
      config: { permission: 'rollcall.run' },
      schema: {
        params: RollcallParams,
        body: CancelRollcallBody,
        tags,
        summary: 'Cancel an open roll call with a reason: no Delta, no ledger events, the units free again',
        response: { 200: RollcallResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.rollcalls.cancel(actorOf(request), request.params.id, request.body),
  );

  r.put(
    '/facilities/:id/rollcall-schedule',
    {
      config: { permission: 'facilities.write' },
      schema: {
        params: FacilityParams,
        body: ScheduleBody,
        tags,
        summary: "Set the facility's roll-call times and grace period",
        response: { 200: ScheduleResponse },
      },
    },
    async (request) => services.rollcalls.setSchedule(actorOf(request), request.params.id, request.body),
  );

  r.get(
    '/facilities/:id/rollcall-schedule',
    {
      config: { permission: 'facilities.read' },
      schema: { params: FacilityParams, tags, summary: "The facility's roll-call schedule (null: none)", response: { 200: ScheduleResponse.nullable() } },
    },
    async (request) => services.rollcalls.schedule(actorOf(request), request.params.id),
  );
};
