import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, SESSION_COOKIE, tokenOf } from '../../platform/http/auth';
import { errorResponse, errorResponses } from '../../platform/http/responses';
import type { Services } from '../../services';
import { permissionsOf } from './access.domain';
import {
  ChangePasswordBody,
  CreateUserBody,
  LoginBody,
  LoginResponse,
  MeResponse,
  OkResponse,
  ResetPasswordBody,
  UpdateUserBody,
  UserParams,
  UserResponse,
  UsersQuery,
} from './access.dto';
import { PreferencesBody, PreferencesResponse } from './access.dto';

export const accessRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        body: LoginBody,
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets a session cookie',
        response: { 200: LoginResponse, 401: errorResponse('Unknown username or wrong password'), ...errorResponses(429) },
      },
    },
    async (request, reply) => {
      const session = await services.access.login(request.body.username, request.body.password, request.ip, request.headers['user-agent']);
      void reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        // A lifetime, not a date: the server's clock may be a scenario clock (the demo runs in January 2026).
        maxAge: Math.max(1, Math.round((session.expiresAt.getTime() - services.clock.now().getTime()) / 1000)),
      });
      return { token: session.token, expiresAt: session.expiresAt, user: session.user };
    },
  );

  r.post(
    '/auth/logout',
    { config: { beforePasswordChange: true }, schema: { tags: ['auth'], summary: 'End the session', response: { 200: OkResponse } } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token) await services.access.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  r.get(
    '/auth/me',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['auth'], summary: 'The signed-in user, their scope and permissions', response: { 200: MeResponse } },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        userId: actor.userId,
        username: actor.username,
        role: actor.role,
        facilityIds: [...actor.facilityIds],
        nationalities: [...actor.nationalities],
        purpose: actor.purpose,
        mustChangePassword: actor.mustChangePassword === true,
        permissions: permissionsOf(actor.role),
        locale: await services.access.localeOf(actor),
      };
    },
  );

  r.patch(
    '/auth/me/preferences',
    {
      config: { beforePasswordChange: true },
      schema: {
        body: PreferencesBody,
        tags: ['auth'],
        summary: 'Keep your own interface language (en, ar) on your account; /auth/me returns it',
        response: { 200: PreferencesResponse },
      },
    },
    async (request) => services.access.setPreferences(actorOf(request), request.body),
  );

  r.post(
    '/auth/password',
    {
      config: { beforePasswordChange: true },
      schema: {
        body: ChangePasswordBody,
        tags: ['auth'],
        summary: 'Change your own password (the only call a session with a one-time password may make, with /auth/me and /auth/logout)',
        response: { 200: OkResponse, ...errorResponses(429) },
      },
    },
    async (request) => {
      await services.access.changePassword(actorOf(request), tokenOf(request)!, request.body.current, request.body.next, request.ip);
      return { ok: true as const };
    },
  );

  r.get(
    '/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        querystring: UsersQuery,
        tags: ['auth'],
        summary: 'User accounts by username (filter q, role, active; paged: limit, offset)',
        response: {
          200: {
            description: 'A page of accounts; the header X-Total-Count says how many match in all',
            headers: { 'x-total-count': { type: 'integer', description: 'How many accounts match in all' } },
            content: { 'application/json': { schema: z.array(UserResponse) } },
          },
        },
      },
    },
    async (request, reply) => {
      const { q, role, active, limit, offset } = request.query;
      const page = await services.access.listUsersPage(
        actorOf(request),
        { q: q || undefined, role, active: active === undefined ? undefined : active === 'true' },
        limit,
        offset,
      );
      reply.header('x-total-count', String(page.total));
      return page.rows;
    },
  );

  r.post(
    '/users',
    { config: { permission: 'users.manage' }, schema: { body: CreateUserBody, tags: ['auth'], response: { 201: UserResponse, ...errorResponses(409) } } },
    async (request, reply) => {
      const user = await services.access.createUser(actorOf(request), request.body);
      return reply.status(201).send(user);
    },
  );

  // --- administration of other accounts (users.manage): each audited; nobody edits their own rights ---------------

  r.patch(
    '/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        params: UserParams,
        body: UpdateUserBody,
        tags: ['auth'],
        summary: "Change another account's role, scope or display name",
        response: { 200: UserResponse, ...errorResponses(404, 409) },
      },
    },
    async (request) => services.access.updateUser(actorOf(request), request.params.id, request.body),
  );

  r.post(
    '/users/:id/reset-password',
    {
      config: { permission: 'users.manage' },
      schema: {
        params: UserParams,
        body: ResetPasswordBody,
        tags: ['auth'],
        summary: 'Set a one-time password on another account (to be changed at its next sign-in); its sessions end',
        response: { 200: UserResponse, ...errorResponses(404) },
      },
    },
    async (request) => services.access.resetPassword(actorOf(request), request.params.id, request.body.password),
  );

  for (const [verb, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    r.post(
      `/users/:id/${verb}`,
      {
        config: { permission: 'users.manage' },
        schema: {
          params: UserParams,
          tags: ['auth'],
          summary: active ? 'Enable a disabled account again' : 'Disable an account: it cannot sign in, its sessions end (not the last administrator)',
          response: { 200: UserResponse, ...errorResponses(404, 409) },
        },
      },
      async (request) => services.access.setActive(actorOf(request), request.params.id, active),
    );
  }
};
