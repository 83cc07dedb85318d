import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses, textResponse } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  EventIdParams,
  InclusionProofResponse,
  IssueStatementResponse,
  StatementIdParams,
  StatementPageResponse,
  StatementResponse,
  StatementsQuery,
} from './reviews.dto';
import { reviewDocumentRoutes } from './reviews.document.routes';
import { timelineRoutes } from './reviews.timeline.routes';

export const reviewsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['statements'];
  const reviews = services.reviews;
  await app.register(timelineRoutes, { services });
  await app.register(reviewDocumentRoutes, { services });

  r.get(
    '/statements',
    {
      config: { permission: 'ledger.verify' },
      schema: {
        querystring: StatementsQuery,
        tags,
        summary: 'Signed custody statements, newest first (paged: limit, offset)',
        response: { 200: StatementPageResponse },
      },
    },
    async (request) => reviews.list(actorOf(request), request.query),
  );
  r.get(
    '/statements/latest',
    {
      config: { permission: 'ledger.verify' },
      schema: { tags, summary: 'The last signed custody statement (404 before the first)', response: { 200: StatementResponse } },
    },
    async (request) => reviews.latest(actorOf(request)),
  );
  r.get(
    '/statements/:id',
    {
      config: { permission: 'ledger.verify' },
      schema: { params: StatementIdParams, tags, summary: 'One signed custody statement', response: { 200: StatementResponse } },
    },
    async (request) => reviews.get(actorOf(request), request.params.id),
  );
  r.post(
    '/statements',
    {
      config: { permission: 'ledger.statement' },
      schema: {
        tags,
        summary:
          'Issue a custody statement now: counts by facility and status, every chain head with its Merkle root, the audit head; signed with the site key',
        response: { 201: IssueStatementResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await reviews.issue(actorOf(request), 'on_demand')),
  );
  r.get(
    '/ledger/events/:id/inclusion-proof',
    {
      config: { permission: 'ledger.proof' },
      schema: {
        params: EventIdParams,
        tags,
        summary: "A proof that this event is in the chain under the last statement's Merkle root (audited as a read of the person's record)",
        response: { 200: InclusionProofResponse, ...errorResponses(409) },
      },
    },
    async (request) => reviews.inclusionProof(actorOf(request), request.params.id),
  );
  r.get(
    '/ledger/export',
    {
      config: { permission: 'ledger.verify' },
      schema: {
        tags,
        summary: 'The ledger without personal data, for `custos ledger check` (NDJSON; a statement is issued for it; audited)',
        response: {
          200: textResponse(
            'application/x-ndjson',
            "One JSON object a line: {header}, then every {statement} issued (the last one for this export), then each site's {event}s up to that statement's heads: hash, links, type, times, facilities and units, the person as a keyed pseudonym",
          ),
        },
      },
    },
    async (request, reply) => {
      // the permission and the export's statement first: their errors are still answers, not a broken stream
      const write = await reviews.prepareExport(actorOf(request));
      const out = new PassThrough();
      const done = write((line) => {
        if (!out.write(`${line}\n`)) return new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }).then(
        () => out.end(),
        (err) => out.destroy(err as Error),
      );
      void done;
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="custos-ledger-export.ndjson"');
      reply.header('cache-control', 'no-store');
      // a stream of lines; the documented type is the text it carries
      return reply.send(out as unknown as string);
    },
  );
};
