import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { DeltaHistoryQuery, DeltaHistoryResponse, FacilityFiguresQuery, FacilityFiguresResponse, StatusReportQuery, StatusReportResponse } from './reports.dto';
import { deltaHistoryCsv, statusReportCsv, unitStatusCsv } from './reports.service';

export const reportsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reports/status',
    {
      config: { permission: 'reports.read' },
      schema: {
        querystring: StatusReportQuery,
        tags: ['reports'],
        summary: 'Population by facility, unit, status and nationality (JSON or CSV)',
        response: {
          200: {
            description: 'The report as JSON; with format=csv a CSV file, one row per facility (per unit with level=unit)',
            content: { 'application/json': { schema: StatusReportResponse }, 'text/csv': { schema: z.string() } },
          },
        },
      },
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
        response: {
          200: {
            description: 'The history as JSON; with format=csv a CSV file, one row per unit and roll call',
            content: { 'application/json': { schema: DeltaHistoryResponse }, 'text/csv': { schema: z.string() } },
          },
        },
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

  r.get(
    '/reports/figures',
    {
      config: { permission: 'reports.read' },
      schema: {
        querystring: FacilityFiguresQuery,
        tags: ['reports'],
        summary: "Each facility's roll-call figures: the latest count of every unit, summed, with its age; and their history",
        response: { 200: FacilityFiguresResponse },
      },
    },
    async (request) =>
      services.reports.facilityFigures(actorOf(request), {
        facilityId: request.query.facilityId,
        from: request.query.from ? new Date(request.query.from) : undefined,
      }),
  );
};
