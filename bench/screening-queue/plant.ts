/**
 * Planted true matches for bench/screening-queue: a person a list describes, enrolled as another recorder would write
 * them (pure: entries and a seeded random in, registry inputs out). Each planted person takes one of: the name in its
 * original Arabic script, the listed name or an alias respelled, the name cut short (the last part or a middle part
 * dropped), the family name written first in capitals; a birth year known (the listed one) or only estimated (an
 * approximate date up to two years off); the list's sex where it says, else what its names say, else male.
 */
import { createHash } from 'node:crypto';
import type { CreatePersonInput } from '../../src/modules/registry';
import type { WatchEntry } from '../../src/modules/screening';

/** Which half of the lists' individuals an entry belongs to: tune on one, report on the other. */
export function halfOf(e: Pick<WatchEntry, 'ref'>): 'tune' | 'report' {
  return createHash('sha256').update(e.ref).digest()[0]! % 2 === 0 ? 'tune' : 'report';
}

const RESPELL: [RegExp, string][] = [
  [/\b(MOHAMMED|MUHAMMAD|MOHAMMAD|MOHAMED)\b/gi, '@MHMD'],
  [/\bAHMED\b/gi, 'Ahmad'],
  [/\bAHMAD\b/gi, 'Ahmed'],
  [/\b(HUSSEIN|HUSAYN|HUSSAIN|HUSEIN)\b/gi, 'Hussein'],
  [/\bAL-/gi, '@AL'],
  [/OU/gi, 'u'],
  [/EE/gi, 'i'],
  [/\bABDUL /gi, 'Abd al-'],
  [/\bABD AL-/gi, 'Abdul '],
  [/\bYUSUF\b/gi, 'Youssef'],
  [/\bUMAR\b/gi, 'Omar'],
];

function respell(full: string, random: () => number): string {
  let s = full;
  for (const [re, to] of RESPELL) s = s.replace(re, to);
  s = s.replace(/@MHMD/g, () => ['Mohamed', 'Muhammad', 'Mohammed', 'Mohamad'][Math.floor(random() * 4)]!);
  s = s.replace(/@AL/g, () => ['el ', 'al ', 'Al-', ''][Math.floor(random() * 4)]!);
  return titleCase(s);
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase());
}

const PARTICLE = /^(el|al|bin|ibn|ben|abu|abd|abdul|bint|umm|ould|ul|ad|din)$/i;

/** Drops one part: the last (a grandfather or tribe the recorder did not write) or one in the middle. */
function cutShort(full: string, random: () => number): string {
  const words = full.split(/\s+/);
  if (words.length <= 2) return full;
  const kept = [...words];
  if (random() < 0.5 || words.length < 4) kept.pop();
  else kept.splice(1 + Math.floor(random() * (words.length - 2)), 1);
  while (kept.length > 2 && PARTICLE.test(kept[kept.length - 1]!)) kept.pop();
  return kept.join(' ');
}

function familyFirst(full: string): string {
  const words = full.split(/\s+/);
  if (words.length < 2) return full;
  return `${words[words.length - 1]!.toUpperCase()} ${words.slice(0, -1).join(' ')}`;
}

/**
 * The sex a recorder would write: the list's where it says, a woman where the names say so (bint, Umm), else a man
 * (nearly all listed individuals are men). Written here, not taken from the screening module, so that the benchmark
 * runs unchanged on the code before the change.
 */
function sexOf(e: WatchEntry): 'M' | 'F' {
  const g = (e.gender ?? '').toLowerCase();
  if (g === 'female') return 'F';
  if (g === 'male') return 'M';
  return e.names.some((n) => /(^|\s)(bint|umm|um)\s/i.test(n.full)) ? 'F' : 'M';
}

export interface Planted {
  input: CreatePersonInput;
  ref: string;
  how: string;
}

/** A person the entry describes, as another recorder wrote them; null when the list gives too little (one word). */
export function plantFrom(e: WatchEntry, random: () => number): Planted | null {
  const latin = e.names.filter((n) => n.script === 'latin' && (n.kind === 'primary' || n.quality === 'good' || n.quality === 'aka' || n.quality === null));
  const arabic = e.names.find((n) => n.kind === 'original' && n.script === 'arabic');
  const base = latin[0];
  if (!base || base.full.split(/\s+/).length < 2) return null;
  let full: string;
  let how: string;
  const r = random();
  if (arabic && r < 0.3) {
    full = arabic.full;
    how = 'original script';
  } else {
    const source = latin.length > 1 && random() < 0.3 ? latin[1 + Math.floor(random() * (latin.length - 1))]! : base;
    full = respell(source.full, random);
    how = source === base ? 'respelled' : 'alias respelled';
    const r2 = random();
    if (r2 < 0.35) {
      full = cutShort(full, random);
      how += ', partial';
    } else if (r2 < 0.5) {
      full = familyFirst(full);
      how += ', family name first';
    }
  }
  if (full.split(/\s+/).length < 2) return null;
  const birth = e.births.find((b) => b.type !== 'between') ?? e.births[0];
  let birthDate: string | undefined;
  let birthPrecision: 'approximate' | undefined;
  const year = birth ? Number(birth.from.slice(0, 4)) + (birth.type === 'approximately' ? 1 : 0) : null;
  if (year !== null && random() < 0.6) {
    birthDate = String(year);
    how += ', birth year known';
  } else {
    // not known: the recorder estimates an adult's age (from the list's year when there is one, else 35-55)
    const estimate = (year ?? 2026 - 35 - Math.floor(random() * 20)) + Math.round((random() - 0.5) * 4);
    birthDate = `${estimate}-07-01`;
    birthPrecision = 'approximate';
    how += ', birth estimated';
  }
  if (Number(birthDate.slice(0, 4)) > 2005) return null;
  const sex = sexOf(e);
  const nat = e.nationalities.find((c) => /^[A-Z]{3}$/.test(c));
  const input = {
    names: [{ full }],
    sex,
    birthDate,
    ...(birthPrecision ? { birthPrecision } : {}),
    nationalities: nat && random() < 0.6 ? [nat] : [],
  } as CreatePersonInput;
  return { input, ref: e.ref, how };
}

/** `count` planted persons from the individuals of one half, in a seeded order. */
export function plantMany(entries: readonly WatchEntry[], half: 'tune' | 'report', count: number, random: () => number): Planted[] {
  const pool = entries.filter((e) => e.kind === 'individual' && halfOf(e) === half);
  const order = pool.map((e) => ({ e, k: random() })).sort((a, b) => a.k - b.k);
  const out: Planted[] = [];
  for (const { e } of order) {
    if (out.length >= count) break;
    const p = plantFrom(e, random);
    if (p) out.push(p);
  }
  return out;
}
