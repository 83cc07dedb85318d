import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { DeltaHistoryQuery, StatusReportQuery } from './reports.dto';
import { deltaHistoryCsv, statusReportCsv, unitStatusCsv } from './reports.service';

export const reportsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reports/status',
    {
      config: { permission: 'reports.read' },
      schema: { querystring: StatusReportQuery, tags: ['reports'], summary: 'Population by facility, unit, status and nationality (JSON or CSV)' },
    },
    async (request, reply) => {
      const report = await services.reports.status(actorOf(request));
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="custos-status.csv"')
          .send(request.query.level === 'unit' ? unitStatusCsv(report) : statusReportCsv(report));
      }
      return report;
    },
  );

  r.get(
    '/reports/delta',
    {
      config: { permission: 'reports.read' },
      schema: {
        querystring: DeltaHistoryQuery,
        tags: ['reports'],
        summary: 'The Delta history of each unit over time (closed roll calls)',
      },
    },
    async (request, reply) => {
      const q = request.query;
      const history = await services.reports.deltaHistory(actorOf(request), {
        facilityId: q.facilityId,
        unitId: q.unitId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      });
      if (q.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="custos-delta.csv"').send(deltaHistoryCsv(history));
      }
      return history;
    },
  );
};
