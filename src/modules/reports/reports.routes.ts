import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { statusReportCsv } from './reports.service';

export const reportsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reports/status',
    { config: { permission: 'reports.read' }, schema: { querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }), tags: ['reports'] } },
    async (request, reply) => {
      const report = await services.reports.status(actorOf(request));
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="custos-status.csv"').send(statusReportCsv(report));
      }
      return report;
    },
  );
};
