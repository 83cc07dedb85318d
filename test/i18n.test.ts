// The translations of the web app (issue 16 item 7): English and Arabic have the same keys in every namespace, every
// literal key the code asks for exists, and no JSX text or user-facing attribute is left as an English literal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const LOCALES = join(ROOT, 'web/src/i18n/locales');
const SRC = join(ROOT, 'web/src');

type Tree = { [key: string]: string | Tree };
const load = (lang: string, ns: string): Tree => JSON.parse(readFileSync(join(LOCALES, lang, `${ns}.json`), 'utf8')) as Tree;
const namespaces = (lang: string) =>
  readdirSync(join(LOCALES, lang))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();

/** Every leaf key, with i18next's plural suffixes folded (Arabic has six plural forms where English has two). */
function keys(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(path.replace(/_(zero|one|two|few|many|other)$/, ''), v);
    else for (const [kk, vv] of keys(v, path)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'locales' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(f) && !/\.d\.ts$/.test(f) ? [p] : [];
  });
}

describe('translations', () => {
  it('English and Arabic have the same namespaces', () => {
    expect(namespaces('ar')).toEqual(namespaces('en'));
  });

  for (const ns of namespaces('en')) {
    it(`namespace ${ns}: the same keys and placeholders in English and Arabic, none empty, Arabic in Arabic`, () => {
      const en = keys(load('en', ns));
      const ar = keys(load('ar', ns));
      expect([...ar.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [k, v] of en) {
        const a = ar.get(k) ?? '';
        expect(v.trim() === '' && v !== '', `${ns}:${k} is blank in English`).toBe(false);
        expect(placeholders(a), `${ns}:${k} placeholders`).toEqual(placeholders(v));
        // a translated string carries Arabic letters unless English has none to translate (codes, formats, names)
        if (/[A-Za-z]{3,}/.test(v.replace(/\{\{[^}]*\}\}/g, '')) && !/^[A-Za-z]{1,4}-[a-z]{1,4}-[a-z]{1,4}$|^Custos$/.test(v)) {
          expect(/[\u0600-\u06FF]/.test(a), `${ns}:${k} is not Arabic: "${a}"`).toBe(true);
        }
      }
    });
  }

  it('every literal key the code asks for exists in English', () => {
    const missing: string[] = [];
    const all = new Map(namespaces('en').map((ns) => [ns, keys(load('en', ns))]));
    const has = (ns: string, key: string) => {
      const k = all.get(ns);
      return !!k && (k.has(key) || [...k.keys()].some((x) => x.startsWith(`${key}.`)));
    };
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      const used = [...text.matchAll(/useTranslation\(\s*'([\w-]+)'/g)].map((m) => m[1]!);
      const defaultNs = new Set(used).size === 1 ? used[0] : undefined;
      for (const m of text.matchAll(/\bt\(\s*'([^'$`]+)'/g)) {
        const raw = m[1]!;
        const [ns, key] = raw.includes(':') ? (raw.split(':', 2) as [string, string]) : [defaultNs, raw];
        if (!ns) continue;
        if (!has(ns, key)) missing.push(`${relative(ROOT, file)}: ${ns}:${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  // Attributes a user reads or hears; their literal values must come from t().
  const USER_FACING = new Set(['label', 'title', 'placeholder', 'aria-label', 'description', 'alt', 'tooltip', 'confirmLabel', 'cancelLabel', 'what']);
  /** Files not converted yet (each one shrinks this list; it must never grow). */
  const PENDING = new Set<string>(PENDING_FILES());

  function untranslated(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const found: string[] = [];
    const at = (n: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const wordy = (s: string) => (/[A-Za-z]{2,}/.test(s) && !/^[\w.-]+$/.test(s.trim()) ? true : /^[A-Z][a-z]{2,}/.test(s.trim()));
    const visit = (n: ts.Node) => {
      if (ts.isJsxText(n) && wordy(n.text.trim()) && n.text.trim() !== '') found.push(`${at(n)} text "${n.text.trim()}"`);
      if (ts.isJsxAttribute(n) && n.initializer && USER_FACING.has(n.name.getText())) {
        const v = n.initializer;
        const lit = ts.isStringLiteral(v)
          ? v
          : ts.isJsxExpression(v) && v.expression && (ts.isStringLiteral(v.expression) || ts.isNoSubstitutionTemplateLiteral(v.expression))
            ? v.expression
            : null;
        if (lit && wordy(lit.text)) found.push(`${at(n)} ${n.name.getText()}="${lit.text}"`);
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
    return found;
  }

  it('no JSX text or user-facing attribute is an English literal (outside the files still pending)', () => {
    const files = sourceFiles(SRC).filter((f) => f.endsWith('.tsx'));
    const offenders = files.filter((f) => !PENDING.has(relative(SRC, f))).flatMap(untranslated);
    expect(offenders).toEqual([]);
  });

  it('the list of files pending conversion names only files that still need it', () => {
    const stale = [...PENDING].filter((f) => {
      try {
        return untranslated(join(SRC, f)).length === 0;
      } catch {
        return true; // gone
      }
    });
    expect(stale).toEqual([]);
  });
});

function PENDING_FILES(): string[] {
  return [
    'features/persons/fields.tsx',
    'routes/EnrolPage.tsx',
    'routes/PersonEditPage.tsx',
  ];
}
