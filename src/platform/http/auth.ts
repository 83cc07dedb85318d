import type { FastifyReply, FastifyRequest } from 'fastify';
// request.cookies is declared by the cookie plugin: imported for its types, so the file checks wherever it is compiled
import type {} from '@fastify/cookie';
import { UnauthenticatedError, ValidationError } from '../errors';

export const SESSION_COOKIE = 'custos_session';
export const PURPOSE_HEADER = 'x-custos-purpose';

/**
 * Who is calling, as the authentication function resolved the request's token. The platform carries it without
 * knowing its shape: the access module gives it one (`interface AuthenticatedActor extends Actor`, by declaration
 * merging), so routes get its Actor without the platform importing a module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the access module (declaration merging)
export interface AuthenticatedActor {}

/** The permissions a route may require: the access module adds its own as keys (declaration merging). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the access module (declaration merging)
export interface RoutePermissions {}

declare module 'fastify' {
  interface FastifyRequest {
    actor: AuthenticatedActor | null;
  }
  interface FastifyContextConfig {
    /** Route-level permission (first layer); the service checks scope on the resource (second layer). */
    permission?: keyof RoutePermissions & string;
    /** Routes that need no login: health, login, OpenAPI. */
    public?: boolean;
    /** Routes a session may call before its one-time password is changed (the change itself, who am I, sign out). */
    beforePasswordChange?: boolean;
  }
}

export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m ? m[1]! : null;
  }
  const cookie = (request.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  return cookie ?? null;
}

const PURPOSE_PATTERN = /^[A-Za-z0-9_ .:-]{2,100}$/;

export function purposeOf(request: FastifyRequest): string | undefined {
  const fromHeader = request.headers[PURPOSE_HEADER];
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.purpose;
  const raw = (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  if (raw === undefined) return undefined;
  if (!PURPOSE_PATTERN.test(raw)) {
    throw new ValidationError('request.bad_purpose', 'A purpose is 2-100 letters, digits, spaces, dots, colons, dashes or underscores');
  }
  return raw;
}

/**
 * The first layer of authorisation: resolve the caller (401 without a valid session) and check the route's permission
 * with `authorise` (403), before the body is even validated.
 */
export function makeAuthHook(
  authenticate: (token: string, purpose?: string) => Promise<AuthenticatedActor>,
  authorise: (actor: AuthenticatedActor, permission: (keyof RoutePermissions & string) | undefined, route: { beforePasswordChange?: boolean }) => void,
) {
  return async function authHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.actor = null;
    const config = request.routeOptions.config;
    if (config?.public || !request.routeOptions.url) return;
    const token = tokenOf(request);
    if (!token) throw new UnauthenticatedError();
    request.actor = await authenticate(token, purposeOf(request));
    // Called on every protected route, with or without a permission: the actor may be restricted whatever the route.
    authorise(request.actor, config?.permission, { beforePasswordChange: config?.beforePasswordChange === true });
  };
}

/** The authenticated actor of a protected route. */
export function actorOf(request: FastifyRequest): AuthenticatedActor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
