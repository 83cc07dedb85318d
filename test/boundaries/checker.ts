/**
 * The fences of the modular monolith, checked by reading the source tree (node:fs only). `checkBoundaries(root)`
 * takes a folder holding `src/` (the project, or a fixture tree under test/fixtures/boundaries) and returns every
 * violation with its file and line, plus what it learnt (table owners, published read models, cross-module reads).
 *
 * Where files stand (paths under root):
 * - `src/modules/<m>/**`: module m. `src/platform/**`: platform.
 * - clients: `src/cli/**`, `src/demo/**`, `src/demo-seed.ts` (the scenario, while it still lives in
 *   `src/modules/scenario/`, is a module and falls under the module rule, which is the same).
 * - the composition root: the other files directly in `src/` (main.ts, services.ts, routes.ts).
 * - test files (`*.test.ts`) are not checked: a test may look inside what it tests.
 *
 * Fence "imports" (a):
 * - a module file imports another module only through its index (`../y`, `../y/index`), never `../y/y.service`, nor
 *   a sub-folder (`../y/face`); type-only imports count too (they couple to the inside all the same);
 * - a module may import the platform, and the composition root for types only (the routes' `Services`); clients
 *   start the application through the composition root (`openApp`);
 * - the platform imports no module (and the composition root for types only);
 * - clients use modules' index files only;
 * - the composition root uses index files, and mounts each module's HTTP plugin (`y/y.routes.ts`).
 *
 * Fence "domain" (b): a `*.domain.ts` file, and every file it loads (value imports, followed through relative paths;
 * through another module's index, only to the files the imported names come from; `import type` loads nothing), uses
 * - no database: drizzle-orm, pg, @electric-sql/pglite, postgres, src/platform/db;
 * - no clock: src/platform/clock, `Date.now()`, `new Date()` without arguments, `performance.now()`,
 *   `process.hrtime`, timers (`setTimeout`, `setInterval`);
 * - no ids or randomness: src/platform/ids, uuidv7, uuid, `Math.random()`, node:crypto's random functions
 *   (randomUUID, randomBytes, randomInt, randomFill, getRandomValues, key generation, webcrypto);
 * - no other I/O of the application: the bus, the logger, platform/http, node:net/http/https/dgram/child_process/
 *   worker_threads/cluster, `process.env`; and no repository, service, schema or routes file of any module.
 * Allowed, on purpose: node:crypto hashing (hashes are a function of their input: the ledger's chain), node:fs
 * reading data shipped with the code at load (the names module's pair model and variant tables), sharp decoding an
 * image given as bytes, `new Date(value)` (a conversion).
 *
 * Fence "tables" (c): a module owns the tables its `*.schema.ts` files declare (`pgTable('name', ...)`), the
 * platform those its files declare (reached through its functions), and every table a migration creates has exactly
 * one owner. A module publishes a table as a read model by re-exporting its
 * drizzle object from its `index.ts`. Outside the owner, SQL names a table only through that import
 * (`${placements}` in a `sql` template renders its name), so an import shows every cross-module read; writing a
 * read model (insert, update, delete) is refused.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { scanSource, type ScannedSource } from './source';

export type Fence = 'imports' | 'domain' | 'tables';

export interface Violation {
  fence: Fence;
  /** Path under root, with forward slashes. */
  file: string;
  line: number;
  rule: string;
  message: string;
}

export interface BoundaryReport {
  violations: Violation[];
  /** Module -> the tables it owns (SQL names). */
  owners: Map<string, string[]>;
  /** Module -> the tables it publishes as read models (SQL names). */
  published: Map<string, string[]>;
  /** Module (or client) -> the read models of other modules it imports, as `module.table`. */
  reads: Map<string, string[]>;
}

type Place = { kind: 'module'; module: string } | { kind: 'platform' } | { kind: 'client' } | { kind: 'root' } | { kind: 'test' } | { kind: 'outside' };

const COMPOSITION_ROOT_EXCLUDED = new Set(['src/demo-seed.ts']);

function placeOf(file: string): Place {
  if (/\.test\.tsx?$/.test(file)) return { kind: 'test' };
  const m = /^src\/modules\/([^/]+)\//.exec(file);
  if (m) return { kind: 'module', module: m[1]! };
  if (file.startsWith('src/platform/')) return { kind: 'platform' };
  if (file.startsWith('src/cli/') || file.startsWith('src/demo/') || file === 'src/demo-seed.ts') return { kind: 'client' };
  if (/^src\/[^/]+\.tsx?$/.test(file) && !COMPOSITION_ROOT_EXCLUDED.has(file)) return { kind: 'root' };
  return { kind: 'outside' };
}

function listFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) listFiles(full, out);
    else out.push(full);
  }
  return out;
}

const BANNED_PACKAGES: { pattern: RegExp; what: string }[] = [
  { pattern: /^drizzle-orm(\/|$)/, what: 'the database (drizzle-orm)' },
  { pattern: /^pg(\/|$)|^pg-/, what: 'the database (pg)' },
  { pattern: /^postgres(\/|$)/, what: 'the database (postgres)' },
  { pattern: /^@electric-sql\/pglite(\/|$)/, what: 'the database (PGlite)' },
  { pattern: /^uuidv7$|^uuid$/, what: 'id generation' },
  { pattern: /^(node:)?(net|http|https|http2|dgram|dns|child_process|worker_threads|cluster)$/, what: 'I/O' },
];

const RANDOM_CRYPTO = new Set([
  'randomUUID',
  'randomBytes',
  'randomInt',
  'randomFill',
  'randomFillSync',
  'getRandomValues',
  'generateKey',
  'generateKeySync',
  'generateKeyPair',
  'generateKeyPairSync',
  'generatePrime',
  'generatePrimeSync',
  'webcrypto',
]);

const BANNED_CALLS: { pattern: RegExp; what: string }[] = [
  { pattern: /\bDate\.now\s*\(/g, what: 'the clock (Date.now())' },
  { pattern: /\bnew\s+Date\s*\(\s*\)/g, what: 'the clock (new Date())' },
  { pattern: /\bperformance\.now\s*\(/g, what: 'the clock (performance.now())' },
  { pattern: /\bprocess\.hrtime\b/g, what: 'the clock (process.hrtime)' },
  { pattern: /\b(setTimeout|setInterval)\s*\(/g, what: 'timers' },
  { pattern: /\bMath\.random\s*\(/g, what: 'randomness (Math.random())' },
  { pattern: /\bcrypto\.(randomUUID|getRandomValues|randomBytes|randomInt)\s*\(/g, what: 'randomness (crypto)' },
  { pattern: /\bprocess\.env\b/g, what: 'the environment (process.env)' },
];

/** Files of the project a domain file may not load, whatever the path it takes. */
function bannedLocal(file: string): string | null {
  if (file.startsWith('src/platform/db/')) return 'the database (platform/db)';
  if (/^src\/platform\/clock\.tsx?$/.test(file)) return 'the clock (platform/clock)';
  if (/^src\/platform\/ids\.tsx?$/.test(file)) return 'id generation (platform/ids)';
  if (/^src\/platform\/(bus|logger)\.tsx?$/.test(file))
    return `I/O (platform/${file
      .split('/')
      .pop()!
      .replace(/\.tsx?$/, '')})`;
  if (file.startsWith('src/platform/http/')) return 'HTTP (platform/http)';
  if (/^src\/modules\/.*\.(repository|service|schema|routes)\.tsx?$/.test(file)) return `a ${/\.(\w+)\.tsx?$/.exec(file)![1]} file`;
  if (placeOf(file).kind === 'root') return 'the composition root';
  return null;
}

export function checkBoundaries(rootDir: string): BoundaryReport {
  const root = resolve(rootDir);
  const rel = (abs: string) => relative(root, abs).split(sep).join('/');
  const violations: Violation[] = [];
  const files = listFiles(join(root, 'src')).map(rel);
  const sources = new Map<string, ScannedSource>();
  const source = (file: string): ScannedSource => {
    let s = sources.get(file);
    if (!s) {
      s = scanSource(readFileSync(join(root, file), 'utf8'));
      sources.set(file, s);
    }
    return s;
  };
  const isCode = (file: string) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts');

  /** The project file an import specifier names, or null for a package (or a path that does not exist). */
  const resolveImport = (from: string, specifier: string): string | null => {
    if (!specifier.startsWith('.')) return null;
    const base = resolve(root, dirname(from), specifier);
    const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
    for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return rel(c);
    return null;
  };
  const add = (fence: Fence, file: string, offset: number, rule: string, message: string) =>
    violations.push({ fence, file, line: source(file).lineOf(offset), rule, message });
  const moduleIndex = (module: string, file: string) => file === `src/modules/${module}/index.ts` || file === `src/modules/${module}/index.tsx`;

  // --- (a) imports ------------------------------------------------------------------------------------------------
  for (const file of files.filter(isCode)) {
    const from = placeOf(file);
    if (from.kind === 'test' || from.kind === 'outside') continue;
    for (const imp of source(file).imports) {
      const target = resolveImport(file, imp.specifier);
      if (!target) continue;
      const to = placeOf(target);
      const say = (rule: string, message: string) => add('imports', file, imp.offset, rule, `imports '${imp.specifier}': ${message}`);
      if (to.kind === 'module') {
        if (from.kind === 'module' && from.module === to.module) continue;
        if (moduleIndex(to.module, target)) {
          if (from.kind === 'platform') say('platform-imports-module', `the platform imports no module (this is module ${to.module})`);
          continue;
        }
        if (from.kind === 'root' && target === `src/modules/${to.module}/${to.module}.routes.ts`) continue;
        if (from.kind === 'platform') say('platform-imports-module', `the platform imports no module (this is inside module ${to.module})`);
        else say('deep-import', `reaches inside module ${to.module} (${target}); import from its index.ts`);
      } else if (to.kind === 'root') {
        // clients start the application through it; modules and the platform may only name its types
        if ((from.kind === 'module' || from.kind === 'platform') && !imp.typeOnly) {
          say('imports-composition-root', 'only the composition root wires services; import its types with `import type`');
        }
      } else if (to.kind === 'client') {
        if (from.kind !== 'client' && from.kind !== 'root') say('imports-client', `${target} is a client (CLI, demo): nothing depends on it`);
      }
    }
  }

  // --- (b) pure domain files --------------------------------------------------------------------------------------
  for (const file of files.filter((f) => isCode(f) && /\.domain\.tsx?$/.test(f) && placeOf(f).kind === 'module')) {
    /**
     * Each file reached, with the chain of files that leads to it and the offset of the import in the domain file.
     * Entering another module's index for some names, only the files those names are re-exported from are followed
     * (a pure constant of a module whose index also exports its service is fine to use).
     */
    const queue: { file: string; chain: string[]; offset: number | null; only?: Set<string> }[] = [{ file, chain: [file], offset: null }];
    const seen = new Set<string>([file]);
    const reported = new Set<string>();
    const report = (offset: number, chain: string[], what: string) => {
      const key = `${chain.join('>')}:${what}`;
      if (reported.has(key)) return;
      reported.add(key);
      const via = chain.length > 1 ? ` (through ${chain.slice(1).join(' -> ')})` : '';
      add('domain', file, offset, 'impure-domain', `a domain file uses ${what}${via}`);
    };
    while (queue.length) {
      const step = queue.shift()!;
      const s = source(step.file);
      let imports = s.imports;
      let ownCode = true;
      if (step.only) {
        const picked = s.imports.filter((i) => i.kind === 'export' && i.names.some((n) => step.only!.has(n.local)));
        const covered = new Set(picked.flatMap((i) => i.names.map((n) => n.local)));
        if ([...step.only].every((n) => covered.has(n))) {
          imports = picked;
          ownCode = false;
        }
      }
      if (ownCode) {
        for (const call of BANNED_CALLS) {
          for (const m of s.code.matchAll(call.pattern)) report(step.offset ?? m.index, step.chain, call.what);
        }
      }
      for (const imp of imports) {
        if (imp.typeOnly) continue;
        const offset = step.offset ?? imp.offset;
        const target = resolveImport(step.file, imp.specifier);
        if (!target) {
          const banned = BANNED_PACKAGES.find((b) => b.pattern.test(imp.specifier));
          if (banned) report(offset, step.chain, `${banned.what}: '${imp.specifier}'`);
          if (/^(node:)?crypto$/.test(imp.specifier)) {
            const random = imp.names.filter((n) => RANDOM_CRYPTO.has(n.imported));
            if (random.length) report(offset, step.chain, `randomness: ${random.map((n) => n.imported).join(', ')} from '${imp.specifier}'`);
          }
          continue;
        }
        const banned = bannedLocal(target);
        if (banned) {
          report(offset, [...step.chain, target], banned);
          continue;
        }
        if (!isCode(target)) continue;
        const from = placeOf(step.file);
        const to = placeOf(target);
        const intoIndex = to.kind === 'module' && moduleIndex(to.module, target) && !(from.kind === 'module' && from.module === to.module);
        const only = intoIndex && imp.names.length ? new Set(imp.names.map((n) => n.imported)) : undefined;
        const key = only ? `${target}|${[...only].sort().join(',')}` : target;
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push({ file: target, chain: [...step.chain, target], offset, only });
      }
    }
  }

  // --- (c) tables -------------------------------------------------------------------------------------------------
  interface TableInfo {
    module: string;
    exportName: string;
    file: string;
  }
  const tables = new Map<string, TableInfo>();
  const owners = new Map<string, string[]>();
  // the platform may own tables of its own (declared in any of its files): it reaches them through its functions, and
  // modules name them in no SQL
  for (const file of files.filter((f) => isCode(f) && (/\.schema\.tsx?$/.test(f) || f.startsWith('src/platform/')))) {
    const place = placeOf(file);
    if (place.kind !== 'module' && place.kind !== 'platform') continue;
    const owner = place.kind === 'module' ? place.module : 'platform';
    const s = source(file);
    for (const m of s.text.matchAll(/export\s+const\s+(\w+)\s*=\s*pgTable\(\s*['"]([A-Za-z0-9_]+)['"]/g)) {
      const [, exportName, table] = m;
      const existing = tables.get(table!);
      if (existing) {
        add('tables', file, m.index, 'table-owned-twice', `table ${table} is declared by module ${existing.module} (${existing.file}) as well`);
        continue;
      }
      tables.set(table!, { module: owner, exportName: exportName!, file });
      owners.set(owner, [...(owners.get(owner) ?? []), table!]);
    }
  }
  for (const file of files.filter((f) => f.startsWith('src/platform/db/migrations/') && f.endsWith('.sql'))) {
    const text = readFileSync(join(root, file), 'utf8').replace(/--[^\n]*/g, (c) => ' '.repeat(c.length));
    for (const m of text.matchAll(/\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?"?([A-Za-z0-9_]+)"?/gi)) {
      const table = m[1]!.toLowerCase();
      if (!tables.has(table)) {
        const line = text.slice(0, m.index).split('\n').length;
        violations.push({
          fence: 'tables',
          file,
          line,
          rule: 'table-without-owner',
          message: `table ${table} is created here but no module's *.schema.ts declares it: declare it in the owning module`,
        });
      }
    }
  }

  /** Module -> export name -> table, for the tables its index re-exports from its own schema files. */
  const publishedExports = new Map<string, Map<string, string>>();
  const published = new Map<string, string[]>();
  for (const file of files.filter((f) => /^src\/modules\/[^/]+\/index\.tsx?$/.test(f))) {
    const module = (placeOf(file) as { module: string }).module;
    const exports = new Map<string, string>();
    for (const imp of source(file).imports) {
      if (imp.kind !== 'export') continue;
      const target = resolveImport(file, imp.specifier);
      if (!target || !/\.schema\.tsx?$/.test(target)) continue;
      const ofFile = [...tables.entries()].filter(([, t]) => t.file === target);
      const names = imp.names.length ? imp.names : ofFile.map(([, t]) => ({ imported: t.exportName, local: t.exportName }));
      for (const n of names) {
        const hit = ofFile.find(([, t]) => t.exportName === n.imported);
        if (hit && hit[1].module === module) exports.set(n.local, hit[0]);
      }
    }
    publishedExports.set(module, exports);
    published.set(module, [...new Set(exports.values())].sort());
  }

  const reads = new Map<string, string[]>();
  for (const file of files.filter(isCode)) {
    const place = placeOf(file);
    if (place.kind === 'test' || place.kind === 'outside') continue;
    const own = place.kind === 'module' ? place.module : place.kind === 'platform' ? 'platform' : null;
    const who = own ?? file;
    const s = source(file);
    /** Local name -> table, for the read models this file imports from other modules' index files. */
    const foreign = new Map<string, { module: string; table: string }>();
    for (const imp of s.imports) {
      const target = resolveImport(file, imp.specifier);
      const to = target ? placeOf(target) : null;
      if (!target || to?.kind !== 'module' || to.module === own || !moduleIndex(to.module, target)) continue;
      const exports = publishedExports.get(to.module);
      for (const n of imp.names) {
        const table = exports?.get(n.imported);
        if (table) foreign.set(n.local, { module: to.module, table });
      }
    }
    if (foreign.size) reads.set(who, [...new Set([...(reads.get(who) ?? []), ...[...foreign.values()].map((f) => `${f.module}.${f.table}`)])].sort());

    for (const t of s.templates) {
      if (t.tag !== 'sql') continue;
      t.quasis.forEach((q, i) => {
        const text = q.text.replace(/'(?:[^']|'')*'/g, (c) => ' '.repeat(c.length)).replace(/--[^\n]*/g, (c) => ' '.repeat(c.length));
        for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
          const info = tables.get(m[0].toLowerCase());
          if (!info || info.module === own) continue;
          const how =
            info.module === 'platform'
              ? 'reach it through the platform functions that own it'
              : publishedExports.get(info.module)?.has(info.exportName)
                ? `import { ${info.exportName} } from module ${info.module}'s index and write \${${info.exportName}}`
                : `module ${info.module} does not publish it: read what it publishes, or ask it to publish a read model`;
          add('tables', file, q.offset + m.index, 'foreign-table-in-sql', `names table ${m[0]} of module ${info.module} in raw SQL; ${how}`);
        }
        const expression = t.expressions[i]?.trim();
        const written = expression ? foreign.get(expression) : undefined;
        if (written && /\b(insert\s+into|update|delete\s+from|truncate(\s+table)?)\s*$/i.test(text)) {
          add(
            'tables',
            file,
            q.offset + q.text.length,
            'writes-read-model',
            `writes ${written.table}, a read model of module ${written.module}: only its owner changes it`,
          );
        }
      });
    }
    for (const m of s.code.matchAll(/\.(insert|update|delete)\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
      const written = foreign.get(m[2]!);
      if (written)
        add('tables', file, m.index, 'writes-read-model', `writes ${written.table}, a read model of module ${written.module}: only its owner changes it`);
    }
  }

  violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { violations, owners, published, reads };
}
