import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../errors';

/**
 * PGlite is PostgreSQL in single-user mode inside this process: it takes no lock on its folder, so a second process
 * (a `custos ledger verify` beside a running `custos serve`) would open the same files, see a stale state or corrupt
 * them, and fail deep inside the WebAssembly. Custos therefore writes `custos.lock` (pid and command) in the data
 * folder while a process has the embedded database open, and a second process refuses with one plain line.
 */
export const LOCK_FILE = 'custos.lock';

interface Holder {
  pid: number;
  command: string;
  since: string;
}

/** Opens of the same folder within this process (tests open a folder again after closing it, or twice). */
const heldHere = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, command: String(parsed.command ?? ''), since: String(parsed.since ?? '') } : null;
  } catch {
    return null;
  }
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  return args ? `custos ${args}` : 'custos';
}

/**
 * Takes the folder's lock or throws `EnvironmentError` naming the process that holds it. A lock left by a process
 * that no longer runs (killed, crashed) is taken over. Returns the release function.
 */
export function lockDataFolder(dataDir: string, databaseLocation: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const count = heldHere.get(path);
  if (count) {
    heldHere.set(path, count + 1);
    return once(() => release(path));
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, command: commandLine(), since: new Date().toISOString() } satisfies Holder));
      } finally {
        closeSync(fd);
      }
      heldHere.set(path, 1);
      hookExit();
      return once(() => release(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new EnvironmentError(
          'database.in_use',
          `the database at ${databaseLocation} is in use by a running Custos (pid ${holder.pid}${holder.command ? `: ${holder.command}` : ''}); ` +
            'stop it, or use its HTTP API, or set DATABASE_URL to a PostgreSQL server both can share',
        );
      }
      // stale: its process is gone (or the file is unreadable half-written junk)
      try {
        unlinkSync(path);
      } catch {
        // another process removed it first; try again
      }
    }
  }
  throw new EnvironmentError('database.in_use', `the database at ${databaseLocation} is being opened by another process; try again`);
}

let exitHooked = false;
/** A process that exits without closing its database (an uncaught error, process.exit) leaves no lock behind. */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const path of heldHere.keys()) removeIfOurs(path);
  });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function release(path: string): void {
  const count = (heldHere.get(path) ?? 1) - 1;
  if (count > 0) {
    heldHere.set(path, count);
    return;
  }
  heldHere.delete(path);
  removeIfOurs(path);
}

function removeIfOurs(path: string): void {
  if (readHolder(path)?.pid !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
