import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DomainError, ValidationError } from '../../platform/errors';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { IMAGE_BODY_LIMIT, IMAGE_CONTENT_TYPES } from '../biometrics';
import {
  FaceEnrolJson,
  FaceEraseBody,
  FaceQualityJson,
  FaceQualityQuery,
  FaceVerifyJson,
  FaceVerifyQuery,
  FaceVerifyQueryFields,
  GuardFaceQualityResponse,
  StaffFaceResponse,
  StaffVerificationResponse,
} from './guards.biometrics.dto';
import { IdParams } from './guards.dto';

const HOW =
  'Send the photo as the raw body (image/jpeg, image/png, image/webp, ...) with the other fields in the query, or as JSON {image: base64 or a data: URL, ...}';

/** The image and the other fields: a raw body with the fields in the query, or JSON with `image`. */
function imageRequest<S extends z.ZodType<{ image: string }>, Q extends z.ZodType>(
  request: FastifyRequest,
  json: S,
  query: Q,
): { image: Buffer; fields: Omit<z.infer<S>, 'image'> } {
  const body = request.body;
  if (Buffer.isBuffer(body)) {
    const fields = query.safeParse(request.query ?? {});
    if (!fields.success) throw new ValidationError('guards.bad_face_request', `${fields.error.issues[0]?.message ?? 'Invalid query'}. ${HOW}`);
    return { image: body, fields: fields.data as Omit<z.infer<S>, 'image'> };
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const parsed = json.safeParse({ ...((request.query ?? {}) as object), ...(body as object) });
    if (!parsed.success) throw new ValidationError('guards.bad_face_request', `${parsed.error.issues[0]?.message ?? 'Invalid request'}. ${HOW}`);
    const { image, ...fields } = parsed.data;
    const text = image.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new ValidationError('biometrics.bad_base64', 'The image field is not base64');
    return { image: Buffer.from(text, 'base64'), fields };
  }
  if (typeof body === 'string') {
    throw new DomainError('unsupported', 'request.unsupported_media_type', `${request.headers['content-type'] ?? 'This'} is not an image type. ${HOW}`);
  }
  throw new ValidationError('biometrics.no_image', `No image in the request. ${HOW}`);
}

/** A guard's face, the 1:1 at the gate and the engine's verdict on a frame (mounted by guards.routes.ts). */
export const guardFaceRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['guards'];
  const faces = services.guards.faces;
  app.addContentTypeParser(IMAGE_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: IMAGE_BODY_LIMIT }, (_req, body, done) => done(null, body));

  r.get(
    '/guards/staff/:id/face',
    {
      config: { permission: 'guards.read' },
      schema: { params: IdParams, tags, summary: "Whether the guard's face is enrolled (never the template)", response: { 200: StaffFaceResponse } },
    },
    async (request) => faces.face(actorOf(request), request.params.id),
  );
  r.post(
    '/guards/staff/:id/face',
    {
      config: { permission: 'guards.manage', body: 'image' },
      schema: {
        params: IdParams,
        tags,
        summary: `Enrol (or replace) the guard's face: sealed with the template key in the guards' own table, never in the persons' galleries. ${HOW}`,
        response: { 201: StaffFaceResponse, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      const { image } = imageRequest(request, FaceEnrolJson, FaceQualityQuery.pick({}));
      return reply.status(201).send(await faces.enrol(actorOf(request), request.params.id, image));
    },
  );
  r.delete(
    '/guards/staff/:id/face',
    {
      config: { permission: 'guards.manage', body: 'json' },
      schema: { params: IdParams, body: FaceEraseBody, tags, summary: "Erase the guard's face template, with a reason", response: { 200: StaffFaceResponse } },
    },
    async (request) => faces.erase(actorOf(request), request.params.id, request.body.reason),
  );
  r.post(
    '/guards/face/verify',
    {
      config: { permission: 'guards.attendance', body: 'image' },
      schema: {
        querystring: FaceVerifyQueryFields,
        tags,
        summary: `1:1 at the gate: is this the guard of that badge? Recorded; a biometric check-in cites its id within 2 minutes, once. ${HOW}`,
        response: { 201: StaffVerificationResponse, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      const { image, fields } = imageRequest(request, FaceVerifyJson, FaceVerifyQuery);
      return reply.status(201).send(await faces.verify(actorOf(request), fields as { staffId?: string; badge?: string }, image));
    },
  );
  r.post(
    '/guards/face/quality',
    {
      config: { permission: 'guards.read', body: 'image' },
      schema: {
        querystring: FaceQualityQuery.partial(),
        tags,
        summary: `The face engine's verdict on a frame (nothing stored): live guidance on the gate and enrolment screens. ${HOW}`,
        response: { 200: GuardFaceQualityResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { image, fields } = imageRequest(request, FaceQualityJson, FaceQualityQuery);
      return faces.quality(actorOf(request), image, (fields as { purpose?: 'enrol' | 'probe' }).purpose ?? 'probe');
    },
  );
};
