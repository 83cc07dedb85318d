// Server messages in the Arabic interface (issue 16): every error code the server declares and the web app can meet
// has an English and an Arabic text in the `errors` namespace (web/src/i18n/locales/*/errors.json), with the same
// placeholders, or a written reason why the web app never shows it. Codes are found in the server's source: the
// code argument of `new ...Error(...)`, the HTTP layer's `errorBody(...)`, the rate limiter's codes, the custody state
// machine's refusals (`custody.<rule>`) and the face quality verdicts that become refusals.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const ERROR_CLASSES = new Set(['DomainError', 'ValidationError', 'NotFoundError', 'ConflictError', 'ForbiddenError', 'UnauthenticatedError']);

/** Codes the web app never shows, each with its reason (a code raised only under src/cli/ needs none: the CLI prints it). */
const NOT_FROM_THE_WEB_APP: Record<string, string> = {
  'access.unknown_operator': 'the CLI acting as a named user (--as, CUSTOS_OPERATOR)',
  'biometrics.template_key_exposed': 'a start-up check of the key file; the server does not start',
  'response.not_as_documented': 'raised only with CUSTOS_RESPONSE_CHECK=strict, in the tests',
  'sync.identity_key_exposed': "a check of headquarters' identity key file when it is loaded; logged by the ingest, never an answer",
  'sync.identity_key_invalid': 'a malformed CUSTOS_SYNC_HQ_KEY / --hq-key / CUSTOS_SYNC_IDENTITY_KEY: the CLI or the start-up says it',
  'sync.transit_corrupt': 'caught at headquarters while comparing: the template is counted unreadable, never an answer',
  'sync.transit_version': 'caught at headquarters while comparing: the template is counted unreadable, never an answer',
  'sync.transit_wrong_key': 'caught at headquarters while comparing: the template is counted unreadable, never an answer',
};
/**
 * Codes made from a template (`prefix.*`): each template and where its codes are listed. `request.*` are Fastify's own
 * 4xx codes (an unknown route, a bad header), shown with the server's message as sent.
 */
const TEMPLATES: Record<string, string> = {
  'custody.*': 'the rules passed to refuse() in custody.domain.ts, collected below',
  'request.*': "Fastify's own codes; the server's message is shown",
};

interface Found {
  code: string;
  files: Set<string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every code the server can answer with, and the files that raise it; templates that make codes at run time. */
function serverCodes(): { codes: Map<string, Found>; templates: string[] } {
  const codes = new Map<string, Found>();
  const templates: string[] = [];
  const add = (code: string, file: string) => {
    const f = codes.get(code) ?? { code, files: new Set<string>() };
    f.files.add(relative(ROOT, file));
    codes.set(code, f);
  };
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && ERROR_CLASSES.has(n.expression.text)) {
        const arg = n.arguments?.[n.expression.text === 'DomainError' ? 1 : 0];
        if (arg && ts.isStringLiteral(arg) && CODE.test(arg.text)) add(arg.text, file);
        else if (arg && ts.isTemplateExpression(arg)) templates.push(`${arg.head.text}*`);
        else if (n.expression.text === 'UnauthenticatedError' && !arg) add('auth.unauthenticated', file);
      }
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
        const name = n.expression.text;
        const arg = n.arguments[0];
        if ((name === 'errorBody' || name === 'rateLimited') && arg && ts.isStringLiteral(arg)) add(arg.text, file);
        if ((name === 'errorBody' || name === 'rateLimited') && arg && ts.isTemplateExpression(arg)) templates.push(`${arg.head.text}*`);
        if (name === 'refuse' && file.endsWith('custody.domain.ts') && arg && ts.isStringLiteral(arg)) add(`custody.${arg.text}`, file);
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  // The face engine's quality verdicts: the first one becomes the refusal's code (face.pipeline.ts).
  const quality = readFileSync(join(SRC, 'modules/biometrics/face/face.domain.ts'), 'utf8').match(/export type QualityReason = ([^;]+);/);
  for (const m of quality?.[1]?.matchAll(/'([a-z_.]+)'/g) ?? []) add(m[1]!, join(SRC, 'modules/biometrics/face/face.domain.ts'));
  return { codes, templates: [...new Set(templates)] };
}

type Tree = { [key: string]: string | Tree };
const load = (lang: string): Tree => JSON.parse(readFileSync(join(ROOT, 'web/src/i18n/locales', lang, 'errors.json'), 'utf8')) as Tree;
const lookup = (tree: Tree, code: string): string | undefined => {
  let at: string | Tree | undefined = tree;
  for (const part of code.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  // the whole code as one key too (i18next finds either)
  if (typeof at !== 'string' && typeof tree[code] === 'string') return tree[code] as string;
  return typeof at === 'string' ? at : undefined;
};
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('server error codes in the interface', () => {
  const { codes, templates } = serverCodes();
  const en = load('en');
  const ar = load('ar');
  const cliOnly = (f: Found) => [...f.files].every((file) => file.startsWith('src/cli/'));

  it('finds the codes of the server (a sanity check of the search)', () => {
    for (const code of [
      'custody.invalid_transition',
      'custody.move_to_same_unit',
      'registry.person_not_found',
      'request.malformed_json',
      'auth.rate_limited',
      'face.blurred',
      'internal',
      'auth.unauthenticated',
    ]) {
      expect(codes.has(code), code).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(150);
  });

  it('every code the web app can meet has English and Arabic, with the same placeholders', () => {
    const missing: string[] = [];
    for (const f of [...codes.values()].sort((a, b) => a.code.localeCompare(b.code))) {
      if (cliOnly(f) || f.code in NOT_FROM_THE_WEB_APP) continue;
      const e = lookup(en, f.code);
      const a = lookup(ar, f.code);
      if (!e || !a) {
        missing.push(`${f.code} (${[...f.files][0]})${e ? '' : ' en'}${a ? '' : ' ar'}`);
        continue;
      }
      expect(placeholders(a), `${f.code} placeholders`).toEqual(placeholders(e));
      expect(/[\u0600-\u06FF]/.test(a), `${f.code} is not Arabic`).toBe(true);
    }
    // add the code to web/src/i18n/locales/{en,ar}/errors.json, or to NOT_FROM_THE_WEB_APP with a reason
    expect(missing).toEqual([]);
  });

  it('codes made from templates are all accounted for', () => {
    const unknown = templates.filter((t) => !(t in TEMPLATES));
    expect(unknown).toEqual([]);
  });

  it('the reasons name codes that still exist', () => {
    const stale = Object.keys(NOT_FROM_THE_WEB_APP).filter((c) => !codes.has(c) && c !== 'response.not_as_documented');
    expect(stale).toEqual([]);
  });
});
