import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError, ValidationError } from '../errors';
import type { Actor, Permission } from '../../modules/access';
import { requirePermission } from '../../modules/access';

export const SESSION_COOKIE = 'custos_session';
export const PURPOSE_HEADER = 'x-custos-purpose';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Route-level permission (first layer); the service checks scope on the resource (second layer). */
    permission?: Permission;
    /** Routes that need no login: health, login, OpenAPI. */
    public?: boolean;
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

export function makeAuthHook(authenticate: (token: string, purpose?: string) => Promise<Actor>) {
  return async function authHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.actor = null;
    const config = request.routeOptions.config;
    if (config?.public || !request.routeOptions.url) return;
    const token = tokenOf(request);
    if (!token) throw new UnauthenticatedError();
    request.actor = await authenticate(token, purposeOf(request));
    if (config?.permission) requirePermission(request.actor, config.permission);
  };
}

/** The authenticated actor of a protected route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
