import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { AuditEntryResponse, AuditVerificationResponse, AuditVerifyQuery } from './audit.dto';

const AuditQuery = z.object({
  subjectType: z.string().max(40).optional(),
  subjectId: z.string().max(100).optional(),
  actorId: z.uuid().optional(),
  /** An action (`person.read`), or the actions of a kind with a trailing `*` (`person.*`). */
  action: z.string().max(60).optional(),
  /** The actor's username as recorded (exact). */
  actorUsername: z.string().max(200).optional(),
  /** Entries at or after this instant. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Entries before this instant. */
  to: z.iso.datetime({ offset: true }).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Skip this many (paging); the header `X-Total-Count` says how many there are. */
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const auditRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        querystring: AuditQuery,
        tags: ['audit'],
        summary: 'The audit log, newest first (paged: limit, offset or beforeSeq)',
        response: {
          200: {
            description:
              'A page of entries; the header X-Total-Count says how many match in all (for a redacted reader, a subjectId finds no person or household but their own)',
            headers: { 'x-total-count': { type: 'integer', description: 'How many entries match in all' } },
            content: { 'application/json': { schema: z.array(AuditEntryResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const { from, to, ...rest } = request.query;
      const page = await services.audit.listPage(actorOf(request), { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );
  r.get(
    '/audit/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        querystring: AuditVerifyQuery,
        tags: ['audit'],
        summary: 'Verify the hash chain of the audit log',
        response: { 200: AuditVerificationResponse },
      },
    },
    async (request) => services.audit.verify(actorOf(request), { scope: request.query.scope }),
  );
};
