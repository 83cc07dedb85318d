/**
 * Just enough of a TypeScript lexer for the boundary checks: comments and strings are told apart from code, template
 * literals are found with their tag and nesting, and import specifiers are read with whether they are type-only.
 */

export interface TemplateLiteral {
  /** The identifier (or member chain) written right before the backtick: `sql`, `sql.raw`, '' for none. */
  tag: string;
  /** Text between the expressions, with the offset of each piece in the file. */
  quasis: { text: string; offset: number }[];
  /** The source text of each `${...}` expression. */
  expressions: string[];
  offset: number;
}

export interface ImportSpec {
  specifier: string;
  /** `import type` / `export type`: erased at compile time, loads nothing. */
  typeOnly: boolean;
  /**
   * Named bindings: `import { a, b as c }` gives {imported: a, local: a}, {imported: b, local: c}; for a re-export
   * `export { a as b } from`, local is the exported name. Empty for namespace, default-only and side-effect imports.
   */
  names: { imported: string; local: string }[];
  kind: 'import' | 'export' | 'dynamic';
  offset: number;
}

export interface ScannedSource {
  text: string;
  /** The text with comments, string contents and template text blanked out (same length, same line breaks). */
  code: string;
  templates: TemplateLiteral[];
  imports: ImportSpec[];
  lineOf(offset: number): number;
}

const REGEX_AFTER = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void', 'yield', 'await', 'delete', 'throw', 'new']);

export function scanSource(text: string): ScannedSource {
  const code = text.split('');
  const templates: TemplateLiteral[] = [];
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (code[k] !== '\n') code[k] = ' ';
  };

  /** The last significant code character or word before `i` (for telling a regex from a division). */
  const previousToken = (i: number): string => {
    let k = i - 1;
    while (k >= 0 && /\s/.test(code[k]!)) k--;
    if (k < 0) return '';
    if (/[A-Za-z0-9_$]/.test(code[k]!)) {
      let s = k;
      while (s > 0 && /[A-Za-z0-9_$]/.test(code[s - 1]!)) s--;
      return text.slice(s, k + 1);
    }
    return code[k]!;
  };

  const tagBefore = (i: number): string => {
    let k = i - 1;
    while (k >= 0 && /\s/.test(text[k]!)) k--;
    let s = k + 1;
    while (s > 0 && /[A-Za-z0-9_$.]/.test(text[s - 1]!)) s--;
    return text.slice(s, k + 1);
  };

  /** Scans code from `i` until the closing brace of a `${` (depth 0) or the end; returns the index after it. */
  const scanCode = (start: number, untilBrace: boolean): number => {
    let i = start;
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      const next = text[i + 1];
      if (c === '/' && next === '/') {
        const end = text.indexOf('\n', i);
        const stop = end === -1 ? text.length : end;
        blank(i, stop);
        i = stop;
      } else if (c === '/' && next === '*') {
        const end = text.indexOf('*/', i + 2);
        const stop = end === -1 ? text.length : end + 2;
        blank(i, stop);
        i = stop;
      } else if (c === "'" || c === '"') {
        let k = i + 1;
        while (k < text.length && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
        blank(i + 1, k);
        i = k + 1;
      } else if (c === '`') {
        i = scanTemplate(i);
      } else if (c === '/') {
        const prev = previousToken(i);
        if (REGEX_AFTER.has(prev) || REGEX_AFTER_WORDS.has(prev)) {
          let k = i + 1;
          let inClass = false;
          while (k < text.length && text[k] !== '\n') {
            const r = text[k]!;
            if (r === '\\') k += 2;
            else {
              if (r === '[') inClass = true;
              else if (r === ']') inClass = false;
              else if (r === '/' && !inClass) break;
              k++;
            }
          }
          blank(i + 1, k);
          i = k + 1;
        } else i++;
      } else if (c === '{') {
        depth++;
        i++;
      } else if (c === '}') {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
        i++;
      } else i++;
    }
    return i;
  };

  const scanTemplate = (start: number): number => {
    const literal: TemplateLiteral = { tag: tagBefore(start), quasis: [], expressions: [], offset: start };
    templates.push(literal);
    let i = start + 1;
    let pieceStart = i;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        literal.quasis.push({ text: text.slice(pieceStart, i), offset: pieceStart });
        blank(pieceStart, i);
        return i + 1;
      } else if (c === '$' && text[i + 1] === '{') {
        literal.quasis.push({ text: text.slice(pieceStart, i), offset: pieceStart });
        blank(pieceStart, i);
        const exprStart = i + 2;
        const after = scanCode(exprStart, true);
        literal.expressions.push(text.slice(exprStart, after - 1));
        i = after;
        pieceStart = i;
      } else i++;
    }
    return i;
  };

  scanCode(0, false);
  const blanked = code.join('');
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return { text, code: blanked, templates, imports: readImports(text, blanked), lineOf };
}

/** Import and re-export declarations and dynamic imports, read from the code (comments ignored). */
function readImports(text: string, code: string): ImportSpec[] {
  const out: ImportSpec[] = [];
  // specifiers are string contents, blanked in `code`: match the shape on `code`, read the string from `text`
  const stringAt = (quoteIndex: number) => {
    const q = text[quoteIndex]!;
    const end = text.indexOf(q, quoteIndex + 1);
    return text.slice(quoteIndex + 1, end);
  };
  const declaration = /\b(import|export)(\s+type)?\s+([^;'"`]*?)\s*\bfrom\s*(['"])/g;
  for (let m = declaration.exec(code); m; m = declaration.exec(code)) {
    const clause = m[3]!;
    if (m[1] === 'export' && !/^(\{|\*)/.test(clause)) continue; // `export const x = ... from` cannot happen; guard anyway
    const braces = /\{([^}]*)\}/.exec(clause);
    const names = braces
      ? braces[1]!
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n.length > 0)
          .map((n) => {
            const [imported, local] = n.replace(/^type\s+/, '').split(/\s+as\s+/);
            return { imported: imported!.trim(), local: (local ?? imported)!.trim() };
          })
      : [];
    out.push({
      specifier: stringAt(m.index + m[0].length - 1),
      typeOnly: !!m[2],
      names,
      kind: m[1] as 'import' | 'export',
      offset: m.index,
    });
  }
  const bare = /\bimport\s*(['"])/g;
  for (let m = bare.exec(code); m; m = bare.exec(code)) {
    out.push({ specifier: stringAt(m.index + m[0].length - 1), typeOnly: false, names: [], kind: 'import', offset: m.index });
  }
  const dynamic = /\bimport\s*\(\s*(['"])/g;
  for (let m = dynamic.exec(code); m; m = dynamic.exec(code)) {
    // `typeof import('./x')` names a module's type only
    const typeOnly = /\btypeof\s*$/.test(code.slice(Math.max(0, m.index - 20), m.index));
    out.push({ specifier: stringAt(m.index + m[0].length - 1), typeOnly, names: [], kind: 'dynamic', offset: m.index });
  }
  return out;
}
