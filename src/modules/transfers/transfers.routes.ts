import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  AddPersonBody,
  ArriveBody,
  BoardBody,
  CancelMoveBody,
  CreateMovementBody,
  CreateOperationBody,
  ExportQuery,
  HandoverResponse,
  ManifestResponse,
  MovementParams,
  MovementResponse,
  OperationParams,
  OperationResponse,
  PlanBody,
  PlanParams,
  PlanResponse,
  ReceiptBody,
  ResolveBody,
  UnplacedResponse,
} from './transfers.dto';
import { transfersArrivalRoutes } from './transfers.arrival.routes';
import { transfersDisputesRoutes } from './transfers.disputes.routes';

const PageQuery = z.object({
  limit: z.coerce.number().int().min(0).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});

export const transfersRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['transfers'];
  // the module's other routes, in their own file, mounted here (the composition root mounts one plugin a module)
  await app.register(transfersArrivalRoutes, { services });
  await app.register(transfersDisputesRoutes, { services });
  const t = services.transfers;

  r.post(
    '/transfers/operations',
    {
      config: { permission: 'transfers.plan' },
      schema: { body: CreateOperationBody, tags, summary: 'Open a transfer operation (an airlift)', response: { 201: OperationResponse } },
    },
    async (request, reply) => reply.status(201).send(await t.createOperation(actorOf(request), request.body)),
  );
  r.get(
    '/transfers/operations',
    {
      config: { permission: 'transfers.read' },
      schema: {
        querystring: PageQuery,
        tags,
        summary: 'Transfer operations with their dashboard figures; X-Total-Count says how many',
        response: {
          200: {
            description: 'A page of operations',
            headers: { 'x-total-count': { type: 'integer' } },
            content: { 'application/json': { schema: z.array(OperationResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await t.listOperations(actorOf(request), request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );
  r.get(
    '/transfers/operations/:id',
    {
      config: { permission: 'transfers.read' },
      schema: { params: OperationParams, tags, summary: "An operation's dashboard", response: { 200: OperationResponse } },
    },
    async (request) => t.operation(actorOf(request), request.params.id),
  );
  r.get(
    '/transfers/operations/:id/movements',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: OperationParams,
        tags,
        summary: "The operation's movements in scope (all of them: at most a few hundred)",
        response: { 200: z.array(MovementResponse) },
      },
    },
    async (request, reply) => {
      const rows = await t.movements(actorOf(request), request.params.id);
      reply.header('x-total-count', String(rows.length));
      return rows;
    },
  );
  r.post(
    '/transfers/operations/:id/movements',
    {
      config: { permission: 'transfers.plan' },
      schema: {
        params: OperationParams,
        body: CreateMovementBody,
        tags,
        summary: 'Add a movement (a flight or a convoy)',
        response: { 201: MovementResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await t.createMovement(actorOf(request), request.params.id, request.body)),
  );
  r.post(
    '/transfers/operations/:id/plan',
    {
      config: { permission: 'transfers.plan', body: 'bulk' },
      schema: {
        params: OperationParams,
        body: PlanBody,
        tags,
        summary: "Propose manifests for the operation's planned movements, and say whom it could not place and why",
        response: { 200: PlanResponse, ...errorResponses(409) },
      },
    },
    async (request) => t.plan(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/transfers/operations/:id/plans/:planId/unplaced',
    {
      config: { permission: 'transfers.plan' },
      schema: {
        params: PlanParams,
        querystring: PageQuery,
        tags,
        summary: 'A page of the persons a plan could not place, with the reason; X-Total-Count says how many',
        response: {
          200: {
            description: 'A page of the unplaced, in the planner order',
            headers: { 'x-total-count': { type: 'integer' } },
            content: { 'application/json': { schema: z.array(UnplacedResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await t.unplaced(actorOf(request), request.params.id, request.params.planId, request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );
  r.get(
    '/transfers/movements/:id',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: MovementParams,
        querystring: PageQuery,
        tags,
        summary: 'A movement with a page of its manifest (audited with the purpose)',
        response: { 200: ManifestResponse },
      },
    },
    async (request) => t.manifest(actorOf(request), request.params.id, request.query),
  );
  const action = <B extends z.ZodType>(
    path: string,
    permission: 'transfers.plan' | 'transfers.run',
    body: B,
    summary: string,
    run: (actor: ReturnType<typeof actorOf>, id: string, body: z.infer<B>) => Promise<unknown>,
  ) =>
    r.post(
      `/transfers/movements/:id/${path}`,
      { config: { permission }, schema: { params: MovementParams, body, tags, summary, response: { 200: MovementResponse, ...errorResponses(409) } } },
      async (request) => run(actorOf(request), request.params.id, request.body as z.infer<B>) as never,
    );
  action('persons', 'transfers.plan', AddPersonBody, 'Put a person on the manifest (audited; after approval too)', (a, id, b) =>
    t.addPerson(a, id, b.personId),
  );
  action('approve', 'transfers.plan', z.object({}).strict(), 'Approve the manifest', (a, id) => t.approve(a, id));
  action('cancel', 'transfers.run', CancelMoveBody, "Cancel a person's move (only before departure)", (a, id, b) => t.cancelMove(a, id, b.personId, b.reason));
  action('board', 'transfers.run', BoardBody, 'Board a person: a passed 1:1 verification cited, or a supervisor override with a reason', (a, id, b) =>
    t.board(a, id, b),
  );
  action('unboard', 'transfers.run', CancelMoveBody, 'Take a boarded person off before departure', (a, id, b) => t.unboard(a, id, b.personId, b.reason));
  action('depart', 'transfers.run', z.object({}).strict(), 'Depart: TRANSFER_DEPARTED for those boarded; the sender signs', (a, id) => t.depart(a, id));
  action('arrive', 'transfers.run', ArriveBody, 'Count off against count on; a difference is a CountDiscrepancy alert', (a, id, b) =>
    t.arrive(a, id, b.identified),
  );
  action('receipt', 'transfers.run', ReceiptBody, 'The receiver signs the receipt: TRANSFER_ARRIVED for those identified', (a, id, b) => t.receipt(a, id, b));
  action('resolve', 'transfers.run', ResolveBody, 'A disputed person found and received at the destination', (a, id, b) => t.resolve(a, id, b));

  r.get(
    '/transfers/movements/:id/handover',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: MovementParams,
        querystring: ExportQuery,
        tags,
        summary: 'The signed handover (JSON, verifiable offline with `custos transfer verify FILE`) or the manifest as CSV',
        response: {
          200: {
            description: 'The handover document, or with format=csv the manifest (audited as an export)',
            content: { 'application/json': { schema: HandoverResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.query.format === 'csv') {
        const csv = await t.manifestCsv(actor, request.params.id);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="manifest-${request.params.id}.csv"`).send(csv);
      }
      const doc = await t.handover(actor, request.params.id);
      return reply.header('content-disposition', `attachment; filename="handover-${request.params.id}.json"`).send(doc);
    },
  );
};
