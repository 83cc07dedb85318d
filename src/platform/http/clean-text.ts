import { ValidationError } from '../errors';

// NUL cannot be stored in PostgreSQL text; lone surrogates are not valid Unicode and break canonical hashing.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
const FORBIDDEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Walks parsed input and refuses strings no database or hash chain should hold. */
export function assertCleanText(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    if (FORBIDDEN.test(value)) {
      throw new ValidationError('request.invalid_text', `${path || 'A value'} contains a NUL character or broken Unicode`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertCleanText(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      assertCleanText(k, path);
      assertCleanText(v, path ? `${path}.${k}` : k);
    }
  }
}

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') {
    throw Object.assign(new Error('The body is empty'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw Object.assign(new Error((err as Error).message), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
  }
  assertCleanText(parsed);
  return parsed;
}
