import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import {
  CreateRepatriationBody,
  EvidenceBody,
  FiguresQuery,
  HandoverBody,
  NationalityDecisionBody,
  RepatriationFiguresResponse,
  RepatriationListQuery,
  RepatriationParams,
  RepatriationResponse,
  RepatriationStepBody,
  RepatriationSummary,
} from './cases.repatriation.dto';

/** Repatriation requests to states (issue 23, part B), under /api/v1/repatriation. */
export const repatriationRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cases'];
  const s = services.repatriation;

  r.get(
    '/repatriation/requests',
    {
      config: { permission: 'repatriation.read' },
      schema: {
        querystring: RepatriationListQuery,
        tags,
        summary: "Repatriation requests in the caller's scope (a liaison: their state's), overdue first; X-Total-Count says how many",
        response: {
          200: {
            description: 'A page of requests',
            headers: { 'x-total-count': { type: 'integer' } },
            content: { 'application/json': { schema: z.array(RepatriationSummary) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await s.list(actorOf(request), request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );
  r.post(
    '/repatriation/requests',
    {
      config: { permission: 'repatriation.write' },
      schema: {
        body: CreateRepatriationBody,
        tags,
        summary: 'Ask a state to take back one of its nationals (refused for a person of another nationality)',
        response: { 201: RepatriationResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await s.create(actorOf(request), request.body)),
  );
  r.get(
    '/repatriation/figures',
    {
      config: { permission: 'repatriation.read' },
      schema: {
        querystring: FiguresQuery,
        tags,
        summary: "Per state: nationals held, requests by stage, overdue (JSON or CSV); a liaison's own state only",
        response: {
          200: {
            description: 'The figures as JSON; with format=csv a CSV file, one row per state',
            content: { 'application/json': { schema: RepatriationFiguresResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="custos-repatriation.csv"')
          .send(await s.figuresCsv(actorOf(request)));
      }
      return s.figures(actorOf(request));
    },
  );
  r.get(
    '/repatriation/requests/:id',
    {
      config: { permission: 'repatriation.read' },
      schema: { params: RepatriationParams, tags, summary: 'A repatriation request: stages, deadlines, evidence', response: { 200: RepatriationResponse } },
    },
    async (request) => s.get(actorOf(request), request.params.id),
  );
  r.post(
    '/repatriation/requests/:id/steps',
    {
      config: { permission: 'repatriation.write' },
      schema: {
        params: RepatriationParams,
        body: RepatriationStepBody,
        tags,
        summary: 'Move a request on: interview, acceptance, travel documents, refusal, withdrawal (the state machine)',
        response: { 200: RepatriationResponse },
      },
    },
    async (request) => s.step(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/repatriation/requests/:id/nationality',
    {
      config: { permission: 'repatriation.write' },
      schema: {
        params: RepatriationParams,
        body: NationalityDecisionBody,
        tags,
        summary: "The state's decision on the claimed nationality: verified or disputed",
        response: { 200: RepatriationResponse },
      },
    },
    async (request) => s.decideNationality(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/repatriation/requests/:id/evidence',
    {
      config: { permission: 'repatriation.write' },
      schema: {
        params: RepatriationParams,
        body: EvidenceBody,
        tags,
        summary: 'Record evidence for a child (DNA, a document): its kind and reference, never the data',
        response: { 200: RepatriationResponse },
      },
    },
    async (request) => s.addEvidence(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/repatriation/requests/:id/handover',
    {
      config: { permission: 'repatriation.handover' },
      schema: {
        params: RepatriationParams,
        body: HandoverBody,
        tags,
        summary: "The handover to the state's representative: REPATRIATED on the ledger with the request as evidence",
        response: { 200: RepatriationResponse },
      },
    },
    async (request) => s.handover(actorOf(request), request.params.id, request.body),
  );
};
