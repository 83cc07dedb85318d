import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { IMAGE_BODY_LIMIT, IMAGE_CONTENT_TYPES } from '../biometrics';
import {
  ArrivalCheckParams,
  ArrivalCheckResponse,
  ArrivalDecideBody,
  ArrivalIdentifyQuery,
  ArrivalResponse,
  CollectBody,
  DivertBody,
  LodgeBody,
  PrintableResponse,
  StopResponse,
} from './transfers.arrival.dto';
import { MovementParams, MovementResponse } from './transfers.dto';

const IdentifyJson = ArrivalIdentifyQuery.extend({ image: z.string().min(1).max(IMAGE_BODY_LIMIT) });

/** The probe: a raw image body with modality (and dpi) in the query, or JSON {modality, dpi?, image: base64 or data: URL}. */
function probeOf(request: FastifyRequest): { modality: 'face' | 'fingerprint'; dpi?: number; image: Buffer } {
  const body = request.body;
  if (Buffer.isBuffer(body)) return { ...ArrivalIdentifyQuery.parse(request.query ?? {}), image: body };
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const parsed = IdentifyJson.safeParse({ ...(request.query as object), ...(body as object) });
    if (!parsed.success) throw new ValidationError('transfers.bad_probe', 'Send {modality: face|fingerprint, dpi?, image: base64} or a raw image body');
    const text = parsed.data.image.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new ValidationError('biometrics.bad_base64', 'The image field is not base64');
    return { modality: parsed.data.modality, dpi: parsed.data.dpi, image: Buffer.from(text, 'base64') };
  }
  throw new ValidationError('biometrics.no_image', 'No image in the request: send a raw image body or JSON {modality, image}');
}

/** Arrival (1:N against the movement's gallery, confirmations, the count), diversions, lodging, the printable page. */
export const transfersArrivalRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['transfers'];
  const s = services.transfersArrival;

  app.addContentTypeParser(IMAGE_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: IMAGE_BODY_LIMIT }, (_req, body, done) => done(null, body));

  r.post(
    '/transfers/movements/:id/arrival/identify',
    {
      config: { permission: 'transfers.run', body: 'image' },
      schema: {
        params: MovementParams,
        querystring: ArrivalIdentifyQuery.partial(),
        tags,
        summary: "Identify one person off the movement: 1:N against the movement's gallery; a proposal an officer confirms",
        response: { 200: ArrivalCheckResponse, ...errorResponses(409, 503) },
      },
    },
    async (request) => s.identify(actorOf(request), request.params.id, probeOf(request)),
  );
  r.post(
    '/transfers/movements/:id/arrival/checks/:checkId/decision',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: ArrivalCheckParams,
        body: ArrivalDecideBody,
        tags,
        summary: "The officer's decision on an identification: confirmed (counted off, citing it) or rejected with a reason",
        response: { 200: ArrivalResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.decide(actorOf(request), request.params.id, request.params.checkId, request.body),
  );
  r.get(
    '/transfers/movements/:id/arrival',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: MovementParams,
        tags,
        summary: 'Count on against count off, live: who is not yet identified, who is extra, what waits for a decision (audited)',
        response: { 200: ArrivalResponse },
      },
    },
    async (request) => s.arrival(actorOf(request), request.params.id),
  );
  r.post(
    '/transfers/movements/:id/arrival/close',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: MovementParams,
        body: z.object({}).strict().optional(),
        tags,
        summary: 'Close the count from the confirmed identifications (a difference raises the CountDiscrepancy alert)',
        response: { 200: MovementResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.close(actorOf(request), request.params.id),
  );
  r.post(
    '/transfers/movements/:id/divert',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: MovementParams,
        body: DivertBody,
        tags,
        summary: 'Divert a departed movement to another arrival facility, with the reason',
        response: { 200: MovementResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.divert(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/transfers/movements/:id/lodge',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: MovementParams,
        body: LodgeBody,
        tags,
        summary: "Lodge a departed movement's persons for a night at an intermediate facility (custody stays with the sender)",
        response: { 200: MovementResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.lodge(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/transfers/movements/:id/collect',
    {
      config: { permission: 'transfers.run' },
      schema: {
        params: MovementParams,
        body: CollectBody,
        tags,
        summary: 'Collect the lodged persons and go on; anyone left behind is named with the reason',
        response: { 200: MovementResponse, ...errorResponses(409) },
      },
    },
    async (request) => s.collect(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/transfers/movements/:id/stops',
    {
      config: { permission: 'transfers.read' },
      schema: { params: MovementParams, tags, summary: "The movement's diversions and lodgings", response: { 200: z.array(StopResponse) } },
    },
    async (request, reply) => {
      const rows = await s.stops(actorOf(request), request.params.id);
      reply.header('x-total-count', String(rows.length));
      return rows;
    },
  );
  r.get(
    '/transfers/movements/:id/printable',
    {
      config: { permission: 'transfers.read' },
      schema: {
        params: MovementParams,
        tags,
        summary: 'What the printable page for the receiving authority shows: manifest, counts, signatures, public keys, handover fingerprint (audited)',
        response: { 200: PrintableResponse },
      },
    },
    async (request) => s.printable(actorOf(request), request.params.id),
  );
};
