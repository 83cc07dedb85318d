/**
 * Server messages in the interface's language. The API answers a refusal with a stable `code` and an English
 * `message` that may name what it refused (a unit, a count, a status). English shows the server's message as sent
 * (it is the most precise); any other language shows the `errors` namespace's text for the code, with parameters
 * taken from the error's `details` (custody statuses and event types in words, numbers in the locale), and falls back
 * to the server's message when the code is unknown or a parameter the text needs is missing.
 * `test/i18n-errors.test.ts` checks that every code the server declares has an entry here (or a written reason).
 */
import { i18next } from '.';
import { ApiError } from '../lib/api';
import { eventLabel, num, statusLabel } from '../lib/format';

type Params = Record<string, string>;

const listOf = (v: unknown, label: (s: string) => string): string | undefined =>
  Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === 'string')
        .map(label)
        .join(i18next.t('errors:or'))
    : undefined;

/** The details of an error as text parameters: scalars as they are (numbers in the locale), custody terms in words. */
export function errorParams(code: string, details: unknown): Params {
  const out: Params = {};
  if (!details || typeof details !== 'object' || Array.isArray(details)) return out;
  const d = details as Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number') out[k] = num(v);
    else if (Array.isArray(v)) out[`${k}Count`] = num(v.length);
  }
  if (code.startsWith('custody.')) {
    if (typeof d.type === 'string') out.type = eventLabel(d.type);
    if (typeof d.status === 'string') out.status = statusLabel(d.status);
    const from = listOf(d.allowedFrom, statusLabel);
    if (from) out.allowedFrom = from;
  }
  return out;
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!);

/** The text of a code in the current language, or null when there is none or it needs a parameter not given. */
export function codeText(code: string, details?: unknown): string | null {
  const language = i18next.language ?? 'en';
  const template = i18next.getResource(language, 'errors', code) as unknown;
  if (typeof template !== 'string') return null;
  const params = errorParams(code, details);
  if (placeholders(template).some((p) => !(p in params))) return null;
  return i18next.t(`errors:${code}`, params);
}

/** What to show for an error the API (or the network) returned, in the interface's language. */
export function errorText(error: unknown): string {
  if (!error) return '';
  if (!(error instanceof ApiError)) return (error as Error).message ?? String(error);
  if (i18next.language?.startsWith('en')) return error.message;
  return codeText(error.code, error.details) ?? error.message;
}
