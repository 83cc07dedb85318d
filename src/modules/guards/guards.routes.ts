import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  AssumeCustodyBody,
  AttendanceResponse,
  BoardResponse,
  CheckInBody,
  CheckOutBody,
  CreatePostBody,
  CreateShiftBody,
  CreateStaffBody,
  CustodianResponse,
  CustodiansResponse,
  HandoverResponse,
  HandoverVerifyResponse,
  SignHandoverBody,
  StartHandoverBody,
  FacilityParams,
  HistoryQuery,
  HistoryResponse,
  IdParams,
  ListStaffQuery,
  OverviewResponse,
  PostResponse,
  RosterImportBody,
  RosterImportResponse,
  RosterQuery,
  ShiftPageResponse,
  ShiftResponse,
  StaffPageResponse,
  StaffResponse,
  ThresholdBody,
  ThresholdResponse,
  UpdateStaffBody,
  WithdrawBody,
} from './guards.dto';
import { HeatmapQuery, HeatmapResponse } from './guards.heatmap.dto';
import { z } from 'zod';
import { patrolRoutes } from './guards.patrols.routes';
import { guardFaceRoutes } from './guards.biometrics.routes';

export const guardsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['guards'];
  const g = services.guards;
  patrolRoutes(app, services);
  await app.register(guardFaceRoutes, { services });

  r.post(
    '/guards/staff',
    {
      config: { permission: 'guards.manage' },
      schema: {
        body: CreateStaffBody,
        tags,
        summary: 'Register a guard (staff, apart from the persons in custody)',
        response: { 201: StaffResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.createStaff(actorOf(request), request.body)),
  );
  r.get(
    '/guards/staff',
    {
      config: { permission: 'guards.read' },
      schema: { querystring: ListStaffQuery, tags, summary: 'The guards in scope, a page with how many in all', response: { 200: StaffPageResponse } },
    },
    async (request) => g.listStaff(actorOf(request), request.query),
  );
  r.patch(
    '/guards/staff/:id',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: IdParams,
        body: UpdateStaffBody,
        tags,
        summary: "A guard's status (desertion, suspension), rank or facility",
        response: { 200: StaffResponse, ...errorResponses(409) },
      },
    },
    async (request) => g.updateStaff(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/guards/posts',
    {
      config: { permission: 'guards.manage' },
      schema: {
        body: CreatePostBody,
        tags,
        summary: 'A post (gate, tower, block, patrol, control room) with its minimum staffing',
        response: { 201: PostResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.createPost(actorOf(request), request.body)),
  );
  r.get(
    '/guards/facilities/:id/posts',
    {
      config: { permission: 'guards.read' },
      schema: { params: FacilityParams, tags, summary: "The facility's posts", response: { 200: z.array(PostResponse) } },
    },
    async (request) => g.posts(actorOf(request), request.params.id),
  );
  r.post(
    '/guards/shifts',
    {
      config: { permission: 'guards.manage' },
      schema: {
        body: CreateShiftBody,
        tags,
        summary: 'Plan one guard at one post for a shift (overlapping shifts refused)',
        response: { 201: ShiftResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.planShift(actorOf(request), request.body)),
  );
  r.get(
    '/guards/facilities/:id/roster',
    {
      config: { permission: 'guards.read' },
      schema: {
        params: FacilityParams,
        querystring: RosterQuery,
        tags,
        summary: 'The planned roster, a page with how many in all',
        response: { 200: ShiftPageResponse },
      },
    },
    async (request) => g.roster(actorOf(request), request.params.id, request.query),
  );
  r.post(
    '/guards/facilities/:id/roster/import',
    {
      config: { permission: 'guards.manage', body: 'bulk' },
      schema: {
        params: FacilityParams,
        body: RosterImportBody,
        tags,
        summary: 'Import a roster CSV (badge,post,starts_at,ends_at): every shift or none, the first bad line named',
        response: { 201: RosterImportResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.importRoster(actorOf(request), request.params.id, request.body.csv)),
  );
  r.post(
    '/guards/attendance/check-in',
    {
      config: { permission: 'guards.attendance' },
      schema: {
        body: CheckInBody,
        tags,
        summary: 'A guard takes a post (badge, biometric 1:1 or supervisor); refused when on duty elsewhere',
        response: { 201: AttendanceResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.checkIn(actorOf(request), request.body)),
  );
  r.post(
    '/guards/attendance/check-out',
    {
      config: { permission: 'guards.attendance' },
      schema: { body: CheckOutBody, tags, summary: 'A guard leaves the post', response: { 200: AttendanceResponse, ...errorResponses(409) } },
    },
    async (request) => g.checkOut(actorOf(request), request.body),
  );
  r.get(
    '/guards/overview',
    {
      config: { permission: 'guards.read' },
      schema: { tags, summary: 'The governance state of every facility in scope, now', response: { 200: OverviewResponse } },
    },
    async (request) => g.overview(actorOf(request)),
  );
  r.get(
    '/guards/facilities/:id/board',
    {
      config: { permission: 'guards.read' },
      schema: { params: FacilityParams, tags, summary: 'The staffing board: posts planned and present, the ratio by sector', response: { 200: BoardResponse } },
    },
    async (request) => g.board(actorOf(request), request.params.id),
  );
  r.get(
    '/guards/ratio-heatmap',
    {
      config: { permission: 'guards.read' },
      schema: {
        querystring: HeatmapQuery,
        tags,
        summary: 'The governance state by facility and sector over a day (hourly cells) or a week (six-hour cells), from the ratio history',
        response: { 200: HeatmapResponse },
      },
    },
    async (request) => g.heatmap(actorOf(request), request.query),
  );
  r.get(
    '/guards/facilities/:id/ratio-history',
    {
      config: { permission: 'guards.read' },
      schema: {
        params: FacilityParams,
        querystring: HistoryQuery,
        tags,
        summary: 'The governance ratio over time (the latest `limit` recomputations)',
        response: { 200: HistoryResponse },
      },
    },
    async (request) => g.history(actorOf(request), request.params.id, request.query),
  );
  r.get(
    '/guards/facilities/:id/threshold',
    {
      config: { permission: 'guards.read' },
      schema: { params: FacilityParams, tags, summary: "The facility's governance threshold", response: { 200: ThresholdResponse } },
    },
    async (request) => g.getThreshold(actorOf(request), request.params.id),
  );
  r.put(
    '/guards/facilities/:id/threshold',
    {
      config: { permission: 'guards.manage' },
      schema: { params: FacilityParams, body: ThresholdBody, tags, summary: "Set the facility's governance threshold", response: { 200: ThresholdResponse } },
    },
    async (request) => g.setThreshold(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/guards/facilities/:id/custodian',
    {
      config: { permission: 'guards.read' },
      schema: { params: FacilityParams, tags, summary: 'The custodian of record now and before', response: { 200: CustodiansResponse } },
    },
    async (request) => g.custodians(actorOf(request), request.params.id),
  );
  r.post(
    '/guards/facilities/:id/custodian',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: FacilityParams,
        body: AssumeCustodyBody,
        tags,
        summary: 'An authority takes over the facility (ends a custody gap)',
        response: { 201: CustodianResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.assumeCustody(actorOf(request), request.params.id, request.body)),
  );
  r.post(
    '/guards/facilities/:id/custodian/withdraw',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: FacilityParams,
        body: WithdrawBody,
        tags,
        summary: 'The custodian withdraws with nobody taking over: its guards checked out, a custody gap begins',
        response: { 200: CustodianResponse, ...errorResponses(409) },
      },
    },
    async (request) => g.withdraw(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/guards/facilities/:id/handovers',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: FacilityParams,
        body: StartHandoverBody,
        tags,
        summary: 'Draw up a handover of control: the joint count both commanders sign (custody stays with the outgoing side until both have)',
        response: { 201: HandoverResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await g.startHandover(actorOf(request), request.params.id, request.body)),
  );
  r.get(
    '/guards/handovers/:id',
    {
      config: { permission: 'guards.read' },
      schema: { params: IdParams, tags, summary: 'A handover with its statement and signatures', response: { 200: HandoverResponse } },
    },
    async (request) => g.handover(actorOf(request), request.params.id),
  );
  r.post(
    '/guards/handovers/:id/sign',
    {
      config: { permission: 'guards.manage' },
      schema: {
        params: IdParams,
        body: SignHandoverBody,
        tags,
        summary: "One side's Ed25519 signature of the statement; the second completes the handover",
        response: { 200: HandoverResponse, ...errorResponses(409) },
      },
    },
    async (request) => g.signHandover(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/guards/handovers/:id/verify',
    {
      config: { permission: 'guards.read' },
      schema: {
        params: IdParams,
        tags,
        summary: 'Checks the statement and each signature (a tampered handover is detected)',
        response: { 200: HandoverVerifyResponse },
      },
    },
    async (request) => g.verifyHandover(actorOf(request), request.params.id),
  );
};
