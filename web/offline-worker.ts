import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * Vite plugin: emits `sw.js` (web/src/offline/sw.js) at the root of the build with the build's id and the app shell to
 * cache at install: index.html, the entry chunk with what it imports, the roll-call screen's chunk with what it
 * imports, and their styles. Nothing is downloaded at run time but the app's own files.
 */
export function offlineWorker(): Plugin {
  return {
    name: 'custos-offline-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((f) => f.type === 'chunk');
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const shell = new Set<string>(['/index.html']);
      const add = (chunk: (typeof chunks)[number]) => {
        const path = `/${chunk.fileName}`;
        if (shell.has(path)) return;
        shell.add(path);
        for (const css of chunk.viteMetadata?.importedCss ?? []) shell.add(`/${css}`);
        for (const imported of chunk.imports) {
          const next = byName.get(imported);
          if (next) add(next);
        }
      };
      for (const c of chunks) if (c.isEntry || /\/routes\/RollcallPage\.tsx$/.test(c.facadeModuleId ?? '')) add(c);
      const build = Date.now().toString(36);
      const source = readFileSync(new URL('./src/offline/sw.js', import.meta.url), 'utf8')
        .replace('__CUSTOS_BUILD__', build)
        .replace('__CUSTOS_SHELL__', JSON.stringify([...shell]));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
