import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  ConfirmationPageResponse,
  ConfirmationParams,
  ConfirmationRequestBody,
  ConfirmationResponse,
  ConfirmationsQuery,
  ConfirmedResponse,
  RejectBody,
} from './custody.confirmations.dto';
import { PersonEventsParams } from './custody.dto';

/** The two-person rule over HTTP: a request, the queue, a second officer's confirmation or rejection. */
export const custodyConfirmationsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['custody'];
  const c = services.confirmations;

  r.post(
    '/persons/:id/events/requests',
    {
      config: { permission: 'custody.append' },
      schema: {
        params: PersonEventsParams,
        body: ConfirmationRequestBody,
        tags,
        summary: 'Ask for a release or a correction of an escape (RELEASED, RECAPTURED, ACCOUNTED): pending until a second officer confirms',
        response: { 201: ConfirmationResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await c.request(actorOf(request), request.params.id, request.body)),
  );
  r.get(
    '/custody/confirmations',
    {
      config: { permission: 'custody.confirm' },
      schema: {
        querystring: ConfirmationsQuery,
        tags,
        summary: 'The queue of requests awaiting a second officer (and decided ones), a page with how many in all',
        response: { 200: ConfirmationPageResponse },
      },
    },
    async (request) => c.list(actorOf(request), request.query),
  );
  r.get(
    '/custody/confirmations/:id',
    {
      config: { permission: 'custody.confirm' },
      schema: { params: ConfirmationParams, tags, summary: 'One request of the two-person rule', response: { 200: ConfirmationResponse } },
    },
    async (request) => c.get(actorOf(request), request.params.id),
  );
  r.post(
    '/custody/confirmations/:id/confirm',
    {
      config: { permission: 'custody.confirm' },
      schema: {
        params: ConfirmationParams,
        tags,
        summary: 'A second, different officer confirms: the ledger event is written citing both (the requester: 409)',
        response: { 200: ConfirmedResponse, ...errorResponses(409) },
      },
    },
    async (request) => c.confirm(actorOf(request), request.params.id),
  );
  r.post(
    '/custody/confirmations/:id/reject',
    {
      config: { permission: 'custody.confirm' },
      schema: {
        params: ConfirmationParams,
        body: RejectBody,
        tags,
        summary: 'Reject the request with a reason (its requester may withdraw it); nothing reaches the ledger',
        response: { 200: ConfirmationResponse, ...errorResponses(409) },
      },
    },
    async (request) => c.reject(actorOf(request), request.params.id, request.body.reason),
  );
};
