import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import { errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import {
  ActionBody,
  CreateSensorBody,
  CreateStaffReportBody,
  DeadLettersQuery,
  DeadLettersResponse,
  EvidenceBody,
  HeadcountResponse,
  DecommissionSensorBody,
  IdParams,
  UpdateSensorBody,
  IncidentDetailResponse,
  IncidentPageResponse,
  IncidentResponse,
  IngestReceipt,
  ListIncidentsQuery,
  ListSensorsQuery,
  ListStaffReportsQuery,
  OperationsResponse,
  SensorPageResponse,
  SensorResponse,
  StaffReportPageResponse,
  StaffReportResponse,
  TransitionBody,
  UpdateStaffReportBody,
  WebhookBody,
} from './sensors.dto';

export const sensorsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sensors'];
  const s = services.sensors;
  const inc = services.incidents;

  r.post(
    '/sensors',
    {
      config: { permission: 'sensors.manage' },
      schema: {
        body: CreateSensorBody,
        tags,
        summary: 'Place a sensor on a facility perimeter sector',
        response: { 201: SensorResponse, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await s.create(actorOf(request), request.body)),
  );
  r.patch(
    '/sensors/:id',
    {
      config: { permission: 'sensors.manage' },
      schema: {
        params: IdParams,
        body: UpdateSensorBody,
        tags,
        summary: 'Move or rename a sensor, its units nearby or its heartbeat interval (code and kind stay)',
        response: { 200: SensorResponse, ...errorResponses(404, 409) },
      },
    },
    async (request) => s.update(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/sensors/:id/decommission',
    {
      config: { permission: 'sensors.manage' },
      schema: {
        params: IdParams,
        body: DecommissionSensorBody,
        tags,
        summary: 'Take a sensor out of service, with a reason: kept with its events, no longer counted or alerted',
        response: { 200: SensorResponse, ...errorResponses(404, 409) },
      },
    },
    async (request) => s.decommission(actorOf(request), request.params.id, request.body.reason),
  );
  r.get(
    '/sensors',
    {
      config: { permission: 'sensors.read' },
      schema: {
        querystring: ListSensorsQuery,
        tags,
        summary: 'Sensors in scope with their state, a page with how many in all',
        response: { 200: SensorPageResponse },
      },
    },
    async (request) => s.list(actorOf(request), request.query),
  );
  r.post(
    '/sensors/webhook',
    {
      config: { permission: 'sensors.ingest' },
      schema: {
        body: WebhookBody,
        tags,
        summary: 'Messages from alarm and video systems that post (same payloads as MQTT; bad ones are dead-lettered)',
        response: { 200: IngestReceipt },
      },
    },
    async (request) => s.ingestWebhook(actorOf(request), request.body),
  );
  r.get(
    '/sensors/dead-letters',
    {
      config: { permission: 'sensors.manage' },
      schema: {
        querystring: DeadLettersQuery,
        tags,
        summary: 'Messages that could not be taken, with the reason, and counts per reason',
        response: { 200: DeadLettersResponse },
      },
    },
    async (request) => s.deadLetters(actorOf(request), request.query),
  );
  r.get(
    '/sensors/facilities/:id/operations',
    {
      config: { permission: 'sensors.read' },
      schema: {
        params: IdParams,
        tags,
        summary: 'The operations room: sensors on the map, sectors, live incidents, times to acknowledge and close',
        response: { 200: OperationsResponse },
      },
    },
    async (request) => s.operations(actorOf(request), request.params.id),
  );

  r.get(
    '/incidents',
    {
      config: { permission: 'sensors.read' },
      schema: {
        querystring: ListIncidentsQuery,
        tags,
        summary: 'Incidents in scope, newest first, with how many in all',
        response: { 200: IncidentPageResponse },
      },
    },
    async (request) => inc.list(actorOf(request), request.query),
  );
  r.get(
    '/incidents/:id',
    {
      config: { permission: 'sensors.read' },
      schema: { params: IdParams, tags, summary: 'An incident with its action log, evidence and alarms', response: { 200: IncidentDetailResponse } },
    },
    async (request) => inc.get(actorOf(request), request.params.id),
  );
  r.post(
    '/incidents/:id/status',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        params: IdParams,
        body: TransitionBody,
        tags,
        summary: 'The next step of an incident: acknowledged, responding, contained, closed (with a note)',
        response: { 200: IncidentResponse, ...errorResponses(409) },
      },
    },
    async (request) => inc.transition(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/incidents/:id/actions',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        params: IdParams,
        body: ActionBody,
        tags,
        summary: "A line in the incident's action log",
        response: { 200: IncidentDetailResponse, ...errorResponses(409) },
      },
    },
    async (request) => inc.addAction(actorOf(request), request.params.id, request.body.note),
  );
  r.post(
    '/incidents/:id/evidence',
    {
      config: { permission: 'incidents.manage' },
      schema: { params: IdParams, body: EvidenceBody, tags, summary: 'Link evidence to an incident', response: { 200: IncidentDetailResponse } },
    },
    async (request) => inc.addEvidence(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/incidents/:id/headcount',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        params: IdParams,
        tags,
        summary: "The emergency headcount: opens a roll call of the incident's units",
        response: { 201: HeadcountResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await inc.headcount(actorOf(request), request.params.id)),
  );

  r.post(
    '/staff-reports',
    {
      config: { permission: 'staff_reports.file' },
      schema: {
        body: CreateStaffReportBody,
        tags,
        summary: 'File a staff incident report (riot, assault, contraband, fire, medical, intimidation, ...)',
        response: { 201: StaffReportResponse, ...errorResponses(404) },
      },
    },
    async (request, reply) => reply.status(201).send(await inc.fileReport(actorOf(request), request.body)),
  );
  r.get(
    '/staff-reports',
    {
      config: { permission: 'sensors.read' },
      schema: {
        querystring: ListStaffReportsQuery,
        tags,
        summary: 'Staff incident reports in scope, newest first',
        response: { 200: StaffReportPageResponse },
      },
    },
    async (request) => inc.reports(actorOf(request), request.query),
  );
  r.patch(
    '/staff-reports/:id',
    {
      config: { permission: 'incidents.manage' },
      schema: {
        params: IdParams,
        body: UpdateStaffReportBody,
        tags,
        summary: "A report's follow-up and status",
        response: { 200: StaffReportResponse, ...errorResponses(409) },
      },
    },
    async (request) => inc.updateReport(actorOf(request), request.params.id, request.body),
  );
};
