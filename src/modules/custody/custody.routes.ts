import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { z } from 'zod';
import { errorResponses } from '../../platform/http/responses';
import {
  AllowedEventsResponse,
  AppendBatchBody,
  AppendBatchResponse,
  AppendEventBody,
  CustodyEventResponse,
  LedgerVerificationResponse,
  PersonEventsParams,
  VerifyQuery,
} from './custody.dto';
import { custodyConfirmationsRoutes } from './custody.confirmations.routes';

export const custodyRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['custody'];
  // the module's other routes, in their own file, mounted here (the composition root mounts one plugin a module)
  await app.register(custodyConfirmationsRoutes, { services });

  r.post(
    '/persons/:id/events',
    {
      config: { permission: 'custody.append' },
      schema: {
        params: PersonEventsParams,
        body: AppendEventBody,
        tags,
        summary: 'Append a custody event',
        response: { 201: CustodyEventResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.custody.append(actorOf(request), { ...request.body, personId: request.params.id }, { byHand: true })),
  );

  r.get(
    '/persons/:id/events',
    {
      config: { permission: 'custody.read' },
      schema: { params: PersonEventsParams, tags, summary: "A person's custody timeline", response: { 200: z.array(CustodyEventResponse) } },
    },
    async (request) => services.custody.personEvents(actorOf(request), request.params.id),
  );

  r.get(
    '/persons/:id/events/allowed',
    {
      config: { permission: 'custody.append' },
      schema: {
        params: PersonEventsParams,
        tags,
        summary: 'The custody events the caller may record for the person now (state machine and role), with the fields each needs',
        response: { 200: AllowedEventsResponse },
      },
    },
    async (request) => services.custody.allowedEvents(actorOf(request), request.params.id),
  );

  r.post(
    '/events/batch',
    {
      config: { permission: 'custody.append', body: 'bulk' },
      schema: { body: AppendBatchBody, tags, summary: 'Append many events atomically', response: { 201: AppendBatchResponse, ...errorResponses(409) } },
    },
    async (request, reply) => {
      const events = await services.custody.appendMany(actorOf(request), request.body.events, { byHand: true });
      return reply.status(201).send({ count: events.length, firstSeq: events[0]?.seq, lastSeq: events.at(-1)?.seq, head: events.at(-1)?.hash });
    },
  );

  r.get(
    '/ledger/verify',
    {
      config: { permission: 'ledger.verify' },
      schema: {
        querystring: VerifyQuery,
        tags,
        summary: 'Verify every hash chain of the ledger',
        response: { 200: LedgerVerificationResponse },
        description:
          'scope=full (default) walks every event now. scope=tail re-checks the chain ends of the last full walk and verifies the events after them; `fullCheckedAt` says when the whole chain was last walked.',
      },
    },
    async (request) => services.custody.verify(actorOf(request), { scope: request.query.scope }),
  );
};
