import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { errorResponses } from '../../platform/http/responses';
import {
  CreateHouseholdBody,
  CreatePersonBody,
  DuplicateCheckResponse,
  DocumentInput,
  HouseholdDetailResponse,
  HouseholdResponse,
  NameInput,
  PersonParams,
  PersonResponse,
  PersonSummaryResponse,
  RelationInput,
  RelationParams,
  EndRelationBody,
  SearchPersonsQuery,
  UpdatePersonBody,
} from './registry.dto';
import { NATIONALITY_STATUSES } from './registry.domain';

const PurposeQuery = z.object({ purpose: z.string().max(100).optional() });

export const registryRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['registry'];

  r.post(
    '/persons',
    {
      config: { permission: 'persons.write' },
      schema: {
        body: CreatePersonBody,
        tags,
        summary: 'Enrol a person',
        description:
          'Refused with 409 registry.possible_duplicate (details.candidates) when records in your scope may be the same person; send confirmNew: {reason} to enrol a new person anyway (the reason is audited)',
        response: { 201: PersonResponse, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.registry.create(actorOf(request), request.body)),
  );

  r.post(
    '/persons/duplicates',
    {
      config: { permission: 'persons.write' },
      schema: {
        body: CreatePersonBody,
        tags,
        summary: 'Before enrolling: likely existing records of this person in your scope (names across scripts, birth, sex)',
        response: { 200: DuplicateCheckResponse },
      },
    },
    async (request) => ({ candidates: await services.registry.likelyDuplicates(actorOf(request), request.body) }),
  );

  r.get(
    '/persons',
    {
      config: { permission: 'persons.read' },
      schema: {
        querystring: SearchPersonsQuery,
        tags,
        summary: 'Fuzzy search by name across scripts, or a list by facility, unit, status, nationality; paged, or a CSV export',
        response: {
          200: {
            description:
              'A page of persons; the header X-Total-Count says how many match in all (with a name: among the ranked candidates). With format=csv every match as a CSV file (audited as an export)',
            headers: { 'x-total-count': { type: 'integer', description: 'How many persons match in all' } },
            content: { 'application/json': { schema: z.array(PersonSummaryResponse) }, 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.query.format === 'csv') {
        const { csv } = await services.registry.exportCsv(actor, request.query);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="custos-persons.csv"').send(csv);
      }
      const page = await services.registry.searchPage(actor, request.query);
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );

  r.get(
    '/persons/:id',
    {
      config: { permission: 'persons.read' },
      schema: { params: PersonParams, querystring: PurposeQuery, tags, summary: 'A person record (the read is audited)', response: { 200: PersonResponse } },
    },
    async (request) => services.registry.get(actorOf(request), request.params.id),
  );

  r.patch(
    '/persons/:id',
    {
      config: { permission: 'persons.write' },
      schema: {
        params: PersonParams,
        body: UpdatePersonBody,
        tags,
        summary: 'Correct a person record, with a reason',
        response: { 200: PersonResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.registry.update(actorOf(request), request.params.id, request.body),
  );

  r.post(
    '/persons/:id/names',
    {
      config: { permission: 'persons.write' },
      schema: { params: PersonParams, body: NameInput, tags, summary: 'Add a name', response: { 201: PersonResponse } },
    },
    async (request, reply) => reply.status(201).send(await services.registry.addName(actorOf(request), request.params.id, request.body)),
  );

  r.post(
    '/persons/:id/documents',
    {
      config: { permission: 'persons.write' },
      schema: { params: PersonParams, body: DocumentInput, tags, summary: 'Add an identity document', response: { 201: PersonResponse } },
    },
    async (request, reply) => reply.status(201).send(await services.registry.addDocument(actorOf(request), request.params.id, request.body)),
  );

  r.post(
    '/persons/:id/nationalities',
    {
      config: { permission: 'persons.write' },
      schema: {
        params: PersonParams,
        body: z.object({
          country: z
            .string()
            .regex(/^[A-Za-z]{3}$/)
            .transform((s) => s.toUpperCase()),
          status: z.enum(NATIONALITY_STATUSES).default('claimed'),
        }),
        tags,
        summary: 'Add or confirm a nationality',
        response: { 201: PersonResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.registry.setNationality(actorOf(request), request.params.id, request.body.country, request.body.status)),
  );

  r.post(
    '/persons/:id/relations',
    {
      config: { permission: 'persons.write' },
      schema: { params: PersonParams, body: RelationInput, tags, summary: 'Link a relative', response: { 201: PersonResponse } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await services.registry.addRelation(actorOf(request), request.params.id, request.body.kind, request.body.personId, request.body.reason)),
  );

  r.post(
    '/persons/:id/relations/:relationId/end',
    {
      config: { permission: 'persons.write' },
      schema: {
        params: RelationParams,
        body: EndRelationBody,
        tags,
        summary: 'End a family link with a reason (kept, marked ended; audited on both records)',
        response: { 200: PersonResponse, ...errorResponses(409) },
      },
    },
    async (request) => services.registry.endRelation(actorOf(request), request.params.id, request.params.relationId, request.body.reason),
  );

  r.post(
    '/households',
    {
      config: { permission: 'persons.write' },
      schema: { body: CreateHouseholdBody, tags, summary: 'Create a household', response: { 201: HouseholdResponse } },
    },
    async (request, reply) => reply.status(201).send(await services.registry.createHousehold(actorOf(request), request.body)),
  );

  r.get(
    '/households/:id',
    {
      config: { permission: 'persons.read' },
      schema: { params: PersonParams, tags, summary: 'A household with its members in scope', response: { 200: HouseholdDetailResponse } },
    },
    async (request) => services.registry.household(actorOf(request), request.params.id),
  );
};
