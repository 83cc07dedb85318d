import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes a data folder private to the user running Custos: folders 0700, files 0600, from `root` down. PGlite
 * creates its files with the process's umask (0644 in 0755 folders on most systems), which let any local user read
 * the whole database, and the template key sat beside it. Run on every start, so a folder copied or restored with
 * loose modes is tightened too. Symbolic links are left alone (chmod would follow them out of the folder). Not
 * recursive: `root` and its files only (the data folder may hold things of the user's own besides ours).
 */
export function tightenDataFolder(root: string, opts: { recursive?: boolean } = {}): void {
  if (process.platform === 'win32') return;
  const recursive = opts.recursive ?? true;
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive) stack.push(path);
      } else if (entry.isFile() && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    }
  }
}

/** New files of this process are private (0600, folders 0700) whatever the inherited umask. */
export function privateUmask(): void {
  if (process.platform !== 'win32') process.umask(0o077);
}
