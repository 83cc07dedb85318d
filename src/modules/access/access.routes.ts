import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, SESSION_COOKIE, tokenOf } from '../../platform/http/auth';
import type { Services } from '../../services';
import { permissionsOf, ROLES } from './access.domain';

const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const CreateUserBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  role: z.enum(ROLES),
  displayName: z.string().max(200).optional(),
  facilityIds: z.array(z.uuid()).max(100).optional(),
  nationalities: z
    .array(z.string().regex(/^[A-Za-z]{3}$/))
    .max(50)
    .optional(),
});

export const accessRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/auth/login',
    {
      config: { public: true },
      schema: { body: LoginBody, tags: ['auth'], summary: 'Sign in; returns a bearer token and sets a session cookie' },
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

  r.post('/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    const token = tokenOf(request);
    if (token) await services.access.logout(token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  r.get('/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user, their scope and permissions' } }, async (request) => {
    const actor = actorOf(request);
    return {
      userId: actor.userId,
      username: actor.username,
      role: actor.role,
      facilityIds: actor.facilityIds,
      nationalities: actor.nationalities,
      purpose: actor.purpose,
      mustChangePassword: await services.access.mustChangePassword(actor),
      permissions: permissionsOf(actor.role),
    };
  });

  r.post(
    '/auth/password',
    {
      schema: {
        body: z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024) }),
        tags: ['auth'],
        summary: 'Change your own password',
      },
    },
    async (request) => {
      await services.access.changePassword(actorOf(request), tokenOf(request)!, request.body.current, request.body.next);
      return { ok: true };
    },
  );

  r.get('/users', { config: { permission: 'users.manage' }, schema: { tags: ['auth'] } }, async (request) => services.access.listUsers(actorOf(request)));

  r.post('/users', { config: { permission: 'users.manage' }, schema: { body: CreateUserBody, tags: ['auth'] } }, async (request, reply) => {
    const user = await services.access.createUser(actorOf(request), request.body);
    return reply.status(201).send(user);
  });
};
