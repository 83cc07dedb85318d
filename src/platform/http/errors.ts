import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isDomainError, type ErrorKind } from '../errors';
import { ResponseContractError } from './responses';

/** The one place where domain error kinds become HTTP statuses. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function zodIssues(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isDomainError(err)) {
    const status = STATUS_OF[err.kind];
    if (status === 429 && (err.details as { retryAfterSeconds?: number })?.retryAfterSeconds) {
      reply.header('retry-after', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
    }
    void reply.status(status).send(errorBody(err.code, err.message, err.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    const issues = err.validation.map((v) => ({
      path: String(v.instancePath ?? '')
        .replace(/^\//, '')
        .replace(/\//g, '.'),
      message: v.message ?? 'invalid',
    }));
    const first = issues[0];
    void reply
      .status(400)
      .send(errorBody('request.invalid', `Invalid ${where}: ${first ? `${first.path || '(root)'}: ${first.message}` : 'see details'}`, { issues }));
    return;
  }
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    void reply.status(400).send(errorBody('request.invalid', `Invalid input: ${issues[0]?.path || '(root)'}: ${issues[0]?.message}`, { issues }));
    return;
  }
  if (err instanceof ResponseContractError) {
    // Only with CUSTOS_RESPONSE_CHECK=strict (the tests): the answer differs from its route's documented schema.
    request.log.error({ err }, 'answer not as documented');
    void reply.status(500).send(errorBody(err.code, err.message, { method: err.method, url: err.url, status: err.status, problem: err.problem }));
    return;
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      void reply.status(400).send(errorBody('request.malformed_json', `The body is not valid JSON: ${fe.message}`));
      return;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      void reply.status(413).send(errorBody('request.too_large', 'The request body is larger than this endpoint accepts'));
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      void reply.status(415).send(errorBody('request.unsupported_media_type', fe.message));
      return;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 429) {
      void reply.status(429).send(errorBody('request.rate_limited', fe.message));
      return;
    }
    void reply.status(fe.statusCode).send(errorBody(`request.${fe.code ?? 'bad_request'}`.toLowerCase(), fe.message));
    return;
  }
  // PostgreSQL input errors that slipped past validation (bad text encoding, value out of range) are still 400s.
  const pgCode = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (typeof pgCode === 'string' && /^(22|23)/.test(pgCode)) {
    request.log.warn({ err }, 'database rejected input');
    void reply.status(400).send(errorBody('request.rejected_by_database', 'The database rejected a value in this request'));
    return;
  }
  request.log.error({ err }, 'unhandled error');
  void reply.status(500).send(errorBody('internal', 'Internal error; it was logged'));
}
