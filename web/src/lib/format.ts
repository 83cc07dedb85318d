import { i18next } from '../i18n';

/**
 * Dates and numbers in the language of the interface (Intl). Arabic is written with Latin digits (`ar-u-nu-latn`):
 * identifiers, document numbers, hashes, ISO dates in the inputs and the CSV exports are all in Latin digits, and a
 * count beside them must read the same; month and day names are Arabic, the calendar Gregorian (docs/i18n.md).
 */
export const intlLocale = (language = i18next.language): string => (language?.startsWith('ar') ? 'ar-u-nu-latn' : 'en-GB');

const cache = new Map<string, Intl.NumberFormat>();
const numberFormat = (): Intl.NumberFormat => {
  const locale = intlLocale();
  let f = cache.get(locale);
  if (!f) cache.set(locale, (f = new Intl.NumberFormat(locale)));
  return f;
};
export const num = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : numberFormat().format(n));

export const dateTime = (iso: string | null | undefined): string => {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' });
};

/** `5 Jan 2026`: a day, with its year (the demo's world is in 2026, whatever today is). */
export const longDate = (iso: string | null | undefined): string => {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(intlLocale(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
};

export const shortTime = (iso: string | null | undefined): string => {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(intlLocale(), { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
};

export const STATUS_LABEL: Record<string, string> = {
  in_custody: 'In custody',
  temporarily_out: 'Temporarily out',
  unaccounted: 'Unaccounted',
  escaped: 'Escaped',
  in_transit: 'In transit',
  released: 'Released',
  repatriated: 'Repatriated',
  deceased: 'Deceased',
  registered: 'Registered',
};

export const STATUS_COLOR: Record<string, string> = {
  in_custody: 'teal',
  temporarily_out: 'blue',
  unaccounted: 'orange',
  escaped: 'red',
  in_transit: 'violet',
  released: 'gray',
  repatriated: 'indigo',
  deceased: 'dark',
};

/** A status's label in the interface's language (`common:status.*`; the English table is the fallback). */
export const statusLabel = (s: string | null | undefined): string =>
  s ? i18next.t(`common:status.${s}`, { defaultValue: STATUS_LABEL[s] ?? s.replace(/_/g, ' ') }) : '–';

export const EVENT_LABEL: Record<string, string> = {
  ADMITTED: 'Admitted',
  MOVED: 'Moved',
  TRANSFER_DEPARTED: 'Transfer departed',
  TRANSFER_ARRIVED: 'Transfer arrived',
  TEMPORARY_OUT: 'Temporarily out',
  RETURNED: 'Returned',
  RELEASED: 'Released',
  REPATRIATED: 'Repatriated',
  ESCAPED: 'Escaped',
  RECAPTURED: 'Recaptured',
  DECEASED: 'Deceased',
  UNACCOUNTED: 'Unaccounted',
  ACCOUNTED: 'Accounted',
};

export const eventLabel = (t: string): string => i18next.t(`common:event.${t}`, { defaultValue: EVENT_LABEL[t] ?? t });

/** Each custody event in the colour of the status it leads to: an unaccounted person is never drawn like a present one. */
export const EVENT_COLOR: Record<string, string> = {
  ADMITTED: STATUS_COLOR.in_custody!,
  MOVED: 'cyan',
  TRANSFER_DEPARTED: STATUS_COLOR.in_transit!,
  TRANSFER_ARRIVED: STATUS_COLOR.in_custody!,
  TEMPORARY_OUT: STATUS_COLOR.temporarily_out!,
  RETURNED: STATUS_COLOR.in_custody!,
  RELEASED: STATUS_COLOR.released!,
  REPATRIATED: STATUS_COLOR.repatriated!,
  ESCAPED: STATUS_COLOR.escaped!,
  RECAPTURED: STATUS_COLOR.in_custody!,
  DECEASED: STATUS_COLOR.deceased!,
  UNACCOUNTED: STATUS_COLOR.unaccounted!,
  ACCOUNTED: STATUS_COLOR.in_custody!,
};

export const eventColor = (t: string): string => EVENT_COLOR[t] ?? 'gray';

/** True when a text is mostly Arabic script (rendered right to left). */
export const isArabic = (s: string): boolean => /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/.test(s);

export const roleLabel = (r: string): string => i18next.t(`common:role.${r}`, { defaultValue: r.charAt(0).toUpperCase() + r.slice(1) });

export const shortHash = (h: string | null | undefined): string => (h ? `${h.slice(0, 12)}…${h.slice(-6)}` : '–');

/**
 * Sets `dir` on the input element itself (Mantine puts a `dir` prop on the input's wrapper, where "auto" cannot see
 * the typed text): `ref={bidi('auto')}` lets the browser pick the direction from what is typed.
 */
export const bidi =
  (dir: 'auto' | 'rtl' | 'ltr') =>
  (el: HTMLInputElement | HTMLTextAreaElement | null): void => {
    if (el && el.dir !== dir) el.dir = dir;
  };
