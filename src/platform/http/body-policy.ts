import { Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError, ValidationError } from '../errors';

/**
 * What a route accepts as a request body. The edge refuses everything else before reading a byte of it, so that no
 * route can be made to parse (and hold in memory) a body it never asked for: a raw 14 MB upload sent to a DELETE used
 * to be read, parsed as an image and spread into an object with a key per byte.
 *
 * A route declares its class with `config: { body: 'image' }`; without one, POST/PUT/PATCH take `json` and every
 * other method takes no body at all.
 */
export type BodyKind = 'json' | 'image' | 'xml';

export interface BodyClass {
  /** Media types accepted; empty for routes that take no body. */
  kinds: readonly BodyKind[];
  /** Largest body in bytes (413 past it, checked on the declared length and again while reading). */
  limit: number;
  /** Deepest nesting of a JSON body (arrays and objects). */
  maxDepth: number;
  /** Most values (members and elements) in a JSON body: bounds the work of parsing and walking it. */
  maxValues: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const BODY_CLASSES = {
  none: { kinds: [], limit: 1, maxDepth: 0, maxValues: 0 },
  /** Ordinary commands: a login, a person, a facility. */
  json: { kinds: ['json'], limit: 256 * KiB, maxDepth: 32, maxValues: 20_000 },
  /** Batches (a roll call's marks, a flight's manifest of custody events). */
  bulk: { kinds: ['json'], limit: 8 * MiB, maxDepth: 32, maxValues: 200_000 },
  /** An image as the raw body, or as base64 in a small JSON object. */
  image: { kinds: ['image', 'json'], limit: 14 * MiB, maxDepth: 8, maxValues: 64 },
  /** A watchlist release: XML as published, or a small JSON object carrying the files as text. */
  list: { kinds: ['xml', 'json'], limit: 16 * MiB, maxDepth: 8, maxValues: 64 },
} as const satisfies Record<string, BodyClass>;

export type BodyClassName = keyof typeof BODY_CLASSES;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request body this route accepts (see platform/http/body-policy.ts); default by method. */
    body?: BodyClassName;
  }
}

const KIND_OF_MEDIA: Record<string, BodyKind> = {
  'application/json': 'json',
  'application/octet-stream': 'image',
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/tiff': 'image',
  'image/webp': 'image',
  'image/bmp': 'image',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

const MEDIA_OF_KIND: Record<BodyKind, string> = {
  json: 'application/json',
  image: 'an image type (image/jpeg, image/png, image/tiff, image/webp, application/octet-stream)',
  xml: 'application/xml',
};

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The body class of a route: declared, or by method. */
export function bodyClassOf(method: string, config: { body?: BodyClassName } | undefined): BodyClass {
  if (config?.body) return BODY_CLASSES[config.body];
  return WITH_BODY.has(method.toUpperCase()) ? BODY_CLASSES.json : BODY_CLASSES.none;
}

/** onRoute: the class's size limit becomes the route's own, so fastify stops reading past it whatever the parser. */
export function applyBodyClass(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = route.config as { body?: BodyClassName } | undefined;
  const limits = methods.map((m) => bodyClassOf(m, config).limit);
  route.bodyLimit = Math.max(...limits);
}

/**
 * preParsing: refuses a body the route does not take (400), of a media type it does not take (415) or declared
 * larger than it takes (413), before anything is read; a JSON body is then checked for depth and size as it arrives.
 */
export async function checkBodyPolicy(request: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  const length = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  const declared = length === undefined ? undefined : Number(length);
  if (!chunked && (declared === undefined || declared === 0)) return payload;
  const policy = bodyClassOf(request.method, request.routeOptions.config);
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  if (policy.kinds.length === 0) {
    throw new ValidationError('request.body_not_allowed', `${route} takes no request body`);
  }
  const media = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const kind = KIND_OF_MEDIA[media];
  if (!kind || !policy.kinds.includes(kind)) {
    const accepted = policy.kinds.map((k) => MEDIA_OF_KIND[k]).join(' or ');
    throw new DomainError('unsupported', 'request.unsupported_media_type', `${route} takes ${accepted}, not ${media || 'a body without a content type'}`);
  }
  if (declared !== undefined && declared > policy.limit) {
    throw new DomainError('too_large', 'request.too_large', `${route} takes at most ${policy.limit} bytes; this body has ${declared}`);
  }
  return kind === 'json' ? scanJsonStream(payload, policy) : payload;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Counts the nesting depth and the values of JSON text as it arrives, without recursion and without parsing, so
 * that a body nested 2,650 deep (which used to overflow the stack of a recursive walk: a 500) or made of a million
 * tiny values is refused before JSON.parse and before it is read whole. Bytes or UTF-16 units both work: every
 * character it looks at is ASCII, and no byte of a multi-byte UTF-8 sequence is. Text that is not JSON is left to
 * JSON.parse to refuse.
 */
export class JsonShapeScanner {
  private depth = 0;
  private values = 1;
  private inString = false;
  private escaped = false;

  constructor(private readonly limits: { maxDepth: number; maxValues: number }) {}

  feed(chunk: { length: number; [i: number]: number } | string): void {
    const text = typeof chunk === 'string';
    for (let i = 0; i < chunk.length; i++) {
      const c = text ? (chunk as string).charCodeAt(i) : (chunk as { [i: number]: number })[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
        if (this.depth > this.limits.maxDepth) {
          throw new ValidationError('request.too_deep', `The JSON body is nested deeper than ${this.limits.maxDepth} levels`);
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) this.depth--;
      else if (c === COMMA) {
        this.values++;
        if (this.values > this.limits.maxValues) {
          throw new DomainError('too_large', 'request.too_many_values', `The JSON body has more than ${this.limits.maxValues} values`);
        }
      }
    }
  }
}

/** The whole-text form of the scanner (JSON that did not come through the stream check). */
export function assertJsonShape(text: string, limits: { maxDepth: number; maxValues: number }): void {
  new JsonShapeScanner(limits).feed(text);
}

/** A pass-through stream that runs the scanner on each chunk: a bad body stops being read at its first excess. */
export function scanJsonStream(payload: NodeJS.ReadableStream, limits: { maxDepth: number; maxValues: number }): Transform {
  const scanner = new JsonShapeScanner(limits);
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        scanner.feed(chunk);
        callback(null, chunk);
      } catch (err) {
        callback(err as Error);
      }
    },
  });
  payload.on('error', (err) => checked.destroy(err));
  return payload.pipe(checked);
}
