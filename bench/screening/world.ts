/**
 * The registry bench/screening screens: the al-Hol scenario's world (topped up from further seeds) plus persons
 * planted from list entries with other spellings or in the original script. Shared by the benchmark and the
 * matcher-only profile (`bench/screening/matcher-only.ts`).
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normaliseBirth, type CreatePersonInput } from '../../src/modules/registry';
import { planWorld } from '../../src/demo/scenario';
import { parseOfacSdn, parseUnConsolidated, type ScreenPerson, type WatchEntry } from '../../src/modules/screening';

const DATA = process.env.CUSTOS_WATCHLISTS ?? fileURLToPath(new URL('../../../shared/data/watchlists/', import.meta.url));
export const UN = `${DATA}/un-consolidated/2026-02-27_watchman/UN_consolidated.xml`;
/** The release before `UN`: `--list-update` imports it first, then `UN` as the update. */
export const UN_PREVIOUS = `${DATA}/un-consolidated/2025-11-18_mkweli/un_consolidated.xml`;
export const OFAC = `${DATA}/ofac-sdn-2022`;

function need(path: string): string {
  if (!existsSync(path)) throw new Error(`bench/screening needs the shared watchlists: ${path} is missing (set CUSTOS_WATCHLISTS)`);
  return path;
}

export function readPreviousUn(): string {
  return readFileSync(need(UN_PREVIOUS), 'utf8');
}

export function readLists() {
  const unXml = readFileSync(need(UN), 'utf8');
  const ofacFiles = {
    sdn: readFileSync(need(`${OFAC}/sdn.csv`), 'latin1'),
    alt: readFileSync(need(`${OFAC}/alt.csv`), 'latin1'),
    add: readFileSync(need(`${OFAC}/add.csv`), 'latin1'),
  };
  return { unXml, ofacFiles };
}

/** Deterministic PRNG for the planted persons and the sample. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const RESPELL: [RegExp, string][] = [
  [/\bMOHAMMED\b|\bMUHAMMAD\b|\bMOHAMMAD\b/gi, 'Mohamed'],
  [/\bAHMED\b/gi, 'Ahmad'],
  [/\bAL-/gi, 'el '],
  [/OU/gi, 'u'],
  [/EE/gi, 'i'],
  [/\bABDUL /gi, 'Abd al-'],
  [/\bABD AL-/gi, 'Abdul '],
];

/** A person the list describes, as a registrar might have recorded them: another spelling or the original script. */
function plantedFrom(e: WatchEntry, random: () => number): CreatePersonInput | null {
  const birth = e.births.find((b) => b.type !== 'between') ?? e.births[0];
  if (!birth) return null;
  const year = Number(birth.from.slice(0, 4)) + (birth.type === 'approximately' ? 1 : 0);
  if (year < 1930 || year > 2000) return null;
  const original = e.names.find((n) => n.kind === 'original' && n.script === 'arabic');
  const primary = e.names[0]!.full;
  let full: string;
  if (original && random() < 0.5) full = original.full;
  else {
    full = primary;
    for (const [re, to] of RESPELL) full = full.replace(re, to);
    const words = full.split(/\s+/);
    // drop the last part of a long name (not leaving an article or a particle dangling)
    if (words.length > 3 && random() < 0.5) {
      const kept = words.slice(0, -1);
      while (kept.length > 2 && /^(el|al|bin|ibn|ben|abu|abd|abdul)$/i.test(kept[kept.length - 1]!)) kept.pop();
      full = kept.join(' ');
    }
    full = full.toLowerCase().replace(/(^|\s)(\p{L})/gu, (_m, s: string, c: string) => s + c.toUpperCase());
  }
  const nat = e.nationalities.find((c) => /^[A-Z]{3}$/.test(c));
  return { names: [{ full }], sex: 'M', birthDate: String(year), nationalities: nat ? [nat] : [] } as CreatePersonInput;
}

export function screenPersonOf(id: string, input: CreatePersonInput, now: Date): ScreenPerson {
  const birth = normaliseBirth(input, now);
  return {
    id,
    names: input.names.map((n) => n.full),
    birthFrom: birth.birthFrom,
    birthTo: birth.birthTo,
    birthPrecision: birth.birthPrecision,
    sex: input.sex,
    nationalities: (input.nationalities ?? []).map((n) => (typeof n === 'string' ? n : n.country)),
    documents: (input.documents ?? []).map((d) => ({
      type: d.type,
      number: d.number.toUpperCase().replace(/\s+/g, ''),
      issuingCountry: d.issuingCountry ?? null,
    })),
  };
}

/** The registry to enrol: scenario persons (seed, seed + 1, ...) and, last, the planted persons with their entry's ref. */
export function buildWorld(opts: { persons: number; planted: number; seed: number; unXml: string; ofacFiles: { sdn: string; alt: string; add: string } }) {
  const random = rng(opts.seed * 7919);
  const inputs: { input: CreatePersonInput; planted: string | null }[] = [];
  const un = parseUnConsolidated(opts.unXml);
  const ofac = parseOfacSdn(opts.ofacFiles);
  const listed = [...un.entries, ...ofac.entries].filter((e) => e.kind === 'individual');
  const planted: { input: CreatePersonInput; ref: string }[] = [];
  for (const e of [...listed].sort(() => random() - 0.5)) {
    if (planted.length >= opts.planted) break;
    const p = plantedFrom(e, random);
    if (p) planted.push({ input: p, ref: e.ref });
  }
  for (let seed = opts.seed; inputs.length < opts.persons - planted.length; seed++) {
    for (const p of planWorld({ scale: 'full', seed }).persons) {
      if (inputs.length >= opts.persons - planted.length) break;
      inputs.push({ input: p.input as CreatePersonInput, planted: null });
    }
  }
  inputs.push(...planted.map((p) => ({ input: p.input, planted: p.ref })));
  return { inputs, planted, random, un, ofac };
}
