import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { FiguresQuery, ReintegrationFiguresResponse, StasisResponse } from './cases.figures.dto';
import { reintegrationCsv, stasisCsv } from './cases.figures.service';
import {
  CaseListResponse,
  CaseParams,
  CaseResponse,
  CasesQuery,
  CasesSummaryResponse,
  ChargeBody,
  DossierResponse,
  EvidenceBody,
  HearingBody,
  NextReviewBody,
  OpenCaseBody,
  ReviewBody,
  StatusChangeBody,
} from './cases.legal.dto';
import { CheckinBody, OutcomeBody, PlanBody, ReintegrationListResponse, ReintegrationQuery, ReintegrationResponse } from './cases.reintegration.dto';

/** Legal cases, reintegration after release and the stasis figures (issue 23). */
export const casesRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['cases'];
  const legal = services.cases.legal;
  const reintegration = services.cases.reintegration;
  const write = <B extends z.ZodType>(summary: string, body: B) => ({
    config: { permission: 'cases.write' as const },
    schema: { params: CaseParams, body, tags, summary, response: { 200: CaseResponse, ...errorResponses(404, 409) } },
  });

  r.get(
    '/cases/legal',
    {
      config: { permission: 'cases.read' },
      schema: {
        querystring: CasesQuery,
        tags,
        summary: 'Legal cases in scope, overdue reviews first; filters facility, status, overdue, person; paged (total counts all)',
        response: { 200: CaseListResponse },
      },
    },
    async (request) => legal.list(actorOf(request), request.query),
  );
  r.post(
    '/cases/legal',
    {
      config: { permission: 'cases.write' },
      schema: {
        body: OpenCaseBody,
        tags,
        summary: 'Open the legal case of a person in custody: grounds, authority, status; the first review is due after the interval (6 months)',
        response: { 200: CaseResponse, ...errorResponses(404, 409) },
      },
    },
    async (request) => legal.open(actorOf(request), request.body),
  );
  r.get(
    '/cases/legal/summary',
    {
      config: { permission: 'cases.figures' },
      schema: { tags, summary: 'Open, overdue and soon-due legal cases in scope (the dashboard figure)', response: { 200: CasesSummaryResponse } },
    },
    async (request) => legal.counts(actorOf(request)),
  );
  r.get(
    '/cases/legal/:id',
    {
      config: { permission: 'cases.read' },
      schema: {
        params: CaseParams,
        tags,
        summary: 'A legal case with its charges, hearings, reviews, evidence and timeline (audited read)',
        response: { 200: CaseResponse, ...errorResponses(404) },
      },
    },
    async (request) => legal.get(actorOf(request), request.params.id),
  );
  r.get(
    '/cases/legal/:id/dossier',
    {
      config: { permission: 'cases.read' },
      schema: {
        params: CaseParams,
        tags,
        summary: 'The prosecution dossier: identification status, nationalities, documents and cited verifications as they stand now (audited)',
        response: { 200: DossierResponse, ...errorResponses(404) },
      },
    },
    async (request) => legal.dossier(actorOf(request), request.params.id),
  );
  r.post(
    '/cases/legal/:id/status',
    write('Change the legal status (held without charge, charged, tried, sentenced, acquitted) with a reason', StatusChangeBody),
    async (request) => legal.changeStatus(actorOf(request), request.params.id, request.body),
  );
  r.post('/cases/legal/:id/charges', write('Record a charge', ChargeBody), async (request) =>
    legal.addCharge(actorOf(request), request.params.id, request.body),
  );
  r.post('/cases/legal/:id/hearings', write('Record a hearing with its date and outcome (not before the case opened)', HearingBody), async (request) =>
    legal.recordHearing(actorOf(request), request.params.id, request.body),
  );
  r.post('/cases/legal/:id/reviews', write('Record a review of detention; the next one is scheduled', ReviewBody), async (request) =>
    legal.recordReview(actorOf(request), request.params.id, request.body),
  );
  r.put('/cases/legal/:id/next-review', write('Set the next review date by hand (in the future), with a reason', NextReviewBody), async (request) =>
    legal.setNextReview(actorOf(request), request.params.id, request.body),
  );
  r.post('/cases/legal/:id/evidence', write('Cite a biometric verification or an identity document of the person as evidence', EvidenceBody), async (request) =>
    legal.citeEvidence(actorOf(request), request.params.id, request.body),
  );

  r.get(
    '/cases/reintegration',
    {
      config: { permission: 'cases.read' },
      schema: {
        querystring: ReintegrationQuery,
        tags,
        summary: 'Reintegration cases in scope (filters: person, facility left, missed check-in), missed check-ins first; paged (total counts all)',
        response: { 200: ReintegrationListResponse },
      },
    },
    async (request) => reintegration.list(actorOf(request), request.query),
  );
  r.get(
    '/cases/reintegration/:id',
    {
      config: { permission: 'cases.read' },
      schema: {
        params: CaseParams,
        tags,
        summary: 'A reintegration case: plan, check-ins, outcomes (audited read)',
        response: { 200: ReintegrationResponse, ...errorResponses(404) },
      },
    },
    async (request) => reintegration.get(actorOf(request), request.params.id),
  );
  const reintegrationWrite = <B extends z.ZodType>(summary: string, body: B) => ({
    config: { permission: 'cases.write' as const },
    schema: { params: CaseParams, body, tags, summary, response: { 200: ReintegrationResponse, ...errorResponses(404, 409) } },
  });
  r.put('/cases/reintegration/:id/plan', reintegrationWrite('Set the programme, the case plan and the check-in rhythm', PlanBody), async (request) =>
    reintegration.setPlan(actorOf(request), request.params.id, request.body),
  );
  r.post('/cases/reintegration/:id/checkins', reintegrationWrite('Record a check-in; the next is due after the rhythm', CheckinBody), async (request) =>
    reintegration.checkin(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/cases/reintegration/:id/outcomes',
    reintegrationWrite('Record the outcome at 6, 12 or 24 months (once each, from that month on)', OutcomeBody),
    async (request) => reintegration.recordOutcome(actorOf(request), request.params.id, request.body),
  );

  r.get(
    '/cases/figures/stasis',
    {
      config: { permission: 'cases.figures' },
      schema: {
        querystring: FiguresQuery,
        tags,
        summary: 'Open legal cases by facility and nationality: overdue reviews, never reviewed, days without review (JSON or CSV)',
        response: {
          200: {
            description: 'JSON, or with format=csv a CSV file',
            content: { 'application/json': { schema: StasisResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const figures = await services.cases.figures.stasis(actorOf(request));
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="custos-stasis.csv"').send(stasisCsv(figures));
      }
      return figures;
    },
  );
  r.get(
    '/cases/figures/reintegration',
    {
      config: { permission: 'cases.figures' },
      schema: {
        querystring: FiguresQuery,
        tags,
        summary: 'Reintegration cases, plans, missed check-ins and outcomes at 6, 12 and 24 months (JSON or CSV)',
        response: {
          200: {
            description: 'JSON, or with format=csv a CSV file',
            content: { 'application/json': { schema: ReintegrationFiguresResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const figures = await services.cases.figures.reintegration(actorOf(request));
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="custos-reintegration.csv"')
          .send(reintegrationCsv(figures));
      }
      return figures;
    },
  );
};
