// The one door to the Custos API: same origin, session cookie, JSON errors {error: {code, message}}.

import type { AlertResponse, OpenAlertSummaryResponse } from '../../../src/modules/alerts/alerts.dto';
import type { AuditVerificationResponse } from '../../../src/modules/audit/audit.dto';
import type { PersonResponse, PersonSummaryResponse } from '../../../src/modules/registry/registry.dto';
import type { CustodyEventResponse, LedgerVerificationResponse } from '../../../src/modules/custody/custody.dto';
import type { FacilityDetailResponse, FacilityResponse } from '../../../src/modules/facilities/facilities.dto';
import type { ByStatus, ReportStatus, StatusReportResponse } from '../../../src/modules/reports/reports.dto';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** The purpose of a read of a person record, sent as X-Custos-Purpose and written to the audit log. */
  purpose?: string;
  signal?: AbortSignal;
}

// The session normally rides in the httpOnly cookie. When the browser cannot keep that cookie because the server's
// clock is far from the browser's (the demo replays January 2026; a field laptop may have a wrong clock), the cookie
// arrives already expired; the app then sends the session token as a bearer header instead, for this tab only.
const TOKEN_KEY = 'custos.bearer';
let bearer: string | null = (() => {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
})();

export function setBearer(token: string | null): void {
  bearer = token;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the token lives in memory */
  }
}

export function bearerToken(): string | null {
  return bearer;
}

/** Headers that authenticate a request made outside `api()` (streams, downloads). */
export function authHeaders(): Record<string, string> {
  return bearer ? { authorization: `Bearer ${bearer}` } : {};
}

let onUnauthorized: (() => void) | undefined;
/** Called when the session has ended (401), so that the app shows the login page. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  return (await request<T>(path, opts)).json;
}

/**
 * A page of a list and how many there are in all (the `X-Total-Count` header the list endpoints answer with), so a
 * screen can say "50 of 275" and page through all of them.
 */
export async function apiPage<T>(path: string, opts: RequestOptions = {}): Promise<{ rows: T[]; total: number }> {
  const { json, res } = await request<T[]>(path, opts);
  const header = res.headers.get('x-total-count');
  return { rows: json, total: header === null ? json.length : Number(header) };
}

async function request<T>(path: string, opts: RequestOptions): Promise<{ json: T; res: Response }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.purpose) headers['x-custos-purpose'] = opts.purpose;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`/api/v1${path}`, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'same-origin',
    signal: opts.signal,
  });
  const text = await res.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    // A wrong password on sign-in or on a password change is a 401 too, but the session (if any) is still alive.
    if (res.status === 401 && !path.startsWith('/auth/login') && !path.startsWith('/auth/password')) {
      setBearer(null);
      onUnauthorized?.();
    }
    throw new ApiError(res.status, err?.code ?? `http.${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return { json: json as T, res };
}

export const qs = (params: Record<string, string | number | undefined | null>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

// ---- shapes of the API's answers (the parts the app reads) --------------------------------------------------------

export type Permission =
  | 'users.manage'
  | 'facilities.read'
  | 'facilities.write'
  | 'persons.read'
  | 'persons.write'
  | 'custody.read'
  | 'custody.append'
  | 'custody.confirm'
  | 'ledger.verify'
  | 'ledger.statement'
  | 'reports.read'
  | 'audit.read'
  | 'screening.read'
  | 'screening.decide'
  | 'biometrics.read'
  | 'biometrics.enrol'
  | 'rollcall.run'
  | 'alerts.read'
  | 'alerts.manage'
  | 'alerts.configure'
  | 'guards.read'
  | 'guards.manage'
  | 'guards.attendance'
  | 'transfers.read'
  | 'transfers.plan'
  | 'transfers.run'
  | 'sensors.read'
  | 'sensors.manage'
  | 'sensors.ingest'
  | 'incidents.manage'
  | 'staff_reports.file'
  | 'sightings.check'
  | 'sightings.check_registry'
  | 'sightings.read'
  | 'sightings.report'
  | 'sightings.decide'
  | 'sightings.recapture'
  | 'notices.read'
  | 'notices.draft'
  | 'notices.approve'
  | 'reviews.read'
  | 'reviews.write'
  | 'reviews.approve'
  | 'sync.read'
  // cases: families and children (issue 23 part C)
  | 'families.read'
  | 'families.decide'
  | 'tracing.read'
  | 'tracing.write'
  | 'cases.read'
  | 'cases.write'
  | 'cases.figures'
  // repatriation (issue 23, part B)
  | 'repatriation.read'
  | 'repatriation.write'
  | 'repatriation.handover';

export interface Me {
  userId: string;
  username: string;
  role: string;
  facilityIds: string[];
  nationalities: string[];
  purpose: string;
  permissions: Permission[];
  /** The account still has its one-time password: the app shows only the change-password form. */
  mustChangePassword?: boolean;
  /** The interface language kept on the account (PATCH /auth/me/preferences); null until the user chooses one. */
  locale?: 'en' | 'ar' | null;
}

// Shapes of the API's answers, shared with the server: the zod response schemas of each module's *.dto.ts describe the
// JSON on the wire (instants as ISO strings). Type-only imports: nothing of the server is bundled into the app.
export type { ByStatus, ReportStatus };
export type Facility = FacilityResponse;
export type Location = NonNullable<Facility['location']>;
export type Alert = AlertResponse;
/** A facility with its roll count, its units (each with its manifest count) and a summary of its open alerts. */
export type FacilityDetail = Omit<FacilityDetailResponse, 'openAlerts'> & { openAlerts: OpenAlertSummaryResponse[] };
export type Unit = FacilityDetail['units'][number];
export type StatusReport = StatusReportResponse;
export type CustodyEvent = CustodyEventResponse;
export type LedgerVerify = LedgerVerificationResponse;
export type AuditVerify = AuditVerificationResponse;

/** The status report's statuses in table order (reports.dto REPORT_STATUSES; a value, so repeated here). */
export const REPORT_STATUSES = [
  'in_custody',
  'temporarily_out',
  'unaccounted',
  'escaped',
  'in_transit',
  'released',
  'repatriated',
  'deceased',
] as const satisfies readonly ReportStatus[];

/** One row of a person search (`score`: the names comparison of the query with the person's best name). */
export type PersonHit = PersonSummaryResponse;

export type Person = PersonResponse;
export type PersonName = Person['names'][number];

export interface Household {
  id: string;
  label: string;
  facilityId?: string | null;
  members: PersonHit[];
}

/**
 * Downloads a file of the API (e.g. the status CSV). A plain link does it with the cookie; in bearer mode the file is
 * fetched with the header and handed to the browser as a blob.
 */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, { headers: authHeaders(), credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `http.${res.status}`, res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
