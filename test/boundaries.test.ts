/**
 * The fences of the modular monolith (docs/architecture.md, "Fences"), checked on the project's source tree, and on a
 * fixture tree that breaks each of them, so that a fence that stopped biting would fail here too. The rules and their
 * reasons are written at the top of test/boundaries/checker.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, type Fence, type Violation } from './boundaries/checker';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/boundaries', import.meta.url));

/**
 * Violations the project still has, each with its reason. Matched by file and rule (not line); the test fails when one
 * is no longer found, so this list only shrinks.
 */
const KNOWN: { file: string; rule: string; why: string }[] = [];

const show = (vs: readonly Violation[]) => vs.map((v) => `${v.file}:${v.line} [${v.rule}] ${v.message}`).join('\n');

describe('the fences hold on the project', () => {
  const report = checkBoundaries(ROOT);
  const known = (v: Violation) => KNOWN.some((k) => k.file === v.file && k.rule === v.rule);
  const of = (fence: Fence) => report.violations.filter((v) => v.fence === fence && !known(v));

  it('(a) modules import each other only through index.ts, the platform imports no module, clients use index files', () => {
    expect(show(of('imports'))).toBe('');
  });

  it('(b) domain files use no database, clock, ids, randomness or other I/O', () => {
    expect(show(of('domain'))).toBe('');
  });

  it('(c) repositories name only their own tables and the read models other modules publish; every table has one owner', () => {
    expect(show(of('tables'))).toBe('');
    expect(report.owners.get('rollcalls')).toContain('rollcall_absences');
  });

  it('keeps its list of known violations short: each one is still there', () => {
    for (const k of KNOWN) {
      expect(
        report.violations.some((v) => v.file === k.file && v.rule === k.rule),
        `${k.file} [${k.rule}] is gone: remove it from KNOWN`,
      ).toBe(true);
    }
  });

  it('the read models in docs/architecture.md are those the index files publish and the repositories read', () => {
    const doc = readFileSync(new URL('../docs/architecture.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Read models'));
    const documented = new Map<string, { tables: string[]; readers: string[] }>();
    for (const line of section.split('\n').slice(1)) {
      if (line.startsWith('## ')) break;
      const cells = line.split('|').map((c) => c.trim());
      const module = /^`([a-z]+)`$/.exec(cells[1] ?? '')?.[1];
      if (!module) continue;
      const tables = [...cells[2]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort();
      const readers = [...cells[3]!.matchAll(/[a-z_]+/g)].map((m) => m[0]).sort();
      documented.set(module, { tables, readers });
    }
    const actual = new Map<string, { tables: string[]; readers: string[] }>();
    for (const [module, tables] of report.published) {
      if (tables.length === 0) continue;
      const readers = [...report.reads].filter(([, reads]) => reads.some((r) => r.startsWith(`${module}.`))).map(([reader]) => reader);
      actual.set(module, { tables: [...tables].sort(), readers: readers.sort() });
    }
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});

describe('each fence bites (test/fixtures/boundaries)', () => {
  const report = checkBoundaries(FIXTURE);
  const of = (fence: Fence) => report.violations.filter((v) => v.fence === fence).map((v) => ({ file: v.file, line: v.line, rule: v.rule }));

  it('(a) a deep import from a module and from a client; a module imported by the platform', () => {
    expect(of('imports')).toEqual([
      { file: 'src/cli/run.ts', line: 2, rule: 'deep-import' },
      { file: 'src/modules/alpha/alpha.service.ts', line: 2, rule: 'deep-import' },
      { file: 'src/platform/http.ts', line: 2, rule: 'platform-imports-module' },
    ]);
    expect(report.violations.find((v) => v.file === 'src/modules/alpha/alpha.service.ts')?.message).toMatch(/inside module beta.*import from its index/);
  });

  it('(b) a domain file importing the clock, taking randomUUID, and calling a helper that reads Date.now()', () => {
    const domain = report.violations.filter((v) => v.fence === 'domain');
    expect(domain.map((v) => ({ file: v.file, line: v.line }))).toEqual([
      { file: 'src/modules/alpha/alpha.domain.ts', line: 2 },
      { file: 'src/modules/alpha/alpha.domain.ts', line: 3 },
      { file: 'src/modules/alpha/alpha.domain.ts', line: 4 },
    ]);
    expect(domain.map((v) => v.message)).toEqual([
      expect.stringMatching(/randomness: randomUUID from 'node:crypto'/),
      expect.stringMatching(/the clock \(platform\/clock\)/),
      expect.stringMatching(/the clock \(Date\.now\(\)\) \(through src\/modules\/alpha\/alpha\.stamp\.ts\)/),
    ]);
    // hashing, new Date(value), and a pure name from an index that also exports a service are fine
    expect(domain.filter((v) => !v.file.startsWith('src/modules/alpha/'))).toEqual([]);
  });

  it("(c) another module's table named in raw SQL (published or not), a write to a read model, a table without owner", () => {
    expect(of('tables')).toEqual([
      { file: 'src/modules/alpha/alpha.repository.ts', line: 13, rule: 'foreign-table-in-sql' },
      { file: 'src/modules/alpha/alpha.repository.ts', line: 18, rule: 'foreign-table-in-sql' },
      { file: 'src/modules/alpha/alpha.repository.ts', line: 23, rule: 'writes-read-model' },
      { file: 'src/platform/db/migrations/0001_init.sql', line: 5, rule: 'table-without-owner' },
    ]);
    const messages = report.violations.filter((v) => v.fence === 'tables').map((v) => v.message);
    expect(messages[0]).toMatch(/beta_items of module beta.*import \{ betaItems \} from module beta's index/);
    expect(messages[1]).toMatch(/beta_secrets of module beta.*does not publish it/);
    expect(messages[3]).toMatch(/orphan_log/);
  });

  it('learns owners, publications and reads from the same files', () => {
    expect(Object.fromEntries(report.owners)).toEqual({ alpha: ['alpha_things'], beta: ['beta_items', 'beta_secrets'], platform: ['outbox_messages'] });
    expect(report.published.get('beta')).toEqual(['beta_items']);
    expect(Object.fromEntries(report.reads)).toEqual({ alpha: ['beta.beta_items'] });
  });
});
