import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { EscapesQuery, EscapesResponse, TimelineQuery, TimelineResponse } from './reviews.timeline.dto';

/** The after-action timeline (issue 21): mounted by reviews.routes.ts. */
export const timelineRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reviews/timeline',
    {
      config: { permission: 'reviews.read' },
      schema: {
        querystring: TimelineQuery,
        tags: ['reviews'],
        summary:
          "One ordered timeline of a facility's window (facilityId, from, to), a person (personId), an incident (incidentId: its window, units and persons) or an escape (escapeId: the ledger event ESCAPED; the person and their household): ledger events, last verified presences, roll calls and the first that missed each person, guards, governance, patrols, sensors and incidents, alerts, transfers, sightings and notices; paged (limit, offset; total counts all). Persons as ids in scope (audited) or pseudonyms for monitors",
        response: { 200: TimelineResponse },
      },
    },
    async (request) => services.reviews.timeline.timeline(actorOf(request), request.query),
  );
  r.get(
    '/reviews/escapes',
    {
      config: { permission: 'reviews.read' },
      schema: {
        querystring: EscapesQuery,
        tags: ['reviews'],
        summary:
          'The escapes (ledger events ESCAPED) from a facility, newest first, that the reader may review: persons in scope by id (audited) or as pseudonyms for monitors; paged (limit, offset; total counts all)',
        response: { 200: EscapesResponse },
      },
    },
    async (request) => services.reviews.timeline.escapes(actorOf(request), request.query),
  );
};
