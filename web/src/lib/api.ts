// The one door to the Custos API: same origin, session cookie, JSON errors {error: {code, message}}.

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
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
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
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/auth/login')) {
      setBearer(null);
      onUnauthorized?.();
    }
    throw new ApiError(res.status, err?.code ?? `http.${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return json as T;
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
  | 'ledger.verify'
  | 'reports.read'
  | 'audit.read'
  | 'screening.read'
  | 'screening.decide'
  | 'biometrics.read'
  | 'biometrics.enrol'
  | 'rollcall.run'
  | 'alerts.read'
  | 'alerts.manage';

export interface Me {
  userId: string;
  username: string;
  role: string;
  facilityIds: string[];
  nationalities: string[];
  purpose: string;
  permissions: Permission[];
}

export interface Location {
  latitude: number;
  longitude: number;
}

export interface Facility {
  id: string;
  code: string;
  name: string;
  kind: string;
  capacity: number | null;
  country?: string | null;
  location: Location | null;
}

export interface Unit {
  id: string;
  facilityId: string;
  parentUnitId: string | null;
  code: string;
  name: string;
  kind: string;
  capacity: number | null;
  manifestCount: number;
}

export interface FacilityDetail extends Facility {
  manifestCount: number;
  roll: {
    current: number;
    inCustody: number;
    temporarilyOut: number;
    unaccounted: number;
    inTransitOut: number;
    escaped: number;
  };
  units: Unit[];
  openAlerts: Alert[];
}

export const REPORT_STATUSES = [
  'in_custody',
  'temporarily_out',
  'unaccounted',
  'escaped',
  'in_transit',
  'released',
  'repatriated',
  'deceased',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type ByStatus = Record<ReportStatus, number>;

export interface StatusReport {
  generatedAt: string;
  totals: ByStatus & { onRoll: number; minorsOnRoll: number; registeredNotAdmitted: number };
  facilities: (Facility & { onRoll: number; minorsOnRoll: number; byStatus: ByStatus; byNationality: Record<string, number> })[];
  nationalities: { country: string; onRoll: number; byStatus: ByStatus }[];
}

export interface CustodyEvent {
  id: string;
  siteId: string;
  seq: number;
  personId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: string | null;
  fromFacilityId: string | null;
  fromUnitId: string | null;
  toFacilityId: string | null;
  toUnitId: string | null;
  authority: string | null;
  reason: string | null;
  evidence: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
  intact?: boolean;
}

export interface PersonHit {
  id: string;
  name: string;
  otherNames: string[];
  sex: string;
  birthDate: string | null;
  birthPrecision: string | null;
  nationalities: string[];
  status: string | null;
  facilityId: string | null;
  unitId: string | null;
  score: number;
}

export interface PersonName {
  id: string;
  full: string;
  script: string;
  kind: string;
  parts: Record<string, string> | null;
  source: string | null;
}

export interface Person {
  id: string;
  sex: string;
  birth: { date: string | null; precision: string | null; from: string | null; to: string | null } | null;
  ageRange: [number, number] | null;
  possiblyMinor: boolean;
  placeOfBirth: string | null;
  names: PersonName[];
  nationalities: { country: string; status: string }[];
  documents: { id?: string; type: string; number: string; issuingCountry?: string | null; issuedOn?: string | null; expiresOn?: string | null }[];
  vulnerabilities: string[];
  distinguishingMarks: string[];
  householdId: string | null;
  registeredFacilityId: string | null;
  relations: { kind: string; personId: string; name?: string | null }[];
  placement: {
    status: string;
    facilityId: string | null;
    unitId: string | null;
    destinationFacilityId: string | null;
    outReason: string | null;
    since: string;
  } | null;
  notes: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Household {
  id: string;
  label: string;
  facilityId?: string | null;
  members: PersonHit[];
}

export interface LedgerVerify {
  ok: boolean;
  events?: number;
  head?: string | null;
  heads?: { siteId: string; seq: number; hash: string }[];
  firstBad?: unknown;
}

export interface AuditVerify {
  ok: boolean;
  [k: string]: unknown;
}

export interface Alert {
  id: string;
  facilityId: string | null;
  unitId: string | null;
  rule: string;
  severity: 'info' | 'warning' | 'critical' | string;
  status: 'open' | 'acknowledged' | 'resolved' | string;
  title: string;
  details: Record<string, unknown> | null;
  rollcallId: string | null;
  raisedAt: string;
  raisedBy: string | null;
  escalationLevel: number;
  escalatedAt: string | null;
  acknowledged: { at: string; by: string | null; note: string | null } | null;
  resolved: { at: string; by: string | null; note: string | null } | null;
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
