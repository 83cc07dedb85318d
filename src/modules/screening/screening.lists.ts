/**
 * Watchlist formats, read into one shape (pure: text in, entries out). A file that is not complete and well formed is
 * refused as a whole with a message saying where; nothing is half-read.
 *  - UN Security Council consolidated list XML (CONSOLIDATED_LIST / INDIVIDUALS / ENTITIES);
 *  - OFAC SDN legacy CSV (sdn.csv with alt.csv and add.csv beside it; see cons_dat_spec.txt).
 */
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { ValidationError } from '../../platform/errors';
import { canonicalJson } from '../../platform/canonical-json';
import { countryCode } from './screening.countries';

export const LIST_FORMATS = ['un-consolidated', 'ofac-sdn'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export type EntryKind = 'individual' | 'entity' | 'vessel' | 'aircraft';
export type NameKind = 'primary' | 'alias' | 'original';
/** UN alias quality ("Good", "Low"); OFAC alias types (aka, fka, nka); "weak" for OFAC aliases listed in remarks. */
export type NameQuality = 'good' | 'low' | 'aka' | 'fka' | 'nka' | 'weak' | null;

export interface WatchName {
  full: string;
  kind: NameKind;
  quality: NameQuality;
  script: 'arabic' | 'cyrillic' | 'latin' | 'other';
  /** For an alias element written as several names ("X (Y; Z)"), the names it gave share this number. */
  element?: number;
}

/** A date of birth as the list states it, with the range of days it covers (`from`..`to`, ISO dates). */
export interface WatchBirth {
  type: 'exact' | 'approximately' | 'between';
  text: string;
  from: string;
  to: string;
}

export interface WatchDocument {
  type: string;
  number: string;
  /** Upper-case letters and digits only: what is compared. */
  key: string;
  country: string | null;
}

export interface WatchEntry {
  /** The list's own reference: UN REFERENCE_NUMBER (QDi.001), OFAC ent_num. Stable across releases. */
  ref: string;
  kind: EntryKind;
  program: string | null;
  names: WatchName[];
  births: WatchBirth[];
  /** ISO3 codes where the country is known to the table, else the name as written (upper case). */
  nationalities: string[];
  documents: WatchDocument[];
  listedOn: string | null;
  gender: string | null;
  placesOfBirth: string[];
  remarks: string | null;
}

export interface ListStats {
  entries: number;
  individuals: number;
  entities: number;
  vessels: number;
  aircraft: number;
  /** Non-empty aliases of individuals (UN INDIVIDUAL_ALIAS with a name; OFAC alt.csv rows of individuals). */
  individualAliases: number;
  entityAliases: number;
  /** Individuals' names in their original script (UN NAME_ORIGINAL_SCRIPT), and those of them in Arabic script. */
  originalScriptNames: number;
  arabicScriptNames: number;
  birthDates: number;
  documents: number;
}

export interface ParsedList {
  format: ListFormat;
  /** When the publisher generated the file (UN dateGenerated); null when the format has none. */
  generatedAt: string | null;
  entries: WatchEntry[];
  stats: ListStats;
  /** Oddities that did not stop the import (a reference used twice, ...), for the person importing to see. */
  warnings: string[];
}

function scriptOf(text: string): WatchName['script'] {
  if (/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/.test(text)) return 'arabic';
  if (/[\u0400-\u04FF]/.test(text)) return 'cyrillic';
  if (/[A-Za-z\u00C0-\u024F]/.test(text)) return 'latin';
  return 'other';
}

function clean(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return '';
  return String(value).replace(/\s+/g, ' ').trim();
}

function documentKey(number: string): string {
  return number.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function lastDay(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function yearRange(from: number, to: number): { from: string; to: string } {
  return { from: `${from}-01-01`, to: `${to}-12-31` };
}

function validYear(y: number): boolean {
  return Number.isInteger(y) && y >= 1850 && y <= 2100;
}

export function computeStats(entries: readonly WatchEntry[]): ListStats {
  const s: ListStats = {
    entries: entries.length,
    individuals: 0,
    entities: 0,
    vessels: 0,
    aircraft: 0,
    individualAliases: 0,
    entityAliases: 0,
    originalScriptNames: 0,
    arabicScriptNames: 0,
    birthDates: 0,
    documents: 0,
  };
  for (const e of entries) {
    const person = e.kind === 'individual';
    if (e.kind === 'individual') s.individuals++;
    else if (e.kind === 'entity') s.entities++;
    else if (e.kind === 'vessel') s.vessels++;
    else s.aircraft++;
    const elements = new Set<number>();
    for (const n of e.names) {
      if (n.kind === 'alias' && (n.element === undefined || !elements.has(n.element))) {
        if (n.element !== undefined) elements.add(n.element);
        if (e.kind === 'individual') s.individualAliases++;
        else s.entityAliases++;
      }
      if (n.kind === 'original' && person) {
        s.originalScriptNames++;
        if (n.script === 'arabic') s.arabicScriptNames++;
      }
    }
    s.birthDates += e.births.length;
    s.documents += e.documents.length;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// UN consolidated list XML

const UN_ARRAYS = new Set([
  'INDIVIDUAL',
  'ENTITY',
  'INDIVIDUAL_ALIAS',
  'ENTITY_ALIAS',
  'INDIVIDUAL_DATE_OF_BIRTH',
  'INDIVIDUAL_PLACE_OF_BIRTH',
  'INDIVIDUAL_DOCUMENT',
  'VALUE',
  'NATIONALITY',
]);

type XmlNode = Record<string, unknown>;

function nodes(parent: unknown, tag: string): XmlNode[] {
  if (!parent || typeof parent !== 'object') return [];
  const v = (parent as XmlNode)[tag];
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is XmlNode => typeof x === 'object' && x !== null);
}

function values(parent: unknown, tag: string): string[] {
  return nodes(parent, tag).flatMap((n) => {
    const v = n.VALUE;
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.map(clean).filter(Boolean);
  });
}

function unBirth(node: XmlNode): WatchBirth | null {
  const rawType = clean(node.TYPE_OF_DATE).toUpperCase();
  const date = clean(node.DATE);
  const year = Number(clean(node.YEAR));
  const fromYear = Number(clean(node.FROM_YEAR));
  const toYear = Number(clean(node.TO_YEAR));
  const approx = rawType === 'APPROXIMATELY';
  let range: { from: string; to: string } | null = null;
  let text = '';
  let m: RegExpExecArray | null;
  if (validYear(fromYear) && validYear(toYear)) {
    range = yearRange(Math.min(fromYear, toYear), Math.max(fromYear, toYear));
    text = `${fromYear}-${toYear}`;
  } else if (date && (m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (!validYear(y)) return null;
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) range = { from: `${y}-${pad(mo)}-${pad(d)}`, to: `${y}-${pad(mo)}-${pad(d)}` };
    else if (mo >= 1 && mo <= 12) range = { from: `${y}-${pad(mo)}-01`, to: lastDay(y, mo) };
    else range = yearRange(y, y);
    text = date.slice(0, 10);
    // "approximately" a day: a year either side
    if (approx) range = { from: `${y - 1}${range.from.slice(4)}`, to: `${y + 1}${range.to.slice(4)}` };
  } else if (validYear(year)) {
    range = approx ? yearRange(year - 1, year + 1) : yearRange(year, year);
    text = String(year);
  }
  if (!range) return null;
  const type = rawType === 'BETWEEN' || (validYear(fromYear) && validYear(toYear)) ? 'between' : approx ? 'approximately' : 'exact';
  return { type, text: approx ? `approximately ${text}` : text, ...range };
}

function unNames(node: XmlNode, aliasTag: string): WatchName[] {
  const names: WatchName[] = [];
  const primary = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME']
    .map((t) => clean(node[t]))
    .filter(Boolean)
    .join(' ');
  if (primary) names.push({ full: primary, kind: 'primary', quality: null, script: scriptOf(primary) });
  const original = clean(node.NAME_ORIGINAL_SCRIPT);
  if (original) names.push({ full: original, kind: 'original', quality: null, script: scriptOf(original) });
  for (const a of nodes(node, aliasTag)) {
    const raw = clean(a.ALIAS_NAME);
    if (!raw) continue;
    const q = clean(a.QUALITY).toLowerCase();
    const quality: NameQuality = q === 'good' ? 'good' : q === 'low' ? 'low' : q === 'a.k.a.' ? 'aka' : q === 'f.k.a.' ? 'fka' : null;
    const parts = splitAlias(raw);
    const element = parts.length > 1 ? names.length : undefined;
    for (const full of parts) names.push({ full, kind: 'alias', quality, script: scriptOf(full), ...(element === undefined ? {} : { element }) });
  }
  return names;
}

/**
 * "أبو بكر البغدادي (Abu Bakr al-Baghdadi; Abu Bakr)": an alias with its transliterations in parentheses is several
 * names. A parenthesis in the same script without a semicolon is left alone (the name comparison reads it as a laqab).
 */
export function splitAlias(raw: string): string[] {
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(raw);
  if (!m || !m[1]!.trim()) return [raw];
  const outer = m[1]!.trim();
  const inner = m[2]!
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
  if (inner.length === 0) return [outer];
  if (inner.length === 1 && scriptOf(inner[0]!) === scriptOf(outer)) return [raw];
  return [...new Set([outer, ...inner])];
}

function unEntry(node: XmlNode, kind: EntryKind, index: number): WatchEntry {
  const ref = clean(node.REFERENCE_NUMBER) || (clean(node.DATAID) ? `DATAID:${clean(node.DATAID)}` : '');
  if (!ref) throw new ValidationError('watchlist.bad_entry', `The ${kind} number ${index + 1} has neither REFERENCE_NUMBER nor DATAID`);
  const names = unNames(node, kind === 'individual' ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS');
  if (names.length === 0) throw new ValidationError('watchlist.bad_entry', `Entry ${ref} has no name`);
  const births = nodes(node, 'INDIVIDUAL_DATE_OF_BIRTH')
    .map(unBirth)
    .filter((b): b is WatchBirth => b !== null);
  const documents: WatchDocument[] = [];
  for (const d of nodes(node, 'INDIVIDUAL_DOCUMENT')) {
    const number = clean(d.NUMBER);
    if (!number) continue;
    documents.push({
      type: clean(d.TYPE_OF_DOCUMENT) || 'document',
      number,
      key: documentKey(number),
      country: countryCode(clean(d.ISSUING_COUNTRY) || clean(d.COUNTRY_OF_ISSUE)),
    });
  }
  const placesOfBirth = nodes(node, 'INDIVIDUAL_PLACE_OF_BIRTH')
    .map((p) => [clean(p.CITY), clean(p.STATE_PROVINCE), clean(p.COUNTRY)].filter(Boolean).join(', '))
    .filter(Boolean);
  const nationalities = [
    ...new Set(
      values(node, 'NATIONALITY')
        .map(countryCode)
        .filter((c): c is string => c !== null),
    ),
  ];
  return {
    ref,
    kind,
    program: clean(node.UN_LIST_TYPE) || null,
    names,
    births,
    nationalities,
    documents,
    listedOn: clean(node.LISTED_ON) || null,
    gender: clean(node.GENDER) || null,
    placesOfBirth,
    remarks: clean(node.COMMENTS1) || null,
  };
}

/** Reads the UN Security Council consolidated list XML. Refuses anything that is not the complete, well-formed list. */
export function parseUnConsolidated(xml: string): ParsedList {
  if (!xml.trim()) throw new ValidationError('watchlist.empty', 'The file is empty');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const e = valid.err;
    throw new ValidationError('watchlist.malformed', `Not well-formed XML (truncated or corrupt?): ${e.msg} at line ${e.line}, column ${e.col}`, {
      line: e.line,
      column: e.col,
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => UN_ARRAYS.has(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.CONSOLIDATED_LIST as XmlNode | undefined;
  if (!root || typeof root !== 'object') {
    throw new ValidationError('watchlist.wrong_format', 'This is not a UN consolidated list: the root element CONSOLIDATED_LIST is missing');
  }
  if (!('INDIVIDUALS' in root) || !('ENTITIES' in root)) {
    throw new ValidationError('watchlist.incomplete', 'The list lacks its INDIVIDUALS or ENTITIES section (truncated?)');
  }
  const individuals = nodes(root.INDIVIDUALS, 'INDIVIDUAL');
  const entities = nodes(root.ENTITIES, 'ENTITY');
  if (individuals.length + entities.length === 0) throw new ValidationError('watchlist.empty', 'The list has no entries');
  const entries = [...individuals.map((n, i) => unEntry(n, 'individual', i)), ...entities.map((n, i) => unEntry(n, 'entity', i))];
  const warnings = uniqueRefs(entries);
  const generated = clean(root['@dateGenerated']);
  return { format: 'un-consolidated', generatedAt: generated || null, entries, stats: computeStats(entries), warnings };
}

/**
 * A reference used twice (seen once in OFAC's 2022 file: an individual and a company under one ent_num) keeps the
 * first entry's reference; the later one becomes `REF/2`, and a warning says so.
 */
function uniqueRefs(entries: WatchEntry[]): string[] {
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const e of entries) {
    if (seen.has(e.ref)) {
      let k = 2;
      while (seen.has(`${e.ref}/${k}`)) k++;
      warnings.push(`The reference ${e.ref} occurs twice; the ${e.kind} "${e.names[0]?.full}" is kept as ${e.ref}/${k}`);
      e.ref = `${e.ref}/${k}`;
    }
    seen.add(e.ref);
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------------------------
// OFAC SDN CSV (sdn.csv, alt.csv, add.csv)

export interface OfacFiles {
  sdn: string;
  alt?: string | null;
  add?: string | null;
}

const NULL = '-0-';
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

function ofacValue(v: string | undefined): string {
  const t = (v ?? '').trim();
  return t === NULL ? '' : t;
}

function readCsv(text: string, file: string, columns: number): string[][] {
  // The files end with a newline and sometimes a DOS end-of-file mark (0x1A).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: DOS end-of-file markers (SUB) left at the end of old files
  const body = text.replace(/\x1a+\s*$/, '');
  if (!body.trim()) return [];
  let rows: string[][];
  try {
    rows = parseCsv(body, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (err) {
    throw new ValidationError('watchlist.malformed', `${file}: not a readable CSV file (truncated or corrupt?): ${(err as Error).message}`);
  }
  rows.forEach((r, i) => {
    if (r.length !== columns) {
      throw new ValidationError('watchlist.malformed', `${file}: row ${i + 1} has ${r.length} fields where the format has ${columns} (truncated or corrupt?)`);
    }
    if (!/^\d+$/.test(r[0]!.trim())) throw new ValidationError('watchlist.malformed', `${file}: row ${i + 1} does not start with an entry number`);
  });
  if (!/\n\s*$/.test(body)) {
    throw new ValidationError('watchlist.malformed', `${file}: the last line is not terminated (truncated file?)`);
  }
  return rows;
}

/** "LAST, First" as OFAC writes individuals becomes "First LAST" (the order the name comparison reads). */
function ofacPersonName(name: string): string {
  const i = name.indexOf(',');
  if (i < 0) return name.trim();
  return `${name.slice(i + 1).trim()} ${name.slice(0, i).trim()}`.trim();
}

function ofacBirth(text: string): WatchBirth | null {
  const t = text.trim().replace(/\.$/, '');
  const date = (s: string, end: boolean): string | null => {
    let m: RegExpExecArray | null;
    if ((m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s))) {
      const mo = MONTHS[m[2]!.toLowerCase()];
      const y = Number(m[3]);
      if (!mo || !validYear(y)) return null;
      return `${y}-${pad(mo)}-${pad(Number(m[1]))}`;
    }
    if ((m = /^([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s))) {
      const mo = MONTHS[m[1]!.toLowerCase()];
      const y = Number(m[2]);
      if (!mo || !validYear(y)) return null;
      return end ? lastDay(y, mo) : `${y}-${pad(mo)}-01`;
    }
    if ((m = /^(\d{4})$/.exec(s))) {
      const y = Number(m[1]);
      if (!validYear(y)) return null;
      return end ? `${y}-12-31` : `${y}-01-01`;
    }
    return null;
  };
  let m: RegExpExecArray | null;
  if ((m = /^circa (.+)$/i.exec(t))) {
    const from = date(m[1]!, false);
    const to = date(m[1]!, true);
    if (!from || !to) return null;
    return { type: 'approximately', text: t, from: `${Number(from.slice(0, 4)) - 1}${from.slice(4)}`, to: `${Number(to.slice(0, 4)) + 1}${to.slice(4)}` };
  }
  if ((m = /^(.+?) to (.+)$/i.exec(t))) {
    const from = date(m[1]!, false);
    const to = date(m[2]!, true);
    if (!from || !to || from > to) return null;
    return { type: 'between', text: t, from, to };
  }
  const from = date(t, false);
  const to = date(t, true);
  if (!from || !to) return null;
  return { type: 'exact', text: t, from, to };
}

// An "alt." prefix marks a second document of the same kind (alt. Passport M0887925 (Iraq)): as much a document of
// the person as the first, so it is read the same way.
const OFAC_DOCUMENTS: [RegExp, string][] = [
  [/^(?:alt\. )?Passport (\S+)(?: \(([^)]+)\))?/i, 'Passport'],
  [/^(?:alt\. )?National ID No\. (\S+)(?: \(([^)]+)\))?/i, 'National Identification Number'],
  [/^(?:alt\. )?Identification Number (\S+)(?: \(([^)]+)\))?/i, 'Identification Number'],
  [/^(?:alt\. )?Cedula No\. (\S+)(?: \(([^)]+)\))?/i, 'Cedula'],
  [/^(?:alt\. )?D\.N\.I\. (\S+)(?: \(([^)]+)\))?/i, 'D.N.I.'],
];

function ofacRemarks(remarks: string): Pick<WatchEntry, 'births' | 'nationalities' | 'documents' | 'gender' | 'placesOfBirth'> & { weakAliases: string[] } {
  const births: WatchBirth[] = [];
  const nationalities: string[] = [];
  const documents: WatchDocument[] = [];
  const placesOfBirth: string[] = [];
  const weakAliases: string[] = [];
  let gender: string | null = null;
  for (const raw of remarks.split(';')) {
    const part = raw.trim().replace(/\.$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^(?:alt\. )?DOB (.+)$/.exec(part))) {
      const b = ofacBirth(m[1]!);
      if (b) births.push(b);
    } else if ((m = /^(?:alt\. )?POB (.+)$/.exec(part))) {
      placesOfBirth.push(m[1]!);
    } else if ((m = /^(?:alt\. )?(?:nationality|citizen) (.+)$/.exec(part))) {
      const c = countryCode(m[1]!);
      if (c) nationalities.push(c);
    } else if ((m = /^Gender (\w+)/.exec(part))) {
      gender = m[1]!;
    } else if ((m = /^a\.k\.a\. '(.+)'$/.exec(part))) {
      weakAliases.push(m[1]!);
    } else {
      for (const [re, type] of OFAC_DOCUMENTS) {
        const d = re.exec(part);
        if (d) {
          documents.push({ type, number: d[1]!, key: documentKey(d[1]!), country: countryCode(d[2]) });
          break;
        }
      }
    }
  }
  return { births, nationalities: [...new Set(nationalities)], documents, gender, placesOfBirth, weakAliases };
}

/** Reads OFAC's SDN list in its legacy CSV form: sdn.csv, with alt.csv (aliases) and add.csv (addresses) when given. */
export function parseOfacSdn(files: OfacFiles): ParsedList {
  const sdn = readCsv(files.sdn, 'sdn.csv', 12);
  if (sdn.length === 0) throw new ValidationError('watchlist.empty', 'sdn.csv has no entries');
  const alt = files.alt ? readCsv(files.alt, 'alt.csv', 5) : [];
  if (files.add) readCsv(files.add, 'add.csv', 6); // addresses are not screened, but a corrupt file is still refused
  const entries: WatchEntry[] = [];
  const byNum = new Map<string, WatchEntry>();
  for (const r of sdn) {
    const ref = r[0]!.trim();
    const type = ofacValue(r[2]).toLowerCase();
    const kind: EntryKind = type === 'individual' ? 'individual' : type === 'vessel' ? 'vessel' : type === 'aircraft' ? 'aircraft' : 'entity';
    const rawName = ofacValue(r[1]);
    if (!rawName) throw new ValidationError('watchlist.bad_entry', `sdn.csv: entry ${ref} has no name`);
    const full = kind === 'individual' ? ofacPersonName(rawName) : rawName;
    const remarks = ofacValue(r[11]);
    const info = ofacRemarks(remarks);
    const names: WatchName[] = [{ full, kind: 'primary', quality: null, script: scriptOf(full) }];
    for (const a of info.weakAliases) {
      const n = kind === 'individual' ? ofacPersonName(a) : a;
      names.push({ full: n, kind: 'alias', quality: 'weak', script: scriptOf(n) });
    }
    const entry: WatchEntry = {
      ref,
      kind,
      program: ofacValue(r[3]) || null,
      names,
      births: kind === 'individual' ? info.births : [],
      nationalities: info.nationalities,
      documents: info.documents,
      listedOn: null,
      gender: info.gender,
      placesOfBirth: info.placesOfBirth,
      remarks: remarks || null,
    };
    entries.push(entry);
    // alt.csv rows follow the first entry of a number (the one its aliases were written for)
    if (!byNum.has(ref)) byNum.set(ref, entry);
  }
  for (const r of alt) {
    const e = byNum.get(r[0]!.trim());
    if (!e) continue; // an alias of an entry not in this sdn.csv (the spec allows it); nothing to attach it to
    const name = ofacValue(r[3]);
    if (!name) continue;
    const t = ofacValue(r[2]).toLowerCase();
    const full = e.kind === 'individual' ? ofacPersonName(name) : name;
    const quality: NameQuality = t === 'fka' ? 'fka' : t === 'nka' ? 'nka' : 'aka';
    e.names.push({ full, kind: 'alias', quality, script: scriptOf(full) });
  }
  const warnings = uniqueRefs(entries);
  return { format: 'ofac-sdn', generatedAt: null, entries, stats: computeStats(entries), warnings };
}

export function parseList(format: ListFormat, input: string | OfacFiles): ParsedList {
  if (format === 'un-consolidated') {
    if (typeof input !== 'string') throw new ValidationError('watchlist.bad_input', 'The UN list is one XML document');
    return parseUnConsolidated(input);
  }
  return parseOfacSdn(typeof input === 'string' ? { sdn: input } : input);
}

// ---------------------------------------------------------------------------------------------------------------
// fingerprints and the difference between two releases

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of everything held about an entry: a release "changed" an entry when this differs. */
export function entryContentHash(e: WatchEntry): string {
  return sha256(canonicalJson(e as unknown as Record<string, unknown>));
}

/**
 * Hash of what screening compares (names, births, nationalities, documents), order-independent: a dismissed hit is
 * raised again only when this (or the person's) changes.
 */
export function entryScreenHash(e: WatchEntry): string {
  return sha256(
    canonicalJson({
      names: e.names.map((n) => `${n.kind}|${n.quality ?? ''}|${n.full}`).sort(),
      births: e.births.map((b) => `${b.from}|${b.to}`).sort(),
      nationalities: [...e.nationalities].sort(),
      documents: e.documents.map((d) => d.key).sort(),
    }),
  );
}

export interface ListDiff {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
}

/** What a new release changes against the entries held now (by reference and content hash). */
export function diffList(current: ReadonlyMap<string, string>, next: readonly { ref: string; contentHash: string }[]): ListDiff {
  const diff: ListDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  const seen = new Set<string>();
  for (const e of next) {
    seen.add(e.ref);
    const before = current.get(e.ref);
    if (before === undefined) diff.added.push(e.ref);
    else if (before !== e.contentHash) diff.changed.push(e.ref);
    else diff.unchanged++;
  }
  for (const ref of current.keys()) if (!seen.has(ref)) diff.removed.push(ref);
  return diff;
}
