import type { Rng } from './prng';
import { fillPath, type Operation, type Parameter, type Schema } from './openapi';
import type { RawRequest } from './http';

/** Ids that exist in the fuzzed world, by the kind of thing they name (the path segment before `{id}`). */
export type KnownIds = Record<string, string[]>;

/** The kinds of hostile request the fuzzer makes; `weight` is how often each is drawn. */
export const KINDS = {
  valid: 6,
  'wrong-type': 5,
  'missing-field': 3,
  'extra-field': 3,
  'hostile-string': 6,
  'huge-string': 2,
  nested: 2,
  'deep-nesting': 1,
  'unknown-id': 3,
  'bad-id': 4,
  'bad-query': 4,
  'malformed-json': 3,
  'wrong-content-type': 3,
  oversized: 1,
  'huge-raw-body': 1,
  'body-on-get-delete': 2,
} as const;
export type Kind = keyof typeof KINDS;

export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C.exe',
  '\u200F\u2066x\u2069',
  "' OR 1=1 --",
  "'); drop table persons; --",
  `\${7*7}{{7*7}}`,
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%00%2e%2e%2f',
  '\uD800',
  '\uDFFF\uD800',
  '𝕏'.repeat(50),
  '',
  ' ',
  '\r\n\t',
  'null',
  '__proto__',
  'constructor',
  '{"$ne":null}',
  'محمد بن علي',
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  'ﷺ\u0301\u0301\u0301',
];

const BAD_IDS = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%252F..%252Fetc',
  '%00',
  'null',
  '-1',
  '1',
  "'%20OR%201=1--",
  '%E2%80%AE',
  'a'.repeat(600),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0190a000-0000-7000-8000-00000000000Z',
  '%F0%9F%98%80',
  '%C0%AE%C0%AE',
];

const WRONG_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -9007199254740992, 'x', '', [], {}, [[]], { a: 1 }, [null], '2026-13-45'];

/** Which known ids a path parameter or body field probably names. */
function idsFor(name: string, path: string, known: KnownIds): string[] {
  if (name === 'id') {
    const segment = path.split('/{id}')[0]!.split('/').pop()!;
    const kind = segment === 'screen' || segment === 'persons' ? 'persons' : segment;
    return known[kind] ?? [];
  }
  const base = name.replace(/Ids?$/, '');
  return known[`${base}s`] ?? known[base] ?? (name.endsWith('Id') ? (known.persons ?? []) : []);
}

/** A plausible, mostly valid value for a schema (the starting point every mutation departs from). */
export function validValue(schema: Schema | undefined, rng: Rng, known: KnownIds, path: string, name = '', depth = 0): unknown {
  if (!schema || depth > 6) return null;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return validValue(rng.pick(alternatives), rng, known, path, name, depth + 1);
  if (schema.allOf?.length) return validValue(schema.allOf[0], rng, known, path, name, depth + 1);
  if (schema.enum?.length) return rng.pick(schema.enum);
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || rng.chance(0.4)) out[key] = validValue(prop, rng, known, path, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, rng.int(0, Math.min(3, schema.maxItems ?? 3)));
      return Array.from({ length: n }, () => validValue(schema.items, rng, known, path, name, depth + 1));
    }
    case 'integer':
    case 'number': {
      const lo = Math.max(schema.minimum ?? 0, -1000);
      const hi = Math.min(schema.maximum ?? 100, lo + 100);
      return type === 'integer' ? rng.int(Math.ceil(lo), Math.floor(hi)) : lo + rng.next() * (hi - lo);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'string':
      return validString(schema, rng, known, path, name);
    default:
      return null;
  }
}

function validString(schema: Schema, rng: Rng, known: KnownIds, path: string, name: string): string {
  if (schema.format === 'uuid') {
    const ids = idsFor(name, path, known);
    return ids.length && rng.chance(0.85) ? rng.pick(ids) : rng.uuid();
  }
  if (schema.format === 'date-time') return '2026-01-10T07:00:00.000Z';
  if (schema.format === 'date' || schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return '1990-05-01';
  if (schema.pattern?.includes('\\d{4}')) return rng.pick(['1990', '1990-05', '1990-05-01']);
  if (schema.pattern === '^[A-Za-z]{3}$' || /nationalit|country/i.test(name)) return rng.pick(['IRQ', 'SYR', 'FRA', 'TUN']);
  if (/^sex$/.test(name)) return rng.pick(['M', 'F', 'X']);
  const min = schema.minLength ?? 1;
  const max = Math.min(schema.maxLength ?? 40, 40);
  const words = ['Ahmad', 'Fatima bint Ali', 'Block', 'note', 'محمد', 'al-Hassan', 'court order 17'];
  let s = rng.pick(words);
  while (s.length < min) s += 'x';
  return s.slice(0, Math.max(min, max));
}

/** Every JSON path (list of keys) in a value, so that a mutation can land anywhere inside a body. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(root: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return undefined;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

/** `[[[...]]]` or `{"a":{"a":...}}` as text: JSON.stringify itself would recurse that deep. */
export function nestedJson(depth: number, rng: Rng): string {
  return rng.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export interface Generated {
  kind: Kind;
  request: RawRequest;
  /** `admin` or `anonymous` (no or a forged token). */
  caller: 'admin' | 'anonymous';
}

function pickKind(rng: Rng, kinds: Kind[]): Kind {
  const total = kinds.reduce((n, k) => n + KINDS[k], 0);
  let r = rng.next() * total;
  for (const k of kinds) {
    r -= KINDS[k];
    if (r < 0) return k;
  }
  return kinds[kinds.length - 1]!;
}

/** encodeURIComponent, except that a lone surrogate goes out as the invalid UTF-8 it would be (it cannot be encoded). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `%ED%A0%80${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '?'))}`;
  }
}

function queryString(params: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) parts.push(`${encode(k)}=${encode(typeof one === 'string' ? one : JSON.stringify(one))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One hostile (or, for `valid`, plausible) request for an operation, drawn from the seeded PRNG. */
export function generate(op: Operation, rng: Rng, known: KnownIds, kinds: Kind[]): Generated {
  const kind = pickKind(rng, kinds);
  const caller: Generated['caller'] = rng.chance(0.85) ? 'admin' : 'anonymous';
  const pathValues: Record<string, string> = {};
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  for (const p of pathParams) {
    const ids = idsFor(p.name, op.path, known);
    if (p.schema?.type === 'integer' || p.name === 'position') pathValues[p.name] = String(rng.int(1, 10));
    else pathValues[p.name] = ids.length ? rng.pick(ids) : rng.uuid();
  }
  let rawPath = false;
  if (kind === 'unknown-id' && pathParams.length) pathValues[rng.pick(pathParams).name] = rng.uuid();
  if (kind === 'bad-id' && pathParams.length) {
    pathValues[rng.pick(pathParams).name] = rng.pick(BAD_IDS);
    rawPath = true;
  }

  const query: Record<string, unknown> = {};
  const queryParams: Parameter[] = op.parameters.filter((p) => p.in === 'query');
  for (const p of queryParams) if (p.required || rng.chance(0.5)) query[p.name] = validValue(p.schema, rng, known, op.path, p.name);
  if (kind === 'bad-query') {
    const name = queryParams.length && rng.chance(0.8) ? rng.pick(queryParams).name : rng.pick(['__proto__', 'limit', 'x'.repeat(300)]);
    query[name] = rng.pick<unknown>([...WRONG_VALUES, ...HOSTILE_STRINGS, 'x'.repeat(5000), ['a', 'b'], '-99999999999999999999', '1e309', '0x10', ' 5']);
  }

  const headers: Record<string, string> = {};
  let body: string | Buffer | undefined;
  const jsonSchema = op.body?.content['application/json'];
  const otherType = op.body ? Object.keys(op.body.content).find((t) => t !== 'application/json') : undefined;
  let value: unknown = op.body ? (jsonSchema ? validValue(jsonSchema, rng, known, op.path) : undefined) : undefined;

  switch (kind) {
    case 'wrong-type':
    case 'missing-field':
    case 'extra-field':
    case 'hostile-string':
    case 'huge-string':
    case 'nested': {
      if (value === undefined) value = {};
      const at = rng.pick(paths(value));
      if (kind === 'wrong-type') value = setAt(value, at, rng.pick(WRONG_VALUES));
      else if (kind === 'missing-field') value = at.length ? deleteAt(value, at) : rng.pick([null, [], '']);
      else if (kind === 'extra-field') {
        const objects = paths(value).filter((p) => {
          const node = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], value);
          return node !== null && typeof node === 'object' && !Array.isArray(node);
        });
        const extra = rng.pick(['__proto__', 'constructor', 'isAdmin', 'id', 'hash', 'seq', 'role', 'x'.repeat(200)]);
        const target = objects.length ? rng.pick(objects) : [];
        const root = target.length || (value && typeof value === 'object') ? value : {};
        value = setAt(root, [...target, extra], rng.pick<unknown>([{ admin: true }, 'x', 1, null]));
      } else if (kind === 'hostile-string') value = setAt(value, at, rng.pick(HOSTILE_STRINGS));
      else if (kind === 'huge-string') value = setAt(value, at, rng.pick(['x', 'ع', '\u0000', '😀']).repeat(rng.int(10_000, 200_000)));
      else {
        let nested: unknown = 1;
        for (let i = rng.int(20, 200); i > 0; i--) nested = rng.chance(0.5) ? [nested] : { a: nested };
        value = setAt(value, at, nested);
      }
      body = JSON.stringify(value);
      headers['content-type'] = 'application/json';
      break;
    }
    case 'deep-nesting':
      body = nestedJson(rng.int(2_000, 12_000), rng);
      headers['content-type'] = 'application/json';
      break;
    case 'malformed-json':
      body = rng.pick([
        '{',
        '{"names": [',
        `${JSON.stringify(value ?? {})}}`,
        "{'a': 1}",
        '{"a":1,}',
        'undefined',
        '\u0000',
        '\uFEFF{}',
        '[1,2',
        '{"a": NaN}',
        '"unterminated',
        '{"a":"\\ud800"}',
        '{"a":1}{"b":2}',
        'x'.repeat(100),
      ]);
      headers['content-type'] = 'application/json';
      break;
    case 'wrong-content-type':
      body = rng.chance(0.5) ? JSON.stringify(value ?? {}) : rng.pick(['<a/>', 'a=1&b=2', '\u0000\u0001\u0002', '--x\r\n\r\n--x--']);
      headers['content-type'] = rng.pick([
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-7',
        'image/png',
        'application/octet-stream',
        'application/jsonx',
        ';;;',
      ]);
      break;
    case 'oversized': {
      // past the 2 MB default limit, and past the 8 MB of the batch routes
      const size = rng.pick([2_200_000, 9_000_000]);
      body = `{"names":[${'"xxxxxxxxxx",'.repeat(Math.floor(size / 13))}"x"]}`;
      headers['content-type'] = 'application/json';
      break;
    }
    case 'huge-raw-body':
      body = Buffer.alloc(14 * 1024 * 1024, rng.int(0, 255));
      headers['content-type'] = rng.pick(['application/octet-stream', 'image/jpeg', 'application/json', 'text/plain']);
      break;
    case 'body-on-get-delete':
      body = rng.chance(0.5) ? JSON.stringify({ names: [{ full: 'x' }], role: 'admin' }) : rng.pick(HOSTILE_STRINGS);
      headers['content-type'] = rng.pick(['application/json', 'text/plain']);
      break;
    default:
      if (value !== undefined) {
        body = JSON.stringify(value);
        headers['content-type'] = 'application/json';
      } else if (otherType) {
        body = Buffer.from(Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255)));
        headers['content-type'] = otherType;
      }
  }

  return { kind, caller, request: { method: op.method, url: fillPath(op.path, pathValues, rawPath) + queryString(query), headers, body } };
}
