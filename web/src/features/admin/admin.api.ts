// The administration screens' share of the API (users, watchlist releases, alert thresholds, the audit log), typed by
// the server's response schemas, and the upload of a watchlist file with its progress.

import type { z } from 'zod';
import type { UserResponse } from '../../../../src/modules/access/access.dto';
import type { AlertRulesResponse } from '../../../../src/modules/alerts/alerts.dto';
import type { AuditEntryResponse } from '../../../../src/modules/audit/audit.dto';
import type { WatchlistImportResponse, WatchlistVersionDetailResponse } from '../../../../src/modules/screening/screening.dto';
import { ApiError, authHeaders } from '../../lib/api';

export type User = UserResponse;
export type AuditEntry = AuditEntryResponse;
export type AlertRules = z.input<typeof AlertRulesResponse>;
export type VersionDetail = WatchlistVersionDetailResponse;
export type ImportResult = WatchlistImportResponse;
export type Role = User['role'];

/** Every role of the access module, in the menu's order: keyed by the server's type, so a role added there fails here. */
const ROLE_ORDER: Record<Role, number> = {
  admin: 0,
  commander: 1,
  officer: 2,
  registrar: 3,
  screening: 4,
  investigator: 5,
  legal: 6,
  monitor: 7,
  liaison: 8,
  checkpoint: 9,
};
export const ROLES = (Object.keys(ROLE_ORDER) as Role[]).sort((a, b) => ROLE_ORDER[a] - ROLE_ORDER[b]);

/** The server refuses a watchlist body past this (platform/http/body-policy.ts, class `list`): said before sending. */
export const WATCHLIST_MAX_BYTES = 16 * 1024 * 1024;

export type ListFormat = 'un-consolidated' | 'ofac-sdn';

export interface UploadRequest {
  format: ListFormat;
  /** UN: the XML file. OFAC: sdn.csv, and alt.csv and add.csv when given. */
  files: { main: File; alt?: File; add?: File };
  force?: boolean;
  confirmRemoval?: boolean;
}

/**
 * Posts a watchlist release with XMLHttpRequest, whose upload events say how much has been sent (fetch does not):
 * `onProgress` gets the fraction sent, then 1 while the server reads and compares the list.
 */
export function uploadWatchlist(req: UploadRequest, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const params = new URLSearchParams({ format: req.format, fileName: req.files.main.name.slice(0, 200) });
    if (req.force) params.set('force', 'true');
    if (req.confirmRemoval) params.set('confirmRemoval', 'true');
    xhr.open('POST', `/api/v1/watchlists/import?${params.toString()}`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection failed'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as ImportResult);
      const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `http.${xhr.status}`, err?.message ?? xhr.statusText, err?.details));
    };
    signal?.addEventListener('abort', () => xhr.abort());
    if (req.format === 'un-consolidated') {
      xhr.setRequestHeader('content-type', 'application/xml');
      xhr.send(req.files.main);
      return;
    }
    // OFAC's release is three CSV files: read as text and sent in one JSON body.
    void Promise.all([req.files.main.text(), req.files.alt?.text(), req.files.add?.text()])
      .then(([sdn, alt, add]) => {
        xhr.setRequestHeader('content-type', 'application/json');
        xhr.send(JSON.stringify({ format: 'ofac-sdn', fileName: req.files.main.name.slice(0, 200), files: { sdn, alt, add } }));
      })
      .catch((e: unknown) => reject(new ApiError(0, 'read', (e as Error).message)));
  });
}

/** Turns rows into CSV text (RFC 4180 quoting; a leading =, +, - or @ quoted away so a spreadsheet does not run it). */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function saveText(text: string, filename: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
