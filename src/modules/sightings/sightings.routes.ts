import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import {
  CheckBody,
  CheckLogResponse,
  CheckResponse,
  DecideBody,
  FiguresResponse,
  NoticeBody,
  NoticeDocument,
  NoticeResponse,
  PageQuery,
  RecaptureBody,
  RecaptureResponse,
  RejectBody,
  ReportBody,
  SightingParams,
  SightingResponse,
  SightingsQuery,
  WantedResponse,
} from './sightings.dto';

const FaceQualityResponse = z.object({
  ok: z.boolean(),
  score: z.number(),
  issues: z.array(z.object({ code: z.string(), message: z.string() })),
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
});

/** Largest check body: a face and up to ten fingerprints as base64. */
const CHECK_BODY_LIMIT = 40 * 1024 * 1024;

function bytes(text: string, what: string): Uint8Array {
  const body = text.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
    throw new ValidationError('sightings.bad_base64', `The ${what} is not base64`);
  }
  return Buffer.from(body, 'base64');
}

const page = (headers: string) => ({
  description: headers,
  headers: { 'x-total-count': { type: 'integer' } },
});

export const sightingsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sightings'];
  const s = services.sightings;

  r.post(
    '/sightings/checks',
    {
      bodyLimit: CHECK_BODY_LIMIT,
      config: { permission: 'sightings.check' },
      schema: {
        body: CheckBody,
        tags,
        summary: 'A checkpoint check (face, fingerprints, document): an instruction and a reference, never a name',
        response: { 200: CheckResponse },
      },
    },
    async (request) => {
      const b = request.body;
      return s.check(actorOf(request), {
        place: b.place,
        latitude: b.latitude,
        longitude: b.longitude,
        scope: b.scope,
        face: b.face ? bytes(b.face, 'face photo') : undefined,
        fingerprints: b.fingerprints?.map((f, i) => ({ image: bytes(f.image, `fingerprint ${i + 1}`), dpi: f.dpi })),
        document: b.document,
      });
    },
  );
  r.post(
    '/sightings/face-quality',
    {
      bodyLimit: CHECK_BODY_LIMIT,
      config: { permission: 'sightings.check' },
      schema: {
        body: z.object({ image: z.string().min(1).max(14_000_000) }),
        tags,
        summary: "The face engine's verdict on a checkpoint's frame before the check (nothing stored, nobody named)",
        response: { 200: FaceQualityResponse },
      },
    },
    async (request) => s.faceQuality(actorOf(request), bytes(request.body.image, 'image')) as never,
  );
  r.get(
    '/sightings/checks',
    {
      config: { permission: 'sightings.read' },
      schema: {
        querystring: PageQuery,
        tags,
        summary: 'The log of checkpoint checks, hit or not (place, time, outcome); X-Total-Count says how many',
        response: { 200: { ...page('A page of checks'), content: { 'application/json': { schema: z.array(CheckLogResponse) } } } },
      },
    },
    async (request, reply) => {
      const p = await s.checks(actorOf(request), request.query);
      reply.header('x-total-count', String(p.total));
      return p.rows;
    },
  );
  r.get(
    '/sightings/wanted',
    {
      config: { permission: 'sightings.read' },
      schema: {
        querystring: PageQuery,
        tags,
        summary: 'The wanted gallery: escaped and unaccounted persons (minors flagged); X-Total-Count says how many',
        response: { 200: { ...page('A page of the gallery'), content: { 'application/json': { schema: z.array(WantedResponse) } } } },
      },
    },
    async (request, reply) => {
      const p = await s.wanted(actorOf(request), request.query);
      reply.header('x-total-count', String(p.total));
      return p.rows;
    },
  );
  r.get(
    '/sightings/figures',
    {
      config: { permission: 'sightings.read' },
      schema: { tags, summary: 'Escaped and unaccounted by facility and nationality, sighted, recaptured, days at large', response: { 200: FiguresResponse } },
    },
    async (request) => s.figures(actorOf(request)),
  );
  r.get(
    '/sightings',
    {
      config: { permission: 'sightings.read' },
      schema: {
        querystring: SightingsQuery,
        tags,
        summary: 'Sightings, newest first; X-Total-Count says how many',
        response: { 200: { ...page('A page of sightings'), content: { 'application/json': { schema: z.array(SightingResponse) } } } },
      },
    },
    async (request, reply) => {
      const p = await s.sightings(actorOf(request), request.query);
      reply.header('x-total-count', String(p.total));
      return p.rows;
    },
  );
  r.post(
    '/sightings',
    {
      config: { permission: 'sightings.report' },
      schema: { body: ReportBody, tags, summary: "An investigator's report that a wanted person was seen", response: { 201: SightingResponse } },
    },
    async (request, reply) => reply.status(201).send(await s.report(actorOf(request), request.body)),
  );
  r.get(
    '/sightings/:id',
    { config: { permission: 'sightings.read' }, schema: { params: SightingParams, tags, summary: 'A sighting', response: { 200: SightingResponse } } },
    async (request) => s.sighting(actorOf(request), request.params.id),
  );
  r.post(
    '/sightings/:id/confirm',
    {
      config: { permission: 'sightings.decide' },
      schema: { params: SightingParams, body: DecideBody, tags, summary: 'Confirm a reported sighting', response: { 200: SightingResponse } },
    },
    async (request) => s.decide(actorOf(request), request.params.id, 'confirmed', request.body.reason ?? null),
  );
  r.post(
    '/sightings/:id/reject',
    {
      config: { permission: 'sightings.decide' },
      schema: { params: SightingParams, body: RejectBody, tags, summary: 'Reject a reported sighting, with a reason', response: { 200: SightingResponse } },
    },
    async (request) => s.decide(actorOf(request), request.params.id, 'rejected', request.body.reason),
  );
  r.post(
    '/sightings/:id/recapture',
    {
      config: { permission: 'sightings.recapture' },
      schema: {
        params: SightingParams,
        body: RecaptureBody,
        tags,
        summary: 'Record the recapture from a confirmed sighting (RECAPTURED on the ledger, admitted to a facility)',
        response: { 200: RecaptureResponse },
      },
    },
    async (request) => s.recapture(actorOf(request), request.params.id, request.body),
  );

  // ---- notices ----
  r.post(
    '/sightings/notices',
    {
      config: { permission: 'notices.draft' },
      schema: {
        body: NoticeBody,
        tags,
        summary: 'Draft a notice to a state: recipient, fields chosen one by one, legal basis',
        response: { 201: NoticeResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await s.createNotice(actorOf(request), request.body)),
  );
  r.get(
    '/sightings/notices',
    {
      config: { permission: 'notices.read' },
      schema: {
        querystring: PageQuery.extend({ personId: z.uuid().optional() }),
        tags,
        summary: 'Notices to states; X-Total-Count says how many',
        response: { 200: { ...page('A page of notices'), content: { 'application/json': { schema: z.array(NoticeResponse) } } } },
      },
    },
    async (request, reply) => {
      const p = await s.notices(actorOf(request), request.query);
      reply.header('x-total-count', String(p.total));
      return p.rows;
    },
  );
  r.get(
    '/sightings/notices/:id',
    { config: { permission: 'notices.read' }, schema: { params: SightingParams, tags, summary: 'A notice', response: { 200: NoticeResponse } } },
    async (request) => s.notice(actorOf(request), request.params.id),
  );
  r.post(
    '/sightings/notices/:id/approve',
    {
      config: { permission: 'notices.approve' },
      schema: { params: SightingParams, tags, summary: "Approve a notice's sharing decision (two different people)", response: { 200: NoticeResponse } },
    },
    async (request) => s.approveNotice(actorOf(request), request.params.id),
  );
  r.post(
    '/sightings/notices/:id/export',
    {
      config: { permission: 'notices.draft' },
      schema: {
        params: SightingParams,
        tags,
        summary: 'The signed JSON of an approved notice (refused without two approvals)',
        response: { 200: NoticeDocument },
      },
    },
    async (request) => s.exportNotice(actorOf(request), request.params.id) as never,
  );
};
