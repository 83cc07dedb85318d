import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, tokenOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { z } from 'zod';
import { errorResponses, textResponse } from '../../platform/http/responses';
import {
  AcknowledgeBody,
  AlertParams,
  AlertResponse,
  AlertRulesResponse,
  FacilityParams,
  ListAlertsQuery,
  ResolveBody,
  RulesBody,
  StreamQuery,
} from './alerts.dto';

const HEARTBEAT_MS = 15_000;

export const alertsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];
  const streams = new Set<ServerResponse>();

  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  r.get(
    '/alerts',
    {
      config: { permission: 'alerts.read' },
      schema: {
        querystring: ListAlertsQuery,
        tags,
        summary: 'Alerts in scope, newest first (paged: limit, offset)',
        response: {
          200: {
            description: 'A page of alerts; the header X-Total-Count says how many match in all',
            headers: { 'x-total-count': { type: 'integer', description: 'How many alerts match in all' } },
            content: { 'application/json': { schema: z.array(AlertResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await services.alerts.listPage(actorOf(request), request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );

  /**
   * Server-Sent Events: `event: alert.raised|updated|acknowledged|resolved|escalated`, `data:` the alert as JSON, only for
   * alerts in the caller's scope; a comment line every 15 s keeps proxies from closing the connection.
   */
  r.get(
    '/alerts/stream',
    {
      config: { permission: 'alerts.read' },
      schema: {
        querystring: StreamQuery,
        tags,
        summary: 'Live alerts (text/event-stream)',
        response: {
          200: textResponse(
            'text/event-stream',
            'Server-Sent Events: `event: alert.open` (snapshot=1: the open alerts first), then `alert.raised|updated|acknowledged|resolved|escalated`, each with `id:` the alert id and `data:` the alert as JSON (AlertResponse); a comment line every 15 s; `session.ended` when the session expires',
          ),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const snapshot = request.query.snapshot === '1' || request.query.snapshot === 'true';
      const initial = snapshot ? await services.alerts.list(actor, { status: 'open', limit: 1000 }) : [];
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      streams.add(res);
      const send = (event: string, id: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      // subscribed before the client hears it is connected: nothing it does next can be missed
      const unsubscribe = await services.alerts.subscribe(actor, (msg) => send(`alert.${msg.change}`, msg.alert.id, msg.alert));
      res.write('retry: 3000\n: connected\n\n');
      for (const a of initial.reverse()) send('alert.open', a.id, a);
      // The session is checked again at every heartbeat: a stream ends when its session expires or is revoked.
      const token = tokenOf(request);
      const heartbeat = setInterval(() => {
        if (res.writableEnded) return;
        services.access.authenticate(token ?? '').then(
          () => {
            if (!res.writableEnded) res.write(': heartbeat\n\n');
          },
          () => {
            if (!res.writableEnded) res.end('event: session.ended\ndata: {}\n\n');
          },
        );
      }, HEARTBEAT_MS);
      heartbeat.unref();
      const cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      };
      request.raw.on('close', cleanup);
      res.on('close', cleanup);
    },
  );

  r.get('/alerts/:id', { config: { permission: 'alerts.read' }, schema: { params: AlertParams, tags, response: { 200: AlertResponse } } }, async (request) =>
    services.alerts.get(actorOf(request), request.params.id),
  );

  r.post(
    '/alerts/:id/acknowledge',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        params: AlertParams,
        body: AcknowledgeBody,
        tags,
        summary: 'Acknowledge an open alert',
        response: { 200: AlertResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.alerts.acknowledge(actorOf(request), request.params.id, request.body?.note),
  );

  r.post(
    '/alerts/:id/resolve',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        params: AlertParams,
        body: ResolveBody,
        tags,
        summary: 'Resolve an alert with a note',
        response: { 200: AlertResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.alerts.resolve(actorOf(request), request.params.id, request.body.note),
  );

  r.get(
    '/facilities/:id/alert-rules',
    {
      config: { permission: 'alerts.read' },
      schema: { params: FacilityParams, tags, summary: "A facility's alert thresholds", response: { 200: AlertRulesResponse } },
    },
    async (request) => services.alerts.getRules(actorOf(request), request.params.id),
  );

  r.put(
    '/facilities/:id/alert-rules',
    {
      config: { permission: 'alerts.configure' },
      schema: { params: FacilityParams, body: RulesBody, tags, summary: "Set a facility's alert thresholds", response: { 200: AlertRulesResponse } },
    },
    async (request) => services.alerts.setRules(actorOf(request), request.params.id, request.body),
  );
};
