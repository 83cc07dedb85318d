import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import { csvLines } from '../../platform/csv';
import type { Services } from '../../services';
import { FiguresQuery } from './cases.figures.dto';
import {
  BestInterestsBody,
  CreateTracingBody,
  DeterminationResponse,
  FamilyParams,
  FamilyQuery,
  FamilyViewResponse,
  MatchDecisionBody,
  MatchParams,
  ReasonBody,
  SeparatedFigureResponse,
  TracingListQuery,
  TracingParams,
  TracingResponse,
  TracingSummaryResponse,
} from './cases.families.dto';

const page = (description: string) => ({ description, headers: { 'x-total-count': { type: 'integer', description: 'How many there are in all' } } });

/** Families and children (issue 23 part C): the family view, best interests, separated children, family tracing. */
export const familiesRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cases: families'];
  const f = services.families;

  r.get(
    '/families/separated-children',
    {
      config: { permission: 'families.read' },
      schema: {
        querystring: FiguresQuery,
        tags,
        summary: 'Children held with carers recorded, none of whom is with them now, by facility (in your scope; JSON or CSV)',
        response: {
          200: {
            description: 'JSON, or with format=csv a CSV file (one row per facility)',
            content: { 'application/json': { schema: SeparatedFigureResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const figure = await f.separatedFigure(actorOf(request));
      if (request.query.format !== 'csv') return figure;
      const csv = csvLines(
        ['facility', 'separated_children'],
        figure.byFacility.map((r) => [r.facility ?? '', r.children]),
      );
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="custos-separated-children.csv"').send(csv);
    },
  );

  r.get(
    '/families/:id',
    {
      config: { permission: 'families.read' },
      schema: {
        params: FamilyParams,
        querystring: FamilyQuery,
        tags,
        summary: "A person's relatives and household with where each is now (audited with the purpose; no names for a monitor)",
        response: { 200: FamilyViewResponse },
      },
    },
    async (request) => f.familyView(actorOf(request), request.params.id),
  );

  r.post(
    '/families/:id/best-interests',
    {
      config: { permission: 'families.decide' },
      schema: {
        params: FamilyParams,
        body: BestInterestsBody,
        tags,
        summary: 'Record a best-interests determination for a child and one move (whose move, where to), with a reason',
        response: { 201: DeterminationResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await f.recordBestInterests(actorOf(request), request.params.id, request.body)),
  );

  r.get(
    '/tracing-requests',
    {
      config: { permission: 'tracing.read' },
      schema: {
        querystring: TracingListQuery,
        tags,
        summary: 'Family tracing requests in your scope, newest first; X-Total-Count says how many',
        response: { 200: { ...page('A page of tracing requests'), content: { 'application/json': { schema: z.array(TracingSummaryResponse) } } } },
      },
    },
    async (request, reply) => {
      const p = await f.listTracing(actorOf(request), request.query);
      reply.header('x-total-count', String(p.total));
      return p.rows;
    },
  );

  r.post(
    '/tracing-requests',
    {
      config: { permission: 'tracing.write' },
      schema: {
        body: CreateTracingBody,
        tags,
        summary: 'Open a family tracing request with the consent of who asks',
        response: { 201: TracingResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await f.createTracing(actorOf(request), request.body)),
  );

  r.get(
    '/tracing-requests/:id',
    {
      config: { permission: 'tracing.read' },
      schema: { params: TracingParams, tags, summary: 'A tracing request with its proposed matches (audited)', response: { 200: TracingResponse } },
    },
    async (request) => f.getTracing(actorOf(request), request.params.id),
  );

  r.post(
    '/tracing-requests/:id/matches',
    {
      config: { permission: 'tracing.write' },
      schema: {
        params: TracingParams,
        tags,
        summary: 'Propose registry persons whose names match the sought name (a proposal decides nothing)',
        response: { 200: TracingResponse, ...errorResponses(409) },
      },
    },
    async (request) => f.proposeMatches(actorOf(request), request.params.id),
  );

  r.post(
    '/tracing-requests/:id/matches/:matchId/decision',
    {
      config: { permission: 'tracing.write' },
      schema: {
        params: MatchParams,
        body: MatchDecisionBody,
        tags,
        summary: 'Confirm (the sought person is located) or reject a proposed match, with a reason',
        response: { 200: TracingResponse, ...errorResponses(409) },
      },
    },
    async (request) => f.decideMatch(actorOf(request), request.params.id, request.params.matchId, request.body),
  );

  r.post(
    '/tracing-requests/:id/close',
    {
      config: { permission: 'tracing.write' },
      schema: {
        params: TracingParams,
        body: ReasonBody,
        tags,
        summary: 'Close a tracing request with a reason',
        response: { 200: TracingResponse, ...errorResponses(409) },
      },
    },
    async (request) => f.closeTracing(actorOf(request), request.params.id, request.body.reason),
  );

  r.post(
    '/tracing-requests/:id/withdraw-consent',
    {
      config: { permission: 'tracing.write' },
      schema: {
        params: TracingParams,
        body: ReasonBody,
        tags,
        summary: 'Record that consent was withdrawn: the request closes, pending matches are rejected',
        response: { 200: TracingResponse, ...errorResponses(409) },
      },
    },
    async (request) => f.withdrawConsent(actorOf(request), request.params.id, request.body.reason),
  );
};
