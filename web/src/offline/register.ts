/**
 * The service worker (web/src/offline/sw.js, emitted as /sw.js by the build) keeps the app shell and the roll-call
 * tablet's reads so that a reload works while the site server is unreachable. Only in a built app: the dev server
 * serves modules that the worker does not know.
 */
export function registerOfflineWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A service worker needs a secure context (https, or localhost); elsewhere the app simply works online only.
  if (!window.isSecureContext) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}

/** Sign-out: the worker forgets the API answers it kept (who was signed in, roll calls and their lists). */
export function forgetOfflineReads(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.controller?.postMessage({ type: 'forget' });
  if ('caches' in window) void caches.delete('custos-offline-data').catch(() => undefined);
}
