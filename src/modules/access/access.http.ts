import type { Actor, Permission } from './access.domain';

/**
 * The access module gives the platform's request its shape: the authenticated actor is an Actor, and a route's
 * permission is one of the Permissions (platform/http/auth.ts declares both empty, so that it imports no module).
 */
declare module '../../platform/http/auth' {
  interface AuthenticatedActor extends Actor {}
  interface RoutePermissions extends Record<Permission, true> {}
}
