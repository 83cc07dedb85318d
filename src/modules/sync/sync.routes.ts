import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { errorResponses } from '../../platform/http/responses';
import { IdentityCaseParams, IdentityCaseResponse, IdentityCasesQuery, IdentityCasesResponse, IdentityDecisionBody, SyncStatusResponse } from './sync.dto';

export const syncRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/sync/status',
    {
      config: { permission: 'sync.read' },
      schema: {
        tags: ['sync'],
        summary: "Replication to headquarters: this site's pending events and last receipt; at headquarters, each site's chain",
        response: { 200: SyncStatusResponse },
      },
    },
    async (request) => services.sync.statusFor(actorOf(request)),
  );

  // identity across sites (issue 22): a person enrolled at two sites while offline, for a person to decide
  const tags = ['sync'];
  r.get(
    '/sync/identity-cases',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        querystring: IdentityCasesQuery,
        tags,
        summary:
          "Headquarters' identity cases: one person enrolled at two sites while both were offline (oldest first; paged with the total; limit=0 for the total alone). Unscoped accounts only; each read audited for both persons",
        response: { 200: IdentityCasesResponse },
      },
    },
    async (request) => {
      const page = await services.sync.identityCases.page(actorOf(request), request.query);
      return { total: page.total, offset: request.query.offset, limit: request.query.limit, now: page.now, rows: page.rows };
    },
  );
  r.get(
    '/sync/identity-cases/:id',
    {
      config: { permission: 'biometrics.read' },
      schema: { params: IdentityCaseParams, tags, summary: "One identity case with both sites' records; audited", response: { 200: IdentityCaseResponse } },
    },
    async (request) => services.sync.identityCases.get(actorOf(request), request.params.id),
  );
  r.post(
    '/sync/identity-cases/:id/decide',
    {
      config: { permission: 'biometrics.enrol' },
      schema: {
        params: IdentityCaseParams,
        body: IdentityDecisionBody,
        tags,
        summary: 'Decide an identity case: same_person (naming the reference record; both stay) or different_persons, with a reason',
        response: { 200: IdentityCaseResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.sync.identityCases.decide(actorOf(request), request.params.id, request.body),
  );
};
