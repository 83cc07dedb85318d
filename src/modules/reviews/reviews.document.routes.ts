import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses, textResponse } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  CreateReviewBody,
  FindingsQuery,
  FindingsResponse,
  ReturnReviewBody,
  ReviewIdParams,
  ReviewPageResponse,
  ReviewResponse,
  ReviewsQuery,
  ReviewTimelineQuery,
  ReviewTimelineResponse,
  SignedReviewResponse,
  UpdateReviewBody,
} from './reviews.document.dto';

/** After-action review documents and findings (issue 21): mounted by reviews.routes.ts. */
export const reviewDocumentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reviews'];
  const docs = () => services.reviews.documents;
  const read = { permission: 'reviews.read' } as const;
  const write = { permission: 'reviews.write' } as const;
  const approve = { permission: 'reviews.approve' } as const;

  r.get(
    '/reviews/findings',
    {
      config: read,
      schema: {
        querystring: FindingsQuery,
        tags,
        summary: "The findings of a facility's window, computed now: facts with the timeline items they rest on, hypotheses labelled as such",
        response: { 200: FindingsResponse },
      },
    },
    async (request) => docs().findings(actorOf(request), request.query),
  );
  r.get(
    '/reviews',
    {
      config: read,
      schema: {
        querystring: ReviewsQuery,
        tags,
        summary: 'After-action reviews, newest first (paged; total counts all in your scope)',
        response: { 200: ReviewPageResponse },
      },
    },
    async (request) => docs().list(actorOf(request), request.query),
  );
  r.post(
    '/reviews',
    {
      config: write,
      schema: {
        body: CreateReviewBody,
        tags,
        summary: "Draft an after-action review of a facility's window: its timeline and findings are frozen into it",
        response: { 201: ReviewResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await docs().create(actorOf(request), request.body)),
  );
  r.get(
    '/reviews/:id',
    { config: read, schema: { params: ReviewIdParams, tags, summary: 'One review: its sections, life and findings', response: { 200: ReviewResponse } } },
    async (request) => docs().get(actorOf(request), request.params.id),
  );
  r.get(
    '/reviews/:id/timeline',
    {
      config: read,
      schema: {
        params: ReviewIdParams,
        querystring: ReviewTimelineQuery,
        tags,
        summary: "The review's frozen timeline (paged)",
        response: { 200: ReviewTimelineResponse },
      },
    },
    async (request) => docs().timelinePage(actorOf(request), request.params.id, request.query),
  );
  r.patch(
    '/reviews/:id',
    {
      config: write,
      schema: {
        params: ReviewIdParams,
        body: UpdateReviewBody,
        tags,
        summary: 'Edit a draft: its title and sections (planned, happened, why, keep, change)',
        response: { 200: ReviewResponse, ...errorResponses(409) },
      },
    },
    async (request) => docs().update(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/reviews/:id/refresh',
    {
      config: write,
      schema: {
        params: ReviewIdParams,
        tags,
        summary: "Freeze a draft's timeline and findings again",
        response: { 200: ReviewResponse, ...errorResponses(409) },
      },
    },
    async (request) => docs().refresh(actorOf(request), request.params.id),
  );
  r.post(
    '/reviews/:id/submit',
    {
      config: write,
      schema: {
        params: ReviewIdParams,
        tags,
        summary: 'Submit a draft for review (every section written)',
        response: { 200: ReviewResponse, ...errorResponses(409) },
      },
    },
    async (request) => docs().submit(actorOf(request), request.params.id),
  );
  r.post(
    '/reviews/:id/return',
    {
      config: approve,
      schema: {
        params: ReviewIdParams,
        body: ReturnReviewBody,
        tags,
        summary: 'Return a review under review to its author, with a reason',
        response: { 200: ReviewResponse, ...errorResponses(409) },
      },
    },
    async (request) => docs().return(actorOf(request), request.params.id, request.body.reason),
  );
  r.post(
    '/reviews/:id/approve',
    {
      config: approve,
      schema: {
        params: ReviewIdParams,
        tags,
        summary: 'Approve a review under review (not its author) and sign it with the site key',
        response: { 200: ReviewResponse, ...errorResponses(409) },
      },
    },
    async (request) => docs().approve(actorOf(request), request.params.id),
  );
  r.get(
    '/reviews/:id/export.json',
    {
      config: read,
      schema: {
        params: ReviewIdParams,
        tags,
        summary: 'The approved review as signed JSON (Ed25519, site key; persons as keyed pseudonyms): check with `custos review verify`',
        response: { 200: SignedReviewResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const signed = await docs().exportSigned(actorOf(request), request.params.id);
      reply.header('content-disposition', `attachment; filename="review-${request.params.id}.json"`);
      return signed;
    },
  );
  r.get(
    '/reviews/:id/export.html',
    {
      config: read,
      schema: {
        params: ReviewIdParams,
        tags,
        summary: 'The review as a printable page (HTML, no script)',
        response: { 200: textResponse('text/html', 'One self-contained HTML page') },
      },
    },
    async (request, reply) => {
      const html = await docs().exportHtml(actorOf(request), request.params.id);
      reply.header('content-type', 'text/html; charset=utf-8');
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      return reply.send(html);
    },
  );
};
