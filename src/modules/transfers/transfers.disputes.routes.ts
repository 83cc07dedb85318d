import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { MovementDiscrepanciesResponse, OperationDiscrepanciesResponse, ResolveDiscrepancyBody } from './transfers.disputes.dto';
import { MovementParams, OperationParams } from './transfers.dto';

/** Count discrepancies: listed per movement and per operation, resolved one by one by an officer with a reason. */
export const transfersDisputesRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['transfers'];
  const s = services.transfersDisputes;

  r.get(
    '/transfers/movements/:id/discrepancies',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: MovementParams,
        tags,
        summary: "A counted movement's missing and extra persons, and the discrepancies already resolved",
        response: { 200: MovementDiscrepanciesResponse },
      },
    },
    async (request) => s.discrepancies(actorOf(request), request.params.id),
  );
  r.post(
    '/transfers/movements/:id/discrepancies/resolve',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: MovementParams,
        body: ResolveDiscrepancyBody,
        tags,
        summary:
          'Resolve one discrepancy with a reason: a missing person found (received) or not boarded (back at the origin); an extra re-attributed to the movement that named them or sent back',
        response: { 200: MovementDiscrepanciesResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.resolve(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/transfers/operations/:id/discrepancies',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: OperationParams,
        tags,
        summary: "The operation's movements in scope with a discrepancy, open or resolved (at most a few hundred movements)",
        response: { 200: OperationDiscrepanciesResponse },
      },
    },
    async (request) => s.ofOperation(actorOf(request), request.params.id),
  );
};
