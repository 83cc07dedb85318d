import { ValidationError } from '../errors';
import { assertJsonShape } from './body-policy';

// NUL cannot be stored in PostgreSQL text; lone surrogates are not valid Unicode and break canonical hashing.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
const FORBIDDEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertString(value: string, path: string): void {
  if (FORBIDDEN.test(value)) {
    throw new ValidationError('request.invalid_text', `${path || 'A value'} contains a NUL character or broken Unicode`);
  }
}

/**
 * Walks parsed input and refuses strings no database or hash chain should hold. The walk keeps its own stack rather
 * than recursing, so no shape of input can overflow the call stack (a 500); paths are built only for the message.
 */
export function assertCleanText(value: unknown, path = ''): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === 'string') assertString(v, item.path);
    else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${item.path}[${i}]` });
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        assertString(k, item.path);
        stack.push({ value: child, path: item.path ? `${item.path}.${k}` : k });
      }
    }
  }
}

/**
 * Parses a JSON body. Its shape was checked as it arrived (body-policy.ts) when it came through the server; given
 * `limits`, text from elsewhere is checked here first.
 */
export function parseJsonBody(body: string, limits?: { maxDepth: number; maxValues: number }): unknown {
  if (body.trim() === '') {
    throw Object.assign(new Error('The body is empty'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 });
  }
  if (limits) assertJsonShape(body, limits);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw Object.assign(new Error((err as Error).message), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
  }
  assertCleanText(parsed);
  return parsed;
}
