import type { FastifyInstance } from 'fastify';

/** The slice of JSON Schema the app's OpenAPI document uses (inline schemas from zod, one shared Error component). */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  default?: unknown;
  $ref?: string;
}

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI form: /api/v1/persons/{id} */
  path: string;
  key: string;
  parameters: Parameter[];
  /** Media types the request body may have (JSON, images, XML, ...), with their schemas. */
  body?: { required: boolean; content: Record<string, Schema | undefined> };
  /** Documented success statuses. */
  successes: number[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type RawOp = {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
};

/** Reads the app's own OpenAPI document (served by @fastify/swagger) and lists its operations. */
export async function loadOperations(http: FastifyInstance): Promise<Operation[]> {
  const res = await http.inject({ method: 'GET', url: '/api/docs/json' });
  if (res.statusCode !== 200) throw new Error(`/api/docs/json answered ${res.statusCode}`);
  const doc = res.json() as { paths: Record<string, Record<string, RawOp>> };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const content: Record<string, Schema | undefined> = {};
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) content[type] = media.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        parameters: op.parameters ?? [],
        body: op.requestBody ? { required: op.requestBody.required ?? false, content } : undefined,
        successes: Object.keys(op.responses ?? {})
          .filter((s) => /^2\d\d$/.test(s))
          .map(Number),
      });
    }
  }
  return ops;
}

/** The path with its parameters filled in (each value URL-encoded unless `raw`). */
export function fillPath(path: string, values: Record<string, string>, raw = false): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name] ?? '00000000-0000-7000-8000-000000000000';
    if (raw) return v;
    try {
      return encodeURIComponent(v);
    } catch {
      return `%ED%A0%80${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?'))}`;
    }
  });
}
