// The commander's own Ed25519 key for signing handovers, made in this browser by WebCrypto and kept in IndexedDB as
// a non-extractable CryptoKey: the page can sign with it, nobody (not this app, not the server) can read the private
// key out. The server keeps only the public key (SPKI DER, base64), registered on the first signature.

const DB = 'custos-signing-keys';
const STORE = 'keys';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const toBase64 = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf)));

export interface SigningKey {
  pair: CryptoKeyPair;
  publicKey: string;
}

/** The user's key on this browser, or null when none was made here yet. */
export async function loadKey(username: string): Promise<SigningKey | null> {
  const pair = await withStore<CryptoKeyPair | undefined>('readonly', (s) => s.get(username));
  if (!pair) return null;
  return { pair, publicKey: toBase64(await crypto.subtle.exportKey('spki', pair.publicKey)) };
}

/** Makes the user's key (the private half not extractable) and keeps it in this browser. */
export async function createKey(username: string): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  await withStore('readwrite', (s) => s.put(pair, username));
  return { pair, publicKey: toBase64(await crypto.subtle.exportKey('spki', pair.publicKey)) };
}

/** Ed25519 over the statement's exact text (UTF-8), base64. */
export async function signText(key: SigningKey, text: string): Promise<string> {
  return toBase64(await crypto.subtle.sign({ name: 'Ed25519' }, key.pair.privateKey, new TextEncoder().encode(text)));
}

/** A short fingerprint of a public key to show beside a signature (SHA-256, first 8 bytes in hex). */
export async function fingerprint(publicKey: string): Promise<string> {
  const bytes = Uint8Array.from(atob(publicKey), (c) => c.charCodeAt(0));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...hash.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Whether this browser's WebCrypto signs with Ed25519 (Chromium 137 and later do). */
export async function ed25519Supported(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}
