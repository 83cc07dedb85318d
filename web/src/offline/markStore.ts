/**
 * The roll-call tablet's unsent marks, kept in IndexedDB so that a reload, a crash of the tab or a dead battery loses
 * none of them: each mark is written here when it is made and deleted once the server has acknowledged it (or refused
 * it for good). Raw IndexedDB, no wrapper: two stores and a handful of requests.
 *
 * - `marks`: one record per mark, keyed by its id (the idempotent id the server deduplicates on), read back in the
 *   order they were made (index `byRollcall` on [rollcallId, order]).
 * - `sent`: per roll call and user, when a batch last went through.
 *
 * Marks belong to the user who made them: after a sign-in as someone else they stay here, unsent, until that user
 * signs in again, so a mark is never recorded under another's name.
 */
import type { MarkResult } from '../features/rollcalls/rollcalls.api';

export interface StoredMark {
  id: string;
  rollcallId: string;
  userId: string;
  personId: string;
  result: MarkResult;
  reason?: string;
  markedAt: string;
  /** Increasing on this tablet: the order the marks were made in. */
  order: number;
}

const DB_NAME = 'custos-tablet';
const VERSION = 1;

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('IndexedDB is not available'));
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      const marks = db.createObjectStore('marks', { keyPath: 'id' });
      marks.createIndex('byRollcall', ['rollcallId', 'order']);
      db.createObjectStore('sent', { keyPath: ['rollcallId', 'userId'] });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  }).catch((err: unknown) => {
    opening = null; // a later call tries again
    throw err;
  });
  return opening;
}

/** Runs `work` in one transaction and resolves when it has committed. */
async function inTransaction<T>(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => IDBRequest<T> | undefined): Promise<T | undefined> {
  const db = await open();
  return new Promise<T | undefined>((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    const req = work(tx);
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

let lastOrder = 0;
/** Strictly increasing across reloads (the clock) and within a millisecond (the counter). */
export function nextOrder(): number {
  lastOrder = Math.max(lastOrder + 1, Date.now() * 1000);
  return lastOrder;
}

export async function keepMark(mark: StoredMark): Promise<void> {
  await inTransaction(['marks'], 'readwrite', (tx) => tx.objectStore('marks').put(mark));
}

/** This user's unsent marks of a roll call, oldest first. */
export async function keptMarks(rollcallId: string, userId: string): Promise<StoredMark[]> {
  const range = IDBKeyRange.bound([rollcallId, 0], [rollcallId, Number.MAX_SAFE_INTEGER]);
  const all = (await inTransaction<StoredMark[]>(['marks'], 'readonly', (tx) => tx.objectStore('marks').index('byRollcall').getAll(range))) ?? [];
  return all.filter((m) => m.userId === userId);
}

export async function forgetMarks(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await inTransaction(['marks'], 'readwrite', (tx) => {
    const store = tx.objectStore('marks');
    for (const id of ids) store.delete(id);
    return undefined;
  });
}

/** Every kept mark of a roll call (it was cancelled: the server takes no more marks). */
export async function forgetRollcall(rollcallId: string, userId: string): Promise<void> {
  const ids = (await keptMarks(rollcallId, userId)).map((m) => m.id);
  await forgetMarks(ids);
}

export async function recordSent(rollcallId: string, userId: string, at: string): Promise<void> {
  await inTransaction(['sent'], 'readwrite', (tx) => tx.objectStore('sent').put({ rollcallId, userId, at }));
}

export async function lastSent(rollcallId: string, userId: string): Promise<string | null> {
  const row = await inTransaction<{ at: string } | undefined>(['sent'], 'readonly', (tx) => tx.objectStore('sent').get([rollcallId, userId]));
  return row?.at ?? null;
}
