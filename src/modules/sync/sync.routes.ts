import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { SyncStatusResponse } from './sync.dto';

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
};
