/**
 * Responses: every route declares the schema of its success body (`schema.response`, from its module's dto file), so
 * the OpenAPI document describes every answer and the handler's return type is checked against `z.output` of it. The
 * error statuses a route can answer are added here from its configuration, all with the shared error shape.
 *
 * Serialisation is `JSON.stringify` of what the handler returned, exactly as without a schema: the schemas document
 * and type the answers but never rewrite them (no stripping, no reordering) and never turn a good answer into a 500 in
 * production. Whether the answers are also checked against their schemas is a setting (`CUSTOS_RESPONSE_CHECK`):
 * - `off` (the default for `serve`): serialised only; the compiler's types are the guarantee.
 * - `log`: each answer is checked and a mismatch is logged as an error; the answer goes out unchanged.
 * - `strict` (the test harnesses): a mismatch fails the request with 500 `response.not_as_documented`, so a test that
 *   touches a route fails when the route answers anything its schema does not describe, field by field.
 * The check reads the JSON as a client would: it decodes it with the schema (every named field present, of its type,
 * instants as ISO 8601 text), encodes the result again and requires the same JSON back (nothing unnamed, nothing lost).
 */
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { ErrorResponse } from '../dto';
import type { Logger } from '../logger';

export const RESPONSE_CHECKS = ['off', 'log', 'strict'] as const;
export type ResponseCheck = (typeof RESPONSE_CHECKS)[number];

/** `CUSTOS_RESPONSE_CHECK`, `off` when unset; an unknown value is refused rather than silently ignored. */
export function responseCheckFrom(value: string | undefined): ResponseCheck {
  if (value === undefined || value === '') return 'off';
  if ((RESPONSE_CHECKS as readonly string[]).includes(value)) return value as ResponseCheck;
  throw new Error(`CUSTOS_RESPONSE_CHECK is ${value}; it is one of ${RESPONSE_CHECKS.join(', ')}`);
}

/** An answer that its route's schema does not describe (strict check). */
export class ResponseContractError extends Error {
  readonly code = 'response.not_as_documented';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: string,
    readonly problem: string,
  ) {
    super(`The ${status} answer of ${method} ${url} is not what its schema describes: ${problem}`);
    this.name = 'ResponseContractError';
  }
}

/**
 * What is wrong with a JSON body (already parsed) against its schema, or null. Decoding checks every named field;
 * encoding the decoded value again must give the same JSON, which catches fields the schema does not name (decoding
 * drops them) and instants not written as `Date#toJSON` writes them.
 */
export function responseProblem(schema: z.ZodType, body: unknown): string | null {
  const decoded = z.safeDecode(schema, body);
  if (!decoded.success) {
    return decoded.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
  }
  const encoded = z.safeEncode(schema, decoded.data);
  if (!encoded.success) return `does not encode back: ${encoded.error.issues[0]?.message}`;
  const where = firstDifference(encoded.data, body, '');
  return where === null ? null : `${where || '(root)'} is not described by the schema (or differs from its description)`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of the first place where two JSON values differ (keys holding undefined count as absent), or null. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : path;
}

function zodSchemaOf(schema: unknown): z.ZodType | null {
  return schema instanceof z.ZodType ? schema : null;
}

/** Fastify's serializer compiler for the routes' zod response schemas (see the top of this file). */
export function responseSerializerCompiler(check: ResponseCheck, logger?: Logger | false): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url, httpStatus }) => {
    const zodSchema = zodSchemaOf(schema);
    if (check === 'off' || !zodSchema) return (data) => JSON.stringify(data);
    return (data) => {
      const json = JSON.stringify(data);
      const problem = responseProblem(zodSchema, json === undefined ? undefined : JSON.parse(json));
      if (problem !== null) {
        const error = new ResponseContractError(method, url, httpStatus ?? '?', problem);
        if (check === 'strict') throw error;
        if (logger) logger.error({ method, url, status: httpStatus, problem }, 'an answer does not match its documented schema');
      }
      return json;
    };
  };
}

// --- error responses in the OpenAPI document ---------------------------------------------------------------------

const ERROR_DESCRIPTIONS = {
  400: 'Bad input: malformed JSON, a wrong type or value (`request.invalid`, each bad field in `details.issues`), or input a rule refuses',
  401: 'No valid session cookie or bearer token',
  403: "Outside the caller's role (permission) or scope (facilities, nationalities)",
  404: 'No such record',
  409: 'A rule refused the change (e.g. a ledger transition, a stale version, a decision already taken)',
  413: 'The body is larger than this endpoint accepts',
  415: 'A content type this endpoint does not take',
  429: 'Too many attempts; the retry-after header says when to try again',
  500: 'Internal error (logged)',
  503: 'Something the request needs is not available',
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

type ErrorResponseDoc = { description: string; content: { 'application/json': { schema: typeof ErrorResponse } } };

/** An error answer with its own description, e.g. `{401: errorResponse('Unknown username or wrong password')}`. */
export function errorResponse(description: string): ErrorResponseDoc {
  return { description, content: { 'application/json': { schema: ErrorResponse } } };
}

/** Error answers a route adds to those every route gets (see documentResponses), e.g. `...errorResponses(409)`. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponseDoc> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(ERROR_DESCRIPTIONS[s])])) as Record<S, ErrorResponseDoc>;
}

/** A body that is not JSON (CSV, a stream of events): its content type and a string schema. */
export function textResponse(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: z.string() } } };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const SUCCESS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

/**
 * An onRoute hook for the routes that declare their answers: a JSON success schema gets its description ('OK',
 * 'Created'), and the error statuses any route of this kind can answer are added, unless the route declares them
 * itself: 400 and 500 always, 401 unless public, 403 with a permission, 404 with path parameters, 413 and 415 with a
 * body, and `default` (any other error), all with the shared error shape.
 */
export function documentResponses(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> }) | undefined;
  if (!schema || schema.hide || !schema.response) return;
  const config = (route.config ?? {}) as { public?: boolean; permission?: string };
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const statuses: ErrorStatus[] = [400];
  if (!config.public) statuses.push(401);
  if (config.permission) statuses.push(403);
  if (route.url.includes(':')) statuses.push(404);
  if (methods.some((m) => BODY_METHODS.has(m))) statuses.push(413, 415);
  statuses.push(500);
  const declared = Object.fromEntries(
    Object.entries(schema.response).map(([status, answer]) => [
      status,
      answer instanceof z.ZodType && SUCCESS_DESCRIPTIONS[status]
        ? { description: SUCCESS_DESCRIPTIONS[status], content: { 'application/json': { schema: answer } } }
        : answer,
    ]),
  );
  route.schema = { ...schema, response: { ...errorResponses(...statuses), default: errorResponse('Any other error'), ...declared } };
}
