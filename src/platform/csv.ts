/**
 * The one CSV writer of Custos (every CSV it produces goes through here). A cell a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) gets a leading apostrophe; numbers are written as numbers, so a
 * negative count stays a number. Cells with a quote, comma or line break are quoted (RFC 4180).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line (without its line break). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}
