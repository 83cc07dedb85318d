// The identity-case screens' arithmetic, pure (no React, no fetch): the fused likelihood ratio in words, a false-match
// rate as "1 in N", a record's birth range, which record a decision made the reference. Tested in
// test/identity-logic.test.ts.

/** The two records and the decision of a case, as far as these helpers need them. */
interface CaseLike {
  a: { siteId: string; personId: string } | null;
  b: { siteId: string; personId: string } | null;
  decision: { referenceSite: string | null; referencePerson: string | null } | null;
}

/** A figure rounded to two significant digits ("about 1,600", "about 3.2"), the precision a likelihood ratio has. */
export function roughly(x: number): number {
  if (!Number.isFinite(x) || x <= 0) return 0;
  const digits = Math.max(0, 1 - Math.floor(Math.log10(x)));
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return digits > 0 ? Number(x.toFixed(digits)) : Math.round(x / step) * step;
}

/**
 * The fused likelihood ratio (log10) as words: which way it points (the same person, or two persons) and how many
 * times likelier, rounded. Null when nothing was fused.
 */
export function ratioOf(log10Lr: number | null | undefined): { way: 'same' | 'different' | 'even'; times: number } | null {
  if (log10Lr === null || log10Lr === undefined || !Number.isFinite(log10Lr)) return null;
  const times = roughly(10 ** Math.min(Math.abs(log10Lr), 15));
  if (times <= 1.05) return { way: 'even', times: 1 };
  return { way: log10Lr > 0 ? 'same' : 'different', times };
}

/** A false-match rate as "1 in N" (N rounded), or null. */
export const oneIn = (fmr: number | null | undefined): number | null => (fmr && fmr > 0 ? roughly(1 / fmr) : null);

/**
 * A record's birth as the site gave it: one day, a whole year ("1985"), or a range of days; null when unknown.
 */
export function birthRange(
  from: string | null | undefined,
  to: string | null | undefined,
): { kind: 'day' | 'year' | 'range' | 'from' | 'to'; from?: string; to?: string; year?: string } | null {
  if (!from && !to) return null;
  if (from && !to) return { kind: 'from', from };
  if (!from && to) return { kind: 'to', to };
  if (from === to) return { kind: 'day', from: from! };
  const y = from!.slice(0, 4);
  if (from === `${y}-01-01` && to === `${y}-12-31`) return { kind: 'year', year: y };
  return { kind: 'range', from: from!, to: to! };
}

/** The record chosen as the reference by a same-person decision: 'a', 'b' or null. */
export function referenceSide(c: CaseLike): 'a' | 'b' | null {
  const d = c.decision;
  if (!d?.referencePerson) return null;
  if (c.a && c.a.siteId === d.referenceSite && c.a.personId === d.referencePerson) return 'a';
  if (c.b && c.b.siteId === d.referenceSite && c.b.personId === d.referencePerson) return 'b';
  return null;
}
