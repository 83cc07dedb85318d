import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ValidationError } from '../../platform/errors';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { fingerPosition } from './biometrics.domain';
import {
  BiometricsStatusResponse,
  CaseResponse,
  CasesQuery,
  DecideBody,
  EnrolJson,
  EnrolQuery,
  EnrolResponse,
  EraseInput,
  FingerExceptionBody,
  FingerExceptionEndBody,
  FingerExceptionResponse,
  FingerParams,
  FaceQualityJson,
  FaceQualityQuery,
  FaceQualityResponse,
  IdentificationResponse,
  IdentifyInput,
  IdentifyJson,
  IdParams,
  PersonBiometricsResponse,
  PersonParams,
  PhotoBatchBody,
  PhotoBatchResponse,
  PhotoQuery,
  PhotoResponse,
  RecordedVerificationResponse,
  TemplateParams,
  TemplateResponse,
  VerificationDecisionBody,
  VerificationDecisionResponse,
  VerificationResponse,
  VerifyInput,
  VerifyJson,
} from './biometrics.dto';

/** Largest request body of the image routes (a 10 MB image as base64 in JSON); past it, 413. */
export const IMAGE_BODY_LIMIT = 14 * 1024 * 1024;
/** Raw image bodies these routes accept (the content-type parser is local to these routes). */
export const IMAGE_CONTENT_TYPES = ['application/octet-stream', 'image/jpeg', 'image/png', 'image/tiff', 'image/webp', 'image/bmp'];

const HOW =
  'Send the image as the raw body (image/jpeg, image/png, image/tiff, image/webp, image/bmp or application/octet-stream) or as base64 in JSON {image}';

function decodeBase64(text: string): Buffer {
  const body = text.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
    throw new ValidationError('biometrics.bad_base64', 'The image field is not base64');
  }
  return Buffer.from(body, 'base64');
}

/** The image and the other inputs of a request: a raw body with fields in the query, or JSON with `image`. */
function imageRequest<S extends z.ZodType<{ image: string }>>(request: FastifyRequest, json: S): { image: Buffer; fields: Omit<z.infer<S>, 'image'> } {
  const body = request.body;
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (Buffer.isBuffer(body)) {
    const { image: _ignored, ...fields } = json.parse({ ...query, image: 'x' });
    return { image: body, fields };
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const { image, ...fields } = json.parse({ ...query, ...(body as object) });
    return { image: decodeBase64(image), fields };
  }
  if (typeof body === 'string') {
    throw new DomainError('unsupported', 'request.unsupported_media_type', `${request.headers['content-type'] ?? 'This'} is not an image type. ${HOW}`);
  }
  throw new ValidationError('biometrics.no_image', `No image in the request. ${HOW}`);
}

export const biometricsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['biometrics'];
  const bio = services.biometrics;

  app.addContentTypeParser(IMAGE_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: IMAGE_BODY_LIMIT }, (_req, body, done) => done(null, body));

  r.post(
    '/persons/:id/biometrics/face',
    {
      config: { permission: 'biometrics.enrol', body: 'image' },
      schema: {
        params: PersonParams,
        tags,
        summary: `Enrol a face (encrypted template; opens duplicate cases). ${HOW}`,
        response: { 201: EnrolResponse, ...errorResponses(409, 503) },
      },
    },
    async (request, reply) => {
      const { image } = imageRequest(request, EnrolJson);
      return reply.status(201).send(await bio.enrolFace(actorOf(request), request.params.id, image));
    },
  );

  r.post(
    '/persons/:id/biometrics/fingerprints/:position',
    {
      config: { permission: 'biometrics.enrol', body: 'image' },
      schema: {
        params: FingerParams,
        querystring: EnrolQuery,
        tags,
        summary: `Enrol one finger (position 1 right thumb .. 10 left little; ?dpi= default 500). ${HOW}`,
        response: { 201: EnrolResponse, ...errorResponses(409, 503) },
      },
    },
    async (request, reply) => {
      const { image, fields } = imageRequest(request, EnrolJson);
      const position = fingerPosition(request.params.position);
      return reply.status(201).send(await bio.enrolFingerprint(actorOf(request), request.params.id, position, image, fields.dpi));
    },
  );

  r.get(
    '/persons/:id/biometrics',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        params: PersonParams,
        tags,
        summary: 'Template metadata (never template bytes) and duplicate cases of a person',
        response: { 200: PersonBiometricsResponse },
      },
    },
    async (request) => bio.forPerson(actorOf(request), request.params.id),
  );

  r.delete(
    '/persons/:id/biometrics/:templateId',
    {
      // A reason may come as JSON {reason}; never a raw body (it used to be parsed as an image and spread).
      config: { permission: 'biometrics.enrol', body: 'json' },
      schema: {
        params: TemplateParams,
        querystring: EraseInput.partial(),
        tags,
        summary: 'Erase a template (reason in ?reason= or JSON {reason}); audited',
        response: { 200: TemplateResponse, ...errorResponses(409) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('request.invalid', 'The body, when sent, is a JSON object {reason}');
      const { reason } = EraseInput.parse({ ...(request.query as object), ...body });
      return bio.erase(actorOf(request), request.params.id, request.params.templateId, reason);
    },
  );

  r.post(
    '/biometrics/face/quality',
    {
      config: { permission: 'biometrics.read', body: 'image' },
      schema: {
        querystring: FaceQualityQuery.partial(),
        tags,
        summary: `The face engine's quality verdict on a frame (?purpose=enrol|probe): one face, size, pose, sharpness; nothing stored. ${HOW}`,
        response: { 200: FaceQualityResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { image, fields } = imageRequest(request, FaceQualityJson);
      return bio.faceQuality(actorOf(request), image, fields.purpose);
    },
  );

  // ---- record photos --------------------------------------------------------------------------------------------

  r.get(
    '/persons/:id/photo',
    {
      config: { permission: 'persons.read' },
      schema: {
        params: PersonParams,
        querystring: PhotoQuery,
        tags,
        summary: 'The record photo as JPEG (?size=full 480x640 at most, or thumb 120x160), for readers of the person record; audited with the purpose',
        response: { 200: { description: 'The JPEG', content: { 'image/jpeg': { schema: z.string() } } } },
      },
    },
    async (request, reply) => {
      const { jpeg, photoId } = await bio.photo(actorOf(request), request.params.id, request.query.size);
      // Private to this reader and not kept by any cache: every showing is a read of the record, audited.
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, no-store')
        .header('x-photo-id', photoId)
        .send(jpeg as never);
    },
  );

  r.put(
    '/persons/:id/photo',
    {
      config: { permission: 'biometrics.enrol', body: 'image' },
      schema: {
        params: PersonParams,
        tags,
        summary: `Set the record photo on its own (the face is found, a portrait cut around it, sealed like a template; replaces the previous photo; a face enrolment sets it too). ${HOW}`,
        response: { 200: PhotoResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { image } = imageRequest(request, EnrolJson);
      return bio.setPhoto(actorOf(request), request.params.id, image);
    },
  );

  r.delete(
    '/persons/:id/photo',
    {
      config: { permission: 'biometrics.enrol', body: 'json' },
      schema: {
        params: PersonParams,
        querystring: EraseInput.partial(),
        tags,
        summary: 'Erase the record photo (reason in ?reason= or JSON {reason}); both sizes are cleared; audited',
        response: { 200: PhotoResponse },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('request.invalid', 'The body, when sent, is a JSON object {reason}');
      const { reason } = EraseInput.parse({ ...(request.query as object), ...body });
      return bio.erasePhoto(actorOf(request), request.params.id, reason);
    },
  );

  r.post(
    '/persons/photos',
    {
      config: { permission: 'persons.read' },
      schema: {
        body: PhotoBatchBody,
        querystring: PhotoQuery.pick({ purpose: true }),
        tags,
        summary: `Photos of a page of a list (at most 200 persons; thumbnails by default) as data: URLs: only persons in the caller's scope that have one; each shown is audited as a read of that record`,
        response: { 200: PhotoBatchResponse },
      },
    },
    async (request) => bio.photoBatch(actorOf(request), request.body.personIds, request.body.size),
  );

  // ---- missing fingers --------------------------------------------------------------------------------------------

  r.put(
    '/persons/:id/biometrics/fingerprints/:position/exception',
    {
      config: { permission: 'biometrics.enrol' },
      schema: {
        params: FingerParams,
        body: FingerExceptionBody,
        tags,
        summary:
          'Record a finger as missing: amputated (ANSI/NIST-ITL AMP code XX), unable_to_print (UP) or bandaged (UP, temporary); refused while the finger has an enrolled print',
        response: { 200: FingerExceptionResponse, ...errorResponses(409) },
      },
    },
    async (request) =>
      bio.recordFingerException(actorOf(request), request.params.id, fingerPosition(request.params.position), {
        kind: request.body.kind,
        note: request.body.note,
      }),
  );

  r.delete(
    '/persons/:id/biometrics/fingerprints/:position/exception',
    {
      config: { permission: 'biometrics.enrol', body: 'json' },
      schema: {
        params: FingerParams,
        querystring: FingerExceptionEndBody.partial(),
        tags,
        summary: 'Withdraw a missing-finger record (reason in ?reason= or JSON {reason}); enrolling the finger ends it too',
        response: { 200: FingerExceptionResponse },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('request.invalid', 'The body, when sent, is a JSON object {reason}');
      const { reason } = FingerExceptionEndBody.parse({ ...(request.query as object), ...body });
      return bio.endFingerException(actorOf(request), request.params.id, fingerPosition(request.params.position), reason);
    },
  );

  r.post(
    '/biometrics/verify',
    {
      config: { permission: 'biometrics.read', body: 'image' },
      schema: {
        querystring: VerifyInput.partial(),
        tags,
        summary: `1:1 verification of a claimed person (?personId&modality[&fingerPosition][&dpi]). ${HOW}`,
        response: { 200: VerificationResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { image, fields } = imageRequest(request, VerifyJson);
      return bio.verify(actorOf(request), {
        personId: fields.personId,
        modality: fields.modality,
        fingerPosition: fields.fingerPosition === undefined ? undefined : fingerPosition(fields.fingerPosition),
        dpi: fields.dpi,
        image,
      });
    },
  );

  r.post(
    '/biometrics/identify',
    {
      config: { permission: 'biometrics.read', body: 'image' },
      schema: {
        querystring: IdentifyInput.partial(),
        tags,
        summary: `1:N identification: candidates with scores (?modality[&limit][&dpi]). ${HOW}`,
        response: { 200: IdentificationResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { image, fields } = imageRequest(request, IdentifyJson);
      return bio.identify(actorOf(request), { modality: fields.modality, limit: fields.limit, dpi: fields.dpi, image });
    },
  );

  r.get(
    '/biometrics/verifications/:id',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        params: IdParams,
        tags,
        summary: 'A recorded verification (the reference marks and events carry)',
        response: { 200: RecordedVerificationResponse },
      },
    },
    async (request) => bio.verification(actorOf(request), request.params.id),
  );

  r.post(
    '/biometrics/verifications/:id/decision',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        params: IdParams,
        body: VerificationDecisionBody,
        tags,
        summary: "An officer's decision on a 1:1 verification: confirmed or not_confirmed (a reason when it goes against the score); audited",
        response: { 200: VerificationDecisionResponse },
      },
    },
    async (request) => bio.decideVerification(actorOf(request), request.params.id, request.body),
  );

  r.get(
    '/biometrics/duplicates',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        querystring: CasesQuery,
        tags,
        summary: 'Duplicate-identity cases (both persons in scope; newest first; paged: limit, offset)',
        response: {
          200: {
            description: "A page of cases; the header X-Total-Count says how many match in all (in the caller's scope)",
            headers: { 'x-total-count': { type: 'integer', description: 'How many cases match in all' } },
            content: { 'application/json': { schema: z.array(CaseResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await bio.duplicatesPage(actorOf(request), request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );

  r.get(
    '/biometrics/duplicates/:id',
    { config: { permission: 'biometrics.read' }, schema: { params: IdParams, tags, summary: 'A duplicate-identity case', response: { 200: CaseResponse } } },
    async (request) => bio.duplicate(actorOf(request), request.params.id),
  );

  r.post(
    '/biometrics/duplicates/:id/decide',
    {
      config: { permission: 'biometrics.enrol' },
      schema: {
        params: IdParams,
        body: DecideBody,
        tags,
        summary: 'Decide a case: same_person (records linked, none deleted) or different_persons, with a reason',
        response: { 200: CaseResponse, ...errorResponses(409) },
      },
    },
    async (request) => bio.decide(actorOf(request), request.params.id, request.body),
  );

  r.get(
    '/biometrics/status',
    {
      config: { permission: 'biometrics.read' },
      schema: {
        tags,
        summary: 'Gallery sizes, model tags, thresholds with their target FMR',
        response: { 200: BiometricsStatusResponse, ...errorResponses(503) },
      },
    },
    async (request) => bio.status(actorOf(request)),
  );
};
