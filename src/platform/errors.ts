/**
 * Domain errors carry a stable machine-readable `code` (`module.reason`). Only `platform/http` maps a kind to an
 * HTTP status; services and domain code never speak HTTP.
 */
export type ErrorKind =
  | 'invalid' // bad input: 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: a rule of the ledger or a state machine refused the change
  | 'too_large' // 413
  | 'unsupported' // 415
  | 'rate_limited' // 429
  | 'unavailable'; // 503

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super('invalid', code, message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super('not_found', code, message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super('forbidden', code, message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(code = 'auth.unauthenticated', message = 'Sign in first: no valid session or bearer token') {
    super('unauthenticated', code, message);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/**
 * The environment stops a command before any work is done (the database folder held by another process, a port in
 * use): not a rule of the domain, so no HTTP status; the CLI prints the message alone and exits 1.
 */
export class EnvironmentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
